"""Cells as people type them, read as a person would (or refused, saying what was expected)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from loomworks.fields.base import FieldSpec, ValueError_
from loomworks.imports.coerce import coerce


def spec(type_: str, **options: Any) -> FieldSpec:
    return FieldSpec.from_json({"key": "x", "type": type_, "label": {"en": "X"}, "options": options})


STAGES = {
    "choices": [
        {"value": "won", "label": {"en": "Won", "zh-CN": "赢单"}},
        {"value": "needs_analysis", "label": {"en": "Needs analysis", "zh-CN": "需求分析"}},
    ]
}


@pytest.mark.parametrize(
    ("cell", "type_", "expected"),
    [
        ("1,234.50", "currency", 1234.5),
        ("¥1,234.00", "currency", 1234),
        ("$ 1 200", "currency", 1200),
        ("1.234,56 €", "currency", 1234.56),
        ("(300)", "decimal", -300),
        ("RMB 88", "currency", 88),
        ("12,5", "decimal", 12.5),
        ("12%", "percent", 12),
        ("1.234.567", "integer", 1234567),
        (42.0, "integer", 42),
        ("2026-03-01", "date", "2026-03-01"),
        ("2026/3/1", "date", "2026-03-01"),
        ("2026年3月1日", "date", "2026-03-01"),
        ("3/15/2026", "date", "2026-03-15"),
        ("15/3/2026", "date", "2026-03-15"),
        ("1 Mar 2026", "date", "2026-03-01"),
        ("Mar 1, 2026", "date", "2026-03-01"),
        (datetime(2026, 3, 1, 9, 30), "date", "2026-03-01"),
        ("是", "boolean", True),
        ("No", "boolean", False),
        ("won", "select", "won"),
        ("Needs Analysis", "select", "needs_analysis"),
        ("赢单", "select", "won"),
        ("a, b；c、d", "tags", ["a", "b", "c", "d"]),
        ("  Harbor  ", "text", "Harbor"),
        ("", "integer", None),
    ],
)
def test_cells_are_read_as_people_write_them(cell: Any, type_: str, expected: Any) -> None:
    options = STAGES if type_ == "select" else {}
    assert coerce(cell, spec(type_, **options)) == expected


def test_day_first_and_time_zones() -> None:
    assert coerce("01/02/2026", spec("date"), day_first=True) == "2026-02-01"
    assert coerce("01/02/2026", spec("date")) == "2026-01-02"
    assert coerce("2026-03-01 9:30 PM", spec("datetime"), zone="Asia/Shanghai") == "2026-03-01T21:30:00+08:00"
    assert coerce(date(2026, 3, 1), spec("datetime")) == "2026-03-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("cell", "type_", "message"),
    [
        ("twelve", "integer", "is not a number"),
        ("1.5", "integer", "is not a whole number"),
        ("2026-02-30", "date", "is not a date"),
        ("soon", "date", "is not a date"),
        ("maybe", "boolean", "is not yes or no"),
        ("draw", "select", "is not one of: won, needs_analysis"),
    ],
)
def test_unreadable_cells_say_what_was_expected(cell: Any, type_: str, message: str) -> None:
    options = STAGES if type_ == "select" else {}
    with pytest.raises(ValueError_, match=message):
        coerce(cell, spec(type_, **options))


@pytest.mark.parametrize("cell", ["March 2026", "15", "2026"])
def test_a_date_must_name_its_year_month_and_day(cell: str) -> None:
    with pytest.raises(ValueError_, match="is not a date"):
        coerce(cell, spec("date"))
