"""Bilingual text on forms: labels written as ``{"en": ..., "zh-CN": ...}`` and the
server's own messages, both picked by the caller's locale."""

from __future__ import annotations

from typing import Any

LOCALES = ("en", "zh-CN")
MESSAGES = {
    "unknown": {"en": "unknown field", "zh-CN": "未知字段"},
    "required": {"en": "is required", "zh-CN": "必填"},
    "readonly": {"en": "is read-only", "zh-CN": "只读"},
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
