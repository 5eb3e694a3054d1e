"""API fixtures (imported by the conftest of each API test folder): a real app on the test
database, an admin with a token, and a JSON client."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from loomworks.app import create_app
from loomworks.auth import users
from loomworks.runtime import Runtime


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    flask_app = create_app(runtime=runtime)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def admin_user(runtime: Runtime) -> dict[str, Any]:
    with runtime.engine.begin() as conn:
        return users.create_user(conn, ADMIN_EMAIL, ADMIN_PASSWORD, name="Api Admin", roles=["admin"])


@pytest.fixture
def admin_token(runtime: Runtime, admin_user: dict[str, Any]) -> str:
    with runtime.engine.begin() as conn:
        return str(users.create_token(conn, admin_user["id"], "tests")["token"])


@pytest.fixture
def api(app: Flask, admin_token: str) -> Api:
    """The admin, calling with a bearer token."""
    return Api(app.test_client(), {"Authorization": f"Bearer {admin_token}"})


@pytest.fixture
def anonymous(app: Flask) -> Api:
    """A client with no credentials (and its own cookie jar)."""
    return Api(app.test_client())
