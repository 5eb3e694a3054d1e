"""Optimistic locking, relation integrity, on_delete rules and sub-table rows."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from factories import Services, error_fields, field
from loomworks.errors import Conflict, ValidationFailed
from loomworks.meta import entities
from loomworks.records.service import record_history, restore_record

# --- optimistic locking -------------------------------------------------------------------------


def test_stale_version_is_a_conflict(run: Services) -> None:
    run.entity("deal", [field("name"), field("amount", "integer")])
    record = run.create("deal", {"name": "Acme", "amount": 1})
    run.patch("deal", record["id"], {"amount": 2}, expected_version=1)  # someone else saves first

    with pytest.raises(Conflict) as caught:
        run.patch("deal", record["id"], {"name": "Mine"}, expected_version=1)

    assert caught.value.status == 409
    assert error_fields(caught.value) == {"_version"}
    assert caught.value.data["current_version"] == 2
    assert run.get("deal", record["id"])["name"] == "Acme"


def test_current_version_is_accepted(run: Services) -> None:
    run.entity("deal", [field("name")])
    record = run.create("deal", {"name": "Acme"})

    patched = run.patch("deal", record["id"], {"name": "B"}, expected_version=record["_version"])

    assert patched["_version"] == record["_version"] + 1


def test_version_in_the_body_is_not_a_lock(run: Services) -> None:
    """``_version`` in a body is read by the API layer (as ``expected_version``), never written."""
    run.entity("deal", [field("name")])
    record = run.create("deal", {"name": "Acme"})

    patched = run.patch("deal", record["id"], {"name": "B", "_version": 99})

    assert patched["_version"] == 2


# --- relations ----------------------------------------------------------------------------------


@pytest.fixture
def crm(run: Services) -> Services:
    run.entity("company", [field("name")])
    run.entity(
        "deal",
        [
            field("name"),
            field("company", "relation", options={"target": "company"}),
            field("partners", "relation", options={"target": "company", "many": True}),
        ],
    )
    return run


def test_relation_value_is_the_target_id_with_its_title(crm: Services) -> None:
    acme = crm.create("company", {"name": "Acme"})
    globex = crm.create("company", {"name": "Globex"})

    deal = crm.create("deal", {"company": acme["id"], "partners": [globex["id"], acme["id"]]})

    assert deal["company"] == acme["id"]
    assert deal["partners"] == [globex["id"], acme["id"]]
    assert deal["_refs"]["company"] == {"id": acme["id"], "title": "Acme"}
    assert deal["_refs"]["partners"] == [
        {"id": globex["id"], "title": "Globex"},
        {"id": acme["id"], "title": "Acme"},
    ]


@pytest.mark.parametrize("target", ["missing", "deleted"])
def test_relation_to_a_missing_or_deleted_record_is_422(crm: Services, target: str) -> None:
    acme = crm.create("company", {"name": "Acme"})
    gone = crm.create("company", {"name": "Gone"})
    crm.delete("company", gone["id"])
    bad_id = 424242 if target == "missing" else gone["id"]

    with pytest.raises(ValidationFailed) as caught:
        crm.create("deal", {"company": bad_id, "partners": [acme["id"], bad_id]})

    assert caught.value.status == 422
    assert error_fields(caught.value) == {"company", "partners"}
    assert crm.sql("SELECT count(*) FROM e_deal") == [(0,)]


def test_relation_that_is_not_an_id_is_422(crm: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        crm.create("deal", {"company": "Acme", "partners": "Acme"})
    assert error_fields(caught.value) == {"company", "partners"}


def on_delete_setup(run: Services, rule: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    run.entity("company", [field("name")])
    run.entity(
        "deal",
        [
            field("name"),
            field("company", "relation", options={"target": "company", "on_delete": rule}),
            field("partners", "relation", options={"target": "company", "many": True, "on_delete": rule}),
        ],
    )
    acme = run.create("company", {"name": "Acme"})
    other = run.create("company", {"name": "Other"})
    deal = run.create("deal", {"name": "d", "company": acme["id"], "partners": [acme["id"], other["id"]]})
    return acme, other, deal


def test_on_delete_restrict_refuses_with_the_count(run: Services) -> None:
    acme, _, deal = on_delete_setup(run, "restrict")
    run.create("deal", {"name": "d2", "company": acme["id"]})

    with pytest.raises(Conflict) as caught:
        run.delete("company", acme["id"])

    counts = {d.field: d.extra["count"] for d in caught.value.details}
    assert counts == {"deal.company": 2, "deal.partners": 1}
    assert run.get("company", acme["id"])["name"] == "Acme"
    run.delete("deal", deal["id"])  # deleted referrers no longer block
    run.delete("deal", run.sql("SELECT id FROM e_deal WHERE name = 'd2'")[0][0])
    run.delete("company", acme["id"])


def test_on_delete_set_null_clears_references_with_history(run: Services) -> None:
    acme, other, deal = on_delete_setup(run, "set_null")

    run.delete("company", acme["id"])

    after = run.get("deal", deal["id"])
    assert after["company"] is None
    assert after["partners"] == [other["id"]]
    changes = run(record_history, "deal", deal["id"])[0]["changes"]
    assert changes["company"] == {"before": acme["id"], "after": None}


def test_on_delete_cascade_deletes_referrers_recoverably(run: Services) -> None:
    acme, other, deal = on_delete_setup(run, "cascade")
    bystander = run.create("deal", {"name": "other", "company": other["id"]})

    run.delete("company", acme["id"])

    assert run.get("deal", deal["id"], include_deleted=True)["_deleted_at"]
    assert run.get("deal", bystander["id"])["name"] == "other"
    run(restore_record, "company", acme["id"])
    run(restore_record, "deal", deal["id"])
    assert run.get("deal", deal["id"])["company"] == acme["id"]


def test_restoring_a_record_pointing_at_a_deleted_one_is_refused(run: Services) -> None:
    acme, _, deal = on_delete_setup(run, "cascade")
    run.delete("company", acme["id"])

    with pytest.raises(Conflict) as caught:
        run(restore_record, "deal", deal["id"])

    assert error_fields(caught.value) == {"company"}


def test_self_relation_and_cascade_through_two_levels(run: Services) -> None:
    run.entity("task", [field("name")])
    run(entities.add_field, "task", field("parent", "relation", options={"target": "task", "on_delete": "cascade"}))
    root = run.create("task", {"name": "root"})
    child = run.create("task", {"name": "child", "parent": root["id"]})
    grandchild = run.create("task", {"name": "grandchild", "parent": child["id"]})

    run.delete("task", root["id"])

    for task in (child, grandchild):
        assert run.get("task", task["id"], include_deleted=True)["_deleted_at"]


# --- sub-tables ---------------------------------------------------------------------------------


@pytest.fixture
def quote(run: Services) -> Services:
    run.entity("product", [field("name")])
    lines = field(
        "lines",
        "sub_table",
        options={
            "fields": [
                field("product", "relation", options={"target": "product"}),
                field("qty", "integer", required=True),
                field("price", "decimal"),
            ],
            "max_rows": 3,
        },
    )
    run.entity("quote", [field("title"), lines])
    return run


def test_child_rows_are_written_and_read_with_the_parent(quote: Services) -> None:
    widget = quote.create("product", {"name": "Widget"})

    record = quote.create(
        "quote",
        {
            "title": "Q1",
            "lines": [
                {"product": widget["id"], "qty": 2, "price": 9.5},
                {"qty": 1},
            ],
        },
    )

    lines = quote.get("quote", record["id"])["lines"]
    assert lines == record["lines"]
    assert [(line["product"], line["qty"], line["price"]) for line in lines] == [
        (widget["id"], 2, 9.5),
        (None, 1, None),
    ]
    assert all(isinstance(line["id"], int) for line in lines)
    assert quote.sql("SELECT count(*) FROM e_quote__lines") == [(2,)]


def test_patching_rows_updates_inserts_reorders_and_deletes(quote: Services) -> None:
    record = quote.create("quote", {"lines": [{"qty": 1}, {"qty": 2}, {"qty": 3}]})
    first, _, third = record["lines"]

    patched = quote.patch("quote", record["id"], {"lines": [{**third, "qty": 30}, {"qty": 4}, first]})

    assert [line["qty"] for line in patched["lines"]] == [30, 4, 1]
    assert patched["lines"][0]["id"] == third["id"]
    assert patched["lines"][2]["id"] == first["id"]
    assert quote.sql("SELECT count(*) FROM e_quote__lines") == [(3,)]
    changes = quote(record_history, "quote", record["id"])[0]["changes"]
    assert [line["qty"] for line in changes["lines"]["before"]] == [1, 2, 3]


def test_child_row_problems_name_the_row_and_field(quote: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        quote.create("quote", {"lines": [{"qty": 1}, {"price": 2}, {"qty": 1, "product": 424242}]})

    assert error_fields(caught.value) == {"lines.1.qty", "lines.2.product"}
    assert quote.sql("SELECT count(*) FROM e_quote") == [(0,)]


def test_rows_of_another_record_cannot_be_taken_over(quote: Services) -> None:
    mine = quote.create("quote", {"lines": [{"qty": 1}]})
    theirs = quote.create("quote", {"lines": [{"qty": 9}]})

    with pytest.raises(ValidationFailed) as caught:
        quote.patch("quote", mine["id"], {"lines": [theirs["lines"][0]]})

    assert error_fields(caught.value) == {"lines.0.id"}
    assert quote.get("quote", theirs["id"])["lines"][0]["qty"] == 9
    assert quote.get("quote", mine["id"])["lines"][0]["qty"] == 1


def test_unknown_child_field_and_too_many_rows_are_refused(quote: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        quote.create("quote", {"lines": [{"qty": 1, "colour": "red"}]})
    assert error_fields(caught.value) == {"lines.0.colour"}

    with pytest.raises(ValidationFailed) as caught:
        quote.create("quote", {"lines": [{"qty": 1}] * 4})
    assert error_fields(caught.value) == {"lines"}


def test_child_rows_follow_the_parent_through_delete_and_restore(quote: Services) -> None:
    record = quote.create("quote", {"lines": [{"qty": 1}]})

    quote.delete("quote", record["id"])
    restored = quote(restore_record, "quote", record["id"])

    assert [line["qty"] for line in restored["lines"]] == [1]


def test_cascade_through_a_cycle_ends(run: Services) -> None:
    run.entity("person", [field("name")])
    run(entities.add_field, "person", field("buddy", "relation", options={"target": "person", "on_delete": "cascade"}))
    alice = run.create("person", {"name": "Alice"})
    bob = run.create("person", {"name": "Bob", "buddy": alice["id"]})
    run.patch("person", alice["id"], {"buddy": bob["id"]})

    run.delete("person", alice["id"])

    assert run.get("person", bob["id"], include_deleted=True)["_deleted_at"]


# --- races --------------------------------------------------------------------------------------


def race(workers: int, attempt: Any) -> list[Any]:
    """Run ``attempt(i)`` in ``workers`` threads released at once; return results or errors."""
    start = threading.Barrier(workers)

    def one(i: int) -> Any:
        start.wait(timeout=30)
        try:
            return attempt(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            return exc

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(workers)))


def test_concurrent_saves_of_one_version_let_exactly_one_win(run: Services) -> None:
    run.entity("deal", [field("name")])
    record = run.create("deal", {"name": "start"})

    outcomes = race(5, lambda i: run.patch("deal", record["id"], {"name": f"by {i}"}, expected_version=1))

    winners = [o for o in outcomes if isinstance(o, dict)]
    assert len(winners) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o not in winners)
    assert run.get("deal", record["id"]) == winners[0]


def test_concurrent_duplicates_of_a_unique_value_are_conflicts(run: Services) -> None:
    run.entity("deal", [field("code", unique=True)])

    outcomes = race(5, lambda i: run.create("deal", {"code": "SAME"}))

    assert len([o for o in outcomes if isinstance(o, dict)]) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, dict)), outcomes
    assert run.sql("SELECT count(*) FROM e_deal") == [(1,)]


def test_owner_must_be_an_existing_user(run: Services) -> None:
    run.entity("deal", [field("name")])

    with pytest.raises(ValidationFailed) as caught:
        run.create("deal", {"name": "x", "_owner": 424242})

    assert error_fields(caught.value) == {"_owner"}
