"""``var``, ``missing`` and ``missing_some``: the operators that read the record.

Paths must be literals, since SQL cannot choose a column per row; each resolves through
the scope to a field or a constant of the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, and_, case, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from loomworks.logic.errors import NOT_A_NUMBER, LogicError
from loomworks.logic.jsvalues import CoercionError, to_js_string, to_number
from loomworks.logic.sql.comparisons import order_number
from loomworks.logic.sql.errors import refuse
from loomworks.logic.sql.terms import Const, Term, Truth, sql_bool

if TYPE_CHECKING:
    from loomworks.logic.sql.walker import Compiler


def variable(c: Compiler, name: str, raw: Any) -> Term:
    """``var``: a field of the row or a constant, with an optional default."""
    args = c.arguments(name, raw)
    values = [arg.value for arg in args if isinstance(arg, Const)]
    if len(values) != len(args):
        raise refuse(name, "the path must be written as a literal")
    path = values[0] if values else None
    if path is None or path == "":
        raise refuse(name, "the whole record is not a value SQL can compare")
    default = values[1] if len(values) > 1 else None
    return c.resolve(to_js_string(path), default)


def missing(c: Compiler, name: str, raw: Any) -> Term:
    """``missing``: a constant list when no path is a field, else only its truth."""
    args = c.arguments(name, raw)
    if args and isinstance(args[0], Const) and isinstance(args[0].value, list):
        args = [Const(item) for item in args[0].value]
    keys = [arg.value for arg in args if isinstance(arg, Const)]
    if len(keys) != len(args):
        raise refuse(name, "the paths must be written as literals")
    flags = [c.missing_flag(key) for key in keys]
    if all(isinstance(flag, bool) for flag in flags):
        return Const([key for key, flag in zip(keys, flags, strict=True) if flag])
    return Truth(or_(*[sql_bool(f) if isinstance(f, bool) else f for f in flags]), name)


def missing_some(c: Compiler, name: str, raw: Any) -> Term:
    """``missing_some``: truthy when fewer than the count of paths are present."""
    args = c.arguments(name, raw)
    if len(args) < 2 or not isinstance(args[1], Const) or not isinstance(args[1].value, list):
        raise LogicError(name, "needs a count and an array of paths")
    if not isinstance(args[0], Const):
        raise refuse(name, "the count must be written as a literal")
    try:
        need = to_number(args[0].value)
    except CoercionError as exc:
        raise LogicError(name, str(exc), kind=NOT_A_NUMBER) from exc
    paths = args[1].value
    flags = [c.missing_flag(path) for path in paths]
    if all(isinstance(flag, bool) for flag in flags):
        absent = [path for path, flag in zip(paths, flags, strict=True) if flag]
        return Const([] if len(paths) - len(absent) >= need else absent)
    count: ColumnElement[Any] = literal(sum(flag is True for flag in flags), BigInteger())
    for flag in flags:
        if not isinstance(flag, bool):
            count = count + case((flag, 1), else_=0)
    too_few = order_number(">", count, len(paths) - need)  # present = len - count < need
    return Truth(and_(too_few, count > 0), name)
