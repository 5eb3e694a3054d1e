"""Import tests: the API fixtures."""

from __future__ import annotations

from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
