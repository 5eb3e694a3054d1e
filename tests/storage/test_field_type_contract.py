"""The field-type contract: every registered type can be added, written, read and refused.

The samples live in ``field_samples``; a type registered without one fails
``test_every_registered_type_has_a_sample``, so a new type cannot ship without passing
the same checks as the built-ins (filtering is checked in ``records/test_query.py``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from factories import Services, columns, field, has_table
from field_samples import KEY, SAMPLES, Refs, _, definition, make_refs
from loomworks.errors import ValidationFailed
from loomworks.fields.base import FieldSpec
from loomworks.fields.registry import FIELD_TYPES
from loomworks.meta import entities
from loomworks.storage.conversion import plan_conversion

TYPES = sorted(FIELD_TYPES.keys())


def test_every_registered_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(FIELD_TYPES.keys())


@pytest.fixture(scope="module")
def shared_refs(shared_run: Services) -> Refs:
    return make_refs(shared_run)


@pytest.mark.parametrize("type_key", TYPES)
def test_type_can_be_added_written_read_and_refuses_bad_values(
    shared_run: Services, shared_refs: Refs, type_key: str
) -> None:
    run, refs = shared_run, replace(shared_refs)
    sample = SAMPLES[type_key]
    ftype = FIELD_TYPES.get(type_key)
    thing = f"thing_{type_key}"  # one entity per type: the database is shared by the module
    run.entity(thing, [field("title"), *sample.siblings])
    existing = run.create(thing, {"title": "before the field existed"})

    # Added to a table that already has rows.
    run(entities.add_field, thing, definition(type_key))
    spec = FieldSpec.from_json(definition(type_key))
    if ftype.stores_column(spec):
        assert KEY in columns(run.runtime, f"e_{thing}")
    if type_key == "sub_table":
        assert has_table(run.runtime, f"e_{thing}__{KEY}")

    # A good value round-trips through create and get.
    body = dict(sample.body)
    if sample.good is not None:
        body[KEY] = _(sample.good, refs)
    created = run.create(thing, body)
    refs.record = created
    expected = _(sample.expected, refs)
    if type_key == "auto_number":
        expected = "T-0002"  # the record that existed before the field was numbered first
    assert created[KEY] == expected
    assert run.get(thing, created["id"])[KEY] == expected

    # A record written before the field existed reads as empty (writable types), or was
    # numbered when an auto-number field was added.
    if ftype.writable:
        assert run.get(thing, existing["id"])[KEY] in (None, [])
    if type_key == "auto_number":
        assert run.get(thing, existing["id"])[KEY] == "T-0001"

    # A bad value is refused, naming the field, on create and on update.
    for attempt in (
        lambda: run.create(thing, {**sample.body, KEY: _(sample.bad, refs)}),
        lambda: run.patch(thing, created["id"], {KEY: _(sample.bad, refs)}),
    ):
        with pytest.raises(ValidationFailed) as caught:
            attempt()
        named = [d.field for d in caught.value.details]
        assert any(f == KEY or (f or "").startswith(f"{KEY}.") for f in named), named
    assert run.get(thing, created["id"])[KEY] == expected


TEXT_ROUND_TRIP = [t for t in TYPES if FIELD_TYPES.get(t).writable and t not in ("sub_table", "attachment")]


@pytest.mark.parametrize("type_key", TEXT_ROUND_TRIP)
def test_csv_text_round_trips(type_key: str) -> None:
    sample = SAMPLES[type_key]
    ftype = FIELD_TYPES.get(type_key)
    spec = FieldSpec.from_json(definition(type_key))
    refs = Refs(user_id=7, target_id=9)
    value = _(sample.expected, refs)

    assert ftype.parse_text(ftype.format_text(value, spec), spec) == value
    assert ftype.format_text(None, spec) == ""
    assert ftype.parse_text("", spec) is None


CONVERSIONS = [
    (source, target)
    for source in TYPES
    if FIELD_TYPES.get(source).writable and source not in ("sub_table", "attachment")
    for target in sorted(FIELD_TYPES.get(source).converts_to)
]


@pytest.mark.parametrize(("source", "target"), CONVERSIONS)
def test_every_declared_conversion_is_judged_without_crashing(source: str, target: str) -> None:
    """Every value converts, or is reported as lossy with a reason, never an exception."""
    refs = Refs(user_id=7, target_id=9)
    before = FieldSpec.from_json(definition(source))
    after = FieldSpec.from_json(definition(target))
    ftype = FIELD_TYPES.get(source)
    raw = ftype.to_db(_(SAMPLES[source].expected, refs), before)

    converted, lossy = plan_conversion([(1, raw), (2, None)], before, after)

    assert converted[2] is None
    if not lossy:
        back = FIELD_TYPES.get(source).coerce(converted[1], before)
        assert back == _(SAMPLES[source].expected, refs)
    else:
        assert lossy[0]["id"] == 1
