"""Permissions benchmark: a row-scoped list of 50 records against the same list unscoped.

The store holds 10,000 Casbin policies (500 roles with 20 grants each over 20 entities),
so the cost of finding a user's effective grants is measured at a realistic size. The
scoped reader is a sales rep who sees only their own deals with two fields hidden; the
unscoped reader is an admin. Both lists go through the full HTTP API in this process,
on one database, interleaved so drift hits both alike. Aim: 1.2x or better.

    .venv/bin/python bench/permissions.py                 # SQLite in a temporary folder
    .venv/bin/python bench/permissions.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.auth.models import casbin_rules
from loomworks.auth.roles import create_role
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.meta.entities import create_entity
from loomworks.runtime import Runtime
from records import bench_runtime, compare

ENTITIES = 20
ROLES = 500
ROWS = 20_000


def _deal() -> dict[str, Any]:
    return {
        "key": "deal",
        "label": {"en": "Deal", "zh-CN": "商机"},
        "title_field": "name",
        "fields": [
            {"key": "name", "type": "text", "label": {"en": "Name"}},
            {"key": "amount", "type": "currency", "label": {"en": "Amount"}},
            {"key": "margin", "type": "decimal", "label": {"en": "Margin"}},
            {"key": "notes", "type": "long_text", "label": {"en": "Notes"}},
            {"key": "stage", "type": "text", "label": {"en": "Stage"}, "indexed": True},
        ],
    }


def setup(runtime: Runtime) -> tuple[str, str]:
    """Entities, 10,000 policies, a rep and an admin; returns (rep token, admin token)."""
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        create_entity(tx, _deal())
        for index in range(ENTITIES - 1):
            create_entity(
                tx,
                {
                    "key": f"thing_{index}",
                    "label": {"en": f"Thing {index}"},
                    "fields": [{"key": "name", "type": "text", "label": {"en": "Name"}}],
                },
            )
        entities = ["deal", *[f"thing_{i}" for i in range(ENTITIES - 1)]]
        for index in range(ROLES):
            grants = [{"entity": e, "actions": ["read"]} for e in entities]
            create_role(tx, {"key": f"team_{index}", "label": {"en": f"Team {index}"}, "grants": grants})
        create_role(
            tx,
            {
                "key": "sales_rep",
                "label": {"en": "Sales rep"},
                "grants": [
                    {
                        "entity": "deal",
                        "actions": ["read", "create", "update"],
                        "scope": {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
                        "hidden_fields": ["margin", "notes"],
                    }
                ],
            },
        )
        rep = users.create_user(tx.conn, "rep@example.com", None, roles=["sales_rep", "team_1"])
        boss = users.create_user(tx.conn, "boss@example.com", None, roles=["admin"])
        tokens = (
            users.create_token(tx.conn, rep["id"], "b")["token"],
            users.create_token(tx.conn, boss["id"], "b")["token"],
        )
        policies = tx.conn.execute(select(func.count()).select_from(casbin_rules)).scalar_one()
    print(f"policies in the store: {policies}")
    _seed(runtime, [rep["id"], boss["id"]])
    return tokens


def _seed(runtime: Runtime, owners: list[int]) -> None:
    rng = random.Random(3)
    now = datetime.now(UTC)
    with runtime.engine.connect() as conn:
        table = runtime.tables_for(runtime.entities.get(conn, "deal")).main
    rows = [
        {
            "created_at": now,
            "updated_at": now,
            "created_by": owner,
            "updated_by": owner,
            "owner_id": owner,
            "version": 1,
            "name": f"Deal {i}",
            "amount": rng.randrange(100, 100_000),
            "margin": 0.2,
            "notes": "confidential",
            "stage": rng.choice(["new", "won", "lost"]),
        }
        for i, owner in ((i, rng.choice(owners)) for i in range(ROWS))
    ]
    with runtime.engine.begin() as conn:
        conn.execute(insert(table), rows)
        conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    with bench_runtime(args.database) as runtime:
        rep_token, admin_token = setup(runtime)
        client = create_app(runtime=runtime).test_client()

        def listing(token: str) -> Callable[[], None]:
            def call() -> None:
                response = client.get(
                    "/api/records/deal?limit=50&total=false", headers={"Authorization": f"Bearer {token}"}
                )
                assert response.status_code == 200 and len(response.get_json()["items"]) == 50, response.data[:200]

            return call

        scoped, unscoped = compare(listing(rep_token), listing(admin_token), args.runs)
        print(f"database: {runtime.engine.dialect.name}, deals: {ROWS}, runs: {args.runs}")
        print(f"list 50, row-scoped with hidden fields: {scoped * 1000:.3f} ms")
        print(f"list 50, unscoped (admin):              {unscoped * 1000:.3f} ms")
        print(f"ratio: {scoped / unscoped:.2f}x")


if __name__ == "__main__":
    main()
