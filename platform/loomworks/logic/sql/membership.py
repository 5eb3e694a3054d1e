"""``in``: a field in a literal array or text, or a literal in a text or list field.

A field inside another field has no faithful SQL form and is refused; ``in`` over two
constants is folded like every other constant sub-rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_
from sqlalchemy import false as sql_false
from sqlalchemy.sql.elements import ColumnElement

from loomworks.logic.errors import LogicError
from loomworks.logic.jsvalues import js_type, to_js_string
from loomworks.logic.sql.comparisons import NEVER, target
from loomworks.logic.sql.dialects import Contains, ListHas
from loomworks.logic.sql.errors import refuse
from loomworks.logic.sql.terms import Const, Field, Term, Truth, condition
from loomworks.logic.sql.values import is_bool, is_null, literal_for, sql_value, text_literal

if TYPE_CHECKING:
    from loomworks.logic.sql.walker import Compiler


def membership(c: Compiler, name: str, raw: Any) -> Term:
    """``in``, dispatched on which side is the field and what the other side holds."""
    args = c.arguments(name, raw)
    if len(args) < 2:
        raise LogicError(name, "needs a value and a string or array to look in")
    if all(isinstance(arg, Const) for arg in args[:2]):
        return c.fold(name, args[:2], "")
    needle, haystack = args[0], args[1]
    for side in (needle, haystack):
        if isinstance(side, Truth):
            raise refuse(name, f"the value of {side.name!r} is only usable as a condition")
    if isinstance(haystack, Const):
        assert isinstance(needle, Field)
        found = haystack.value
        if isinstance(found, list):
            return condition(_member_of(needle, found))
        if isinstance(found, str):
            return condition(_field_in_text(needle, found))
        if found is None:
            return Const(False)
        raise refuse(name, f"cannot look inside {js_type(found)}")
    if not isinstance(needle, Const):
        raise refuse(name, "it finds a field in a literal or a literal in a field, not a field in a field")
    assert isinstance(haystack, Field)
    if haystack.kind == "text":
        return condition(_text_has(haystack, to_js_string(needle.value)))
    if haystack.kind == "json_list":
        if not isinstance(needle.value, str):
            return Const(False)  # list fields hold strings, and 'in' compares with ===
        return condition(ListHas(haystack.expr, text_literal(needle.value)))
    raise refuse(name, f"it looks inside text or list fields, not {haystack.kind} field {haystack.name!r}")


def _member_of(x: Field, items: list[Any]) -> ColumnElement[bool]:
    """``{"in": [field, [items]]}``: strict equality with any item."""
    parts = [is_null(x)] if any(item is None for item in items) else []
    targets = [target("in", x, item, strict=True) for item in items if item is not None]
    wanted = [value for value in targets if value is not NEVER]
    if wanted and x.kind == "boolean":
        parts.extend(is_bool(x, flag) for flag in set(wanted))
    elif wanted:
        values = [literal_for(x, value) for value in wanted]
        parts.append(and_(x.expr.is_not(None), sql_value(x).in_(values)))
    return or_(*parts) if parts else sql_false()


def _field_in_text(x: Field, text: str) -> ColumnElement[bool]:
    """``{"in": [field, "text"]}``: the field's JS string form is a substring of ``text``."""
    null_found = "null" in text  # String(null) is "null"
    if x.kind == "text":
        inside = and_(x.expr.is_not(None), Contains(text_literal(text, "in"), x.expr))
        return or_(x.expr.is_(None), inside) if null_found else inside
    if x.kind == "boolean":
        parts = [is_bool(x, flag) for flag in (True, False) if str(flag).lower() in text]
        return or_(is_null(x), *parts) if null_found else or_(sql_false(), *parts)
    raise refuse("in", f"{x.kind} field {x.name!r} cannot be looked for inside text")


def _text_has(x: Field, needle: str) -> ColumnElement[bool]:
    """``{"in": ["text", field]}``: a case-sensitive substring test; null holds nothing."""
    if needle == "":
        return x.expr.is_not(None)
    return and_(x.expr.is_not(None), Contains(x.expr, text_literal(needle, "in")))
