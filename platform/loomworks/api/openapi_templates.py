"""OpenAPI paths of the template catalog."""

from __future__ import annotations

from typing import Any

from .openapi_paths import OBJECT, _op, _path_param

KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary", "description": "the bundle (zip)"}},
            }
        }
    },
}


def template_paths() -> dict[str, Any]:
    upload = _op(
        "Upload a template bundle (admins, builders); checked before anything in it is read",
        ok=201,
        result=OBJECT,
        errors=(400, 401, 403, 409, 422),
    )
    upload["requestBody"] = UPLOAD
    return {
        "/api/templates": {
            "get": _op(
                "The catalog: each template at its newest version, with a preview (admins, builders)",
                result=OBJECT,
                errors=(401, 403),
            ),
        },
        "/api/templates/upload": {"post": upload},
        "/api/templates/{key}": {
            "get": _op("One template of the catalog", params=[_path_param("key", KEY)], result=OBJECT),
        },
    }
