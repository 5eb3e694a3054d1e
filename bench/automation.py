"""Automation benchmark: a record update on an entity with 1,000 rules against the same update
on an identical entity with none.

Of the 1,000 rules, 3 match the update (their trigger is the changed field; their
conditions are evaluated, false, and each run is logged); the other 997 are filed under
other events, other fields or other target values, so the rule index never hands them
over. A second figure has the 3 matching rules act (an in-app notification each). Both
updates go through the full HTTP API in this process, on one database, interleaved so
drift hits both alike. Aim: 1.2x or better for the first figure.

    .venv/bin/python bench/automation.py                 # SQLite in a temporary folder
    .venv/bin/python bench/automation.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.automation.definitions import create_rule
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.meta.entities import create_entity
from loomworks.runtime import Runtime
from records import bench_runtime, compare

RULES = 1000
MATCHING = 3
OTHER_FIELDS = 30


def _entity(key: str) -> dict[str, Any]:
    fields = [
        {"key": "name", "type": "text", "label": {"en": "Name"}},
        {"key": "stage", "type": "text", "label": {"en": "Stage"}},
        {"key": "amount", "type": "currency", "label": {"en": "Amount"}},
    ]
    fields += [{"key": f"f{i}", "type": "text", "label": {"en": f"F{i}"}} for i in range(OTHER_FIELDS)]
    return {"key": key, "label": {"en": key.title()}, "title_field": "name", "fields": fields}


def _rules(acting: bool) -> list[dict[str, Any]]:
    """3 rules the update reaches, 997 it must not even look at."""
    notify = {"type": "notify", "to": {"fields": ["_owner"]}, "title": {"en": "{{ name }} moved"}}
    never = {"type": "set_fields", "values": {"f0": "never"}}
    condition = {">=": [{"var": "amount"}, 0]} if acting else {">": [{"var": "amount"}, 10**12]}
    rules = [
        {
            "key": f"match_{i}",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "stage"},
            "condition": condition,
            "actions": [notify],
        }
        for i in range(MATCHING)
    ]
    others = itertools.cycle(
        [
            lambda i: {"type": "field_changed", "entity": "deal", "field": f"f{i % OTHER_FIELDS}"},
            lambda i: {"type": "field_changed", "entity": "deal", "field": "stage", "to": f"v{i}"},
            lambda i: {"type": "record_created", "entity": "deal"},
            lambda i: {"type": "record_deleted", "entity": "deal"},
        ]
    )
    for i, trigger in zip(range(RULES - MATCHING), others, strict=False):
        actions = [notify] if trigger(i)["type"] == "record_deleted" else [never]
        rules.append({"key": f"other_{i}", "trigger": trigger(i), "actions": actions})
    return [{"label": {"en": r["key"]}, **r} for r in rules]


def setup(runtime: Runtime, acting: bool) -> tuple[str, int, int]:
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        create_entity(tx, _entity("deal"))
        create_entity(tx, _entity("plain"))
        admin = users.create_user(tx.conn, "admin@example.com", None, roles=["admin"])
        token = users.create_token(tx.conn, admin["id"], "bench")["token"]
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        actor = tx.actor.__class__(id=admin["id"], email="admin@example.com", roles=("admin",))
        as_admin = tx.acting_as(actor)
        for rule in _rules(acting):
            create_rule(as_admin, rule)
    client = create_app(runtime=runtime).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    ids = [
        client.post(f"/api/records/{key}", json={"name": "x", "stage": "a", "amount": 1}, headers=headers).get_json()[
            "id"
        ]
        for key in ("deal", "plain")
    ]
    return token, ids[0], ids[1]


def updater(client: FlaskClient, token: str, entity: str, record_id: int) -> Callable[[], None]:
    stages = itertools.cycle(["b", "a"])
    headers = {"Authorization": f"Bearer {token}"}

    def call() -> None:
        response = client.patch(f"/api/records/{entity}/{record_id}", json={"stage": next(stages)}, headers=headers)
        assert response.status_code == 200, response.data[:300]

    return call


def measure(database: str | None, runs: int, acting: bool) -> tuple[str, float, float]:
    with bench_runtime(database) as runtime:
        token, deal_id, plain_id = setup(runtime, acting)
        client = create_app(runtime=runtime).test_client()
        with_rules = updater(client, token, "deal", deal_id)
        without = updater(client, token, "plain", plain_id)
        return (runtime.engine.dialect.name, *compare(with_rules, without, runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--runs", type=int, default=400)
    args = parser.parse_args()
    for acting in (False, True):
        dialect, ruled, plain = measure(args.database, args.runs, acting)
        what = "3 matching rules notify" if acting else "3 matching rules, conditions false"
        print(f"database: {dialect}, rules: {RULES}, runs: {args.runs} ({what})")
        print(f"  update with 1,000 rules: {ruled * 1000:.3f} ms")
        print(f"  update with no rules:    {plain * 1000:.3f} ms")
        print(f"  ratio: {ruled / plain:.2f}x")


if __name__ == "__main__":
    main()
