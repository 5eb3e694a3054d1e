"""``/api/health``: is the database answering? Public, so load balancers can probe it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..automation.models import workers
from ..core.sqltypes import utcnow
from .context import runtime

bp = Blueprint("health", __name__, url_prefix="/api")
WORKER_SILENCE = timedelta(seconds=60)


@bp.get("/health")
def health() -> Any:
    engine = runtime().engine
    worker = "unknown"
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            recent = utcnow() - WORKER_SILENCE
            alive = conn.execute(select(func.count()).where(workers.c.seen_at >= recent)).scalar_one()
            worker = "ok" if alive else "none"
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    status = "ok" if database == "ok" else "degraded"
    # ``worker``: whether any worker (embedded, standalone or Celery) reported in the last minute.
    return {"status": status, "database": database, "worker": worker}, (200 if status == "ok" else 503)
