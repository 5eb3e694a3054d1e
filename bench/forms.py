"""Forms benchmark: rendering and submitting a form, metadata-driven against hand-written.

One form, the ``deal_quick`` form of the API tests: a ``deal`` entity whose ``lost_reason``
is shown and required only when the stage is ``lost`` and whose ``end_date`` must come after
its ``start_date``. Two operations are compared:

- **submit**: ``POST /api/forms/deal_quick/submit`` through the real Loomworks app (the form
  definition resolved, its JsonLogic rules and validations evaluated over the values, then
  the records service: permissions, JSON Schema validation, field-type conversion, history)
  against a hand-written Flask + SQLAlchemy Core endpoint that does what a careful developer
  would code for this one form: parse the JSON, check types and lengths, require
  ``lost_reason`` when the stage is ``lost`` and drop it otherwise, check ``end_date >
  start_date``, insert one row (``RETURNING``) and answer it as JSON. One submission in five
  is invalid (422 from both); before timing, every submission of the pool is sent to both
  apps once and they must agree on the status, on the fields an error names, and on the
  stored record.
- **render**: ``GET /api/forms/deal_quick`` (compiled once per caller and locale, then served
  from the cache) against a hand-written endpoint that serves the same description as a
  constant built once at start-up. Both answers are checked to be identical.

The ratios show what running a form from its definition costs per request over coding it
by hand. Both apps run in this process, on the same database, behind the same kind of
bearer-token check, and are timed interleaved (``records.compare``) so drift hits both alike.

    .venv/bin/python bench/forms.py                 # SQLite in a temporary folder
    .venv/bin/python bench/forms.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import itertools
import math
import random
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask import Flask, abort, request
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    insert,
    select,
)

from loomworks.app import create_app
from loomworks.auth import users
from loomworks.auth.models import api_tokens
from loomworks.auth.models import users as users_table
from loomworks.config import load_settings
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.core.db import make_engine
from loomworks.core.sqltypes import UtcDateTime, utcnow
from loomworks.forms.definitions import create_form
from loomworks.meta.entities import create_entity
from loomworks.runtime import Runtime
from records import compare, fresh_pg


def L(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh} if zh else {"en": en}


# The entity and form of tests/api/test_forms_api.py.
STAGES = ["open", "lost"]
DEAL = {
    "key": "deal",
    "label": L("Deal", "商机"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": L("Name", "名称"), "required": True},
        {
            "key": "stage",
            "type": "select",
            "label": L("Stage", "阶段"),
            "options": {"choices": [{"value": "open", "label": L("Open")}, {"value": "lost", "label": L("Lost")}]},
        },
        {"key": "lost_reason", "type": "text", "label": L("Lost reason", "丢单原因")},
        {"key": "start_date", "type": "date", "label": L("Start")},
        {"key": "end_date", "type": "date", "label": L("End")},
        {"key": "margin", "type": "decimal", "label": L("Margin")},
    ],
}
IS_LOST = {"==": [{"var": "stage"}, "lost"]}
END_AFTER_START = {
    "or": [
        {"!": [{"var": "start_date"}]},
        {"!": [{"var": "end_date"}]},
        {">": [{"var": "end_date"}, {"var": "start_date"}]},
    ]
}
FORM = {
    "key": "deal_quick",
    "label": L("Quick deal", "快速商机"),
    "entity": "deal",
    "fields": [
        "name",
        {"key": "stage", "help": L("Where the deal is", "商机所处阶段")},
        "lost_reason",
        "start_date",
        "end_date",
        "margin",
    ],
    "layout": {
        "tabs": [
            {
                "key": "main",
                "label": L("Main", "基本"),
                "sections": [{"columns": 2, "fields": ["name", "stage", "margin"]}],
            },
            {"key": "dates", "sections": [{"label": L("Dates", "日期"), "fields": ["start_date", "end_date"]}]},
        ]
    },
    "rules": [{"field": "lost_reason", "visible": IS_LOST, "required": IS_LOST}],
    "validations": [
        {
            "rule": END_AFTER_START,
            "field": "end_date",
            "message": L("End must be after start", "结束日期须晚于开始日期"),
        }
    ],
}


# --- the hand-written baseline -----------------------------------------------------------------

baseline_metadata = MetaData()
baseline_deals = Table(
    "baseline_deal",
    baseline_metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", BigInteger),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", BigInteger),
    Column("owner_id", BigInteger),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UtcDateTime()),
    Column("name", Text),
    Column("stage", Text),
    Column("lost_reason", Text),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("margin", Numeric(20, 2)),
)

FIELDS = frozenset({"name", "stage", "lost_reason", "start_date", "end_date", "margin"})
ENVELOPE = frozenset({"id", "_version", "values", "_hp"})
MAX_TEXT = 500
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
CENT = Decimal("0.01")


def _text(values: dict[str, Any], key: str, errors: dict[str, str]) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[key] = "must be a string"
        return None
    if len(value) > MAX_TEXT:
        errors[key] = f"is longer than {MAX_TEXT} characters"
    return value


def _date(values: dict[str, Any], key: str, errors: dict[str, str]) -> date | None:
    value = values.get(key)
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors[key] = "must be a date (YYYY-MM-DD)"
        return None


def _margin(values: dict[str, Any], errors: dict[str, str]) -> Decimal | None:
    value = values.get("margin")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors["margin"] = "must be a number"
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors["margin"] = "must be a number"
        return None
    if abs(number) >= Decimal("1e15"):
        errors["margin"] = "is too large"
    elif number.quantize(CENT, rounding=ROUND_HALF_UP) != number:
        errors["margin"] = "has more than 2 decimal places"
    return number.quantize(CENT)


def validate(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The deal_quick form's rules, coded by hand: (row values, errors by field)."""
    errors = {key[:100]: "unknown field" for key in values if key not in FIELDS}
    name = _text(values, "name", errors)
    if not name and "name" not in errors:
        errors["name"] = "is required"
    stage = values.get("stage")
    if stage is not None and stage not in STAGES:
        errors["stage"] = "must be one of: open, lost"
    lost_reason = None
    if stage == "lost":  # shown and required only then; otherwise what was sent is dropped
        lost_reason = _text(values, "lost_reason", errors)
        if not lost_reason and "lost_reason" not in errors:
            errors["lost_reason"] = "is required"
    start, end = _date(values, "start_date", errors), _date(values, "end_date", errors)
    if start is not None and end is not None and end <= start:
        errors["end_date"] = "End must be after start"
    row = {
        "name": name,
        "stage": stage,
        "lost_reason": lost_reason,
        "start_date": start,
        "end_date": end,
        "margin": _margin(values, errors),
    }
    return row, errors


def _invalid(message: str, errors: dict[str, str]) -> tuple[dict[str, Any], int]:
    details = [{"field": field, "message": text} for field, text in errors.items()]
    return {"error": {"code": "validation_failed", "message": message, "details": details}}, 422


def baseline_app(engine: Engine, description: dict[str, Any]) -> Flask:
    """``description``: the rendered form, a constant here (this app has one form and one locale)."""
    app = Flask("baseline")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    caller_query = (
        select(users_table.c.id, users_table.c.email, users_table.c.name, users_table.c.roles)
        .join(api_tokens, api_tokens.c.user_id == users_table.c.id)
        .where(users_table.c.active.is_(True), api_tokens.c.revoked_at.is_(None))
    )

    def caller() -> Any:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        digest = hashlib.sha256(token.encode()).hexdigest()
        with engine.connect() as conn:
            found = conn.execute(caller_query.where(api_tokens.c.token_hash == digest)).first()
        if found is None:
            abort(401)
        return found

    def as_json(row: Any) -> dict[str, Any]:
        margin = None if row.margin is None else Decimal(row.margin)
        return {
            "id": row.id,
            "name": row.name,
            "stage": row.stage,
            "lost_reason": row.lost_reason,
            "start_date": row.start_date.isoformat() if row.start_date else None,
            "end_date": row.end_date.isoformat() if row.end_date else None,
            "margin": None
            if margin is None
            else int(margin)
            if margin == margin.to_integral_value()
            else float(margin),
            "_version": row.version,
            "_created_at": row.created_at.isoformat(),
            "_updated_at": row.updated_at.isoformat(),
            "_created_by": row.created_by,
            "_updated_by": row.updated_by,
            "_owner": row.owner_id,
        }

    @app.get("/forms/deal_quick")
    def render() -> Any:
        user = caller()
        context = {"$user": {"id": user.id, "email": user.email, "name": user.name, "roles": user.roles, "link": {}}}
        return {**description, "context": context}

    @app.post("/forms/deal_quick/submit")
    def submit() -> Any:
        uid = caller().id
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        extra = [key for key in body if key not in ENVELOPE]
        if extra:
            return _invalid("unknown properties", {key[:100]: "unknown field" for key in extra})
        values = body.get("values")
        if not isinstance(values, dict):
            return _invalid("values must be an object", {"values": "must be an object"})
        row, errors = validate(values)
        if errors:
            return _invalid("the form has errors", errors)
        now = utcnow()
        system = dict(created_at=now, updated_at=now, created_by=uid, updated_by=uid, owner_id=uid, version=1)
        with engine.begin() as conn:
            stored = conn.execute(insert(baseline_deals).values(**row, **system).returning(baseline_deals)).first()
        return as_json(stored), 201

    return app


# --- the submissions -----------------------------------------------------------------------------

#: Ways to spoil a valid submission, each with the one field both apps must name.
MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("lost_reason", lambda v: (v.update(stage="lost"), v.pop("lost_reason", None))),
    ("end_date", lambda v: v.update(start_date="2026-03-01", end_date="2026-02-01")),
    ("name", lambda v: v.pop("name")),
    ("name", lambda v: v.update(name="x" * (MAX_TEXT + 1))),
    ("stage", lambda v: v.update(stage="won")),
    ("margin", lambda v: v.update(margin="lots")),
    ("margin", lambda v: v.update(margin=0.125)),
    ("start_date", lambda v: (v.update(start_date="2026-02-30"), v.pop("end_date", None))),
    ("probability", lambda v: v.update(probability=0.5)),
]


def submissions(count: int, invalid_share: float = 0.2) -> list[tuple[dict[str, Any], str | None]]:
    """``count`` form bodies, each with the field its error must name (None: valid)."""
    rng = random.Random(5)
    pool: list[tuple[dict[str, Any], str | None]] = []
    for index in range(count):
        values: dict[str, Any] = {"name": f"Deal {index}"}
        stage = rng.choice([*STAGES, None])
        if stage is not None:
            values["stage"] = stage
        if stage == "lost" or rng.random() < 0.3:  # an open deal's reason is sent, then dropped
            values["lost_reason"] = rng.choice(["price", "timing", "competitor"])
        if rng.random() < 0.7:
            start = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
            values["start_date"] = start.isoformat()
            values["end_date"] = (start + timedelta(days=rng.randrange(1, 90))).isoformat()
        if rng.random() < 0.8:
            values["margin"] = rng.randrange(0, 10_000) / 100
        broken = None
        if index % round(1 / invalid_share) == 0:
            broken, spoil = MUTATIONS[(index // round(1 / invalid_share)) % len(MUTATIONS)]
            spoil(values)
        pool.append(({"values": values}, broken))
    return pool


def verify(pool: list[tuple[dict[str, Any], str | None]], meta: Any, base: Any, headers: dict[str, str]) -> None:
    """Both apps accept and refuse the same submissions, name the same fields, store the same record."""
    volatile = {"id", "_created_at", "_updated_at"}

    def stored(response: Any) -> dict[str, Any]:
        return {k: v for k, v in response.get_json().items() if k not in volatile}

    for body, broken in pool:
        got = meta.post("/api/forms/deal_quick/submit", json=body, headers=headers)
        expected = base.post("/forms/deal_quick/submit", json=body, headers=headers)
        assert got.status_code == expected.status_code == (201 if broken is None else 422), (
            body,
            got.get_json(),
            expected.get_json(),
        )
        if broken is None:
            assert stored(got) == stored(expected), (body, got.get_json(), expected.get_json())
        else:
            fields = [{d["field"] for d in r.get_json()["error"]["details"]} for r in (got, expected)]
            assert fields[0] == fields[1] == {broken}, (body, got.get_json(), expected.get_json())


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()

    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    folder = tempfile.mkdtemp(prefix="lw-bench-")
    if args.database:
        url, cleanup = fresh_pg(args.database)
    else:
        url = f"sqlite:///{folder}/bench.db"
    try:
        run(url, folder, args.runs)
    finally:
        cleanup()


def run(url: str, folder: str, runs: int) -> None:
    engine = make_engine(url)
    runtime = Runtime(
        load_settings(env={"LOOMWORKS_INSTANCE": folder, "LOOMWORKS_SECRET_KEY": "bench"}, database_url=url), engine
    )
    runtime.create_schema()
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        user = users.create_user(tx.conn, "bench@example.com", None, roles=["admin"])
        token = users.create_token(tx.conn, user["id"], "bench")["token"]
        create_entity(tx, DEAL)
        create_form(tx, FORM)
    baseline_metadata.create_all(engine)

    headers = {"Authorization": f"Bearer {token}"}
    meta_client = create_app(runtime=runtime).test_client()
    rendered = meta_client.get("/api/forms/deal_quick", headers=headers)
    assert rendered.status_code == 200, rendered.get_data(as_text=True)[:300]
    description = {k: v for k, v in copy.deepcopy(rendered.get_json()).items() if k != "context"}
    base_client = baseline_app(engine, description).test_client()
    assert base_client.get("/forms/deal_quick", headers=headers).get_json() == rendered.get_json()

    pool = submissions(250)
    verify(pool, meta_client, base_client, headers)

    def check(response: Any, status: int) -> None:
        assert response.status_code == status, response.get_data(as_text=True)[:300]

    def submitter(client: Any, path: str, chosen: list[tuple[dict[str, Any], str | None]]) -> Callable[[], None]:
        bodies: Iterator[tuple[dict[str, Any], str | None]] = itertools.cycle(chosen)

        def call() -> None:
            body, broken = next(bodies)
            check(client.post(path, json=body, headers=headers), 201 if broken is None else 422)

        return call

    def submit_pair(chosen: list[tuple[dict[str, Any], str | None]]) -> tuple[Callable[[], None], Callable[[], None]]:
        return (
            submitter(meta_client, "/api/forms/deal_quick/submit", chosen),
            submitter(base_client, "/forms/deal_quick/submit", chosen),
        )

    invalid = sum(broken is not None for _, broken in pool)
    operations = {
        f"submit ({invalid * 100 // len(pool)}% invalid)": (submit_pair(pool), runs),
        "  valid only (201)": (submit_pair([p for p in pool if p[1] is None]), runs // 2),
        "  invalid only (422)": (submit_pair([p for p in pool if p[1] is not None]), runs // 2),
        "render": (
            (
                lambda: check(meta_client.get("/api/forms/deal_quick", headers=headers), 200),
                lambda: check(base_client.get("/forms/deal_quick", headers=headers), 200),
            ),
            runs,
        ),
    }
    print(f"database: {engine.dialect.name}, submissions in the pool: {len(pool)}, runs per operation: {runs}")
    print(f"{'operation':<24}{'metadata path':>16}{'hand-written':>16}{'ratio':>8}")
    for name, ((meta_op, base_op), count) in operations.items():
        meta_s, base_s = compare(meta_op, base_op, count)
        print(f"{name:<24}{meta_s * 1000:>13.3f} ms{base_s * 1000:>13.3f} ms{meta_s / base_s:>7.2f}x")
    engine.dispose()


if __name__ == "__main__":
    main()
