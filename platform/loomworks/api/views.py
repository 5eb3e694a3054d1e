"""Views and dashboards over HTTP: definitions under ``/api/meta/views`` and
``/api/meta/dashboards`` (admins, builders); what readers use under ``/api/views`` and
``/api/dashboards`` (each computed as the reader), and ``/api/apps``, the navigation."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, request

from ..errors import BadRequest, field_error
from ..templates.apps import list_apps
from ..views.dashboards import DASHBOARDS, dashboard_figures, readable_dashboards
from ..views.definitions import VIEWS, readable_views
from ..views.saved import create_saved_view, delete_saved_view, list_saved_views, update_saved_view
from .context import json_body, transaction
from .document_routes import add_document_routes

definitions_bp = Blueprint("view_definitions", __name__, url_prefix="/api/meta")
add_document_routes(definitions_bp, "views", VIEWS)
add_document_routes(definitions_bp, "dashboards", DASHBOARDS)

bp = Blueprint("views", __name__, url_prefix="/api")


@bp.get("/apps")
def apps() -> Any:
    with transaction() as tx:
        return list_apps(tx)


@bp.get("/views")
def list_views() -> Any:
    with transaction() as tx:
        return {"items": readable_views(tx, request.args.get("entity") or None)}


@bp.get("/dashboards")
def list_dashboards() -> Any:
    with transaction() as tx:
        return {"items": readable_dashboards(tx)}


@bp.get("/dashboards/<key>")
def get_dashboard(key: str) -> Any:
    filters = request.args.get("filters")
    parsed = None
    if filters:
        try:
            parsed = json.loads(filters)
        except ValueError:
            raise BadRequest("filters is not JSON", [field_error("filters", "must be a JSON object")]) from None
    with transaction() as tx:
        return dashboard_figures(tx, key, parsed)


@bp.get("/saved-views")
def saved_views() -> Any:
    with transaction() as tx:
        return list_saved_views(tx, request.args.get("entity") or None)


@bp.post("/saved-views")
def save_view() -> Any:
    body = json_body()
    with transaction() as tx:
        return create_saved_view(tx, body), 201


@bp.patch("/saved-views/<id:view_id>")
def change_saved_view(view_id: int) -> Any:
    body = json_body()
    with transaction() as tx:
        return update_saved_view(tx, view_id, body)


@bp.delete("/saved-views/<id:view_id>")
def remove_saved_view(view_id: int) -> Any:
    with transaction() as tx:
        delete_saved_view(tx, view_id)
    return "", 204
