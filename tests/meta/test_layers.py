"""Base and custom layers: a template's base plus the customer's own changes.

Templates are installed by a later issue; here the base layer is written the way an
install will write it (the definition row's ``base`` column), and every edit made
through the entity service must land in the custom layer only.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from factories import Services, field, label
from loomworks.meta import entities
from loomworks.meta.layers import extract_overlay, overlay
from loomworks.meta.models import definitions

BASE: dict[str, Any] = {
    "key": "deal",
    "label": label("Deal", "商机"),
    "title_field": "name",
    "fields": [
        field("name", required=True),
        field("amount", "currency", default=0, options={"currency": "EUR"}),
        field("stage", "select", options={"choices": [{"value": "new"}, {"value": "won"}]}),
    ],
}


def install_base(run: Services, base: dict[str, Any], template: str = "crm") -> None:
    """Put ``base`` in the base layer with an empty custom layer, as a template install does."""
    with run.runtime.engine.begin() as conn:
        conn.execute(
            update(definitions)
            .where(definitions.c.kind == "entity", definitions.c.key == base["key"])
            .values(base=base, custom={}, template=template)
        )
    run.runtime.entities.invalidate()


def layers(run: Services, key: str = "deal") -> tuple[dict[str, Any], dict[str, Any]]:
    with run.runtime.engine.connect() as conn:
        row = conn.execute(select(definitions.c.base, definitions.c.custom).where(definitions.c.key == key)).one()
    return row.base, row.custom


@pytest.fixture
def templated(run: Services) -> Services:
    run(entities.create_entity, BASE)
    install_base(run, BASE)
    return run


# --- pure functions -----------------------------------------------------------------------------

EDITS = [
    pytest.param(lambda d: d["fields"].append(field("source")), id="add-field"),
    pytest.param(lambda d: d["fields"][0].update(label=label("Title")), id="relabel-base-field"),
    pytest.param(lambda d: d["fields"][1].pop("default"), id="drop-base-default"),
    pytest.param(lambda d: d.pop("title_field"), id="drop-title-field"),
    pytest.param(lambda d: d["fields"].pop(2), id="purge-base-field"),
    pytest.param(lambda d: d.update(icon="briefcase"), id="new-top-level-property"),
]


@pytest.mark.parametrize("edit", EDITS)
def test_overlay_of_extracted_custom_layer_gives_back_the_edit(edit: Any) -> None:
    import copy

    effective = copy.deepcopy(BASE)
    edit(effective)

    custom = extract_overlay(BASE, effective)

    assert overlay(BASE, custom) == effective


def test_custom_layer_holds_only_the_difference() -> None:
    effective = overlay(BASE, {})
    effective["fields"][0]["label"] = label("Title")
    effective["fields"].append(field("source"))

    assert extract_overlay(BASE, effective) == {
        "fields": {"changed": {"name": {"label": label("Title")}}, "added": [field("source")]}
    }


def test_without_a_base_the_custom_layer_is_the_whole_document() -> None:
    assert extract_overlay(None, BASE) == BASE
    assert overlay(None, BASE) == BASE


# --- through the store --------------------------------------------------------------------------


def test_customer_edits_go_to_the_custom_layer_only(templated: Services) -> None:
    templated(entities.update_field, "deal", "name", {"label": label("Title")})
    templated(entities.add_field, "deal", field("source"))

    base, custom = layers(templated)
    assert base == BASE
    assert custom == {"fields": {"changed": {"name": {"label": label("Title")}}, "added": [field("source")]}}
    effective = templated(entities.get_entity, "deal")
    assert [f["key"] for f in effective["fields"]] == ["name", "amount", "stage", "source"]
    assert effective["template"] == "crm"


def test_replacing_the_base_keeps_the_custom_layer(templated: Services) -> None:
    templated(entities.update_field, "deal", "name", {"label": label("Title")})
    templated(entities.add_field, "deal", field("source"))
    upgraded = {**BASE, "fields": [*BASE["fields"], field("probability", "percent")]}
    upgraded["fields"][2] = field(
        "stage", "select", options={"choices": [{"value": "new"}, {"value": "won"}, {"value": "lost"}]}
    )

    install_base_keeping_custom(templated, upgraded)

    effective = templated(entities.get_entity, "deal")
    by_key = {f["key"]: f for f in effective["fields"]}
    assert by_key["name"]["label"] == label("Title")
    assert "source" in by_key and "probability" in by_key
    assert [c["value"] for c in by_key["stage"]["options"]["choices"]] == ["new", "won", "lost"]


def install_base_keeping_custom(run: Services, base: dict[str, Any]) -> None:
    with run.runtime.engine.begin() as conn:
        conn.execute(update(definitions).where(definitions.c.key == base["key"]).values(base=base))
    run.runtime.entities.invalidate()


def test_removing_a_base_default_sticks(templated: Services) -> None:
    templated(entities.update_field, "deal", "amount", {"default": None})

    amount = templated(entities.get_entity, "deal")["fields"][1]
    assert "default" not in amount
    assert templated.create("deal", {"name": "Acme"})["amount"] is None


def test_removing_the_base_title_field_leaves_the_entity_editable(templated: Services) -> None:
    templated(entities.remove_field, "deal", "name")

    assert "title_field" not in templated(entities.get_entity, "deal")
    templated(entities.add_field, "deal", field("source"))
    templated(entities.restore_field, "deal", "name")
