"""``date_add``: date arithmetic rules need (due dates spread from a start date), with the
browser's answers (frontend/src/forms/__tests__/dates.test.ts holds the same cases)."""

from __future__ import annotations

from typing import Any

import pytest

from loomworks.logic.evaluator import LogicError, evaluate

CASES: list[tuple[list[Any], Any]] = [
    (["2026-01-25", 14, "days"], "2026-02-08"),
    (["2026-01-31", 1, "months"], "2026-02-28"),
    (["2024-02-29", 12, "months"], "2025-02-28"),
    (["2026-03-01", -1, "weeks"], "2026-02-22"),
    (["2026-01-31T09:00:00+08:00", -3, "hours"], "2026-01-31T06:00:00+08:00"),
    (["2026-01-31T23:30:00Z", 45, "minutes"], "2026-02-01T00:15:00+00:00"),
    (["2026-01-31", 2, "hours"], "2026-01-31T02:00:00+00:00"),
    ([None, 3, "days"], None),
]


@pytest.mark.parametrize(("args", "expected"), CASES)
def test_date_add_moves_dates_like_the_browser(args: list[Any], expected: Any) -> None:
    assert evaluate({"date_add": args}, {}) == expected


def test_date_add_reads_fields() -> None:
    assert evaluate({"date_add": [{"var": "start"}, 30, "days"]}, {"start": "2026-12-02"}) == "2027-01-01"


@pytest.mark.parametrize(
    "args", [["2026-01-01", 1, "years"], ["2026-01-01", 1.5, "days"], ["soon", 1, "days"], [20260101, 1, "days"]]
)
def test_date_add_refuses_what_it_cannot_compute(args: list[Any]) -> None:
    with pytest.raises(LogicError):
        evaluate({"date_add": args}, {})


DIFF_CASES: list[tuple[list[Any], Any]] = [
    (["2026-03-31", "2026-03-01", "days"], 30),
    (["2026-03-01", "2026-03-31", "days"], -30),
    (["2026-03-02T08:00:00+08:00", "2026-03-01", "hours"], 24),
    (["2026-03-15", "2026-03-01", "weeks"], 2),
    (["2026-03-01T00:10:00Z", "2026-03-01T00:00:59Z", "minutes"], 9),
    ([None, "2026-03-01", "days"], None),
]
TO_DATE_CASES: list[tuple[list[Any], Any]] = [
    (["2026-03-01T20:30:00+00:00", "+08:00"], "2026-03-02"),
    (["2026-03-01T20:30:00+00:00"], "2026-03-01"),
    (["2026-03-02T01:00:00+08:00", "+00:00"], "2026-03-01"),
    (["2026-03-02"], "2026-03-02"),
    ([None], None),
]


@pytest.mark.parametrize(("args", "expected"), DIFF_CASES)
def test_date_diff_counts_whole_units_like_the_browser(args: list[Any], expected: Any) -> None:
    assert evaluate({"date_diff": args}, {}) == expected


@pytest.mark.parametrize(("args", "expected"), TO_DATE_CASES)
def test_to_date_gives_the_calendar_date_in_an_offset_like_the_browser(args: list[Any], expected: Any) -> None:
    assert evaluate({"to_date": args}, {}) == expected


@pytest.mark.parametrize(
    ("operator", "args"),
    [("date_diff", ["2026-01-01", "2026-01-02", "months"]), ("to_date", ["2026-01-01T00:00:00Z", "8"])],
)
def test_date_diff_and_to_date_refuse_what_they_cannot_compute(operator: str, args: list[Any]) -> None:
    with pytest.raises(LogicError):
        evaluate({operator: args}, {})
