"""``/api/health``: is the database answering? Public, so load balancers can probe it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .context import runtime

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Any:
    engine = runtime().engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    status = "ok" if database == "ok" else "degraded"
    # No background worker exists yet: automations arrive with their own issue.
    return {"status": status, "database": database, "worker": "none"}, (200 if status == "ok" else 503)
