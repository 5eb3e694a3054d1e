"""Signed prefill links: values a form takes from the link it was opened by, not from the visitor.

A rule that emails a customer a survey knows which project and company the answer is
about; the customer must not be able to change that (nor, on a public form, pick records
at all). ``form_link`` signs those values with the instance's secret (itsdangerous, the
signing library Flask itself uses), for that form only, valid for ``MAX_AGE``; submitting
the form with the token (``_prefill``) writes them into the form's ``prefill`` fields.
A token for another form, a changed one or an expired one is a 422 on ``_prefill``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import ValidationFailed, field_error

MAX_AGE = timedelta(days=90)


def _serializer(secret: str, form_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"loomworks.form-prefill.{form_key}")


def sign(secret: str, form_key: str, values: dict[str, Any]) -> str:
    return str(_serializer(secret, form_key).dumps(values))


def read(secret: str, form_key: str, token: Any) -> dict[str, Any]:
    if not isinstance(token, str) or len(token) > 4000:
        raise ValidationFailed("the link is not valid", [field_error("_prefill", "must be the token of a link")])
    try:
        values = _serializer(secret, form_key).loads(token, max_age=int(MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise ValidationFailed("the link has expired", [field_error("_prefill", "has expired")]) from None
    except BadSignature:
        raise ValidationFailed("the link is not valid", [field_error("_prefill", "is not a valid link")]) from None
    if not isinstance(values, dict):
        raise ValidationFailed("the link is not valid", [field_error("_prefill", "is not a valid link")])
    return values


def link(public_url: str, secret: str, form_key: str, values: dict[str, Any]) -> str:
    """The address of the public form page, carrying the signed values."""
    return f"{public_url.rstrip('/')}/public/forms/{quote(form_key)}?prefill={sign(secret, form_key, values)}"
