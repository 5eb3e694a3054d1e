"""Changing a live entity: field properties, remove/restore, delete/restore, purge, atomicity.

Every test here checks both halves of a change: the definition a builder sees and
the table and data that a change must never lose.
"""

from __future__ import annotations

from typing import Any

import pytest

from factories import Services, columns, error_fields, field, has_table, indexes, label
from loomworks.core.context import Actor
from loomworks.errors import Conflict, Forbidden, NotFound, ValidationFailed
from loomworks.meta import entities, store
from loomworks.records.service import restore_record

STAGES = {"choices": [{"value": "new"}, {"value": "won"}]}


@pytest.fixture
def deal(run: Services) -> Services:
    run.entity(
        "deal",
        [
            field("name"),
            field("code"),
            field("amount", "decimal"),
            field("stage", "select", options=STAGES),
        ],
    )
    return run


def fields_of(run: Services, key: str = "deal") -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in run(entities.get_entity, key, include_deleted=True)["fields"]}


def revision_count(run: Services, key: str = "deal") -> int:
    return len(run(lambda tx: store.list_revisions(tx.conn, "entity", key)))


# --- field properties ---------------------------------------------------------------------------


def test_label_change_keeps_key_column_and_data(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    deal(entities.update_field, "deal", "name", {"label": label("Customer", "客户")})

    assert fields_of(deal)["name"]["label"] == label("Customer", "客户")
    assert "name" in columns(deal.runtime, "e_deal")
    assert deal.get("deal", record["id"])["name"] == "Acme"


def test_field_key_is_immutable(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal(entities.update_field, "deal", "name", {"key": "title"})
    assert error_fields(caught.value) == {"key"}


def test_unknown_field_property_is_refused(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal(entities.update_field, "deal", "name", {"colour": "red"})
    assert error_fields(caught.value) == {"colour"}


def test_new_choice_becomes_a_valid_value(deal: Services) -> None:
    with pytest.raises(ValidationFailed):
        deal.create("deal", {"stage": "lost"})

    choices = {"choices": [*STAGES["choices"], {"value": "lost", "label": label("Lost", "输单")}]}
    deal(entities.update_field, "deal", "stage", {"options": choices})

    assert deal.create("deal", {"stage": "lost"})["stage"] == "lost"


def test_default_applies_to_new_records_only(deal: Services) -> None:
    before = deal.create("deal", {"name": "Old"})

    deal(entities.update_field, "deal", "stage", {"default": "new"})

    assert deal.create("deal", {"name": "New"})["stage"] == "new"
    assert deal.create("deal", {"name": "Explicit", "stage": None})["stage"] is None
    assert deal.get("deal", before["id"])["stage"] is None


def test_default_must_be_a_valid_value(deal: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deal(entities.update_field, "deal", "stage", {"default": "lost"})
    assert error_fields(caught.value) == {"fields.3.default"}


def test_required_applies_when_every_record_has_a_value(deal: Services) -> None:
    deal.create("deal", {"name": "Acme"})

    deal(entities.update_field, "deal", "name", {"required": True})

    with pytest.raises(ValidationFailed) as caught:
        deal.create("deal", {"amount": 5})
    assert error_fields(caught.value) == {"name"}


def test_required_is_refused_with_the_count_of_empty_records(deal: Services) -> None:
    deal.create("deal", {"name": "Acme"})
    deal.create("deal", {"name": ""})
    deal.create("deal", {"amount": 1})
    deal.create("deal", {"amount": 2})
    gone = deal.create("deal", {"amount": 3})
    deal.delete("deal", gone["id"])  # deleted records do not count

    with pytest.raises(ValidationFailed) as caught:
        deal(entities.update_field, "deal", "name", {"required": True})

    (detail,) = caught.value.details
    assert detail.field == "name"
    assert detail.extra["empty_count"] == 3
    assert "3 record(s)" in caught.value.message
    assert "required" not in fields_of(deal)["name"]


def test_new_required_field_with_a_default_fills_existing_live_records(deal: Services) -> None:
    first = deal.create("deal", {"name": "Acme"})
    second = deal.create("deal", {"name": "Globex"})
    gone = deal.create("deal", {"name": "Initech"})
    deal.delete("deal", gone["id"])
    priority = field("priority", "select", options=STAGES, required=True, default="new")

    result = deal(entities.add_field, "deal", priority)

    assert result["ddl"]["filled_defaults"] == [{"field": "priority", "rows": 2}]
    for record in (first, second):
        stored = deal.get("deal", record["id"])
        assert stored["priority"] == "new"
        assert stored["_version"] == record["_version"]  # a definition change, not an edit
    # Soft-deleted records may stay empty, as they may for any required field.
    assert deal.sql("SELECT priority FROM e_deal WHERE id = :id", id=gone["id"]) == [(None,)]
    assert deal.create("deal", {"name": "New"})["priority"] == "new"
    with pytest.raises(ValidationFailed):
        deal.patch("deal", first["id"], {"priority": None})


def test_new_optional_field_with_a_default_leaves_existing_records_empty(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    result = deal(entities.add_field, "deal", field("priority", "integer", default=3))

    assert "filled_defaults" not in result["ddl"]
    assert deal.get("deal", record["id"])["priority"] is None
    assert deal.create("deal", {"name": "New"})["priority"] == 3


def test_making_a_field_with_a_default_required_still_counts_empty_records(deal: Services) -> None:
    deal(entities.update_field, "deal", "stage", {"default": "new"})
    deal.create("deal", {"name": "Acme", "stage": None})

    # The default is not invented for a record someone left empty on purpose.
    with pytest.raises(ValidationFailed) as caught:
        deal(entities.update_field, "deal", "stage", {"required": True})

    assert caught.value.details[0].extra["empty_count"] == 1
    assert "default applies to new records only" in caught.value.message
    assert "required" not in fields_of(deal)["stage"]


def test_unique_default_cannot_fill_several_records(deal: Services) -> None:
    deal.create("deal", {"name": "Acme"})
    deal.create("deal", {"name": "Globex"})

    with pytest.raises(Conflict) as caught:
        deal(entities.add_field, "deal", field("ref", required=True, unique=True, default="X"))

    assert error_fields(caught.value) == {"ref"}
    assert "ref" not in columns(deal.runtime, "e_deal")
    assert "ref" not in fields_of(deal)


def test_unique_default_fills_a_single_record(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    deal(entities.add_field, "deal", field("ref", required=True, unique=True, default="X"))

    assert deal.get("deal", record["id"])["ref"] == "X"
    with pytest.raises(Conflict):
        deal.create("deal", {"name": "Globex"})  # the default is taken now


def test_filled_default_must_point_at_a_live_record(deal: Services) -> None:
    deal.entity("quote", [field("title")])
    deal.create("quote", {"title": "Q"})
    target = deal.create("deal", {"name": "Acme"})
    deal.delete("deal", target["id"])
    link = field("deal", "relation", options={"target": "deal"}, required=True, default=target["id"])

    with pytest.raises(ValidationFailed) as caught:
        deal(entities.add_field, "quote", link)

    assert error_fields(caught.value) == {"deal"}
    assert "deal" not in columns(deal.runtime, "e_quote")
    deal(restore_record, "deal", target["id"])
    deal(entities.add_field, "quote", link)
    assert deal.sql("SELECT deal FROM e_quote") == [(target["id"],)]


def test_unique_is_refused_while_duplicates_exist(deal: Services) -> None:
    for code in ("A", "A", "B"):
        deal.create("deal", {"code": code})

    with pytest.raises(Conflict) as caught:
        deal(entities.update_field, "deal", "code", {"unique": True})

    (detail,) = caught.value.details
    assert detail.field == "code"
    assert detail.extra["duplicates"] == [{"value": "A", "count": 2}]
    assert not any(name.startswith("ux_") for name in indexes(deal.runtime, "e_deal"))


def test_unique_is_enforced_once_applied(deal: Services) -> None:
    first = deal.create("deal", {"code": "A"})
    deal.delete("deal", first["id"])  # a deleted record's value is free again
    deal.create("deal", {"code": "A"})

    deal(entities.update_field, "deal", "code", {"unique": True})

    assert indexes(deal.runtime, "e_deal")["ux_e_deal__code"]["unique"]
    with pytest.raises(Conflict) as caught:
        deal.create("deal", {"code": "A"})
    assert error_fields(caught.value) == {"code"}
    with pytest.raises(Conflict):
        deal(restore_record, "deal", first["id"])


def test_indexed_creates_and_drops_an_index(deal: Services) -> None:
    deal(entities.update_field, "deal", "amount", {"indexed": True})
    assert indexes(deal.runtime, "e_deal")["ix_e_deal__amount"]["column_names"] == ["amount"]

    deal(entities.update_field, "deal", "amount", {"indexed": False})
    assert "ix_e_deal__amount" not in indexes(deal.runtime, "e_deal")


# --- remove and restore a field -----------------------------------------------------------------


def test_removed_field_is_hidden_but_its_data_is_kept(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "amount": 12.5})

    deal(entities.remove_field, "deal", "amount")

    assert fields_of(deal)["amount"]["removed"] is True
    assert "amount" not in deal.get("deal", record["id"])
    assert "amount" in columns(deal.runtime, "e_deal")
    with pytest.raises(ValidationFailed) as caught:
        deal.create("deal", {"amount": 3})
    assert error_fields(caught.value) == {"amount"}

    deal(entities.restore_field, "deal", "amount")
    assert deal.get("deal", record["id"])["amount"] == 12.5


def test_field_left_out_of_a_replacement_list_is_removed_not_dropped(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme", "code": "A-1"})
    kept = [f for f in fields_of(deal).values() if f["key"] != "code"]

    deal(entities.patch_entity, "deal", {"fields": kept})

    assert fields_of(deal)["code"]["removed"] is True
    deal(entities.restore_field, "deal", "code")
    assert deal.get("deal", record["id"])["code"] == "A-1"


def test_removed_key_cannot_be_reused_by_a_new_field(deal: Services) -> None:
    deal(entities.remove_field, "deal", "code")

    with pytest.raises(Conflict, match="restore it"):
        deal(entities.add_field, "deal", field("code", "integer"))
    with pytest.raises(Conflict):
        deal(entities.update_field, "deal", "code", {"label": label("Code")})
    with pytest.raises(Conflict):
        deal(entities.remove_field, "deal", "code")


def test_purge_field_drops_column_for_good(deal: Services, member: Actor) -> None:
    deal.create("deal", {"code": "A-1"})

    with pytest.raises(Conflict):
        deal(entities.purge_field, "deal", "code")  # must be removed first
    deal(entities.remove_field, "deal", "code")
    with pytest.raises(Forbidden):
        deal.as_(member)(entities.purge_field, "deal", "code")
    deal(entities.purge_field, "deal", "code")

    assert "code" not in columns(deal.runtime, "e_deal")
    assert "code" not in fields_of(deal)
    deal(entities.add_field, "deal", field("code", "integer"))  # the key is free again
    assert deal.create("deal", {"code": 7})["code"] == 7


# --- delete, restore and purge an entity --------------------------------------------------------


def test_deleted_entity_is_recoverable_with_its_data(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})

    deal(entities.delete_entity, "deal")

    with pytest.raises(NotFound):
        deal(entities.get_entity, "deal")
    with pytest.raises(NotFound):
        deal.get("deal", record["id"])
    assert deal(entities.list_entities) == []
    assert [e["key"] for e in deal(entities.list_entities, include_deleted=True)] == ["deal"]
    assert has_table(deal.runtime, "e_deal")

    deal(entities.restore_entity, "deal")
    assert deal.get("deal", record["id"])["name"] == "Acme"
    with pytest.raises(Conflict):
        deal(entities.restore_entity, "deal")


def test_entity_used_by_a_relation_cannot_be_deleted(deal: Services) -> None:
    deal.entity("quote", [field("deal", "relation", options={"target": "deal"})])

    with pytest.raises(Conflict) as caught:
        deal(entities.delete_entity, "deal")
    assert error_fields(caught.value) == {"quote.deal"}


def test_relation_to_a_deleted_entity_cannot_be_added(deal: Services) -> None:
    deal(entities.delete_entity, "deal")

    with pytest.raises(ValidationFailed) as caught:
        deal.entity("quote", [field("deal", "relation", options={"target": "deal"})])
    assert error_fields(caught.value) == {"fields.0.options.target"}


def test_purge_entity_is_explicit_and_admin_only(deal: Services, member: Actor) -> None:
    deal.create("deal", {"name": "Acme"})

    with pytest.raises(Conflict):
        deal(entities.purge_entity, "deal")  # must be deleted first
    deal(entities.delete_entity, "deal")
    with pytest.raises(Forbidden):
        deal.as_(member)(entities.purge_entity, "deal")
    deal(entities.purge_entity, "deal")

    assert not has_table(deal.runtime, "e_deal")
    with pytest.raises(NotFound):
        deal(entities.get_entity, "deal", include_deleted=True)
    assert deal(lambda tx: store.list_revisions(tx.conn, "entity", "deal"))[0]["action"] == "purge"
    deal.entity("deal", [field("title")])  # the key can be used again, with a fresh table
    assert deal.create("deal", {"title": "New"})["title"] == "New"


# --- atomicity ----------------------------------------------------------------------------------


def test_refused_required_field_leaves_definition_and_table_untouched(deal: Services) -> None:
    deal.create("deal", {"name": "Acme"})
    before_columns = set(columns(deal.runtime, "e_deal"))

    with pytest.raises(ValidationFailed) as caught:
        deal(entities.add_field, "deal", field("owner_email", "email", required=True))

    assert caught.value.details[0].extra["empty_count"] == 1
    assert set(columns(deal.runtime, "e_deal")) == before_columns
    assert "owner_email" not in fields_of(deal)
    assert deal(entities.get_entity, "deal")["version"] == 1
    assert revision_count(deal) == 1


def test_failure_later_in_a_transaction_undoes_every_change_before_it(deal: Services) -> None:
    with pytest.raises(RuntimeError), deal.runtime.transaction(deal.actor) as tx:
        entities.add_field(tx, "deal", field("source"))
        entities.update_field(tx, "deal", "name", {"label": label("Customer")})
        entities.create_entity(tx, {"key": "quote", "label": label("Quote"), "fields": []})
        raise RuntimeError("the caller fails after the changes")

    assert "source" not in columns(deal.runtime, "e_deal")
    assert not has_table(deal.runtime, "e_quote")
    assert fields_of(deal)["name"]["label"] == label("Name")
    assert revision_count(deal) == 1
    # The same version numbers are now reused for different documents: nothing cached
    # from the rolled-back attempt may leak into them.
    deal(entities.add_field, "deal", field("probability", "percent"))
    assert deal.create("deal", {"probability": 40})["probability"] == 40
