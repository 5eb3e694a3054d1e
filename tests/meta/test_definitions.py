"""Entity definitions: meta-schema validation, revisions (who, when, diff) and revert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from factories import Services, error_fields, field, has_table, label
from loomworks.errors import BadRequest, Conflict, NotFound, ValidationFailed
from loomworks.meta import entities, store


def revisions(run: Services, key: str) -> list[dict[str, Any]]:
    """Revisions of one entity, oldest first."""
    return list(reversed(run(lambda tx: store.list_revisions(tx.conn, "entity", key))))


def deal_fields() -> list[dict[str, Any]]:
    return [field("name", required=True), field("amount", "decimal")]


# --- creating -----------------------------------------------------------------------------------


def test_created_entity_is_stored_and_listed(run: Services) -> None:
    created = run.entity("deal", deal_fields(), title_field="name")

    assert created["version"] == 1
    assert created["ddl"] == {"created_tables": ["e_deal"]}
    stored = run(entities.get_entity, "deal")
    assert [f["key"] for f in stored["fields"]] == ["name", "amount"]
    assert stored["title_field"] == "name"
    assert [e["key"] for e in run(entities.list_entities)] == ["deal"]


def test_defaults_are_left_out_of_the_stored_document(run: Services) -> None:
    run.entity("deal", [field("name")])

    stored = run(entities.get_entity, "deal")["fields"][0]
    assert set(stored) == {"key", "type", "label"}


BAD_DEFINITIONS = [
    pytest.param({"key": "Deal"}, "key", id="key-pattern"),
    pytest.param({"key": "1deal"}, "key", id="key-leading-digit"),
    pytest.param({"label": {}}, "label", id="empty-label"),
    pytest.param({"label": {"fr": "Affaire"}}, "label.fr", id="unknown-locale"),
    pytest.param({"colour": "red"}, "colour", id="unknown-top-level-property"),
    pytest.param({"fields": [field("name", "texty")]}, "fields.0.type", id="unknown-type"),
    pytest.param({"fields": [field("name", colour="red")]}, "fields.0.colour", id="unknown-field-prop"),
    pytest.param({"fields": [{"key": "name", "label": label("N")}]}, "fields.0.type", id="missing-type"),
    pytest.param({"fields": [field("Name")]}, "fields.0.key", id="field-key-pattern"),
    pytest.param({"fields": [field("a"), field("a")]}, "fields.1.key", id="duplicate-field"),
    pytest.param({"fields": [field("created_at")]}, "fields.0.key", id="reserved-key"),
    pytest.param({"fields": [field("s", "select")]}, "fields.0.options.choices", id="select-no-choices"),
    pytest.param(
        {"fields": [field("n", "integer", options={"max_length": 3})]},
        "fields.0.options.max_length",
        id="option-of-another-type",
    ),
    pytest.param({"fields": [field("n", "integer", default="many")]}, "fields.0.default", id="bad-default"),
    pytest.param(
        {"fields": [field("c", "relation", options={"target": "nowhere"})]},
        "fields.0.options.target",
        id="relation-to-missing-entity",
    ),
    pytest.param(
        {"fields": [field("f", "formula", options={"expression": {"+": [{"var": "ghost"}, 1]}})]},
        "fields.0.options.expression",
        id="formula-unknown-field",
    ),
    pytest.param(
        {"fields": [field("f", "formula", options={"expression": {"eval": ["1"]}})]},
        "fields.0.options.expression",
        id="formula-unknown-operator",
    ),
    pytest.param(
        {"fields": [field("no", "auto_number", options={"pattern": "D-{YYYY}"})]},
        "fields.0.options.pattern",
        id="auto-number-without-counter",
    ),
    pytest.param({"fields": [field("notes", "long_text", unique=True)]}, "fields.0", id="unique-long-text"),
    pytest.param({"title_field": "ghost"}, "title_field", id="title-field-unknown"),
]


@pytest.mark.parametrize(("change", "bad_field"), BAD_DEFINITIONS)
def test_invalid_definition_is_refused_naming_the_field(run: Services, change: dict[str, Any], bad_field: str) -> None:
    doc = {"key": "deal", "label": label("Deal"), "fields": [field("name")], **change}

    with pytest.raises(ValidationFailed) as caught:
        run(entities.create_entity, doc)

    assert bad_field in error_fields(caught.value), caught.value.details
    assert run(entities.list_entities) == []
    assert not has_table(run.runtime, f"e_{doc['key']}".lower())


def test_every_meta_schema_problem_is_reported_at_once(run: Services) -> None:
    doc = {
        "key": "deal",
        "label": {},
        "fields": [field("Name"), {"key": "amount", "label": label("Amount")}],
    }

    with pytest.raises(ValidationFailed) as caught:
        run(entities.create_entity, doc)

    assert {"label", "fields.0.key", "fields.1.type"} <= error_fields(caught.value)


def test_non_object_definition_is_a_bad_request(run: Services) -> None:
    with pytest.raises(BadRequest):
        run(entities.create_entity, ["not", "an", "object"])


def test_entity_key_is_unique_and_immutable(run: Services) -> None:
    run.entity("deal", deal_fields())

    with pytest.raises(Conflict) as caught:
        run.entity("deal", [field("other")])
    assert error_fields(caught.value) == {"key"}
    with pytest.raises(ValidationFailed) as caught:
        run(entities.patch_entity, "deal", {"key": "opportunity"})
    assert error_fields(caught.value) == {"key"}


# --- revisions ----------------------------------------------------------------------------------


def test_every_change_writes_a_revision_with_author_time_and_diff(run: Services) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    run.entity("deal", deal_fields())
    run(entities.update_field, "deal", "name", {"label": label("Title", "标题")})
    run(entities.add_field, "deal", field("stage"))
    run(entities.remove_field, "deal", "stage")
    run(entities.restore_field, "deal", "stage")
    run(entities.patch_entity, "deal", {"label": label("Opportunity")})
    run(entities.delete_entity, "deal")
    run(entities.restore_entity, "deal")

    history = revisions(run, "deal")
    assert [r["action"] for r in history] == [
        "create",
        "update_field",
        "add_field",
        "remove_field",
        "restore_field",
        "update",
        "delete",
        "restore",
    ]
    assert [r["version"] for r in history] == list(range(1, 9))
    for revision in history:
        assert revision["author_id"] == run.actor.id
        assert started <= revision["created_at"] <= datetime.now(UTC)
        assert revision["diff"] or revision["action"] in ("delete", "restore")
    assert history[0]["before"] is None
    assert history[1]["diff"] == [
        {"op": "replace", "path": "/fields/name/label/en", "before": "Name", "after": "Title"},
        {"op": "add", "path": "/fields/name/label/zh-CN", "after": "标题"},
    ]
    assert history[2]["diff"] == [{"op": "add", "path": "/fields/stage", "after": field("stage")}]
    assert history[2]["ddl"] == {"added_columns": ["stage"]}
    assert history[3]["diff"] == [{"op": "add", "path": "/fields/stage/removed", "after": True}]


def test_revision_names_the_acting_user(run: Services, colleague: Any) -> None:
    run.entity("deal", deal_fields())
    run.as_(colleague)(entities.add_field, "deal", field("stage"))

    assert [r["author_id"] for r in revisions(run, "deal")] == [run.actor.id, colleague.id]


def test_failed_change_writes_no_revision(run: Services) -> None:
    run.entity("deal", deal_fields())

    with pytest.raises(ValidationFailed):
        run(entities.update_field, "deal", "amount", {"default": "lots"})

    assert len(revisions(run, "deal")) == 1
    assert run(entities.get_entity, "deal")["version"] == 1


# --- revert -------------------------------------------------------------------------------------


def test_revert_to_before_undoes_a_change(run: Services) -> None:
    run.entity("deal", deal_fields())
    run(entities.update_field, "deal", "name", {"label": label("Title")})
    change = revisions(run, "deal")[-1]

    result = run(entities.revert, change["id"])

    assert result["fields"][0]["label"] == label("Name")
    assert result["version"] == 3
    assert revisions(run, "deal")[-1]["action"] == f"revert:{change['id']}"


def test_revert_to_after_reapplies_an_old_state(run: Services) -> None:
    run.entity("deal", deal_fields())
    run(entities.update_field, "deal", "name", {"label": label("Title")})
    first_rename = revisions(run, "deal")[-1]
    run(entities.update_field, "deal", "name", {"label": label("Subject")})

    result = run(entities.revert, first_rename["id"], to="after")

    assert result["fields"][0]["label"] == label("Title")


def test_reverting_an_added_field_hides_it_and_keeps_its_data(run: Services) -> None:
    run.entity("deal", deal_fields())
    run(entities.add_field, "deal", field("stage"))
    added = revisions(run, "deal")[-1]
    record = run.create("deal", {"name": "Acme", "stage": "won"})

    run(entities.revert, added["id"])

    assert "stage" not in run.get("deal", record["id"])
    run(entities.restore_field, "deal", "stage")
    assert run.get("deal", record["id"])["stage"] == "won"


def test_reverting_a_creation_deletes_the_entity_recoverably(run: Services) -> None:
    run.entity("deal", deal_fields())
    created = revisions(run, "deal")[0]

    run(entities.revert, created["id"])

    with pytest.raises(NotFound):
        run(entities.get_entity, "deal")
    assert run(entities.get_entity, "deal", include_deleted=True)["deleted"] is True
    assert has_table(run.runtime, "e_deal")


def test_revert_of_a_type_change_previews_lossy_values(run: Services) -> None:
    run.entity("deal", [field("name"), field("code", "integer")])
    run(entities.update_field, "deal", "code", {"type": "text"})
    conversion = revisions(run, "deal")[-1]
    record = run.create("deal", {"name": "Acme", "code": "A-7"})

    with pytest.raises(Conflict) as caught:
        run(entities.revert, conversion["id"])
    assert caught.value.data["preview"]["affected"][0]["before"] == "A-7"
    assert run.get("deal", record["id"])["code"] == "A-7"

    run(entities.revert, conversion["id"], confirm=True)
    assert run.get("deal", record["id"])["code"] is None


def test_revert_refuses_unknown_targets(run: Services) -> None:
    run.entity("deal", deal_fields())
    created = revisions(run, "deal")[0]

    with pytest.raises(ValidationFailed) as caught:
        run(entities.revert, created["id"], to="sideways")
    assert error_fields(caught.value) == {"to"}
    with pytest.raises(NotFound):
        run(entities.revert, 999_999)
