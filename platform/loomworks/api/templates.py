"""``/api/templates``: the catalog (library and uploaded bundles) and uploading a bundle."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..errors import BadRequest, field_error
from ..templates import catalog
from .context import runtime, transaction

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


@bp.get("/<key>")
def get_template(key: str) -> Any:
    with transaction() as tx:
        return catalog.get_template(tx, key)
