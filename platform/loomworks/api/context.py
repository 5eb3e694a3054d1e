"""Request plumbing shared by the blueprints: the acting user, transactions, body and params."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g, request
from sqlalchemy import Connection

from ..core.context import Actor, Tx
from ..core.db import unit_of_work, write_connection
from ..errors import BadRequest, Unauthorized, UnsupportedMediaType, field_error
from ..fields.base import MAX_RECORD_ID
from ..runtime import Runtime

MAX_JSON_DEPTH = 64


def runtime() -> Runtime:
    return current_app.extensions["loomworks"]  # type: ignore[no-any-return]


def current_actor() -> Actor:
    """The authenticated caller, resolved once per request by ``api.session``."""
    user = g.get("signed_in_user")
    if user is None:
        raise Unauthorized("sign in or send an API token")
    return user.actor  # type: ignore[no-any-return]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ANONYMOUS = Actor(id=None, name="anonymous")


def request_connection() -> Connection:
    """One pooled connection per request, shared by authentication and the service call.

    Unsafe methods get a write connection (on SQLite its transaction takes the write
    lock up front). Checking out once instead of twice saves a pool round trip and,
    on PostgreSQL, a liveness ping per request; ``release_request_connection`` returns
    it at teardown, rolling back whatever an error left open.
    """
    conn: Connection | None = g.get("_lw_connection")
    if conn is None:
        engine = runtime().engine
        conn = engine.connect() if request.method in SAFE_METHODS else write_connection(engine)
        g._lw_connection = conn
    return conn


def release_request_connection(_error: BaseException | None = None) -> None:
    conn = g.pop("_lw_connection", None)
    if conn is not None:
        conn.close()


@contextmanager
def transaction() -> Iterator[Tx]:
    """The request's unit of work, as the signed-in user, on the request's connection."""
    with runtime().transaction(current_actor(), connection=request_connection()) as tx:
        yield tx


@contextmanager
def caller_transaction() -> Iterator[Tx]:
    """Like ``transaction`` but an anonymous caller gets an anonymous actor (``id`` None, no
    roles) instead of a 401: for the few views that serve the public (public forms)."""
    user = g.get("signed_in_user")
    actor = user.actor if user is not None else ANONYMOUS
    with runtime().transaction(actor, connection=request_connection()) as tx:
        yield tx


def is_anonymous() -> bool:
    return g.get("signed_in_user") is None


@contextmanager
def request_work() -> Iterator[Connection]:
    """A unit of work on the request's connection for auth bookkeeping (sign-in, tokens)."""
    with unit_of_work(request_connection()) as conn:
        yield conn


def json_body(required: bool = True) -> Any:
    """The request's JSON body; it must be sent as JSON (``Content-Type: application/json``),
    which also keeps cross-site HTML forms (which cannot send that type) from posting to us."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise BadRequest("a JSON body is required")
        return {}
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON with Content-Type: application/json")
    try:
        body = strict_json(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {str(exc)[:200]}") from None
    _check_depth(body)
    return body


def strict_json(raw: str | bytes) -> Any:
    """Standard JSON only: ``NaN`` and ``Infinity`` (which Python accepts) are refused."""
    return json.loads(raw, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _check_depth(value: Any, depth: int = 0, path: str = "") -> None:
    """Refuse JSON nested too deeply and text no database can store faithfully.

    PostgreSQL rejects NUL characters and unpaired UTF-16 surrogates in text; refusing
    them here, for every backend, keeps data portable and the answer a clear 400.
    """
    if depth > MAX_JSON_DEPTH:
        raise BadRequest("the JSON body is nested too deeply")
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _check_depth(item, depth + 1, f"{path}.{key}" if path else str(key)[:100])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_depth(item, depth + 1, f"{path}.{index}" if path else str(index))


def _check_text(text: str, path: str) -> None:
    if "\x00" in text or _has_lone_surrogate(text):
        raise BadRequest(
            "text may not contain NUL or unpaired surrogate characters",
            [field_error(path[:200] or "body", "contains NUL or unpaired surrogate characters")],
        )


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_request_text() -> None:
    """Query-string values and path segments reach SQL too: the same characters are refused."""
    for name, value in request.args.items(multi=True):
        _check_text(value, name)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            _check_text(value, name)


def json_param(name: str) -> Any:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = strict_json(raw)
    except (json.JSONDecodeError, RecursionError):
        raise BadRequest(f"{name} must be URL-encoded JSON", [field_error(name, "not valid JSON")]) from None
    _check_depth(value, 0, name)
    return value


def int_param(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer", [field_error(name, "not an integer")]) from None
    if abs(value) > MAX_RECORD_ID:  # ids and limits alike: beyond 64 bits no database can take it
        raise BadRequest(f"{name} is out of range", [field_error(name, "out of range")])
    return value


def bool_param(name: str, default: bool = False) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise BadRequest(f"{name} must be true or false", [field_error(name, "not a boolean")])


def list_param(name: str) -> list[str]:
    raw = request.args.get(name, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def stash(key: str, value: Any) -> None:
    setattr(g, key, value)
