"""Records benchmark: the metadata path against a hand-written Flask + SQLAlchemy Core app.

Both apps run in this process, on the same database, behind the same kind of bearer-token
check, over tables with identical columns and indexes and the same number of rows. The
hand-written app is what a careful developer would write for one static table: parse,
validate the few fields, one statement, serialize. The ratios show what the metadata
layer (definition lookup, JSON Schema validation, field-type coercion, history, relation
loading, JsonLogic compilation) costs on top.

    .venv/bin/python bench/records.py                 # SQLite in a temporary folder
    .venv/bin/python bench/records.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from flask import Flask, abort, jsonify, request
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    create_engine,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.auth.models import api_tokens
from loomworks.config import load_settings
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.core.db import make_engine, normalize_url
from loomworks.core.sqltypes import UtcDateTime, utcnow
from loomworks.meta.entities import create_entity
from loomworks.runtime import Runtime

STATUSES = ["open", "won", "lost", "parked"]
ENTITY = {
    "key": "bench_item",
    "label": {"en": "Bench item", "zh-CN": "基准条目"},
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": {"en": "Name"}, "required": True},
        {
            "key": "status",
            "type": "select",
            "label": {"en": "Status"},
            "indexed": True,
            "options": {"choices": [{"value": s, "label": {"en": s.title()}} for s in STATUSES]},
        },
        {"key": "amount", "type": "decimal", "label": {"en": "Amount"}, "options": {"scale": 2}},
        {"key": "qty", "type": "integer", "label": {"en": "Quantity"}},
        {"key": "due", "type": "date", "label": {"en": "Due"}},
    ],
}


# --- the hand-written baseline -----------------------------------------------------------------

baseline_metadata = MetaData()
baseline_items = Table(
    "baseline_item",
    baseline_metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("created_by", BigInteger),
    Column("updated_by", BigInteger),
    Column("owner_id", BigInteger),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UtcDateTime()),
    Column("name", Text),
    Column("status", Text),
    Column("amount", Numeric(18, 2)),
    Column("qty", BigInteger),
    Column("due", Date),
    Index("ix_baseline_item_status", "status"),
)


def baseline_app(engine: Engine) -> Flask:
    app = Flask("baseline")

    def user_id() -> int:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        digest = hashlib.sha256(token.encode()).hexdigest()
        with engine.connect() as conn:
            found = conn.execute(
                select(api_tokens.c.user_id).where(api_tokens.c.token_hash == digest, api_tokens.c.revoked_at.is_(None))
            ).scalar()
        if found is None:
            abort(401)
        return int(found)

    def as_json(row: Any) -> dict[str, Any]:
        return {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "amount": None if row.amount is None else str(row.amount),
            "qty": row.qty,
            "due": row.due.isoformat() if row.due else None,
            "_version": row.version,
            "_created_at": row.created_at.isoformat(),
            "_updated_at": row.updated_at.isoformat(),
            "_created_by": row.created_by,
            "_owner": row.owner_id,
        }

    @app.post("/items")
    def create() -> Any:
        uid = user_id()
        body = request.get_json()
        errors = {}
        if not isinstance(body.get("name"), str) or not body["name"]:
            errors["name"] = "required"
        if body.get("status") not in STATUSES:
            errors["status"] = "not a choice"
        try:
            amount = Decimal(str(body["amount"])) if body.get("amount") is not None else None
        except InvalidOperation:
            errors["amount"] = "not a number"
        if body.get("qty") is not None and not isinstance(body["qty"], int):
            errors["qty"] = "not an integer"
        try:
            due = date.fromisoformat(body["due"]) if body.get("due") else None
        except ValueError:
            errors["due"] = "not a date"
        if errors:
            return {"error": {"code": "validation_failed", "details": errors}}, 422
        now = utcnow()
        values = dict(
            name=body["name"],
            status=body["status"],
            amount=amount,
            qty=body.get("qty"),
            due=due,
            created_at=now,
            updated_at=now,
            created_by=uid,
            updated_by=uid,
            owner_id=uid,
            version=1,
        )
        with engine.begin() as conn:
            new_id = conn.execute(insert(baseline_items).values(**values)).inserted_primary_key[0]
            row = conn.execute(select(baseline_items).where(baseline_items.c.id == new_id)).first()
        return jsonify(as_json(row)), 201

    @app.get("/items/<int:item_id>")
    def get(item_id: int) -> Any:
        user_id()
        with engine.connect() as conn:
            row = conn.execute(
                select(baseline_items).where(baseline_items.c.id == item_id, baseline_items.c.deleted_at.is_(None))
            ).first()
        if row is None:
            abort(404)
        return jsonify(as_json(row))

    @app.get("/items")
    def list_() -> Any:
        user_id()
        status = request.args["status"]
        with engine.connect() as conn:
            rows = conn.execute(
                select(baseline_items)
                .where(baseline_items.c.status == status, baseline_items.c.deleted_at.is_(None))
                .order_by(baseline_items.c.id)
                .limit(51)
            ).all()
        return jsonify(
            {"items": [as_json(r) for r in rows[:50]], "next_cursor": str(rows[-1].id) if len(rows) > 50 else None}
        )

    return app


# --- set-up --------------------------------------------------------------------------------------


def sample_row(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "name": f"Item {i}",
        "status": rng.choice(STATUSES),
        "amount": Decimal(rng.randrange(100, 10_000_000)) / 100,
        "qty": rng.randrange(1, 500),
        "due": date(2026, 1, 1) + timedelta(days=rng.randrange(365)),
    }


def seed(engine: Engine, table: Table, rows: int, user: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    system = dict(created_at=now, updated_at=now, created_by=user, updated_by=user, owner_id=user, version=1)
    with engine.begin() as conn:
        for start in range(0, rows, 5000):
            chunk = [{**system, **sample_row(rng, i)} for i in range(start, min(rows, start + 5000))]
            conn.execute(insert(table), chunk)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def timed(fn: Callable[[], Any], runs: int) -> float:
    """Median seconds per call after a short warm-up."""
    return compare(fn, fn, runs)[0]


def compare(first: Callable[[], Any], second: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median seconds per call of each, measured interleaved so drift hits both alike.

    Garbage collection is paused while timing (and run between samples) so a collection
    triggered by one side is not billed to the other.
    """
    for _ in range(min(20, runs)):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for index in range(runs):
            order = ((0, first), (1, second)) if index % 2 == 0 else ((1, second), (0, first))
            for slot, fn in order:
                start = time.perf_counter()
                fn()
                samples[slot].append(time.perf_counter() - start)
            if index % 50 == 49:
                gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    return statistics.median(samples[0]), statistics.median(samples[1])


@contextmanager
def bench_runtime(database: str | None) -> Iterator[Runtime]:
    """A fresh instance for one measurement: SQLite in a temporary folder, or (``database``
    a PostgreSQL URL) a scratch database created now and dropped afterwards."""
    folder = tempfile.mkdtemp(prefix="lw-bench-")
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    url = f"sqlite:///{folder}/bench.db"
    if database:
        url, cleanup = fresh_pg(database)
    engine = make_engine(url)
    try:
        settings = load_settings(env={"LOOMWORKS_INSTANCE": folder, "LOOMWORKS_SECRET_KEY": "bench"}, database_url=url)
        runtime = Runtime(settings, engine)
        runtime.create_schema()
        yield runtime
    finally:
        engine.dispose()
        cleanup()


def fresh_pg(url: str) -> tuple[str, Callable[[], None]]:
    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    name = f"lw_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(normalize_url(url)).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    folder = tempfile.mkdtemp(prefix="lw-bench-")
    if args.database:
        url, cleanup = fresh_pg(args.database)
    else:
        url = f"sqlite:///{folder}/bench.db"
    try:
        run(url, folder, args.rows, args.runs)
    finally:
        cleanup()


def run(url: str, folder: str, rows: int, runs: int) -> None:
    engine = make_engine(url)
    runtime = Runtime(
        load_settings(env={"LOOMWORKS_INSTANCE": folder, "LOOMWORKS_SECRET_KEY": "bench"}, database_url=url), engine
    )
    runtime.create_schema()
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        user = users.create_user(tx.conn, "bench@example.com", None, roles=["admin"])
        token = users.create_token(tx.conn, user["id"], "bench")["token"]
        create_entity(tx, ENTITY)
    baseline_metadata.create_all(engine)
    with engine.connect() as conn:
        meta_table = runtime.tables_for(runtime.entities.get(conn, "bench_item")).main
    seed(engine, meta_table, rows, user["id"])
    seed(engine, baseline_items, rows, user["id"])

    headers = {"Authorization": f"Bearer {token}"}
    meta_client = create_app(runtime=runtime).test_client()
    base_client = baseline_app(engine).test_client()
    rng = random.Random(11)
    body = {"name": "New item", "status": "open", "amount": 12.5, "qty": 3, "due": "2026-05-01"}
    where = quote(json.dumps({"==": [{"var": "status"}, "open"]}))
    ids = [rng.randrange(1, rows) for _ in range(runs)]

    def check(response: Any, status: int) -> None:
        assert response.status_code == status, response.get_data(as_text=True)[:300]

    def ids_cycle() -> Callable[[], int]:
        position = iter(ids * 100)
        return lambda: next(position)

    meta_id, base_id = ids_cycle(), ids_cycle()
    operations = {
        "create": (
            lambda: check(meta_client.post("/api/records/bench_item", json=body, headers=headers), 201),
            lambda: check(base_client.post("/items", json=body, headers=headers), 201),
        ),
        "get by id": (
            lambda: check(meta_client.get(f"/api/records/bench_item/{meta_id()}", headers=headers), 200),
            lambda: check(base_client.get(f"/items/{base_id()}", headers=headers), 200),
        ),
        "list 50, filtered": (
            lambda: check(
                meta_client.get(f"/api/records/bench_item?where={where}&limit=50&total=false", headers=headers), 200
            ),
            lambda: check(base_client.get("/items?status=open", headers=headers), 200),
        ),
    }
    print(f"database: {engine.dialect.name}, rows per table: {rows}, runs per operation: {runs}")
    print(f"{'operation':<22}{'metadata path':>16}{'hand-written':>16}{'ratio':>8}")
    for name, (meta_op, base_op) in operations.items():
        meta_s, base_s = compare(meta_op, base_op, runs)
        print(f"{name:<22}{meta_s * 1000:>13.3f} ms{base_s * 1000:>13.3f} ms{meta_s / base_s:>7.2f}x")
    with_total = timed(
        lambda: check(meta_client.get(f"/api/records/bench_item?where={where}&limit=50", headers=headers), 200),
        max(20, runs // 5),
    )
    print(f"(list with an exact total over {rows // len(STATUSES)} matches: {with_total * 1000:.3f} ms)")
    engine.dispose()


if __name__ == "__main__":
    main()
