"""Field type conversion: lossless changes apply, lossy ones are previewed and need confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import BigInteger, Text

from factories import Services, columns, error_fields, field
from loomworks.errors import Conflict, ValidationFailed
from loomworks.meta import entities

CHOICES = {"choices": [{"value": "new"}, {"value": "won"}, {"value": "lost"}]}


def entity_with(run: Services, spec: dict[str, Any], values: list[Any]) -> list[int]:
    """An entity ``item`` with one field ``v`` holding ``values``; returns the record ids."""
    run.entity("item", [field("name"), spec])
    return [run.create("item", {"name": f"r{i}", "v": value})["id"] for i, value in enumerate(values)]


def values_of(run: Services, ids: list[int]) -> list[Any]:
    return [run.get("item", record_id)["v"] for record_id in ids]


def convert(run: Services, type_: str, confirm: bool = False, **props: Any) -> dict[str, Any]:
    return run(entities.update_field, "item", "v", {"type": type_, **props}, confirm=confirm)


def test_lossless_conversion_applies_at_once(run: Services) -> None:
    ids = entity_with(run, field("v", "integer"), [5, -3, None])

    result = convert(run, "text")

    assert result["ddl"]["converted"] == [{"field": "v", "from": "integer", "to": "text", "rows": 3, "lossy": 0}]
    assert values_of(run, ids) == ["5", "-3", None]
    assert isinstance(columns(run.runtime, "e_item")["v"]["type"], Text)
    assert "v__lwconv" not in columns(run.runtime, "e_item")


def test_clean_text_becomes_numbers_without_confirmation(run: Services) -> None:
    ids = entity_with(run, field("v"), ["1", "-40", "1200"])

    convert(run, "integer")

    assert values_of(run, ids) == [1, -40, 1200]
    assert isinstance(columns(run.runtime, "e_item")["v"]["type"], BigInteger)


def test_lossy_conversion_answers_409_with_a_preview_and_changes_nothing(run: Services) -> None:
    ids = entity_with(run, field("v"), ["7", "007", "seven", None])

    with pytest.raises(Conflict) as caught:
        convert(run, "integer")

    error = caught.value
    assert error.status == 409
    assert error_fields(error) == {"v"}
    preview = error.data["preview"]
    assert {k: preview[k] for k in ("field", "from", "to", "rows", "lossy")} == {
        "field": "v",
        "from": "text",
        "to": "integer",
        "rows": 4,
        "lossy": 2,
    }
    affected = {row["id"]: row for row in preview["affected"]}
    assert affected[ids[1]] == {"id": ids[1], "before": "007", "after": 7}
    assert affected[ids[2]]["before"] == "seven"
    assert affected[ids[2]]["after"] is None
    assert affected[ids[2]]["reason"]
    assert "preview" in error.to_json()["error"]
    # Nothing changed: type, column and values are as before.
    assert run(entities.get_entity, "item")["fields"][1]["type"] == "text"
    assert isinstance(columns(run.runtime, "e_item")["v"]["type"], Text)
    assert values_of(run, ids) == ["7", "007", "seven", None]


def test_lossy_conversion_applies_when_confirmed(run: Services) -> None:
    ids = entity_with(run, field("v"), ["7", "007", "seven", None])

    result = convert(run, "integer", confirm=True)

    assert result["ddl"]["converted"][0]["lossy"] == 2
    assert values_of(run, ids) == [7, 7, None, None]


def test_preview_is_capped_but_counts_every_affected_row(run: Services) -> None:
    entity_with(run, field("v", "decimal"), [i + 0.5 for i in range(25)])

    with pytest.raises(Conflict) as caught:
        convert(run, "integer")

    preview = caught.value.data["preview"]
    assert preview["lossy"] == 25
    assert len(preview["affected"]) == 20
    assert preview["affected"][0]["after"] == 1  # 0.5 rounds half up


@pytest.mark.parametrize(
    ("before", "after", "values", "expected"),
    [
        pytest.param(field("v", "integer"), {"type": "decimal"}, [3], [3], id="integer-decimal"),
        pytest.param(
            field("v", "select", options=CHOICES),
            {"type": "multi_select", "options": CHOICES},
            ["won"],
            [["won"]],
            id="select-multi_select",
        ),
        pytest.param(
            field("v", "date"), {"type": "datetime"}, ["2026-03-01"], ["2026-03-01T00:00:00+00:00"], id="date-datetime"
        ),
        pytest.param(field("v", "tags"), {"type": "text"}, [["a", "b"]], ["a, b"], id="tags-text"),
        pytest.param(field("v", "boolean"), {"type": "integer"}, [True, False], [1, 0], id="boolean-integer"),
        pytest.param(field("v", "text"), {"type": "select", "options": CHOICES}, ["won"], ["won"], id="text-select"),
    ],
)
def test_lossless_conversions_between_types(
    run: Services, before: dict[str, Any], after: dict[str, Any], values: list[Any], expected: list[Any]
) -> None:
    ids = entity_with(run, before, values)

    convert(run, after["type"], **{k: v for k, v in after.items() if k != "type"})

    assert values_of(run, ids) == expected


@pytest.mark.parametrize(
    ("before", "after", "value"),
    [
        pytest.param(field("v", "datetime"), "date", "2026-03-01T10:30:00+00:00", id="datetime-date"),
        pytest.param(field("v", "multi_select", options=CHOICES), "select", ["new", "won"], id="many-to-one"),
        pytest.param(field("v"), "boolean", "maybe", id="text-boolean"),
        pytest.param(field("v"), "select", "Won", id="text-select-changes-case"),
        pytest.param(field("v", "integer"), "rating", 9, id="integer-rating-out-of-range"),
    ],
)
def test_lossy_conversions_between_types(run: Services, before: dict[str, Any], after: str, value: Any) -> None:
    entity_with(run, before, [value])
    options = {"options": CHOICES} if after == "select" else {}

    with pytest.raises(Conflict) as caught:
        convert(run, after, **options)

    assert caught.value.data["preview"]["affected"][0]["before"] == value


def test_changing_the_scale_of_a_decimal_is_a_conversion(run: Services) -> None:
    ids = entity_with(run, field("v", "decimal", options={"scale": 2}), [2.25, 3])

    with pytest.raises(Conflict):
        run(entities.update_field, "item", "v", {"options": {"scale": 1}})
    run(entities.update_field, "item", "v", {"options": {"scale": 1}}, confirm=True)

    assert values_of(run, ids) == [2.3, 3]
    assert columns(run.runtime, "e_item")["v"]["type"].scale == 1


def test_unsupported_conversion_is_refused_naming_the_field(run: Services) -> None:
    entity_with(run, field("v", "boolean"), [True])

    with pytest.raises(ValidationFailed) as caught:
        convert(run, "date")

    assert error_fields(caught.value) == {"v"}


def test_relations_are_never_converted(run: Services) -> None:
    run.entity("company", [field("name")])
    entity_with(run, field("v", "relation", options={"target": "company"}), [None])

    with pytest.raises(ValidationFailed):
        convert(run, "integer")
    with pytest.raises(ValidationFailed):
        run(entities.update_field, "item", "name", {"type": "relation", "options": {"target": "company"}})


def test_unique_survives_a_conversion(run: Services) -> None:
    entity_with(run, field("v", unique=True), ["1", "2"])

    convert(run, "integer")

    with pytest.raises(Conflict) as caught:
        run.create("item", {"v": 1})
    assert error_fields(caught.value) == {"v"}


def test_sub_table_child_field_conversion(run: Services) -> None:
    lines = field("lines", "sub_table", options={"fields": [field("qty")]})
    run.entity("quote", [lines])
    record = run.create("quote", {"lines": [{"qty": "2"}, {"qty": "two"}]})
    converted = {"fields": [field("qty", "integer")]}

    with pytest.raises(Conflict):
        run(entities.update_field, "quote", "lines", {"options": converted})
    run(entities.update_field, "quote", "lines", {"options": converted}, confirm=True)

    assert [line["qty"] for line in run.get("quote", record["id"])["lines"]] == [2, None]


def test_converted_values_are_written_for_soft_deleted_records_too(run: Services) -> None:
    ids = entity_with(run, field("v", "integer"), [41])
    run.delete("item", ids[0])

    convert(run, "text")

    assert run.get("item", ids[0], include_deleted=True)["v"] == "41"


# --- removing choices that records use ----------------------------------------------------------

WITHOUT_WON = {"choices": [{"value": "new"}, {"value": "lost"}]}


def test_removing_a_choice_in_use_answers_409_with_a_preview_and_changes_nothing(run: Services) -> None:
    ids = entity_with(run, field("v", "select", options=CHOICES), ["won", "new", "won", None])
    gone = run.create("item", {"v": "won"})
    run.delete("item", gone["id"])  # deleted records are not "in use"

    with pytest.raises(Conflict) as caught:
        run(entities.update_field, "item", "v", {"options": WITHOUT_WON})

    error = caught.value
    assert error_fields(error) == {"v"}
    assert "'won'" in error.message
    assert error.data["preview"] == {
        "field": "v",
        "removed_choices": ["won"],
        "records": 2,
        "affected": [{"id": ids[0], "value": "won"}, {"id": ids[2], "value": "won"}],
    }
    assert run(entities.get_entity, "item")["fields"][1]["options"] == CHOICES


def test_removing_an_unused_choice_applies_at_once(run: Services) -> None:
    entity_with(run, field("v", "select", options=CHOICES), ["new", None])

    result = run(entities.update_field, "item", "v", {"options": WITHOUT_WON})

    assert "retired_choices" not in result["ddl"]
    assert run(entities.get_entity, "item")["fields"][1]["options"] == WITHOUT_WON


def test_relabelling_a_choice_is_not_a_removal(run: Services) -> None:
    ids = entity_with(run, field("v", "select", options=CHOICES), ["won"])
    relabelled = {"choices": [{"value": "new"}, {"value": "won", "label": {"en": "Won!"}}, {"value": "lost"}]}

    run(entities.update_field, "item", "v", {"options": relabelled})

    assert values_of(run, ids) == ["won"]


def test_confirmed_removal_keeps_the_values_and_putting_the_choice_back_revives_them(run: Services) -> None:
    ids = entity_with(run, field("v", "select", options=CHOICES), ["won", "new"])

    result = run(entities.update_field, "item", "v", {"options": WITHOUT_WON}, confirm=True)

    assert result["ddl"]["retired_choices"] == [{"field": "v", "removed_choices": ["won"], "records": 1}]
    assert values_of(run, ids) == ["won", "new"]  # shown as stored, not cleared
    assert run.sql("SELECT v FROM e_item ORDER BY id") == [("won",), ("new",)]
    with pytest.raises(ValidationFailed) as caught:
        run.create("item", {"v": "won"})  # nobody can pick it anew
    assert error_fields(caught.value) == {"v"}

    run(entities.update_field, "item", "v", {"options": CHOICES})

    assert values_of(run, ids) == ["won", "new"]
    assert run.create("item", {"v": "won"})["v"] == "won"


def test_removing_multi_select_choices_previews_the_records_holding_them(run: Services) -> None:
    ids = entity_with(run, field("v", "multi_select", options=CHOICES), [["new", "won"], ["new"], ["lost", "won"]])

    with pytest.raises(Conflict) as caught:
        run(entities.update_field, "item", "v", {"options": WITHOUT_WON})

    preview = caught.value.data["preview"]
    assert preview["records"] == 2
    assert preview["affected"] == [{"id": ids[0], "value": ["new", "won"]}, {"id": ids[2], "value": ["lost", "won"]}]

    run(entities.update_field, "item", "v", {"options": WITHOUT_WON}, confirm=True)
    assert values_of(run, ids) == [["new", "won"], ["new"], ["lost", "won"]]


def test_removing_a_sub_table_choice_previews_rows_of_live_records(run: Services) -> None:
    kind = field("kind", "select", options=CHOICES)
    run.entity("quote", [field("lines", "sub_table", options={"fields": [field("qty", "integer"), kind]})])
    record = run.create("quote", {"lines": [{"qty": 1, "kind": "won"}, {"qty": 2, "kind": "new"}]})
    gone = run.create("quote", {"lines": [{"qty": 3, "kind": "won"}]})
    run.delete("quote", gone["id"])
    row = record["lines"][0]["id"]
    narrowed = {"fields": [field("qty", "integer"), field("kind", "select", options=WITHOUT_WON)]}

    with pytest.raises(Conflict) as caught:
        run(entities.update_field, "quote", "lines", {"options": narrowed})

    preview = caught.value.data["preview"]
    assert (preview["field"], preview["records"]) == ("lines.kind", 1)
    assert preview["affected"] == [{"id": record["id"], "row": row, "value": "won"}]

    run(entities.update_field, "quote", "lines", {"options": narrowed}, confirm=True)
    assert [line["kind"] for line in run.get("quote", record["id"])["lines"]] == ["won", "new"]


def test_choice_preview_is_capped_but_counts_every_record(run: Services) -> None:
    entity_with(run, field("v", "select", options=CHOICES), ["won"] * 25)

    with pytest.raises(Conflict) as caught:
        run(entities.update_field, "item", "v", {"options": WITHOUT_WON})

    assert caught.value.data["preview"]["records"] == 25
    assert len(caught.value.data["preview"]["affected"]) == 20
