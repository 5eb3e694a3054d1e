"""``/api/meta/roles``: role definitions (admins change them; admins and builders read them)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..auth import roles
from .context import bool_param, json_body, transaction

bp = Blueprint("roles", __name__, url_prefix="/api/meta/roles")


@bp.get("")
def list_roles() -> Any:
    with transaction() as tx:
        return {"items": roles.list_roles(tx, include_deleted=bool_param("include_deleted"))}


@bp.post("")
def create_role() -> Any:
    body = json_body()
    with transaction() as tx:
        return roles.create_role(tx, body, request.remote_addr), 201


@bp.get("/<key>")
def get_role(key: str) -> Any:
    with transaction() as tx:
        return roles.get_role(tx, key, include_deleted=bool_param("include_deleted"))


@bp.put("/<key>")
def replace_role(key: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return roles.replace_role(tx, key, body, request.remote_addr)


@bp.patch("/<key>")
def patch_role(key: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return roles.patch_role(tx, key, body, request.remote_addr)


@bp.delete("/<key>")
def delete_role(key: str) -> Any:
    with transaction() as tx:
        return roles.delete_role(tx, key, request.remote_addr)


@bp.post("/<key>/restore")
def restore_role(key: str) -> Any:
    with transaction() as tx:
        return roles.restore_role(tx, key, request.remote_addr)
