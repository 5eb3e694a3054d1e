"""Errors raised while evaluating JsonLogic rules.

Every failure of :func:`loomworks.logic.evaluator.evaluate` is a :class:`LogicError`, which
is a :class:`~loomworks.errors.BadRequest`: a rule that cannot be evaluated is the client's
problem to fix, and the API layer already knows how to report it.

Each error also carries a JSON *payload*, ``{"type": "NaN"}`` and the like, following the
conventions of the community JsonLogic suites. That payload is what a ``try`` handler sees
as its data and what ``throw`` can raise, so rules can inspect failures without Python.
"""

from __future__ import annotations

from typing import Any

from loomworks.errors import BadRequest

#: Payload types used by the built-in operators (the community suites' names).
INVALID_ARGUMENTS = "Invalid Arguments"
NOT_A_NUMBER = "NaN"
UNKNOWN_OPERATOR = "Unknown Operator"
INVALID_RULE = "Invalid Rule"


class LogicError(BadRequest):
    """A rule could not be evaluated; the message names the operator and the reason.

    ``recoverable`` is false for problems with the shape of the rule itself (unknown
    operator, nesting too deep, values JSON cannot hold): ``try`` never swallows those,
    so a malformed rule always surfaces instead of silently taking a fallback branch.
    """

    code = "logic_error"

    def __init__(
        self,
        operator: str | None,
        reason: str,
        *,
        kind: str = INVALID_ARGUMENTS,
        payload: Any = None,
        recoverable: bool = True,
    ) -> None:
        shown = operator if operator is None or len(operator) <= 60 else operator[:57] + "..."
        where = f"JsonLogic operator {shown!r}" if operator else "JsonLogic rule"
        super().__init__(f"{where}: {reason}", data={"operator": operator, "type": kind})
        self.operator = operator
        self.reason = reason
        self.kind = kind
        self.payload: Any = {"type": kind} if payload is None else payload
        self.recoverable = recoverable


class UnknownOperator(LogicError):
    """The rule names an operator this evaluator does not implement."""

    def __init__(self, operator: str) -> None:
        super().__init__(
            operator,
            "is not a known operator",
            kind=UNKNOWN_OPERATOR,
            recoverable=False,
        )
