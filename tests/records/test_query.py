"""The query path: where, q, sort, keyset cursor pages, projection, totals, related data."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from factories import Services, field, make_user
from field_samples import KEY, SAMPLES, Refs, _, definition, make_refs
from loomworks.core.context import Actor
from loomworks.errors import BadRequest
from loomworks.fields.registry import FIELD_TYPES
from loomworks.records.query import ListParams, list_records

STAGES = {"choices": [{"value": "new"}, {"value": "won"}, {"value": "lost"}]}
INDUSTRIES = {"choices": [{"value": "tech"}, {"value": "retail"}]}

DEALS: list[dict[str, Any]] = [
    {"name": "Alpha", "amount": 100, "stage": "new", "close_date": "2026-01-15", "tags": ["eu"],
     "company": "Acme", "notes": "Renewal of the 100% plan"},
    {"name": "Bravo", "amount": 250.5, "stage": "won", "close_date": "2026-02-01", "tags": ["us", "vip"],
     "company": "Acme"},
    {"name": "Charlie", "amount": 100, "stage": "won", "close_date": None, "tags": None,
     "company": "Globex", "notes": "first_contact via fair"},
    {"name": "Delta", "amount": None, "stage": "lost", "close_date": "2026-03-31", "tags": ["eu"],
     "company": None, "notes": "Kick-off in Zürich"},
    {"name": "Echo", "amount": 75, "stage": None, "close_date": "2026-01-15", "tags": None,
     "company": "Globex"},
    {"name": "Foxtrot", "amount": 250.5, "stage": "new", "close_date": "2025-12-31", "tags": ["vip"],
     "company": "Initech"},
    {"name": "Golf", "amount": 3000, "stage": "won", "close_date": "2026-06-30", "tags": None,
     "company": "Initech"},
]  # fmt: skip


def add_crm(run: Services) -> Services:
    run.entity("company", [field("name"), field("industry", "select", options=INDUSTRIES)], title_field="name")
    run.entity(
        "deal",
        [
            field("name"),
            field("amount", "decimal"),
            field("stage", "select", options=STAGES),
            field("close_date", "date"),
            field("tags", "tags"),
            field("company", "relation", options={"target": "company"}),
            field("notes", "long_text"),
            field("big", "formula", options={"expression": {">=": [{"var": "amount"}, 250]}, "result_type": "boolean"}),
        ],
    )
    companies = {
        name: run.create("company", {"name": name, "industry": industry})["id"]
        for name, industry in [("Acme", "tech"), ("Globex", "retail"), ("Initech", "tech")]
    }
    for deal in DEALS:
        run.create("deal", {**deal, "company": companies.get(deal["company"])})
    return run


@pytest.fixture
def crm(run: Services) -> Services:
    """The data set in a database of this test's own (for tests that write)."""
    return add_crm(run)


@pytest.fixture(scope="module")
def deals(shared_run: Services) -> Services:
    """The data set, shared by the tests of this module that only read."""
    return add_crm(shared_run)


def query(run: Services, entity: str = "deal", **params: Any) -> dict[str, Any]:
    return run(list_records, entity, ListParams(**params))


def names(run: Services, **params: Any) -> list[str]:
    return [r["name"] for r in query(run, **params)["items"]]


# --- where --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param({"==": [{"var": "stage"}, "won"]}, {"Bravo", "Charlie", "Golf"}, id="equals"),
        pytest.param(
            {"!=": [{"var": "stage"}, "won"]}, {"Alpha", "Delta", "Echo", "Foxtrot"}, id="not-equals-keeps-nulls"
        ),
        pytest.param({">": [{"var": "amount"}, 100]}, {"Bravo", "Foxtrot", "Golf"}, id="greater"),
        pytest.param(
            {"<=": [75, {"var": "amount"}, 250.5]}, {"Alpha", "Bravo", "Charlie", "Echo", "Foxtrot"}, id="between"
        ),
        pytest.param({"in": [{"var": "stage"}, ["new", "lost"]]}, {"Alpha", "Delta", "Foxtrot"}, id="in-list"),
        pytest.param({"in": ["vip", {"var": "tags"}]}, {"Bravo", "Foxtrot"}, id="in-tags"),
        pytest.param({"in": ["ren", {"var": "notes"}]}, set(), id="substring-is-case-sensitive"),
        pytest.param({"in": ["Ren", {"var": "notes"}]}, {"Alpha"}, id="substring"),
        pytest.param(
            {"and": [{"==": [{"var": "stage"}, "won"]}, {"<": [{"var": "amount"}, 1000]}]},
            {"Bravo", "Charlie"},
            id="and",
        ),
        pytest.param(
            {"or": [{"==": [{"var": "stage"}, "lost"]}, {">": [{"var": "amount"}, 1000]}]}, {"Delta", "Golf"}, id="or"
        ),
        pytest.param({"!": {"var": "stage"}}, {"Echo"}, id="not"),
        pytest.param({"!!": {"var": "tags"}}, {"Alpha", "Bravo", "Delta", "Foxtrot"}, id="truthy-list"),
        pytest.param({"missing": ["close_date"]}, {"Charlie"}, id="missing"),
        pytest.param({"<": [{"var": "close_date"}, "2026-01-15"]}, {"Foxtrot"}, id="date-before"),
        pytest.param({"==": [{"var": "close_date"}, "2026-01-15"]}, {"Alpha", "Echo"}, id="date-equals"),
        pytest.param({"==": [{"var": "company.industry"}, "retail"]}, {"Charlie", "Echo"}, id="relation-hop"),
        pytest.param({"==": [{"var": "big"}, True]}, {"Bravo", "Foxtrot", "Golf"}, id="formula"),
    ],
)
def test_where_selects_matching_records(deals: Services, where: Any, expected: set[str]) -> None:
    assert set(names(deals, where=where)) == expected


def test_where_can_use_the_acting_user(crm: Services, colleague: Actor) -> None:
    mine = crm.as_(colleague).create("deal", {"name": "Mine"})

    where = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}

    assert names(crm.as_(colleague), where=where) == ["Mine"]
    assert mine["_owner"] == colleague.id
    assert "Mine" not in names(crm, where=where)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({"map": [{"var": "tags"}, {"var": ""}]}, id="iterator"),
        pytest.param({"==": [{"+": [{"var": "amount"}, 1]}, 101]}, id="arithmetic-on-field"),
        pytest.param({"==": [{"var": "ghost"}, 1]}, id="unknown-field"),
        pytest.param({"teleport": [1]}, id="unknown-operator"),
        pytest.param({"==": [{"var": "company.ghost"}, 1]}, id="unknown-hop"),
    ],
)
def test_unsupported_filters_are_a_clear_400(deals: Services, where: Any) -> None:
    with pytest.raises(BadRequest) as caught:
        query(deals, where=where)
    assert caught.value.status == 400


# --- q ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("cHaR", {"Charlie"}, id="case-insensitive"),
        pytest.param("fair", {"Charlie"}, id="long-text-too"),
        pytest.param("ZÜR", {"Delta"}, id="case-insensitive-beyond-ascii"),
        pytest.param("100%", {"Alpha"}, id="percent-is-literal"),
        pytest.param("t_c", {"Charlie"}, id="underscore-is-literal"),
        pytest.param("   ", {d["name"] for d in DEALS}, id="blank-matches-all"),
        pytest.param("zzz", set(), id="no-match"),
    ],
)
def test_q_searches_text_fields(deals: Services, q: str, expected: set[str]) -> None:
    assert set(names(deals, q=q)) == expected


def test_q_and_where_combine(deals: Services) -> None:
    assert names(deals, q="A", where={"==": [{"var": "stage"}, "won"]}, sort=["name"]) == ["Bravo", "Charlie"]


# --- sort and keyset pages ----------------------------------------------------------------------


def test_sort_by_several_fields_with_empty_values_last(deals: Services) -> None:
    assert names(deals, sort=["stage", "-amount"]) == [
        "Delta",
        "Foxtrot",
        "Alpha",
        "Golf",
        "Bravo",
        "Charlie",
        "Echo",
    ]
    assert names(deals, sort=["-close_date"])[-1] == "Charlie"
    assert names(deals, sort=["close_date"])[-1] == "Charlie"


@pytest.mark.parametrize(
    "sort",
    [[], ["-amount"], ["amount"], ["stage", "-close_date"], ["-close_date", "name"], ["_created_at"], ["-id"]],
)
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_keyset_pages_visit_every_record_once_in_order(deals: Services, sort: list[str], limit: int) -> None:
    everything = names(deals, sort=sort)
    seen: list[str] = []
    cursor = None
    for _page in range(20):
        page = query(deals, sort=sort, limit=limit, cursor=cursor)
        seen += [r["name"] for r in page["items"]]
        assert page["total"] == len(DEALS)
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)

    assert seen == everything
    assert len(seen) == len(DEALS)


def test_pages_stay_stable_when_records_are_added_before_the_cursor(crm: Services) -> None:
    first = query(crm, sort=["name"], limit=3)
    crm.create("deal", {"name": "Aardvark"})

    second = query(crm, sort=["name"], limit=3, cursor=first["next_cursor"])

    assert [r["name"] for r in second["items"]] == ["Delta", "Echo", "Foxtrot"]


def test_cursor_is_bound_to_its_sort(deals: Services) -> None:
    page = query(deals, sort=["amount"], limit=2)

    with pytest.raises(BadRequest):
        query(deals, sort=["name"], limit=2, cursor=page["next_cursor"])
    for garbage in ("nonsense", "eyJzIjoxfQ", "!!!"):
        with pytest.raises(BadRequest):
            query(deals, sort=["amount"], cursor=garbage)


@pytest.mark.parametrize("sort", [["ghost"], ["tags"], ["notes", "name", "amount", "stage", "close_date", "id"]])
def test_bad_sort_is_a_400(deals: Services, sort: list[str]) -> None:
    with pytest.raises(BadRequest):
        query(deals, sort=sort)


@pytest.mark.parametrize("limit", [0, -1, 501])
def test_limit_out_of_range_is_a_400(deals: Services, limit: int) -> None:
    with pytest.raises(BadRequest):
        query(deals, limit=limit)


# --- projection, totals, deleted ----------------------------------------------------------------


def test_fields_projection(deals: Services) -> None:
    item = query(deals, fields=["name", "company"], sort=["name"], limit=1)["items"][0]

    assert {k for k in item if not k.startswith("_")} == {"id", "name", "company"}
    assert item["_refs"] == {"company": {"id": item["company"], "title": "Acme"}}
    with pytest.raises(BadRequest):
        query(deals, fields=["name", "ghost"])


def test_totals_count_every_match_not_just_the_page(deals: Services) -> None:
    page = query(deals, where={"==": [{"var": "stage"}, "won"]}, limit=1)

    assert (len(page["items"]), page["total"], page["total_is_estimate"]) == (1, 3, False)
    assert query(deals, with_total=False)["total"] is None


def test_deleted_records_are_listed_only_when_asked(crm: Services) -> None:
    golf = query(crm, where={"==": [{"var": "name"}, "Golf"]})["items"][0]
    crm.delete("deal", golf["id"])

    assert "Golf" not in names(crm)
    assert query(crm)["total"] == len(DEALS) - 1
    assert names(crm, deleted=True) == ["Golf"]


def test_related_titles_are_loaded_without_a_query_per_row(deals: Services) -> None:
    def statements(limit: int) -> int:
        executed: list[str] = []

        def record(*args: Any) -> None:
            executed.append(args[2])

        event.listen(deals.runtime.engine, "before_cursor_execute", record)
        try:
            items = query(deals, limit=limit, sort=["name"])["items"]
        finally:
            event.remove(deals.runtime.engine, "before_cursor_execute", record)
        assert len(items) == limit
        assert all("_refs" in i for i in items if i["company"] is not None)
        return len(executed)

    assert statements(2) == statements(7)


# --- every field type ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typed(shared_run: Services) -> tuple[Services, Refs, Actor]:
    """The shared database with what field samples point at, and a second user."""
    return shared_run, make_refs(shared_run), make_user(shared_run.runtime, "m@example.com", ("builder",))


@pytest.mark.parametrize("type_key", sorted(FIELD_TYPES.keys()))
def test_every_filterable_type_filters_on_its_own_value(typed: tuple[Services, Refs, Actor], type_key: str) -> None:
    run, refs, member = typed[0], replace(typed[1]), typed[2]
    sample = SAMPLES[type_key]
    thing = f"thing_{type_key}"
    run.entity(thing, [field("title"), *sample.siblings, definition(type_key)])
    body = dict(sample.body)
    if sample.good is not None:
        body[KEY] = _(sample.good, refs)
    refs.record = run.create(thing, body)
    run.as_(member).create(thing, {"title": "someone else's, later"})
    value = _(sample.expected, refs)
    ftype = FIELD_TYPES.get(type_key)
    kind = ftype.kind(run(lambda tx: tx.runtime.entities.get(tx.conn, thing)).all_fields[KEY])

    if kind is None:
        with pytest.raises(BadRequest):
            query(run, thing, where={"!!": {"var": KEY}})
        return
    where = {"in": [value[0], {"var": KEY}]} if kind == "json_list" else {"==": [{"var": KEY}, value]}
    assert [r["id"] for r in query(run, thing, where=where)["items"]] == [refs.record["id"]]
    if ftype.sortable:
        ordered = query(run, thing, sort=[f"-{KEY}"])["items"]
        assert len(ordered) == 2
