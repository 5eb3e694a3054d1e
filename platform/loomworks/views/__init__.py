"""Views and dashboards: saved ways of looking at records, as definitions."""
