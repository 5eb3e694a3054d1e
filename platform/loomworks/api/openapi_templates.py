"""OpenAPI paths of the template catalog."""

from __future__ import annotations

from typing import Any

from .openapi_paths import OBJECT, _op, _path_param, _query

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


INSTALL_OPTIONS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "description": "a version in the catalog (default: the newest that runs here)"},
        "resolutions": {
            "type": "object",
            "description": "conflict id (from the plan) → 'mine' (the default) or 'template'",
            "additionalProperties": {"enum": ["mine", "template"]},
        },
        "confirm": {"type": "boolean", "description": "apply lossy column conversions the plan reported"},
        "sample_data": {"type": "boolean", "description": "load the bundle's sample rows (first install only)"},
    },
}
REPORT = {
    "type": "object",
    "properties": {
        name: {"type": "array", "items": OBJECT}
        for name in ("creates", "changes", "removes", "kept", "conflicts", "unchanged")
    },
}


def _with_options(operation: dict[str, Any]) -> dict[str, Any]:
    operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": INSTALL_OPTIONS}}}
    return operation


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
        "/api/templates/export": {
            "get": _op(
                "An installed app as a bundle (zip), customizations included",
                params=[_query("app", KEY, "the installed template's key")],
                result=None,
                errors=(400, 401, 403, 404),
            ),
        },
        "/api/templates/{key}": {
            "get": _op("One template of the catalog", params=[_path_param("key", KEY)], result=OBJECT),
        },
        "/api/templates/{key}/plan": {
            "post": _with_options(
                _op(
                    "What installing or upgrading would create, change, remove, and where it conflicts with "
                    "your changes (nothing is written)",
                    params=[_path_param("key", KEY)],
                    result=REPORT,
                    errors=(400, 401, 403, 404, 409, 422),
                )
            ),
        },
        "/api/templates/{key}/install": {
            "post": _with_options(
                _op(
                    "Install or upgrade, atomically; your changes stay on top of the new version",
                    params=[_path_param("key", KEY)],
                    result=REPORT,
                    errors=(400, 401, 403, 404, 409, 422),
                )
            ),
        },
        "/api/templates/{key}/uninstall": {
            "post": _op(
                "Hide the app (definitions soft-deleted, data kept); installing again brings it back",
                params=[_path_param("key", KEY)],
                result=REPORT,
                errors=(401, 403, 404, 409),
            ),
        },
    }
