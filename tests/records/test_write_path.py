"""The one write path: create, get, patch, soft delete, restore, history, validation, defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factories import Services, error_fields, field
from loomworks.core.context import Actor
from loomworks.errors import BadRequest, Conflict, NotFound, Unauthorized, ValidationFailed
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


# --- history ------------------------------------------------------------------------------------


def test_history_has_field_level_before_and_after_with_who_and_when(deal: Services, member: Actor) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    record = deal.create("deal", {"name": "Acme", "amount": 10})
    deal.as_(member).patch("deal", record["id"], {"amount": 25, "stage": "won"})
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
    assert update["user"] == {"id": member.id, "name": "Max Member"}
    assert history[3]["user"] == {"id": deal.actor.id, "name": "Ada Admin"}
    assert history[3]["changes"]["name"] == {"before": None, "after": "Acme"}
    assert "contact_email" not in history[3]["changes"]  # empty values are not "changes"
    for entry in history:
        assert started <= datetime.fromisoformat(entry["at"]) <= datetime.now(UTC)


def test_history_of_a_removed_field_is_hidden_until_it_is_restored(deal: Services) -> None:
    from loomworks.meta import entities

    record = deal.create("deal", {"name": "Acme", "amount": 10})
    deal(entities.remove_field, "deal", "amount")
    assert "amount" not in deal(record_history, "deal", record["id"])[0]["changes"]

    deal(entities.restore_field, "deal", "amount")
    assert deal(record_history, "deal", record["id"])[0]["changes"]["amount"]["after"] == 10


def test_history_of_a_deleted_record_is_readable(deal: Services) -> None:
    record = deal.create("deal", {"name": "Acme"})
    deal.delete("deal", record["id"])

    assert deal(record_history, "deal", record["id"])[0]["action"] == "delete"
