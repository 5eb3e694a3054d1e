"""``GET /api/auth/explain?user=&entity=&action=[&id=]`` (admins): why a user may or may not act."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..records.explain import explain_record
from .context import int_param, transaction

bp = Blueprint("explain", __name__, url_prefix="/api/auth")


@bp.get("/explain")
def explain() -> Any:
    user_id = int_param("user", 0) or None
    entity = request.args.get("entity", "")
    action = request.args.get("action", "")
    record_id = int_param("id", 0) or None
    with transaction() as tx:
        return explain_record(tx, user_id, entity, action, record_id)
