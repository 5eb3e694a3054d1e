"""Templates and the marketplace: bundles of definitions and sample data."""
