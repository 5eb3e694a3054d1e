"""The role-union property: several roles never add up to more than one of them grants.

For random sets of roles (each grant with a random row scope and random hidden fields),
the records a user lists must be exactly the rows some grant covers, and every field
shown on a row must be shown by a grant that covers *that* row — and shown whenever
such a grant exists. The expectation is computed independently, with the Python
JsonLogic evaluator over the full records as an admin reads them.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import Services, field, make_user
from loomworks.auth import admin as user_admin
from loomworks.auth.roles import create_role
from loomworks.core.context import Actor
from loomworks.logic.evaluator import evaluate, truthy
from loomworks.records.query import ListParams, list_records

TEAMS = {"choices": [{"value": "red", "label": {"en": "Red"}}, {"value": "blue", "label": {"en": "Blue"}}]}
FIELDS = ("title", "size", "note", "team")
SCOPES: list[Any] = [
    None,
    {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
    {"==": [{"var": "team"}, "red"]},
    {">": [{"var": "size"}, 5]},
    {"and": [{"==": [{"var": "team"}, "blue"]}, {"<=": [{"var": "size"}, 7]}]},
    {"!": {"var": "note"}},
]

grant_strategy = st.fixed_dictionaries(
    {"scope": st.sampled_from(SCOPES), "hidden": st.sets(st.sampled_from(FIELDS), max_size=3)}
)
roles_strategy = st.lists(st.lists(grant_strategy, min_size=1, max_size=2), min_size=1, max_size=3)


def _setup(run: Services) -> tuple[Actor, Actor]:
    run.entity(
        "item",
        [field("title"), field("size", "integer"), field("note"), field("team", "select", options=TEAMS)],
    )
    reader = make_user(run.runtime, "reader@example.com", roles=("member",))
    other = make_user(run.runtime, "other@example.com", roles=("member",))
    for index in range(14):
        owner = reader if index % 3 == 0 else other
        run.create(
            "item",
            {
                "title": f"Item {index}",
                "size": index,
                "note": None if index % 4 == 0 else f"note {index}",
                "team": "red" if index % 2 else "blue",
                "_owner": owner.id,
            },
        )
    return reader, other


def _expected(records: list[dict[str, Any]], grants: list[dict[str, Any]], user: Actor) -> dict[int, set[str]]:
    """Independently: for each row some grant covers, the fields some covering grant shows."""
    context = {"$user": user.logic_context()}
    expected: dict[int, set[str]] = {}
    for record in records:
        covering = [g for g in grants if g["scope"] is None or truthy(evaluate(g["scope"], {**record, **context}))]
        if covering:
            expected[record["id"]] = {f for f in FIELDS if any(f not in g["hidden"] for g in covering)}
    return expected


def test_several_roles_never_grant_more_than_one_role_does(run: Services) -> None:
    reader, _ = _setup(run)
    everything = run(list_records, "item", ListParams(limit=100))["items"]
    counter = itertools.count()

    @given(roles=roles_strategy)
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def check(roles: list[list[dict[str, Any]]]) -> None:
        keys = []
        for grants in roles:
            key = f"r{next(counter)}"
            doc_grants = []
            for grant in grants:
                doc_grant: dict[str, Any] = {"entity": "item", "actions": ["read"]}
                if grant["scope"] is not None:
                    doc_grant["scope"] = grant["scope"]
                if grant["hidden"]:
                    doc_grant["hidden_fields"] = sorted(grant["hidden"])
                doc_grants.append(doc_grant)
            run(create_role, {"key": key, "label": {"en": key}, "grants": doc_grants})
            keys.append(key)
        run(lambda tx: user_admin.update_user(tx.conn, tx.actor, reader.id, {"roles": keys}))
        acting = Actor(id=reader.id, email=reader.email, name=reader.name, roles=tuple(keys))

        listed = run.as_(acting)(list_records, "item", ListParams(limit=100))["items"]

        flat = [grant for grants in roles for grant in grants]
        expected = _expected(everything, flat, acting)
        shown = {record["id"]: {f for f in FIELDS if f in record} for record in listed}
        assert shown == expected

    check()
