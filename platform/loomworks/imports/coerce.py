"""Turning a cell as people type it into the value a field takes.

Exports from other systems and hand-kept spreadsheets write numbers as ``¥1,234.50``,
``$ 1 200``, ``1.234,50 €`` or ``(300)``; dates as ``2026-03-01``, ``2026/3/1``,
``2026年3月1日``, ``03/01/2026``, ``1 Mar 2026``; yes/no as ``是``/``否``. Each cell is read
the way a person would read it, or refused with a message naming what was expected;
values that need the database (relations, users) are left to ``resolve``.

Dates written a/b/yyyy are read month first unless ``day_first`` (or a part above 12 says
otherwise). Date-times without an offset are in the import's time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

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
MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
LIST_SEPARATORS = re.compile(r"\s*[,;，；、|\n]\s*")


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def coerce(cell: Any, fspec: FieldSpec, *, day_first: bool = False, zone: str = "UTC") -> Any:
    """The JSON value for ``fspec`` (``None`` for an empty cell); ValueError_ if unreadable."""
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
    text = str(cell).strip()
    found = _date_and_rest(text, day_first)
    if found is None or found[1].strip():
        raise ValueError_(f"{_shown(cell)} is not a date (try 2026-03-01)")
    return found[0]


def parse_datetime(cell: Any, day_first: bool = False, zone: str = "UTC") -> datetime:
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time())
    else:
        text = str(cell).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            found = _date_and_rest(text, day_first)
            if found is None:
                raise ValueError_(f"{_shown(cell)} is not a date and time (try 2026-03-01 09:30)") from None
            day, rest = found
            moment = datetime.combine(day, _time(rest.strip(), cell))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _time(text: str, cell: Any) -> time:
    if not text:
        return time()
    match = re.fullmatch(r"[T ]?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?", text)
    if match is None:
        raise ValueError_(f"{_shown(cell)} is not a date and time (try 2026-03-01 09:30)")
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if match.group(4):
        hour = hour % 12 + (12 if match.group(4).lower() == "pm" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValueError_(f"{_shown(cell)} has no such time of day") from None


def _date_and_rest(text: str, day_first: bool) -> tuple[date, str] | None:
    """The date at the start of ``text`` and what follows it, or None."""
    patterns: list[tuple[str, Any]] = [
        (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", lambda m: (int(m[1]), int(m[2]), int(m[3]))),
        (r"(\d{4})年(\d{1,2})月(\d{1,2})日?", lambda m: (int(m[1]), int(m[2]), int(m[3]))),
        (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", lambda m: _day_month(int(m[1]), int(m[2]), int(m[3]), day_first)),
        (r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -,]*(\d{4})", lambda m: (int(m[3]), _month(m[2]), int(m[1]))),
        (r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})", lambda m: (int(m[3]), _month(m[1]), int(m[2]))),
    ]
    for pattern, parts in patterns:
        match = re.match(pattern, text)
        if match is None:
            continue
        year, month, day = parts(match)
        try:
            return date(year, month, day), text[match.end() :]
        except ValueError:
            return None
    return None


def _day_month(a: int, b: int, year: int, day_first: bool) -> tuple[int, int, int]:
    if a > 12 or (day_first and b <= 12):
        return year, b, a
    return year, a, b


def _month(name: str) -> int:
    return MONTHS.get(name[:3].lower(), 0)


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
