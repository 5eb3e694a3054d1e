"""``POST /api/records/{entity}/import`` (API.md): multipart ``file`` (CSV or XLSX), ``mapping``
(JSON), ``mode`` (insert|upsert), ``key_field``, and ``options`` (JSON) for the rest; answers
the per-row report ``{inserted, updated, failed, errors, ...}``."""

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
    options = options_from(_form_options())
    table = read_table(content, sent.filename or "")
    with transaction() as tx:
        return import_table(tx, entity, table, options)


def _form_options() -> dict[str, Any]:
    """API.md's multipart fields (``mapping`` JSON, ``mode`` insert|upsert, ``key_field``) merged
    into the ``options`` JSON, which carries the rest (create_missing, dry_run, ...)."""
    raw = _json_field("options", {})
    if not isinstance(raw, dict):
        raise BadRequest("options must be a JSON object", [field_error("options", "must be an object")])
    if "mapping" in request.form:
        raw["mapping"] = _json_field("mapping", None)
    mode = request.form.get("mode", "upsert" if request.form.get("key_field") or raw.get("key") else "insert")
    if mode not in ("insert", "upsert"):
        raise BadRequest("mode must be insert or upsert", [field_error("mode", "must be insert or upsert")])
    key_field = request.form.get("key_field") or raw.get("key")
    if mode == "upsert" and not key_field:
        raise BadRequest(
            "an upsert needs the key_field that finds each record", [field_error("key_field", "is required")]
        )
    raw.pop("key", None)
    if mode == "upsert":
        raw["key"] = key_field
    return raw


def _json_field(name: str, default: Any) -> Any:
    text = request.form.get(name)
    if text is None:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"{name} is not valid JSON: {exc}", [field_error(name, "is not JSON")]) from None
