"""``/api/records/{entity}/bulk`` and the manual rule buttons of a record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..automation import triggering
from ..records.bulk import bulk_change
from .context import json_body, transaction
from .records import record_id_param

bp = Blueprint("record_actions", __name__, url_prefix="/api/records")


@bp.post("/<entity>/bulk")
def bulk(entity: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return bulk_change(tx, entity, body)


@bp.get("/<entity>/<record_id>/actions")
def list_actions(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        return {"items": triggering.record_actions(tx, entity, record_id_param(entity, record_id))}


@bp.post("/<entity>/<record_id>/actions/<rule>")
def press(entity: str, record_id: str, rule: str) -> Any:
    with transaction() as tx:
        return triggering.press(tx, entity, record_id_param(entity, record_id), rule)
