"""``/api/automation/runs`` (admins and builders) and ``/api/outbox`` (admins)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..automation import outbox, runs
from .context import int_param, transaction

bp = Blueprint("automation", __name__, url_prefix="/api")


@bp.get("/automation/runs")
def list_runs() -> Any:
    record = request.args.get("record")
    with transaction() as tx:
        return runs.list_runs(
            tx,
            rule=request.args.get("rule") or None,
            status=request.args.get("status") or None,
            entity=request.args.get("entity") or None,
            record_id=int_param("record", 0) if record else None,
            limit=int_param("limit", 50),
            before=int_param("before", 0) or None,
        )


@bp.get("/automation/runs/<id:run_id>")
def get_run(run_id: int) -> Any:
    with transaction() as tx:
        return runs.get_run(tx, run_id)


@bp.post("/automation/runs/<id:run_id>/replay")
def replay_run(run_id: int) -> Any:
    with transaction() as tx:
        return runs.replay_run(tx, run_id), 201


@bp.get("/outbox")
def list_outbox() -> Any:
    with transaction() as tx:
        return outbox.list_deliveries(
            tx, request.args.get("status") or None, int_param("limit", 100), int_param("before", 0) or None
        )


@bp.get("/outbox/<id:outbox_id>")
def get_delivery(outbox_id: int) -> Any:
    with transaction() as tx:
        return outbox.get_delivery(tx, outbox_id)


@bp.post("/outbox/<id:outbox_id>/replay")
def replay_delivery(outbox_id: int) -> Any:
    with transaction() as tx:
        return outbox.replay_delivery(tx, outbox_id)
