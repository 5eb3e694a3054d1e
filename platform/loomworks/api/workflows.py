"""Workflows over HTTP: definitions (``/api/meta/workflows``), a record's transitions and
workflow history (``/api/records/...``), and approvals (``/api/approvals``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..records.service import get_record
from ..workflows import decisions, inbox, log, transitions
from ..workflows.definitions import WORKFLOWS
from .context import bool_param, int_param, json_body, transaction
from .document_routes import add_document_routes
from .records import record_id_param

definitions_bp = Blueprint("workflow_definitions", __name__, url_prefix="/api/meta")
add_document_routes(definitions_bp, "workflows", WORKFLOWS)

records_bp = Blueprint("workflow_records", __name__, url_prefix="/api/records")
approvals_bp = Blueprint("approvals", __name__, url_prefix="/api/approvals")


@records_bp.get("/<entity>/<record_id>/transitions")
def list_transitions(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        return transitions.list_transitions(tx, entity, record_id_param(entity, record_id))


@records_bp.post("/<entity>/<record_id>/transitions/<transition>")
def take_transition(entity: str, record_id: str, transition: str) -> Any:
    body = json_body(required=False)
    with transaction() as tx:
        result, waiting = transitions.take(tx, entity, record_id_param(entity, record_id), transition, body)
    return (result, 202) if waiting else result


@records_bp.get("/<entity>/<record_id>/workflow")
def workflow_history(entity: str, record_id: str) -> Any:
    with transaction() as tx:
        record = record_id_param(entity, record_id)
        readable = get_record(tx, entity, record)  # the caller may read the record, or it is a 404
        return {"items": log.read(tx, entity, record, set(readable))}


@approvals_bp.get("")
def list_approvals() -> Any:
    before = request.args.get("before")
    record = request.args.get("record_id")
    with transaction() as tx:
        return inbox.list_approvals(
            tx,
            mine=bool_param("mine"),
            requested=bool_param("requested"),
            status=request.args.get("status") or None,
            entity=request.args.get("entity") or None,
            record_id=int_param("record_id", 0) if record else None,
            limit=int_param("limit", 50),
            before=int_param("before", 0) if before else None,
        )


@approvals_bp.get("/<id:approval_id>")
def get_approval(approval_id: int) -> Any:
    with transaction() as tx:
        return inbox.get_approval(tx, approval_id)


@approvals_bp.post("/<id:approval_id>")
def decide(approval_id: int) -> Any:
    body = json_body()
    with transaction() as tx:
        return decisions.decide(tx, approval_id, body)
