"""What a compiled sub-rule is: a constant, a row's value of one kind, or only a truth.

Keeping constants apart from SQL lets every operator work on them through the evaluator
itself, and keeping truths apart from values stops a condition being compared as a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.sql.elements import ColumnElement, False_, True_


@dataclass(frozen=True)
class Const:
    """A value known at compile time (literals, constants, folded sub-rules)."""

    value: Any


@dataclass(frozen=True)
class Field:
    """A row's value of one kind; ``nullable=False`` marks compiled conditions (booleans)."""

    expr: ColumnElement[Any]
    kind: str
    name: str
    nullable: bool = True


@dataclass(frozen=True)
class Truth:
    """Only the truthiness is known (``and``/``or`` over non-booleans, ``missing``, ``if``)."""

    expr: ColumnElement[bool]
    name: str


Term = Const | Field | Truth


def condition(expr: ColumnElement[bool]) -> Term:
    """A compiled comparison: a boolean value, folded when SQLAlchemy already knows it."""
    if isinstance(expr, True_ | False_):
        return Const(isinstance(expr, True_))
    return Field(expr, "boolean", "(condition)", nullable=False)


def sql_bool(value: bool) -> ColumnElement[bool]:
    """A Python truth as a SQL constant."""
    return sql_true() if value else sql_false()
