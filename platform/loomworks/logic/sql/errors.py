"""The one error the compiler adds to the evaluator's: a rule SQL cannot run faithfully.

Rules the evaluator itself rejects raise its :class:`~loomworks.logic.errors.LogicError`
unchanged; both are 400s, never 500s.
"""

from __future__ import annotations

from typing import Any

from loomworks.errors import BadRequest
from loomworks.logic.jsvalues import js_type, to_js_string


class UnsupportedFilter(BadRequest):
    """A valid rule that cannot run as SQL with the evaluator's meaning; a 400, never a 500."""

    code = "unsupported_filter"

    def __init__(self, message: str, *, operator: str | None = None) -> None:
        super().__init__(message, data={"operator": operator})
        self.operator = operator


def refuse(operator: str | None, reason: str) -> UnsupportedFilter:
    """The error to raise for ``operator`` (None: the rule as a whole), saying why."""
    where = f"operator {operator!r}" if operator else "this rule"
    return UnsupportedFilter(f"{where} cannot be used in a filter: {reason}", operator=operator)


def show(value: Any) -> str:
    """A value as a refusal message names it: its JSON type and a short rendering."""
    text = repr(value) if isinstance(value, str) else to_js_string(value)
    return f"{js_type(value)} {text if len(text) <= 40 else text[:37] + '...'}"
