"""Who is calling: session cookies (flask-login) or ``Authorization: Bearer`` tokens.

A session cookie carries ``<user id>:<session nonce>``; changing the nonce in the
database (logout, password change, deactivation) ends every session of that user
on the server, not only in the browser. Requests that ride on a session cookie
and change something must echo the per-session CSRF token in ``X-CSRF-Token``;
bearer-token calls are exempt because a browser never attaches them by itself.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user

from ..auth.users import actor_for, get_user, token_needs_touch, touch_token, user_for_token
from ..core.context import Actor
from ..core.db import write_connection
from ..errors import Forbidden, NotFound, Unauthorized
from .context import SAFE_METHODS, request_connection, runtime

CSRF_HEADER = "X-CSRF-Token"
CSRF_SESSION_KEY = "csrf"
#: Paths reachable without signing in.
PUBLIC_PATHS = frozenset({"/api/auth/login", "/api/health"})
#: Paths an anonymous caller may reach; the view itself decides (only public forms answer, and
#: inbound webhooks that bring their rule's secret).
OPEN_TO_ANONYMOUS = re.compile(r"/api/forms/[a-z][a-z0-9_]{0,62}(/submit)?|/api/hooks/[a-z][a-z0-9_]{0,62}")


class SignedInUser(UserMixin):  # type: ignore[misc]
    """The flask-login view of a user row; ``actor`` is what services receive."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.actor: Actor = actor_for(row)

    def get_id(self) -> str:
        return f"{self.row['id']}:{self.row['session_nonce']}"

    @property
    def is_active(self) -> bool:
        return bool(self.row["active"])


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies are ``Secure`` whenever the request came over HTTPS (or always, when
    ``LOOMWORKS_SECURE_COOKIES`` says so), so a deployment behind TLS needs no setting."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def init_session(app: Flask) -> None:
    app.session_interface = SessionCookies()
    manager = LoginManager()
    manager.init_app(app)
    manager.session_protection = None  # the nonce, not the IP address, decides
    manager.user_loader(_load_session_user)
    manager.unauthorized_handler(_unauthorized)
    app.before_request(_authenticate)


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return str(token)


def signed_in_user() -> SignedInUser | None:
    """The user this request authenticated as (set before the view runs)."""
    user = g.get("signed_in_user")
    return user if isinstance(user, SignedInUser) else None


def _load_session_user(session_id: str) -> SignedInUser | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    try:
        row = get_user(request_connection(), int(user_id))
    except NotFound:
        return None
    if not row["active"] or not hmac.compare_digest(row["session_nonce"], nonce):
        return None
    return SignedInUser(row)


def _token_user(header: str) -> SignedInUser | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    conn = request_connection()
    row = user_for_token(conn, token.strip())
    if row is None:
        return None
    if token_needs_touch(row):
        if request.method in SAFE_METHODS:
            # The request's connection only reads; a short write of its own records the use.
            with write_connection(runtime().engine) as writer, writer.begin():
                touch_token(writer, row["token_id"])
        else:
            touch_token(conn, row["token_id"])  # committed with the request's own changes
    return SignedInUser(row)


def _unauthorized() -> None:
    raise Unauthorized("sign in or send an API token")


def _authenticate() -> None:
    """Resolve the caller once per request; a bearer header never falls back to the cookie."""
    if not request.path.startswith("/api/"):
        return
    header = request.headers.get("Authorization")
    user: SignedInUser | None
    if header:
        user = _token_user(header)
        if user is None:
            raise Unauthorized("the API token is not valid or has been revoked")
        g.auth_method = "token"
    else:
        loaded = current_user._get_current_object() if current_user.is_authenticated else None
        user = loaded if isinstance(loaded, SignedInUser) else None
        g.auth_method = "session" if user else None
    g.signed_in_user = user
    if request.path in PUBLIC_PATHS:
        return
    anonymous_allowed = bool(OPEN_TO_ANONYMOUS.fullmatch(request.path))
    if user is None:
        if anonymous_allowed:
            return
        raise Unauthorized("sign in or send an API token")
    if g.auth_method == "session" and request.method not in SAFE_METHODS and not _csrf_matches():
        if anonymous_allowed:
            # A signed-in visitor on a public form page: they act as anyone would, not as themselves.
            g.signed_in_user, g.auth_method = None, None
            return
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header; read csrf_token from /api/auth/me")


def _csrf_matches() -> bool:
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_SESSION_KEY, "")
    return bool(expected) and hmac.compare_digest(str(expected), sent)
