"""Turning a cell as people type it into the value a field takes.

Exports from other systems and hand-kept spreadsheets write numbers as ``¥1,234.50``,
``$ 1 200``, ``1.234,50 €`` or ``(300)``; dates as ``2026-03-01``, ``2026/3/1``,
``2026年3月1日``, ``03/01/2026``, ``1 Mar 2026``; yes/no as ``是``/``否``. Each cell is read
the way a person would read it, or refused with a message naming what was expected;
values that need the database (relations, users) are left to ``resolve``.

Dates are read by dateutil (a date must name its year, month and day; ``2026年3月1日`` is read
too); a/b/yyyy is month first unless ``day_first`` (or a part above 12 says otherwise).
Date-times without an offset are in the import's time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from ..fields.base import FieldSpec, ValueError_

TEXT_TYPES = frozenset({"text", "long_text", "rich_text", "email", "phone", "url"})
WHOLE_TYPES = frozenset({"integer", "rating"})
NUMBER_TYPES = frozenset({"decimal", "currency", "percent", "duration"})
LIST_TYPES = frozenset({"multi_select", "tags"})
TRUE = frozenset({"true", "yes", "y", "1", "x", "✓", "是", "对", "有", "t"})
FALSE = frozenset({"false", "no", "n", "0", "否", "错", "无", "f", ""})
CURRENCY = re.compile(
    r"(?i)^(?:rmb|cny|usd|eur|gbp|hkd|jpy|us\$|hk\$|[¥￥$€£元])+|(?:rmb|cny|usd|eur|gbp|hkd|jpy|[¥￥$€£元])+$"
)
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
LIST_SEPARATORS = re.compile(r"\s*[,;，；、|\n]\s*")


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def coerce(
    cell: Any, fspec: FieldSpec, *, day_first: bool = False, zone: str = "UTC", written_as: str | None = None
) -> Any:
    """The JSON value for ``fspec`` (``None`` for an empty cell); ValueError_ if unreadable.
    ``written_as`` is the strptime format a column's dates follow, when the file says."""
    if is_blank(cell):
        return [] if fspec.type in LIST_TYPES else None
    kind = fspec.type
    if kind in TEXT_TYPES:
        return _text(cell)
    if kind in WHOLE_TYPES:
        number = parse_number(cell)
        if number != number.to_integral_value():
            raise ValueError_(f"{_shown(cell)} is not a whole number")
        return int(number)
    if kind in NUMBER_TYPES:
        number = parse_number(cell)
        return int(number) if number == number.to_integral_value() and abs(number) < 2**53 else float(number)
    if kind == "boolean":
        return parse_boolean(cell)
    if kind in ("date", "datetime") and written_as and isinstance(cell, str):
        cell = _formatted(cell, written_as)
    if kind == "date":
        return parse_date(cell, day_first).isoformat()
    if kind == "datetime":
        return parse_datetime(cell, day_first, zone).isoformat()
    if kind == "select":
        return choice(cell, fspec)
    if kind == "multi_select":
        return [choice(part, fspec) for part in LIST_SEPARATORS.split(_text(cell)) if part]
    if kind == "tags":
        return [part for part in LIST_SEPARATORS.split(_text(cell)) if part]
    return _text(cell) if isinstance(cell, str) else cell


def _formatted(cell: str, written_as: str) -> datetime:
    try:
        return datetime.strptime(cell.strip(), written_as)
    except ValueError:
        raise ValueError_(f"{_shown(cell)} does not follow the format {written_as}") from None


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def _shown(cell: Any) -> str:
    return repr(str(cell)[:60])


def parse_number(cell: Any) -> Decimal:
    if isinstance(cell, bool):
        raise ValueError_(f"{_shown(cell)} is not a number")
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    text = str(cell).strip().replace("\u00a0", " ").replace("\u202f", " ")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").strip()
    text = CURRENCY.sub("", text).strip()
    text = text.rstrip("%").strip().replace(" ", "").replace("'", "")  # 12% is 12 in a percent field
    text = _decimal_point(text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError_(f"{_shown(cell)} is not a number") from None
    if not number.is_finite():
        raise ValueError_(f"{_shown(cell)} is not a number")
    return -number if negative else number


def _decimal_point(text: str) -> str:
    """``1,234.5`` and ``1.234,5`` both become ``1234.5``; a lone comma with 1-2 decimals is one."""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            return text.replace(",", "")
        if re.fullmatch(r"-?\d+,\d{1,2}", text):
            return text.replace(",", ".")
        return text.replace(",", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", text):  # 1.234.567: points as thousands
        return text.replace(".", "")
    return text


def parse_boolean(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError_(f"{_shown(cell)} is not yes or no")


def parse_date(cell: Any, day_first: bool = False) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    # A date and time in a date column (an export's "2026-03-01 09:30") keeps its date.
    return _parsed(str(cell).strip(), day_first, "is not a date (try 2026-03-01)").date()


def parse_datetime(cell: Any, day_first: bool = False, zone: str = "UTC") -> datetime:
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time())
    else:
        moment = _parsed(str(cell).strip(), day_first, "is not a date and time (try 2026-03-01 09:30)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _parsed(text: str, day_first: bool, refusal: str) -> datetime:
    """dateutil's reading of ``text``, refused unless it names a whole date.

    dateutil fills what a text leaves out from a default; parsing against two different
    defaults shows whether the year, month and day all came from the text itself."""
    text = CHINESE_DATE.sub(lambda m: f"{m[1]}-{m[2]}-{m[3]}", text)
    readings: list[datetime] = []
    for default in (datetime(2000, 1, 1), datetime(2001, 2, 2)):
        try:
            readings.append(date_parser.parse(text, dayfirst=day_first, default=default))
        except (ValueError, OverflowError):
            raise ValueError_(f"{_shown(text)} {refusal}") from None
    if readings[0].date() != readings[1].date():
        raise ValueError_(f"{_shown(text)} {refusal}")
    return readings[0]


def choice(cell: Any, fspec: FieldSpec) -> str:
    """A choice by its value, or by its label in either language (case and spaces ignored)."""
    text = _text(cell)
    wanted = text.casefold().replace(" ", "_")
    for option in fspec.options.get("choices", []):
        labels = option.get("label") or {}
        names = {str(option["value"]).casefold(), *(str(v).casefold().replace(" ", "_") for v in labels.values())}
        if wanted in names or text.casefold() in {str(v).casefold() for v in labels.values()}:
            return str(option["value"])
    values = ", ".join(str(o["value"]) for o in fspec.options.get("choices", [])[:12])
    raise ValueError_(f"{_shown(cell)} is not one of: {values}")
