"""Aggregates for dashboards: group by one or two fields, date buckets, count/sum/avg/min/max."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from factories import Services, field, make_user
from loomworks.errors import BadRequest
from loomworks.records.aggregate import aggregate

REGIONS = {"choices": [{"value": "north"}, {"value": "south"}]}
SALES: list[dict[str, Any]] = [
    {"region": "north", "amount": 100, "qty": 1, "day": "2026-01-01", "at": "2026-03-31T23:30:00-02:00",
     "company": "Acme"},
    {"region": "north", "amount": 50.5, "qty": 2, "day": "2026-01-04", "at": "2026-01-01T00:00:00+00:00",
     "company": "Acme"},
    {"region": "south", "amount": 20, "qty": 3, "day": "2025-12-29", "company": "Globex"},
    {"region": "south", "amount": None, "qty": 4, "day": "2027-01-01"},
    {"region": None, "amount": 10, "qty": 5, "day": "2024-12-30", "company": "Globex"},
]  # fmt: skip
DELETED = {"region": "north", "amount": 1000, "qty": 6, "day": "2026-05-15"}


@pytest.fixture(scope="module")
def sales(shared_run: Services) -> Services:
    run = shared_run
    run.entity("company", [field("name")])
    run.entity(
        "sale",
        [
            field("region", "select", options=REGIONS),
            field("amount", "decimal"),
            field("qty", "integer"),
            field("day", "date"),
            field("at", "datetime"),
            field("tags", "tags"),
            field("company", "relation", options={"target": "company"}),
        ],
    )
    companies = {name: run.create("company", {"name": name})["id"] for name in ("Acme", "Globex")}
    for sale in SALES:
        run.create("sale", {**sale, "company": companies.get(sale.get("company"))})
    run.delete("sale", run.create("sale", DELETED)["id"])
    return run


def groups(
    run: Services, group_by: list[str], metrics: list[str] | None = None, where: Any = None
) -> list[dict[str, Any]]:
    return run(aggregate, "sale", group_by, metrics or ["count"], where)["groups"]


def counts(run: Services, item: str) -> dict[Any, int]:
    name = item.partition(":")[0]
    return {g["key"][name]: g["count"] for g in groups(run, [item])}


def iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def test_metrics_per_group_with_empty_group_last(sales: Services) -> None:
    result = groups(sales, ["region"], ["count", "sum:amount", "avg:amount", "min:amount", "max:amount", "sum:qty"])

    assert result == [
        {"key": {"region": "north"}, "count": 2, "sum_amount": 150.5, "avg_amount": 75.25,
         "min_amount": 50.5, "max_amount": 100, "sum_qty": 3},
        {"key": {"region": "south"}, "count": 2, "sum_amount": 20, "avg_amount": 20,
         "min_amount": 20, "max_amount": 20, "sum_qty": 7},
        {"key": {"region": None}, "count": 1, "sum_amount": 10, "avg_amount": 10,
         "min_amount": 10, "max_amount": 10, "sum_qty": 5},
    ]  # fmt: skip


def test_without_grouping_one_total(sales: Services) -> None:
    assert groups(sales, [], ["count", "sum:qty"]) == [{"key": {}, "count": 5, "sum_qty": 15}]


def test_metrics_default_to_count(sales: Services) -> None:
    assert sales(aggregate, "sale", ["region"], [])["groups"][0] == {"key": {"region": "north"}, "count": 2}


@pytest.mark.parametrize(
    ("bucket", "label"),
    [
        ("day", lambda d: d),
        ("week", iso_week),
        ("month", lambda d: d[:7]),
        ("quarter", lambda d: f"{d[:4]}-Q{(int(d[5:7]) + 2) // 3}"),
        ("year", lambda d: d[:4]),
    ],
)
def test_date_buckets(sales: Services, bucket: str, label: Any) -> None:
    expected: dict[str, int] = {}
    for sale in SALES:
        expected[label(sale["day"])] = expected.get(label(sale["day"]), 0) + 1

    assert counts(sales, f"day:{bucket}") == expected


def test_iso_weeks_across_year_ends(sales: Services) -> None:
    assert counts(sales, "day:week") == {"2025-W01": 1, "2026-W01": 3, "2026-W53": 1}


def test_date_field_buckets_by_day_unless_told(sales: Services) -> None:
    assert counts(sales, "day") == counts(sales, "day:day")


def test_datetimes_are_bucketed_in_utc(sales: Services) -> None:
    assert counts(sales, "at:month") == {"2026-01": 1, "2026-04": 1, None: 3}
    assert counts(sales, "at:quarter") == {"2026-Q1": 1, "2026-Q2": 1, None: 3}


def test_two_groupings(sales: Services) -> None:
    result = {(g["key"]["region"], g["key"]["day"]): g["count"] for g in groups(sales, ["region", "day:year"])}

    assert result == {("north", "2026"): 2, ("south", "2025"): 1, ("south", "2027"): 1, (None, "2024"): 1}


def test_where_narrows_the_groups(sales: Services) -> None:
    result = groups(sales, ["region"], ["sum:qty"], where={">": [{"var": "qty"}, 1]})

    assert [(g["key"]["region"], g["sum_qty"]) for g in result] == [("north", 2), ("south", 7), (None, 5)]


def test_relation_groups_carry_the_target_title(sales: Services) -> None:
    result = groups(sales, ["company"])

    assert [(g.get("titles", {}).get("company"), g["count"]) for g in result] == [
        ("Acme", 2),
        ("Globex", 2),
        (None, 1),
    ]


def test_user_groups_carry_the_persons_name(run: Services) -> None:
    """ "Win rate by owner" reads as people's names, not their ids."""
    wu = make_user(run.runtime, "wu@example.com", ("sales_rep",), name="Wu Lei")
    nameless = make_user(run.runtime, "li@example.com", ("sales_rep",))
    run.entity("visit", [field("owner", "user")])
    for owner in (wu.id, wu.id, nameless.id, None):
        run.create("visit", {"owner": owner})

    result = run(aggregate, "visit", ["owner"], ["count"])["groups"]
    assert [(g["key"]["owner"], g.get("titles", {}).get("owner"), g["count"]) for g in result] == [
        (wu.id, "Wu Lei", 2),
        (nameless.id, nameless.name, 1),
        (None, None, 1),
    ]


def test_min_and_max_of_dates(sales: Services) -> None:
    (result,) = groups(sales, [], ["min:day", "max:day", "max:at"])

    assert (result["min_day"], result["max_day"]) == ("2024-12-30", "2027-01-01")
    assert result["max_at"].startswith("2026-04-01T01:30:00")


@pytest.mark.parametrize(
    ("group_by", "metrics"),
    [
        pytest.param(["region", "day", "qty"], ["count"], id="three-groupings"),
        pytest.param(["ghost"], ["count"], id="unknown-group-field"),
        pytest.param(["tags"], ["count"], id="list-field"),
        pytest.param(["region:month"], ["count"], id="bucket-on-non-date"),
        pytest.param(["day:fortnight"], ["count"], id="unknown-bucket"),
        pytest.param([], ["median:amount"], id="unknown-metric"),
        pytest.param([], ["sum:region"], id="sum-of-text"),
        pytest.param([], ["avg:day"], id="avg-of-date"),
        pytest.param([], ["sum"], id="sum-without-field"),
        pytest.param([], ["sum:company"], id="sum-of-relation"),
    ],
)
def test_bad_aggregate_requests_are_a_400(sales: Services, group_by: list[str], metrics: list[str]) -> None:
    with pytest.raises(BadRequest):
        sales(aggregate, "sale", group_by, metrics)
