"""Bilingual text on forms: labels written as ``{"en": ..., "zh-CN": ...}`` and the
server's own messages, both picked by the caller's locale."""

from __future__ import annotations

from typing import Any

from ..errors import ErrorDetail, LoomworksError
from ..records.integrity import TAKEN

LOCALES = ("en", "zh-CN")
MESSAGES = {
    "unknown": {"en": "unknown field", "zh-CN": "未知字段"},
    "required": {"en": "is required", "zh-CN": "必填"},
    "readonly": {"en": "is read-only", "zh-CN": "只读"},
}


#: Messages of the records service a form shows under fields, in the other language.
SERVICE_MESSAGES = {
    "is required": {"zh-CN": "必填"},
    "unknown field": {"zh-CN": "未知字段"},
    "is read-only for you": {"zh-CN": "你无权修改此字段"},
    TAKEN: {"zh-CN": "该值已被其他记录使用"},
}


def localize(text: Any, locale: str) -> str | None:
    """``{"en": ..., "zh-CN": ...}`` in ``locale``, falling back to English, then any text."""
    if not isinstance(text, dict) or not text:
        return None
    value = text.get(locale) or text.get("en") or next(iter(text.values()))
    return str(value)


def message(name: str, locale: str) -> str:
    """One of the server's own form messages in ``locale``."""
    return MESSAGES[name].get(locale) or MESSAGES[name]["en"]


def in_locale(error: LoomworksError, locale: str) -> LoomworksError:
    """``error`` with the records service's known field messages in ``locale`` (others as
    they are: schema messages stay English until the service speaks the caller's language)."""
    error.details = [
        ErrorDetail(d.field, SERVICE_MESSAGES.get(d.message, {}).get(locale, d.message), d.extra) for d in error.details
    ]
    return error
