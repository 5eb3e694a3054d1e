"""``/api/forms``: forms rendered for rjsf and submitted through the records service.

The locale comes from ``Accept-Language`` here, at the edge, so the services take it as
a plain argument: a tag starting with ``zh`` means ``zh-CN``, anything else English.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..forms.compile import render_form
from ..forms.options import relation_options
from ..forms.submit import submit_form
from ..records import service
from .context import int_param, json_body, transaction

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
    with transaction() as tx:
        return render_form(tx, form, request_locale(), "create")


@bp.get("/<form>/records/<id:record_id>")
def get_form_record(form: str, record_id: Any) -> Any:
    with transaction() as tx:
        rendered = render_form(tx, form, request_locale(), "update")
        rendered["formData"] = service.get_record(tx, rendered["entity"], record_id)
        return rendered


@bp.get("/<form>/fields/<field>/options")
def field_options(form: str, field: str) -> Any:
    """Search a relation field's choices (``q``), as the caller may read them."""
    with transaction() as tx:
        return relation_options(tx, form, field, request.args.get("q") or None, int_param("limit", 20))


@bp.post("/<form>/submit")
def submit(form: str) -> Any:
    body = json_body()
    locale = request_locale()
    with transaction() as tx:
        record = submit_form(tx, form, body, locale)
        created = not (isinstance(body, dict) and body.get("id") is not None)
        return record, 201 if created else 200
