"""The upgrade merge on its own: the template's new layer under the customer's changes."""

from __future__ import annotations

from typing import Any

from loomworks.meta.layers import extract_overlay
from loomworks.templates.merge import merge


def entity(*fields: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"key": "deal", "label": {"en": "Deal"}, "fields": list(fields), **top}


def f(key: str, **props: Any) -> dict[str, Any]:
    return {"key": key, "type": "text", "label": {"en": key.title()}, **props}


def test_untouched_properties_take_the_new_template_and_changed_ones_stay_the_customers() -> None:
    v1 = entity(f("name"), f("amount", type="currency"))
    mine = entity(f("name", label={"en": "Title"}), f("amount", type="currency"), f("region"))
    v2 = entity(f("name"), f("amount", type="currency", label={"en": "Value"}), label={"en": "Opportunity"})
    result = merge("entity", "deal", v1, extract_overlay(v1, mine), v2, {})
    assert result.conflicts == []  # each side changed different things
    assert result.effective["label"] == {"en": "Opportunity"}
    assert [(x["key"], x["label"]["en"]) for x in result.effective["fields"]] == [
        ("name", "Title"),
        ("amount", "Value"),
        ("region", "Region"),
    ]


def test_both_changing_one_property_is_a_conflict_the_customer_wins_unless_told() -> None:
    v1 = entity(f("name"))
    mine = entity(f("name", label={"en": "Title"}))
    v2 = entity(f("name", label={"en": "Deal name"}))
    custom = extract_overlay(v1, mine)
    (conflict,) = merge("entity", "deal", v1, custom, v2, {}).conflicts
    assert conflict.id == "entity:deal:fields.name.label"
    assert (conflict.template_before, conflict.template_after, conflict.yours) == (
        {"en": "Name"},
        {"en": "Deal name"},
        {"en": "Title"},
    )
    assert merge("entity", "deal", v1, custom, v2, {}).effective["fields"][0]["label"] == {"en": "Title"}
    chosen = merge("entity", "deal", v1, custom, v2, {conflict.id: "template"})
    assert chosen.effective["fields"][0]["label"] == {"en": "Deal name"}


def test_a_field_the_customer_added_that_the_template_now_brings_is_one_field() -> None:
    v1 = entity(f("name"))
    mine = entity(f("name"), f("website", type="url", label={"en": "Web"}))
    v2 = entity(f("name"), f("website", type="url"))
    result = merge("entity", "deal", v1, extract_overlay(v1, mine), v2, {})
    assert [x["key"] for x in result.effective["fields"]] == ["name", "website"]
    assert result.effective["fields"][1]["label"] == {"en": "Web"}
    assert [c.id for c in result.conflicts] == ["entity:deal:fields.website.label"]


def test_a_field_the_template_took_away_and_brings_back_is_shown_again() -> None:
    v1 = entity(f("name"))
    kept_removed = entity(f("name"), f("legacy", removed=True))  # v0 had it; the customer's layer kept it
    v2 = entity(f("name"), f("legacy"))
    result = merge("entity", "deal", v1, extract_overlay(v1, kept_removed), v2, {})
    assert result.effective["fields"][1] == f("legacy")


def test_lists_of_plain_keys_are_one_property() -> None:
    v1 = {"key": "quick", "entity": "deal", "fields": ["name"]}
    mine = {"key": "quick", "entity": "deal", "fields": ["name", "amount"]}
    v2 = {"key": "quick", "entity": "deal", "fields": ["name", "stage"]}
    result = merge("form", "quick", v1, extract_overlay(v1, mine), v2, {})
    assert result.effective["fields"] == ["name", "amount"]
    assert [c.id for c in result.conflicts] == ["form:quick:fields"]
