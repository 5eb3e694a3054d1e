"""API tests get the shared API fixtures (``api_fixtures``)."""

from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
