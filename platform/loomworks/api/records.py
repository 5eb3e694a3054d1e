"""``/api/records/{entity}``: list, create, read, change, delete, restore, history, aggregate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request, stream_with_context

from ..errors import BadRequest, NotFound, field_error
from ..records import aggregate as aggregation
from ..records import service
from ..records.export import export_csv
from ..records.query import ListParams, list_records
from .context import bool_param, int_param, json_body, json_param, list_param, transaction
from .converters import MAX_ID_DIGITS

bp = Blueprint("records", __name__, url_prefix="/api/records")


@bp.get("/<entity>")
def list_(entity: str) -> Any:
    params = ListParams(
        where=json_param("where"),
        q=request.args.get("q") or None,
        sort=list_param("sort"),
        limit=int_param("limit", 50),
        cursor=request.args.get("cursor") or None,
        fields=list_param("fields") or None,
        with_total=bool_param("total", True),
        deleted=bool_param("deleted"),
    )
    with transaction() as tx:
        return list_records(tx, entity, params)


@bp.post("/<entity>")
def create(entity: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return service.create_record(tx, entity, body), 201


@bp.get("/<entity>/aggregate")
def aggregate(entity: str) -> Any:
    with transaction() as tx:
        return aggregation.aggregate(
            tx, entity, list_param("group_by"), list_param("metrics") or ["count"], json_param("where")
        )


@bp.get("/<entity>/export")
def export(entity: str) -> Any:
    """The list as CSV (UTF-8 with BOM), streamed batch by batch; ``format`` must be csv."""
    wanted = request.args.get("format") or "csv"
    if wanted != "csv":
        raise BadRequest("format must be csv", [field_error("format", f"unsupported format {wanted[:20]!r}")])
    params = ListParams(
        where=json_param("where"), q=request.args.get("q") or None, sort=list_param("sort"), fields=list_param("fields")
    )
    from .forms import request_locale

    locale = request_locale()

    def generate() -> Any:
        with transaction() as tx:
            chunks = export_csv(tx, entity, params, locale)
            label = tx.runtime.entities.get(tx.conn, entity).label
            yield _filename(entity, label, locale)
            yield from chunks

    stream = stream_with_context(generate())
    filename = next(stream)  # runs every check: a refusal is an ordinary JSON error, not a broken download
    first = next(stream)
    response = Response(_prepend(first, stream), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = filename
    response.headers["Cache-Control"] = "no-store"
    return response


def _prepend(first: str, rest: Any) -> Any:
    yield first
    yield from rest


def _filename(entity: str, label: Any, locale: str) -> str:
    """``attachment; filename=<key>-<date>.csv`` plus RFC 5987 ``filename*`` with the label."""
    today = datetime.now(UTC).date().isoformat()
    name = (label.get(locale) or label.get("en")) if isinstance(label, dict) else None
    ascii_name = f"{entity}-{today}.csv"
    readable = f"{name or entity}-{today}.csv"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable, safe='')}"


@bp.get("/<entity>/<record_id>")
def get(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        return service.get_record(tx, entity, record_id_param(entity, record_id), include_deleted=bool_param("deleted"))


@bp.patch("/<entity>/<record_id>")
def patch(entity: str, record_id: str) -> Any:
    body = json_body()
    version = _expected_version(body)
    with transaction() as tx:
        return service.update_record(tx, entity, record_id_param(entity, record_id), body, expected_version=version)


@bp.delete("/<entity>/<record_id>")
def delete(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        service.delete_record(tx, entity, record_id_param(entity, record_id))
    return "", 204


@bp.post("/<entity>/<record_id>/restore")
def restore(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        return service.restore_record(tx, entity, record_id_param(entity, record_id))


@bp.get("/<entity>/<record_id>/history")
def history(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        return {"items": service.record_history(tx, entity, record_id_param(entity, record_id))}


def record_id_param(entity: str, raw: str) -> int:
    """Ids are opaque to clients; anything that is not one of ours is simply not found."""
    if not raw.isdigit() or not raw.isascii() or len(raw) > MAX_ID_DIGITS or raw.startswith("0"):
        raise NotFound(f"{entity} {raw[:40]!r} does not exist", data={"entity": entity})
    return int(raw)


def _expected_version(body: Any) -> int | None:
    """``_version`` in the body wins; otherwise ``If-Match`` (a bare or quoted number)."""
    if isinstance(body, dict) and "_version" in body:
        version = body["_version"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise BadRequest("_version must be an integer", [field_error("_version", "must be an integer")])
        return version
    header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not header:
        return None
    if not header.isdigit() or len(header) > MAX_ID_DIGITS:
        raise BadRequest("If-Match must be a record version", [field_error("If-Match", "must be an integer")])
    return int(header)
