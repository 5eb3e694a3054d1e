"""CSV export of a record list, as the reader sees it, streamed in keyset batches.

The rows, hidden fields and masks are exactly the list's (``records.query``): the same
filter, search and sort, read page by page so a large export never sits in memory. The
export also needs an ``export`` grant, and keeps only rows and fields that grant allows too.
Cells hold what people read: choice labels and related records' titles in the caller's
language, ISO dates, yes/no; a text cell that a spreadsheet would run as a formula
(``= + - @``, tab, carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import nh3
from sqlalchemy import and_

from ..auth.authorize import authorize
from ..core.context import Tx
from ..errors import BadRequest, field_error
from ..fields.base import FieldSpec
from ..fields.registry import FIELD_TYPES
from .access import entity_access
from .query import ListParams, after_row, build_condition, projection, read_page, sort_keys

BATCH_SIZE = 500
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_TYPES = frozenset({"integer", "decimal", "currency", "percent", "rating", "rollup", "formula"})
NOT_EXPORTED = frozenset({"sub_table"})
SYSTEM_COLUMNS = {
    "id": {"en": "ID", "zh-CN": "ID"},
    "_created_at": {"en": "Created at", "zh-CN": "创建时间"},
    "_updated_at": {"en": "Updated at", "zh-CN": "更新时间"},
}
YES_NO = {"en": ("Yes", "No"), "zh-CN": ("是", "否")}


def export_csv(tx: Tx, entity: str, params: ListParams, locale: str) -> Iterator[str]:
    """The CSV text in chunks: first the BOM and header (all checks done by then), then batches."""
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "read", f"entity:{entity}")
    authorize(tx, "export", f"entity:{entity}")
    table = tx.runtime.tables_for(spec).main
    access = entity_access(tx, spec, "read")
    exportable = entity_access(tx, spec, "export")
    condition = build_condition(tx, spec, params, access)
    if exportable.rows is not None:
        condition = and_(condition, exportable.rows)
    keys = sort_keys(spec, table, params.sort, access.restricted | exportable.restricted)
    columns = _columns(spec, params.fields, access.hidden | exportable.hidden)
    fields = [c for c in columns if isinstance(c, FieldSpec)]
    header = [_label(c, locale) for c in columns]
    return _chunks(tx, spec, access, fields, keys, condition, columns, header, locale)


def _chunks(
    tx: Tx,
    spec: Any,
    access: Any,
    fields: list[FieldSpec],
    keys: Any,
    condition: Any,
    columns: list[FieldSpec | str],
    header: list[str],
    locale: str,
) -> Iterator[str]:
    yield BOM + _csv_lines([[guard(h) for h in header]])
    page_condition = condition
    while True:
        records, rows, more = read_page(tx, spec, access, fields, keys, page_condition, BATCH_SIZE)
        yield _csv_lines([[cell(record, column, locale) for column in columns] for record in records])
        if not more or not rows:
            return
        page_condition = and_(condition, after_row(keys, rows[-1]))


def _columns(spec: Any, names: list[str] | None, hidden: frozenset[str]) -> list[FieldSpec | str]:
    if not names:
        return [f for f in projection(spec, None, hidden) if f.type not in NOT_EXPORTED]
    unknown = [n for n in names if n.startswith("_") and n not in SYSTEM_COLUMNS]
    if unknown:
        raise BadRequest(
            "unknown fields requested", [field_error("fields", f"unknown field {n[:100]!r}") for n in unknown]
        )
    chosen = {f.key: f for f in projection(spec, [n for n in names if n not in SYSTEM_COLUMNS], hidden)}
    columns: list[FieldSpec | str] = []
    for name in dict.fromkeys(names):
        if name in SYSTEM_COLUMNS:
            columns.append(name)
            continue
        fspec = chosen[name]
        if fspec.type in NOT_EXPORTED:
            raise BadRequest(
                f"{name!r} holds rows and cannot be a CSV column",
                [field_error("fields", f"{fspec.type} field {name!r} cannot be exported to CSV")],
            )
        columns.append(fspec)
    return columns


def _label(column: FieldSpec | str, locale: str) -> str:
    if isinstance(column, str):
        return SYSTEM_COLUMNS[column][locale if locale in SYSTEM_COLUMNS[column] else "en"]
    return _localized(column.label, locale) or column.key


def _localized(text: Any, locale: str) -> str:
    if isinstance(text, str):
        return text
    if not isinstance(text, dict) or not text:
        return ""
    return str(text.get(locale) or text.get("en") or next(iter(text.values())))


def cell(record: dict[str, Any], column: FieldSpec | str, locale: str) -> str:
    """One value as a person reads it (see the module docstring)."""
    if isinstance(column, str):
        value = record.get(column)
        return guard("" if value is None else str(value))
    if column.key not in record:  # masked on this row
        return ""
    value = record[column.key]
    if value is None or value == []:
        return ""
    kind = column.type
    if kind in NUMERIC_TYPES and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return guard(_text(record, column, value, locale))


def _text(record: dict[str, Any], column: FieldSpec, value: Any, locale: str) -> str:
    kind = column.type
    if kind == "boolean":
        yes, no = YES_NO.get(locale, YES_NO["en"])
        return yes if value else no
    if kind in ("select", "multi_select", "tags"):
        labels = {
            c["value"]: _localized(c.get("label"), locale) or c["value"] for c in column.options.get("choices", [])
        }
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in items)
    if kind in ("relation", "user", "created_by", "updated_by"):
        ref = (record.get("_refs") or {}).get(column.key)
        refs = ref if isinstance(ref, list) else [ref] if ref else []
        return ", ".join(str(r.get("title") or "") for r in refs)
    if kind == "attachment":
        return ", ".join(str(f.get("name", "")) if isinstance(f, dict) else str(f) for f in value)
    if kind == "rich_text":
        return html.unescape(nh3.clean(str(value), tags=set())).strip()
    if kind == "duration":
        return FIELD_TYPES.get(kind).format_text(value, column)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        yes, no = YES_NO.get(locale, YES_NO["en"])
        return yes if value else no
    return str(value)


def guard(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
