"""``/api/forms``: forms rendered for rjsf and submitted through the records service.

The locale comes from ``Accept-Language`` here, at the edge, so the services take it as
a plain argument: a tag starting with ``zh`` means ``zh-CN``, anything else English.
Anonymous callers reach ``GET /api/forms/{form}`` and its ``submit`` only for public
forms (``forms.public`` limits and audits them); everything else needs a signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, request

from ..errors import NotFound, PayloadTooLarge, Unauthorized
from ..forms import public
from ..forms.compile import render_form
from ..forms.definitions import require_public, resolve_form
from ..forms.options import relation_options
from ..forms.submit import honeypot_filled, submit_form
from ..records import service
from .context import caller_transaction, int_param, is_anonymous, json_body, request_work, transaction

bp = Blueprint("forms", __name__, url_prefix="/api/forms")


def request_locale() -> str:
    for tag, _quality in request.accept_languages:
        if tag.lower().startswith("zh"):
            return "zh-CN"
        if tag.lower().startswith("en"):
            return "en"
    return "en"


@bp.get("/<form>")
def get_form(form: str) -> Any:
    with caller_transaction() as tx, _closed_as_unauthorized():
        rendered = render_form(tx, form, request_locale(), "create", public=is_anonymous())
        rendered["context"] = {"$user": tx.actor.logic_context()}
        return rendered


@bp.get("/<form>/records/<id:record_id>")
def get_form_record(form: str, record_id: Any) -> Any:
    with transaction() as tx:
        rendered = render_form(tx, form, request_locale(), "update")
        rendered["context"] = {"$user": tx.actor.logic_context()}
        rendered["formData"] = service.get_record(tx, rendered["entity"], record_id)
        return rendered


@bp.get("/<form>/fields/<field>/options")
def field_options(form: str, field: str) -> Any:
    """Search a relation or user field's choices (``q``), as the caller may read them."""
    with transaction() as tx:
        return relation_options(tx, form, field, request.args.get("q") or None, int_param("limit", 20))


@bp.post("/<form>/submit")
def submit(form: str) -> Any:
    if is_anonymous():
        return _public_submit(form)
    body = json_body()
    locale = request_locale()
    with transaction() as tx:
        record = submit_form(tx, form, body, locale)
        created = not (isinstance(body, dict) and body.get("id") is not None)
        return record, 201 if created else 200


def _public_submit(form: str) -> Any:
    with caller_transaction() as tx, _closed_as_unauthorized():
        doc, _, spec = resolve_form(tx, form)
        require_public(doc, spec)  # before the body is read or counted
    if (request.content_length or len(request.get_data(cache=True))) > public.MAX_BODY_BYTES:
        raise PayloadTooLarge(f"a public form submission is at most {public.MAX_BODY_BYTES // 1024} kB")
    body = json_body()
    address = request.remote_addr or "unknown"
    with request_work() as conn:
        public.admit(conn, form, address)  # committed whatever happens to the submission
    with caller_transaction() as tx:
        record = None if honeypot_filled(body) else submit_form(tx, form, body, request_locale(), public=True)
        public.record_submission(tx.conn, form, record, address)
    return {"status": "received"}, 201


@contextmanager
def _closed_as_unauthorized() -> Iterator[None]:
    """To a stranger, a form that does not exist looks like one that is not public: 401 for
    both, so the answers do not list the forms and entities there are."""
    try:
        yield
    except NotFound:
        if is_anonymous():
            raise Unauthorized("sign in or send an API token") from None
        raise
