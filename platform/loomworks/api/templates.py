"""``/api/templates``: the catalog, uploads, and installing, planning, uninstalling and
exporting apps."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..errors import BadRequest, field_error
from ..templates import catalog
from ..templates.export import export_app
from ..templates.install import install, options_from
from ..templates.plan import plan
from ..templates.uninstall import uninstall
from .context import current_actor, json_body, request_connection, runtime, transaction

bp = Blueprint("templates", __name__, url_prefix="/api/templates")


@bp.get("")
def list_templates() -> Any:
    with transaction() as tx:
        return catalog.list_catalog(tx)


@bp.post("/upload")
def upload() -> Any:
    sent = request.files.get("file")
    if sent is None:
        raise BadRequest("send the bundle as multipart form field 'file'", [field_error("file", "is required")])
    content = sent.stream.read(runtime().settings.max_body_bytes + 1)
    with transaction() as tx:
        entry, created = catalog.upload(tx, content)
    return entry, 201 if created else 200


@bp.get("/export")
def export() -> Any:
    app = request.args.get("app")
    if not app:
        raise BadRequest("name the app to export: ?app=KEY", [field_error("app", "is required")])
    with transaction() as tx:
        name, content = export_app(tx, app)
    return Response(
        content, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/<key>")
def get_template(key: str) -> Any:
    with transaction() as tx:
        return catalog.get_template(tx, key)


@bp.post("/<key>/plan")
def plan_install(key: str) -> Any:
    options = options_from(json_body(required=False))
    return plan(runtime(), current_actor(), key, options, connection=request_connection())


@bp.post("/<key>/install")
def install_template(key: str) -> Any:
    options = options_from(json_body(required=False))
    with transaction() as tx:
        return install(tx, key, options)


@bp.post("/<key>/uninstall")
def uninstall_template(key: str) -> Any:
    with transaction() as tx:
        return uninstall(tx, key)
