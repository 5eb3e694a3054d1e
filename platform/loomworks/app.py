"""``create_app``: wiring only. Everything the app does lives in services and blueprints."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from .api import (
    audit,
    auth,
    automation,
    explain,
    files,
    form_definitions,
    forms,
    frontend,
    health,
    hooks,
    imports,
    meta,
    notifications,
    openapi,
    record_actions,
    records,
    roles,
    rules,
    templates,
    users,
    views,
    workflows,
)
from .api.context import check_request_text, release_request_connection
from .api.converters import IdConverter
from .api.errors import register_error_handlers
from .api.session import init_session
from .config import Settings, load_settings
from .runtime import Runtime

SESSION_LIFETIME = timedelta(days=14)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the Flask app around one ``Runtime`` (created from settings unless given)."""
    settings = settings or (runtime.settings if runtime else load_settings())
    runtime = runtime or Runtime(settings)
    app = Flask("loomworks")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_NAME="loomworks_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
    )
    app.config["LOOMWORKS_FRONTEND_DIR"] = str(settings.frontend_dir)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese labels stay readable
    app.url_map.converters["id"] = IdConverter
    app.url_map.strict_slashes = False
    app.extensions["loomworks"] = runtime
    register_error_handlers(app)
    init_session(app)
    app.before_request(check_request_text)
    app.teardown_request(release_request_connection)
    blueprints = (
        health.bp,
        auth.bp,
        explain.bp,
        users.bp,
        audit.bp,
        meta.bp,
        roles.bp,
        form_definitions.bp,
        rules.bp,
        records.bp,
        record_actions.bp,
        workflows.definitions_bp,
        workflows.records_bp,
        workflows.approvals_bp,
        imports.bp,
        templates.bp,
        views.definitions_bp,
        views.bp,
        automation.bp,
        notifications.bp,
        hooks.bp,
        forms.bp,
        files.bp,
        openapi.bp,
        frontend.bp,  # last: its catch-all route answers what no API route claims
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
