"""Reading an uploaded table: CSV (any common delimiter, UTF-8 or the GB18030 that Excel writes
on Chinese Windows) or XLSX (the first sheet, read-only and streaming).

The first non-empty row is the header. Cells come back as text (CSV) or as the spreadsheet's
own values (XLSX numbers and dates), which ``coerce`` accepts alike. Sizes are capped so a
large upload fails early with a clear message rather than exhausting memory.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationFailed, field_error

MAX_ROWS = 200_000
MAX_COLUMNS = 300
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    #: Each row as the cells under the headers (missing cells are None); with its line number.
    rows: list[tuple[int, list[Any]]]


def read_table(content: bytes, filename: str = "") -> Table:
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table((reader.line_num, row) for row in reader)
    except csv.Error as exc:
        raise ValidationFailed("the file is not readable CSV", [field_error("file", str(exc)[:200])]) from None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("the file is not text in UTF-8 or GB18030", [field_error("file", "unreadable encoding")])


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return _table((index, list(row)) for index, row in enumerate(sheet.iter_rows(values_only=True), start=1))
        finally:
            book.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl meets broken zips, XML and styles with many exception types
        message = str(exc)[:200] or type(exc).__name__
        raise ValidationFailed("the file is not a readable XLSX workbook", [field_error("file", message)]) from None


def _table(lines: Any) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in lines:
        if headers is None:
            if not any(_filled(c) for c in cells):
                continue
            headers = [str(c).strip() if c is not None else "" for c in cells]
            if len(headers) > MAX_COLUMNS:
                raise ValidationFailed("too many columns", [field_error("file", f"at most {MAX_COLUMNS} columns")])
            continue
        if not any(_filled(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed("too many rows", [field_error("file", f"at most {MAX_ROWS} rows per import")])
        padded = list(cells[: len(headers)]) + [None] * (len(headers) - len(cells))
        rows.append((number, padded))
    if headers is None:
        raise ValidationFailed("the file has no header row", [field_error("file", "is empty")])
    return Table(headers, rows)


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""
