"""``/api/audit`` (admins): the append-only audit log, newest first."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..auth import audit
from .context import current_actor, int_param, request_connection

bp = Blueprint("audit", __name__, url_prefix="/api/audit")


@bp.get("")
def list_entries() -> Any:
    actor_id = int_param("actor", 0) or None
    before = int_param("before", 0) or None
    return audit.query(
        request_connection(),
        current_actor(),
        action=request.args.get("action") or None,
        actor_id=actor_id,
        before=before,
        limit=int_param("limit", 100),
    )
