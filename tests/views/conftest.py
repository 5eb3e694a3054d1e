"""View and dashboard tests: the API fixtures and the small CRM-and-projects world."""

from __future__ import annotations

import pytest
from flask import Flask

from api_client import Api
from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
from automation_world import World, build_world
from loomworks.runtime import Runtime


@pytest.fixture
def world(api: Api, app: Flask, runtime: Runtime) -> World:  # noqa: F811
    return build_world(api, app, runtime)
