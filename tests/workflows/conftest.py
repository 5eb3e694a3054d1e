"""Workflow fixtures: ``people``, the automation world with the people of a contract approval
(see ``workflow_world``)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import Api
from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
from loomworks.runtime import Runtime
from workflow_world import People, build_people


@pytest.fixture
def people(api: Api, app: Flask, runtime: Runtime, admin_user: dict[str, Any]) -> People:  # noqa: F811
    return build_people(api, app, runtime, admin_user)
