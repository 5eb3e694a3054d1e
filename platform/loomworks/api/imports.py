"""``POST /api/records/{entity}/import``: a CSV or XLSX file (multipart ``file``) with the
import options as JSON (multipart ``options``); answers the per-row report."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, request

from ..errors import BadRequest, field_error
from ..imports.files import read_table
from ..imports.importer import import_table, options_from
from .context import runtime, transaction

bp = Blueprint("imports", __name__, url_prefix="/api/records")


@bp.post("/<entity>/import")
def import_records(entity: str) -> Any:
    sent = request.files.get("file")
    if sent is None:
        raise BadRequest("send the file as multipart form field 'file'", [field_error("file", "is required")])
    content = sent.stream.read(runtime().settings.max_body_bytes + 1)
    try:
        raw = json.loads(request.form.get("options") or "{}")
    except json.JSONDecodeError as exc:
        raise BadRequest(f"options is not valid JSON: {exc}", [field_error("options", "is not JSON")]) from None
    options = options_from(raw)
    table = read_table(content, sent.filename or "")
    with transaction() as tx:
        return import_table(tx, entity, table, options)
