"""Workflow benchmark: what a workflow adds to writes, through the full HTTP API.

Two identical entities; one has an active workflow on its ``stage`` field (8 states, 16
transitions with roles and a JsonLogic guard each). Three figures, each interleaved with
its baseline in this process, on one database:

* an update of an ordinary field of a guarded record against the same update of an
  unguarded one (the write guard's cost on every write; aim: 1.05x or better);
* taking a transition (row lock, who-may and guard checks, the state write with history,
  the workflow event, the rules index consulted) against a plain PATCH of the same select
  field on the unguarded entity;
* listing the transitions one may take against reading the record.

    .venv/bin/python bench/workflows.py                 # SQLite in a temporary folder
    .venv/bin/python bench/workflows.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.meta.documents import create_document
from loomworks.meta.entities import create_entity
from loomworks.runtime import Runtime
from loomworks.workflows.definitions import WORKFLOWS
from records import bench_runtime, compare

STATES = [f"s{i}" for i in range(8)]


def _entity(key: str) -> dict[str, Any]:
    choices = [{"value": s, "label": {"en": s.upper()}} for s in STATES]
    return {
        "key": key,
        "label": {"en": key.title()},
        "title_field": "name",
        "fields": [
            {"key": "name", "type": "text", "label": {"en": "Name"}},
            {"key": "amount", "type": "currency", "label": {"en": "Amount"}},
            {"key": "note", "type": "text", "label": {"en": "Note"}},
            {"key": "stage", "type": "select", "label": {"en": "Stage"}, "options": {"choices": choices}},
        ],
    }


def _workflow() -> dict[str, Any]:
    """A ring of states, forwards and backwards: from every state two transitions lead on."""
    transitions = []
    for index, state in enumerate(STATES):
        following = STATES[(index + 1) % len(STATES)]
        guard = {">=": [{"var": "amount"}, 0]}
        transitions.append(
            {"key": f"to_{following}", "from": state, "to": following, "roles": ["admin"], "guard": guard}
        )
        transitions.append({"key": f"back_{state}", "from": following, "to": state, "roles": ["admin"], "guard": guard})
    return {
        "key": "ring",
        "label": {"en": "Ring"},
        "entity": "deal",
        "field": "stage",
        "initial": STATES[0],
        "states": [{"key": s, "category": "in_progress"} for s in STATES],
        "transitions": transitions,
    }


def setup(runtime: Runtime) -> tuple[dict[str, str], int, int]:
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        create_entity(tx, _entity("deal"))
        create_entity(tx, _entity("plain"))
        admin = users.create_user(tx.conn, "admin@example.com", None, roles=["admin"])
        token = users.create_token(tx.conn, admin["id"], "bench")["token"]
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        create_document(tx, WORKFLOWS, _workflow(), None)
    client = create_app(runtime=runtime).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    for key in ("deal", "plain"):
        body = {"name": "x", "amount": 1, "stage": STATES[0]}
        response = client.post(f"/api/records/{key}", json=body, headers=headers)
        assert response.status_code == 201, response.data[:300]
        ids.append(response.get_json()["id"])
    return headers, ids[0], ids[1]


def call(client: FlaskClient, method: str, path: str, body: Any, headers: dict[str, str]) -> None:
    response = client.open(path, method=method, json=body, headers=headers)
    assert response.status_code == 200, response.data[:300]


def note_updater(client: FlaskClient, headers: dict[str, str], entity: str, record_id: int) -> Callable[[], None]:
    notes = itertools.cycle(["a", "b"])
    return lambda: call(client, "PATCH", f"/api/records/{entity}/{record_id}", {"note": next(notes)}, headers)


def transition_taker(client: FlaskClient, headers: dict[str, str], record_id: int) -> Callable[[], None]:
    moves = itertools.cycle([f"to_{STATES[1]}", f"back_{STATES[0]}"])
    return lambda: call(client, "POST", f"/api/records/deal/{record_id}/transitions/{next(moves)}", {}, headers)


def stage_patcher(client: FlaskClient, headers: dict[str, str], record_id: int) -> Callable[[], None]:
    stages = itertools.cycle([STATES[1], STATES[0]])
    return lambda: call(client, "PATCH", f"/api/records/plain/{record_id}", {"stage": next(stages)}, headers)


def measure(database: str | None, runs: int) -> tuple[str, dict[str, tuple[float, float]]]:
    with bench_runtime(database) as runtime:
        headers, deal_id, plain_id = setup(runtime)
        client = create_app(runtime=runtime).test_client()
        get = lambda path: lambda: call(client, "GET", path, None, headers)  # noqa: E731
        return runtime.engine.dialect.name, {
            "update of another field": compare(
                note_updater(client, headers, "deal", deal_id), note_updater(client, headers, "plain", plain_id), runs
            ),
            "transition vs PATCH of the field": compare(
                transition_taker(client, headers, deal_id), stage_patcher(client, headers, plain_id), runs
            ),
            "list transitions vs GET record": compare(
                get(f"/api/records/deal/{deal_id}/transitions"), get(f"/api/records/plain/{plain_id}"), runs
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--runs", type=int, default=400)
    args = parser.parse_args()
    dialect, figures = measure(args.database, args.runs)
    print(f"database: {dialect}, runs: {args.runs}")
    for name, (workflow, baseline) in figures.items():
        print(f"  {name}: {workflow * 1000:.3f} ms vs {baseline * 1000:.3f} ms, ratio {workflow / baseline:.2f}x")


if __name__ == "__main__":
    main()
