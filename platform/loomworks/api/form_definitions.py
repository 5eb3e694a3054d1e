"""``/api/meta/forms``: form definitions (admins and builders)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..forms import definitions
from .context import bool_param, json_body, transaction

bp = Blueprint("form_definitions", __name__, url_prefix="/api/meta/forms")


@bp.get("")
def list_forms() -> Any:
    with transaction() as tx:
        return {"items": definitions.list_forms(tx, include_deleted=bool_param("include_deleted"))}


@bp.post("")
def create_form() -> Any:
    body = json_body()
    with transaction() as tx:
        return definitions.create_form(tx, body, request.remote_addr), 201


@bp.get("/<key>")
def get_form(key: str) -> Any:
    with transaction() as tx:
        return definitions.get_form(tx, key)


@bp.put("/<key>")
def replace_form(key: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return definitions.replace_form(tx, key, body, request.remote_addr)


@bp.delete("/<key>")
def delete_form(key: str) -> Any:
    with transaction() as tx:
        return definitions.delete_form(tx, key, request.remote_addr)
