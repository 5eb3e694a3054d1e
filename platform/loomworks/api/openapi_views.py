"""OpenAPI paths of views and dashboards (definitions, and what readers see)."""

from __future__ import annotations

from typing import Any

from .openapi_paths import OBJECT, _op, _path_param, _query, definition_paths

KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}


def view_paths() -> dict[str, Any]:
    paths = definition_paths(
        "views", "view", create="Create a view (list, kanban, calendar, Gantt)", delete="Soft-delete a view"
    )
    paths.update(
        definition_paths("dashboards", "dashboard", create="Create a dashboard", delete="Soft-delete a dashboard")
    )
    paths["/api/views"] = {
        "get": _op(
            "The views over entities you may read",
            params=[_query("entity", KEY, "only this entity's views")],
            result=OBJECT,
            errors=(401,),
        )
    }
    paths["/api/apps"] = {
        "get": _op(
            "The installed apps with the entities, views and dashboards you may open (navigation)",
            result=OBJECT,
            errors=(401,),
        )
    }
    paths["/api/dashboards"] = {"get": _op("The dashboards with a widget you may read", result=OBJECT, errors=(401,))}
    paths["/api/dashboards/{key}"] = {
        "get": _op(
            "A dashboard's figures, computed as you (your row scopes and hidden fields apply)",
            params=[_path_param("key", KEY)],
            result=OBJECT,
            errors=(401, 403, 404),
        )
    }
    return paths
