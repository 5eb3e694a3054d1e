"""A small JSON client over Flask's test client, shared by the API tests."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

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
