"""API fixtures: a real app on the test database, an admin with a token, and a JSON client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.runtime import Runtime

ADMIN_EMAIL = "api-admin@example.com"
ADMIN_PASSWORD = "correct horse battery"


class Api:
    """Thin JSON client: ``api.post(path, body)`` → (status, parsed JSON or None)."""

    def __init__(self, client: FlaskClient, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = dict(headers or {})

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        payload = response.get_json(silent=True) if response.data else None
        return response.status_code, payload

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("DELETE", path, **kwargs)


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
def api(app: Flask, admin_token: str) -> Iterator[Api]:
    """The admin, calling with a bearer token."""
    with app.test_client() as client:
        yield Api(client, {"Authorization": f"Bearer {admin_token}"})


@pytest.fixture
def anonymous(app: Flask) -> Iterator[Api]:
    with app.test_client() as client:
        yield Api(client)
