"""``POST /api/hooks/{rule}``: inbound webhooks, authenticated by the rule's secret alone."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..automation import triggering
from ..errors import PayloadTooLarge
from .context import caller_transaction, json_body

bp = Blueprint("hooks", __name__, url_prefix="/api/hooks")

SECRET_HEADER = "X-Loomworks-Secret"
MAX_HOOK_BODY = 256 * 1024


@bp.post("/<key>")
def receive(key: str) -> Any:
    if (request.content_length or 0) > MAX_HOOK_BODY or len(request.get_data(cache=True)) > MAX_HOOK_BODY:
        raise PayloadTooLarge(f"a hook body may be at most {MAX_HOOK_BODY // 1024} kB")
    payload = json_body(required=False)
    with caller_transaction() as tx:
        return triggering.receive_hook(tx, key, request.headers.get(SECRET_HEADER), payload), 202
