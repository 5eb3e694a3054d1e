"""``/api/meta/rules``: rule definitions (admins and builders), their test runs and secrets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..automation import definitions, triggering
from .context import bool_param, json_body, transaction

bp = Blueprint("rules", __name__, url_prefix="/api/meta")


@bp.get("/rule-types")
def rule_types() -> Any:
    with transaction() as tx:
        return definitions.rule_types(tx)


@bp.get("/rules")
def list_rules() -> Any:
    with transaction() as tx:
        return {"items": definitions.list_rules(tx, include_deleted=bool_param("include_deleted"))}


@bp.post("/rules")
def create_rule() -> Any:
    body = json_body()
    with transaction() as tx:
        return definitions.create_rule(tx, body, request.remote_addr), 201


@bp.get("/rules/<key>")
def get_rule(key: str) -> Any:
    with transaction() as tx:
        return definitions.get_rule(tx, key)


@bp.put("/rules/<key>")
def replace_rule(key: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return definitions.replace_rule(tx, key, body, request.remote_addr)


@bp.patch("/rules/<key>")
def patch_rule(key: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return definitions.patch_rule(tx, key, body, request.remote_addr)


@bp.delete("/rules/<key>")
def delete_rule(key: str) -> Any:
    with transaction() as tx:
        return definitions.delete_rule(tx, key, request.remote_addr)


@bp.post("/rules/<key>/restore")
def restore_rule(key: str) -> Any:
    with transaction() as tx:
        return definitions.restore_rule(tx, key, request.remote_addr)


@bp.post("/rules/<key>/test")
def test_rule(key: str) -> Any:
    body = json_body(required=False)
    with transaction() as tx:
        return triggering.test_rule(tx, key, body)


@bp.post("/rules/<key>/secret")
def rotate_secret(key: str) -> Any:
    with transaction() as tx:
        return definitions.rotate_secret(tx, key)
