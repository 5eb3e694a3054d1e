"""``/api/notifications``: the caller's in-app inbox."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..automation import notifications
from .context import bool_param, int_param, transaction

bp = Blueprint("notifications", __name__, url_prefix="/api/notifications")


@bp.get("")
def list_notifications() -> Any:
    with transaction() as tx:
        return notifications.list_notifications(
            tx, unread=bool_param("unread"), limit=int_param("limit", 50), before=int_param("before", 0) or None
        )


@bp.post("/<id:notification_id>/read")
def mark_read(notification_id: int) -> Any:
    with transaction() as tx:
        return notifications.mark_read(tx, notification_id)


@bp.post("/read-all")
def mark_all_read() -> Any:
    with transaction() as tx:
        return notifications.mark_all_read(tx)
