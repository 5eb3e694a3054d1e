"""``/api/users`` (admins): list, invite/create, read, change roles, deactivate, reset passwords."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..auth import admin
from .context import current_actor, json_body, request_connection, request_work

bp = Blueprint("users", __name__, url_prefix="/api/users")


@bp.get("")
def list_users() -> Any:
    return {"items": admin.list_users(request_connection(), current_actor())}


@bp.post("")
def create_user() -> Any:
    body = json_body()
    with request_work() as conn:
        return admin.create_user(conn, current_actor(), body, request.remote_addr), 201


@bp.get("/<id:user_id>")
def get_user(user_id: int) -> Any:
    return admin.get_user(request_connection(), current_actor(), user_id)


@bp.patch("/<id:user_id>")
def update_user(user_id: int) -> Any:
    body = json_body()
    with request_work() as conn:
        return admin.update_user(conn, current_actor(), user_id, body, request.remote_addr)
