"""Values the platform computes on write: auto-numbers, formulas and rollups."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from factories import Services, error_fields, field
from loomworks.errors import ValidationFailed
from loomworks.meta import entities
from loomworks.records.service import record_history, restore_record

# --- auto numbers -------------------------------------------------------------------------------


def ticket(run: Services, pattern: str = "T-{0000}") -> None:
    run.entity("ticket", [field("subject"), ticket_number(pattern)])


def ticket_number(pattern: str = "T-{0000}") -> dict[str, Any]:
    return field("number", "auto_number", options={"pattern": pattern})


def test_auto_numbers_follow_the_pattern(run: Services) -> None:
    ticket(run)

    numbers = [run.create("ticket", {"subject": str(i)})["number"] for i in range(3)]

    assert numbers == ["T-0001", "T-0002", "T-0003"]


def test_auto_number_counter_restarts_with_the_date_part(run: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket(run, "DEAL-{YYYY}-{000}")
    for when, expected in [
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "DEAL-2026-001"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "DEAL-2026-002"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "DEAL-2027-001"),
    ]:
        monkeypatch.setattr("loomworks.records.service.utcnow", lambda when=when: when)
        assert run.create("ticket", {})["number"] == expected


def test_auto_number_cannot_be_set_or_changed(run: Services) -> None:
    ticket(run)
    record = run.create("ticket", {"subject": "a"})

    with pytest.raises(ValidationFailed) as caught:
        run.create("ticket", {"number": "T-9999"})
    assert error_fields(caught.value) == {"number"}
    with pytest.raises(ValidationFailed):
        run.patch("ticket", record["id"], {"number": "T-0100"})
    # Sending the current value back (a form resubmitting the record) is fine.
    assert run.patch("ticket", record["id"], {"number": "T-0001", "subject": "b"})["number"] == "T-0001"


def test_each_auto_number_field_counts_on_its_own(run: Services) -> None:
    ticket(run)
    run.entity("invoice", [field("number", "auto_number", options={"pattern": "INV{00}"})])

    run.create("ticket", {})
    run.create("ticket", {})

    assert run.create("invoice", {})["number"] == "INV01"


def test_concurrent_inserts_get_unique_gapless_numbers(run: Services) -> None:
    ticket(run)
    threads, per_thread = 6, 5
    start = threading.Barrier(threads)
    numbers: list[str] = []

    def insert_some(worker: int) -> None:
        start.wait(timeout=30)
        for i in range(per_thread):
            numbers.append(run.create("ticket", {"subject": f"{worker}-{i}"})["number"])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(insert_some, range(threads)))

    assert sorted(numbers) == [f"T-{n:04d}" for n in range(1, threads * per_thread + 1)]
    stored = run.sql("SELECT number FROM e_ticket")
    assert len({row[0] for row in stored}) == threads * per_thread


def test_auto_number_added_later_numbers_existing_records_in_id_order(run: Services) -> None:
    run.entity("ticket", [field("subject")])
    first, second, gone = (run.create("ticket", {"subject": s}) for s in ("a", "b", "c"))
    run.delete("ticket", gone["id"])

    run(entities.add_field, "ticket", ticket_number())

    assert [run.get("ticket", r["id"])["number"] for r in (first, second)] == ["T-0001", "T-0002"]
    assert run.get("ticket", first["id"])["_version"] == first["_version"]  # not a user edit
    assert len(run(record_history, "ticket", first["id"])) == 1
    assert run.sql("SELECT number FROM e_ticket WHERE id = :id", id=gone["id"]) == [(None,)]
    assert run.create("ticket", {"subject": "d"})["number"] == "T-0003"
    # A record deleted at the time is numbered when it comes back.
    restored = run(restore_record, "ticket", gone["id"])
    assert restored["number"] == "T-0004"
    assert run(record_history, "ticket", gone["id"])[0]["changes"] == {"number": {"before": None, "after": "T-0004"}}


def test_existing_records_are_numbered_in_the_period_they_were_created(
    run: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.entity("ticket", [field("subject")])
    for year in (2025, 2026, 2025, 2026):
        when = datetime(year, 6, 1, tzinfo=UTC)
        monkeypatch.setattr("loomworks.records.service.utcnow", lambda when=when: when)
        run.create("ticket", {"subject": str(year)})

    run(entities.add_field, "ticket", ticket_number("D-{YYYY}-{00}"))

    numbers = [row[0] for row in run.sql("SELECT number FROM e_ticket ORDER BY id")]
    assert numbers == ["D-2025-01", "D-2026-01", "D-2025-02", "D-2026-02"]
    assert run.create("ticket", {})["number"] == "D-2026-03"


def test_restored_auto_number_field_numbers_records_created_while_it_was_removed(run: Services) -> None:
    ticket(run)
    numbered = run.create("ticket", {"subject": "a"})
    run(entities.remove_field, "ticket", "number")
    unnumbered = run.create("ticket", {"subject": "b"})

    run(entities.restore_field, "ticket", "number")

    assert run.get("ticket", numbered["id"])["number"] == "T-0001"
    assert run.get("ticket", unnumbered["id"])["number"] == "T-0002"


def test_formula_over_a_new_auto_number_sees_the_numbers(run: Services) -> None:
    run.entity("ticket", [field("subject")])
    record = run.create("ticket", {"subject": "a"})
    current = run(entities.get_entity, "ticket")["fields"]
    label = field("tag", "formula", options={"expression": {"cat": ["#", {"var": "number"}]}, "result_type": "text"})

    run(entities.patch_entity, "ticket", {"fields": [*current, ticket_number(), label]})

    assert run.get("ticket", record["id"])["tag"] == "#T-0001"


# --- formulas -----------------------------------------------------------------------------------


@pytest.fixture
def line(run: Services) -> Services:
    run.entity(
        "line",
        [
            field("sku"),
            field("qty", "integer"),
            field("price", "decimal"),
            field("total", "formula", options={"expression": {"*": [{"var": "qty"}, {"var": "price"}]}}),
            field("big", "formula", options={"expression": {">": [{"var": "total"}, 100]}, "result_type": "boolean"}),
            field(
                "label",
                "formula",
                options={"expression": {"cat": [{"var": "sku"}, " x", {"var": "qty"}]}, "result_type": "text"},
            ),
        ],
    )
    return run


def test_formulas_are_computed_on_create_in_field_order(line: Services) -> None:
    record = line.create("line", {"sku": "A1", "qty": 3, "price": 40.5})

    assert (record["total"], record["big"], record["label"]) == (121.5, True, "A1 x3")
    assert line.sql("SELECT total FROM e_line") == [(121.5,)]


def test_formulas_are_recomputed_on_update_and_recorded_in_history(line: Services) -> None:
    record = line.create("line", {"sku": "A1", "qty": 3, "price": 40.5})

    patched = line.patch("line", record["id"], {"qty": 1})

    assert (patched["total"], patched["big"]) == (40.5, False)
    changes = line(record_history, "line", record["id"])[0]["changes"]
    assert changes["total"] == {"before": 121.5, "after": 40.5}


def test_formula_values_cannot_be_written(line: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        line.create("line", {"qty": 1, "total": 5})
    assert error_fields(caught.value) == {"total"}


def test_formula_that_cannot_be_computed_is_null(run: Services) -> None:
    run.entity(
        "ratio",
        [
            field("a", "integer"),
            field("b", "integer"),
            field("q", "formula", options={"expression": {"/": [{"var": "a"}, {"var": "b"}]}}),
        ],
    )

    assert run.create("ratio", {"a": 1, "b": 0})["q"] is None
    assert run.create("ratio", {"a": 1, "b": 4})["q"] == 0.25


def test_formula_sees_the_acting_user_and_dates(run: Services) -> None:
    run.entity(
        "task",
        [
            field("due", "date"),
            field("by", "formula", options={"expression": {"var": "$user.email"}, "result_type": "text"}),
            field("due_copy", "formula", options={"expression": {"var": "due"}, "result_type": "date"}),
        ],
    )

    record = run.create("task", {"due": "2026-04-30"})

    assert (record["by"], record["due_copy"]) == ("admin@example.com", "2026-04-30")


def test_new_or_changed_formula_is_computed_for_existing_records(line: Services) -> None:
    record = line.create("line", {"sku": "A1", "qty": 2, "price": 10})

    line(entities.add_field, "line", field("double", "formula", options={"expression": {"*": [{"var": "qty"}, 2]}}))
    assert line.get("line", record["id"])["double"] == 4

    line(entities.update_field, "line", "double", {"options": {"expression": {"*": [{"var": "qty"}, 3]}}})
    assert line.get("line", record["id"])["double"] == 6


# --- rollups ------------------------------------------------------------------------------------


@pytest.fixture
def crm(run: Services) -> Services:
    run.entity("company", [field("name")])
    run.entity(
        "deal",
        [
            field("name"),
            field("amount", "decimal"),
            field("company", "relation", options={"target": "company", "on_delete": "cascade"}),
        ],
    )
    for key, options in [
        ("deal_count", {"aggregate": "count"}),
        ("deal_total", {"aggregate": "sum", "field": "amount"}),
        ("biggest", {"aggregate": "max", "field": "amount"}),
    ]:
        run(
            entities.add_field, "company", field(key, "rollup", options={"entity": "deal", "via": "company", **options})
        )
    run(
        entities.add_field,
        "company",
        field(
            "average",
            "formula",
            options={
                "expression": {
                    "if": [{"var": "deal_count"}, {"/": [{"var": "deal_total"}, {"var": "deal_count"}]}, None]
                },
            },
        ),
    )
    return run


def totals(run: Services, company_id: int) -> tuple[object, ...]:
    record = run.get("company", company_id)
    return record["deal_count"], record["deal_total"], record["biggest"], record["average"]


def test_rollups_follow_every_change_of_related_records(crm: Services) -> None:
    acme = crm.create("company", {"name": "Acme"})
    globex = crm.create("company", {"name": "Globex"})
    assert totals(crm, acme["id"]) == (0, 0, None, None)

    first = crm.create("deal", {"name": "a", "amount": 100, "company": acme["id"]})
    crm.create("deal", {"name": "b", "amount": 50, "company": acme["id"]})
    assert totals(crm, acme["id"]) == (2, 150, 100, 75)

    crm.patch("deal", first["id"], {"amount": 10})
    assert totals(crm, acme["id"]) == (2, 60, 50, 30)

    crm.patch("deal", first["id"], {"company": globex["id"]})
    assert totals(crm, acme["id"]) == (1, 50, 50, 50)
    assert totals(crm, globex["id"]) == (1, 10, 10, 10)

    crm.delete("deal", first["id"])
    assert totals(crm, globex["id"]) == (0, 0, None, None)

    crm(restore_record, "deal", first["id"])
    assert totals(crm, globex["id"]) == (1, 10, 10, 10)


def test_rollup_refresh_does_not_bump_the_parent_version(crm: Services) -> None:
    acme = crm.create("company", {"name": "Acme"})

    crm.create("deal", {"amount": 5, "company": acme["id"]})

    assert crm.get("company", acme["id"])["_version"] == 1
    crm.patch("company", acme["id"], {"name": "Acme Inc"}, expected_version=1)


def test_rollup_added_later_is_computed_for_existing_records(run: Services) -> None:
    run.entity("company", [field("name")])
    run.entity("deal", [field("amount", "integer"), field("company", "relation", options={"target": "company"})])
    acme = run.create("company", {"name": "Acme"})
    for amount in (3, 4):
        run.create("deal", {"amount": amount, "company": acme["id"]})

    run(
        entities.add_field,
        "company",
        field("total", "rollup", options={"entity": "deal", "via": "company", "aggregate": "sum", "field": "amount"}),
    )

    assert run.get("company", acme["id"])["total"] == 7


def test_sub_table_rollup_follows_the_rows(run: Services) -> None:
    run.entity(
        "quote",
        [
            field("lines", "sub_table", options={"fields": [field("qty", "integer"), field("price", "decimal")]}),
            field("units", "rollup", options={"sub_table": "lines", "aggregate": "sum", "field": "qty"}),
            field("rows", "rollup", options={"sub_table": "lines", "aggregate": "count"}),
        ],
    )

    record = run.create("quote", {"lines": [{"qty": 2}, {"qty": 5}]})
    assert (record["units"], record["rows"]) == (7, 2)

    kept = record["lines"][0]
    patched = run.patch("quote", record["id"], {"lines": [{**kept, "qty": 1}]})
    assert (patched["units"], patched["rows"]) == (1, 1)


def test_rollups_of_a_new_record_start_empty(run: Services) -> None:
    run.entity(
        "quote",
        [
            field("lines", "sub_table", options={"fields": [field("qty", "integer")]}),
            field("units", "rollup", options={"sub_table": "lines", "aggregate": "sum", "field": "qty"}),
            field("top", "rollup", options={"sub_table": "lines", "aggregate": "max", "field": "qty"}),
        ],
    )

    record = run.create("quote", {})

    assert (record["lines"], record["units"], record["top"]) == ([], 0, None)


def test_formula_over_a_sub_table_rollup_is_current(run: Services) -> None:
    run.entity(
        "quote",
        [
            field("lines", "sub_table", options={"fields": [field("qty", "integer")]}),
            field("units", "rollup", options={"sub_table": "lines", "aggregate": "sum", "field": "qty"}),
            field("boxes", "formula", options={"expression": {"*": [{"var": "units"}, 2]}}),
        ],
    )

    record = run.create("quote", {"lines": [{"qty": 2}, {"qty": 5}]})
    assert (record["units"], record["boxes"]) == (7, 14)
    assert run.get("quote", record["id"])["boxes"] == 14

    patched = run.patch("quote", record["id"], {"lines": [{"qty": 1}]})
    assert (patched["units"], patched["boxes"]) == (1, 2)
    history = run(record_history, "quote", record["id"])
    assert history[0]["changes"]["boxes"] == {"before": 14, "after": 2}
    assert history[1]["changes"]["units"] == {"before": None, "after": 7}
