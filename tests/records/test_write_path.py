"""The one write path: create, get, patch, soft delete, restore, history, validation, defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factories import Services, error_fields, field
from loomworks.core.context import Actor
from loomworks.errors import BadRequest, Conflict, NotFound, Unauthorized, ValidationFailed
from loomworks.meta import entities
from loomworks.records.service import record_history, restore_record

STAGES = {"choices": [{"value": "new"}, {"value": "won"}, {"value": "lost"}]}


@pytest.fixture
def deal(run: Services) -> Services:
    run.entity(
        "deal",
        [
            field("name", required=True),
            field("amount", "decimal"),
            field("stage", "select", options=STAGES, default="new"),
            field("contact_email", "email"),
            field("seats", "integer", options={"min": 1}),
            field("active", "boolean", default=True),
        ],
    )
    return run


# --- create / get / patch -----------------------------------------------------------------------


def test_create_returns_the_stored_record(deal: Services) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)

    record = deal.create("deal", {"name": "Acme", "amount": 1200.5, "seats": 3})

    assert record == deal.get("deal", record["id"])
    assert record["name"] == "Acme"
    assert record["amount"] == 1200.5
    assert record["contact_email"] is None
    assert record["_version"] == 1
    assert record["_created_by"] == record["_owner"] == deal.actor.id
    assert started <= datetime.fromisoformat(record["_created_at"]) <= datetime.now(UTC)


def test_patch_changes_only_the_sent_fields(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "amount": 10, "seats": 2})

    patched = deal.patch("deal", record["id"], {"amount": 20})

    assert (patched["name"], patched["amount"], patched["seats"]) == ("Acme", 20, 2)
    assert patched["_version"] == 2
    assert patched["_updated_at"] >= record["_updated_at"]


def test_patch_without_changes_keeps_the_version(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "amount": 10})

    same = deal.patch("deal", record["id"], {"amount": 10.0, "name": "Acme"})

    assert same["_version"] == 1
    assert len(deal(record_history, "deal", record["id"])) == 1


def test_system_properties_in_a_body_are_ignored(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "id": 999, "_version": 7, "_created_by": 123})

    assert record["id"] != 999
    assert record["_version"] == 1
    assert record["_created_by"] == deal.actor.id


def test_owner_can_be_set_and_changed(deal: Services, member: Actor) -> None:
    record = deal.create("deal", {"name": "Acme", "_owner": member.id})
    assert record["_owner"] == member.id

    patched = deal.patch("deal", record["id"], {"_owner": deal.actor.id})
    assert patched["_owner"] == deal.actor.id


@pytest.mark.parametrize("record_id", [424242, "1", None, True])
def test_unknown_record_is_not_found(deal: Services, record_id: object) -> None:
    with pytest.raises(NotFound):
        deal.get("deal", record_id)


def test_unknown_entity_is_not_found(run: Services) -> None:
    with pytest.raises(NotFound):
        run.create("ghost", {"name": "x"})


def test_anonymous_actor_is_refused(deal: Services) -> None:
    with pytest.raises(Unauthorized):
        deal.as_(Actor(id=None)).create("deal", {"name": "Acme"})


# --- validation ---------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_field(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal.create(
            "deal",
            {
                "name": None,
                "amount": "lots",
                "stage": "maybe",
                "contact_email": "not-an-email",
                "seats": 0,
                "colour": "red",
            },
        )

    assert error_fields(caught.value) == {"name", "amount", "stage", "contact_email", "seats", "colour"}
    messages = {d.field: d.message for d in caught.value.details}
    assert messages["name"] == "is required"
    assert messages["colour"] == "unknown field"
    assert "new" in messages["stage"]
    assert caught.value.status == 422


def test_missing_required_field_is_reported(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal.create("deal", {"amount": 5})
    assert error_fields(caught.value) == {"name"}


@pytest.mark.parametrize("empty", [None, ""])
def test_required_field_cannot_be_emptied_by_a_patch(deal: Services, empty: object) -> None:
    record = deal.create("deal", {"name": "Acme"})

    with pytest.raises(ValidationFailed) as caught:
        deal.patch("deal", record["id"], {"name": empty})

    assert error_fields(caught.value) == {"name"}
    assert deal.get("deal", record["id"])["name"] == "Acme"


def test_patch_that_omits_a_required_field_is_fine(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    assert deal.patch("deal", record["id"], {"amount": 3})["name"] == "Acme"


def test_body_must_be_an_object(deal: Services) -> None:
    with pytest.raises(BadRequest):
        deal.create("deal", ["Acme"])  # type: ignore[arg-type]


def test_hostile_keys_are_reported_not_crashing(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal.create("deal", {"name": "Acme", "x" * 5000: 1, "'; DROP TABLE e_deal; --": 2})

    assert len(caught.value.details) == 2
    assert deal.sql("SELECT count(*) FROM e_deal") == [(0,)]


def test_failed_write_leaves_nothing_behind(deal: Services) -> None:
    with pytest.raises(ValidationFailed):
        deal.create("deal", {"name": "Acme", "seats": 0})

    assert deal.sql("SELECT count(*) FROM e_deal") == [(0,)]
    assert deal.sql("SELECT count(*) FROM lw_record_history") == [(0,)]


# --- defaults -----------------------------------------------------------------------------------


def test_defaults_fill_fields_left_out_on_create(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    assert (record["stage"], record["active"]) == ("new", True)


def test_explicit_values_override_defaults(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "stage": "won", "active": False})

    assert (record["stage"], record["active"]) == ("won", False)


def test_defaults_do_not_apply_on_update(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "stage": None})

    assert deal.patch("deal", record["id"], {"amount": 5})["stage"] is None


# --- soft delete and restore --------------------------------------------------------------------


def test_soft_delete_hides_the_record_and_keeps_its_row(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    deal.delete("deal", record["id"])

    with pytest.raises(NotFound):
        deal.get("deal", record["id"])
    with pytest.raises(NotFound):
        deal.patch("deal", record["id"], {"amount": 1})
    with pytest.raises(NotFound):
        deal.delete("deal", record["id"])
    hidden = deal.get("deal", record["id"], include_deleted=True)
    assert hidden["name"] == "Acme"
    assert hidden["_deleted_at"]
    assert deal.sql("SELECT count(*) FROM e_deal") == [(1,)]


def test_restore_brings_the_record_back(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "amount": 5})
    deal.delete("deal", record["id"])

    restored = deal(restore_record, "deal", record["id"])

    assert restored["amount"] == 5
    assert "_deleted_at" not in restored
    assert restored["_version"] == 3
    with pytest.raises(Conflict):
        deal(restore_record, "deal", record["id"])


# --- retired choices ----------------------------------------------------------------------------


def retire_won(run: Services, key: str = "stage", entity: str = "deal") -> None:
    """Remove the choice ``won`` (confirmed) while records still hold it."""
    choices = {"choices": [{"value": "new"}, {"value": "lost"}]}
    run(entities.update_field, entity, key, {"options": choices}, confirm=True)


def test_record_with_a_retired_choice_stays_readable_and_editable(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "stage": "won"})
    retire_won(deal)

    assert deal.get("deal", record["id"])["stage"] == "won"
    patched = deal.patch("deal", record["id"], {"amount": 5})
    assert (patched["stage"], patched["amount"]) == ("won", 5)
    # A form sending the whole record back, retired value included, is fine.
    whole = {k: v for k, v in patched.items() if not k.startswith("_") and k != "id"}
    same = deal.patch("deal", record["id"], whole)
    assert same["_version"] == patched["_version"]
    resent = deal.patch("deal", record["id"], {**whole, "name": "Acme Ltd"})
    assert (resent["stage"], resent["name"]) == ("won", "Acme Ltd")


def test_retired_choice_cannot_be_picked_anew(deal: Services) -> None:
    holder = deal.create("deal", {"name": "Acme", "stage": "won"})
    other = deal.create("deal", {"name": "Globex", "stage": "new"})
    retire_won(deal)

    with pytest.raises(ValidationFailed) as caught:
        deal.patch("deal", other["id"], {"stage": "won"})
    assert error_fields(caught.value) == {"stage"}
    deal.patch("deal", holder["id"], {"stage": "lost"})
    with pytest.raises(ValidationFailed):
        deal.patch("deal", holder["id"], {"stage": "won"})  # once changed, it is gone


def test_required_field_holding_a_retired_choice_stays_valid(run: Services) -> None:
    run.entity("deal", [field("name"), field("stage", "select", options=STAGES, required=True)])
    record = run.create("deal", {"name": "Acme", "stage": "won"})
    retire_won(run)

    assert run.patch("deal", record["id"], {"name": "Globex", "stage": "won"})["stage"] == "won"


def test_multi_select_keeps_retired_items_it_already_holds(run: Services) -> None:
    run.entity("deal", [field("name"), field("tags", "multi_select", options=STAGES)])
    record = run.create("deal", {"tags": ["won", "new"]})
    other = run.create("deal", {"tags": ["new"]})
    retire_won(run, "tags")

    patched = run.patch("deal", record["id"], {"tags": ["won", "new", "lost"]})

    assert patched["tags"] == ["won", "new", "lost"]
    assert run.patch("deal", record["id"], {"tags": ["lost"]})["tags"] == ["lost"]
    for target in (record, other):
        with pytest.raises(ValidationFailed) as caught:
            run.patch("deal", target["id"], {"tags": ["new", "won"]})
        assert error_fields(caught.value) == {"tags.1"}


def test_sub_table_rows_keep_their_retired_choices(run: Services) -> None:
    kind = field("kind", "select", options=STAGES, required=True)
    lines = field("lines", "sub_table", options={"fields": [field("qty", "integer"), kind]})
    run.entity("quote", [field("title"), lines])
    record = run.create("quote", {"lines": [{"qty": 1, "kind": "won"}]})
    narrowed = {"fields": [field("qty", "integer"), {**kind, "options": {"choices": [{"value": "new"}]}}]}
    run(entities.update_field, "quote", "lines", {"options": narrowed}, confirm=True)
    line = record["lines"][0]

    patched = run.patch("quote", record["id"], {"title": "Q", "lines": [{**line, "qty": 2}]})

    assert patched["lines"] == [{**line, "qty": 2}]
    with pytest.raises(ValidationFailed) as caught:
        run.patch("quote", record["id"], {"lines": [{**line, "qty": 2}, {"qty": 1, "kind": "won"}]})
    assert error_fields(caught.value) == {"lines.1.kind"}


# --- sub-table rows -----------------------------------------------------------------------------


@pytest.fixture
def quote(run: Services) -> Services:
    columns = [field("qty", "integer"), field("price", "decimal"), field("note")]
    run.entity("quote", [field("title"), field("lines", "sub_table", options={"fields": columns})])
    return run


def test_resending_unchanged_sub_table_rows_is_a_no_op(quote: Services) -> None:
    record = quote.create("quote", {"title": "Q", "lines": [{"qty": 2, "price": 9.5}, {"qty": 1, "note": "x"}]})
    first, second = record["lines"]

    for body in (
        {"lines": [first, second]},
        {"lines": [{"id": first["id"], "qty": 2}, {"id": second["id"]}]},  # unsent columns are kept
        {"title": "Q", "lines": [{**first, "price": 9.50}, second]},
    ):
        same = quote.patch("quote", record["id"], body)
        assert same["_version"] == 1
        assert same["lines"] == record["lines"]
    assert len(quote(record_history, "quote", record["id"])) == 1


def test_partial_row_changes_keep_the_other_columns_and_history_shows_whole_rows(quote: Services) -> None:
    record = quote.create("quote", {"lines": [{"qty": 2, "price": 9.5, "note": "x"}]})
    line = record["lines"][0]

    patched = quote.patch("quote", record["id"], {"lines": [{"id": line["id"], "qty": 3}, {"qty": 1}]})

    added = patched["lines"][1]
    assert patched["lines"] == [{**line, "qty": 3}, {"id": added["id"], "qty": 1, "price": None, "note": None}]
    assert patched["_version"] == 2
    change = quote(record_history, "quote", record["id"])[0]["changes"]["lines"]
    assert change["before"] == [line]
    assert change["after"] == [{**line, "qty": 3}, {"qty": 1, "price": None, "note": None}]


def test_reordering_rows_is_a_change(quote: Services) -> None:
    record = quote.create("quote", {"lines": [{"qty": 1}, {"qty": 2}]})

    patched = quote.patch("quote", record["id"], {"lines": list(reversed(record["lines"]))})

    assert [line["qty"] for line in patched["lines"]] == [2, 1]
    assert patched["_version"] == 2


def test_a_row_sent_twice_is_refused(quote: Services) -> None:
    record = quote.create("quote", {"lines": [{"qty": 1}]})
    line = record["lines"][0]

    with pytest.raises(ValidationFailed) as caught:
        quote.patch("quote", record["id"], {"lines": [line, {**line, "qty": 5}]})

    assert error_fields(caught.value) == {"lines.1.id"}
    assert quote.get("quote", record["id"])["lines"] == [line]


# --- history ------------------------------------------------------------------------------------


def test_history_has_field_level_before_and_after_with_who_and_when(deal: Services, colleague: Actor) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    record = deal.create("deal", {"name": "Acme", "amount": 10})
    deal.as_(colleague).patch("deal", record["id"], {"amount": 25, "stage": "won"})
    deal.delete("deal", record["id"])
    deal(restore_record, "deal", record["id"])

    history = deal(record_history, "deal", record["id"])

    assert [(h["version"], h["action"]) for h in history] == [
        (4, "restore"),
        (3, "delete"),
        (2, "update"),
        (1, "create"),
    ]
    update = history[2]
    assert update["changes"] == {
        "amount": {"before": 10, "after": 25},
        "stage": {"before": "new", "after": "won"},
    }
    assert update["user"] == {"id": colleague.id, "name": "Cole League"}
    assert history[3]["user"] == {"id": deal.actor.id, "name": "Ada Admin"}
    assert history[3]["changes"]["name"] == {"before": None, "after": "Acme"}
    assert "contact_email" not in history[3]["changes"]  # empty values are not "changes"
    for entry in history:
        assert started <= datetime.fromisoformat(entry["at"]) <= datetime.now(UTC)


def test_history_of_a_removed_field_is_hidden_until_it_is_restored(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "amount": 10})
    deal(entities.remove_field, "deal", "amount")
    assert "amount" not in deal(record_history, "deal", record["id"])[0]["changes"]

    deal(entities.restore_field, "deal", "amount")
    assert deal(record_history, "deal", record["id"])[0]["changes"]["amount"]["after"] == 10


def test_history_of_a_deleted_record_is_readable(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})
    deal.delete("deal", record["id"])

    assert deal(record_history, "deal", record["id"])[0]["action"] == "delete"
