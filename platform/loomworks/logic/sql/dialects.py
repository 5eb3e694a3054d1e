"""SQL constructs that differ between SQLite and PostgreSQL, one class per construct.

Each is a function element compiled per dialect, so the rest of the compiler builds one
expression and never asks which database it will run on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class Binary(FunctionElement[str]):
    """Text ordered by code point, whatever collation the column or database has."""

    type = String()
    name = "binary_text"
    inherit_cache = True


class Contains(FunctionElement[bool]):
    """Whether the second text occurs in the first; case-sensitive (unlike SQLite's LIKE)."""

    type = Boolean()
    name = "contains_text"
    inherit_cache = True


class ListHas(FunctionElement[bool]):
    """Whether a JSON array holds the string; false for NULL, JSON null and non-arrays."""

    type = Boolean()
    name = "list_has"
    inherit_cache = True


class ListNonEmpty(FunctionElement[bool]):
    """Whether a JSON value is a non-empty array; false for NULL and JSON null."""

    type = Boolean()
    name = "list_non_empty"
    inherit_cache = True


def _arg(compiler: SQLCompiler, element: FunctionElement[Any], index: int, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[index], **kw))


@compiles(Binary)
def _binary_sqlite(element: Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_arg(compiler, element, 0, **kw)}) COLLATE BINARY"


@compiles(Binary, "postgresql")
def _binary_pg(element: Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({_arg(compiler, element, 0, **kw)}) COLLATE "C"'


@compiles(Contains)
def _contains_sqlite(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(instr({_arg(compiler, element, 0, **kw)}, {_arg(compiler, element, 1, **kw)}) > 0)"


@compiles(Contains, "postgresql")
def _contains_pg(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(strpos({_arg(compiler, element, 0, **kw)}, {_arg(compiler, element, 1, **kw)}) > 0)"


@compiles(ListHas)
def _list_has_sqlite(element: ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    items = f"json_each({_arg(compiler, element, 0, **kw)}) AS lw_item"
    match = f"lw_item.type = 'text' AND lw_item.value = {_arg(compiler, element, 1, **kw)}"
    array = f"json_type({_arg(compiler, element, 0, **kw)}) = 'array'"
    return f"coalesce({array} AND EXISTS (SELECT 1 FROM {items} WHERE {match}), 0)"


@compiles(ListHas, "postgresql")
def _list_has_pg(element: ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    value = f"CAST({_arg(compiler, element, 0, **kw)} AS JSONB)"
    item = f"jsonb_build_array(CAST({_arg(compiler, element, 1, **kw)} AS TEXT))"
    return f"coalesce(jsonb_typeof({value}) = 'array' AND {value} @> {item}, false)"


@compiles(ListNonEmpty)
def _list_non_empty_sqlite(element: ListNonEmpty, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(coalesce(json_array_length({_arg(compiler, element, 0, **kw)}), 0) > 0)"


@compiles(ListNonEmpty, "postgresql")
def _list_non_empty_pg(element: ListNonEmpty, compiler: SQLCompiler, **kw: Any) -> str:
    value = f"CAST({_arg(compiler, element, 0, **kw)} AS JSONB)"
    return f"coalesce(jsonb_typeof({value}) = 'array' AND {value} <> '[]'::jsonb, false)"
