"""Shared fixtures.

Storage-touching tests take ``db_url``/``engine``, which run once on SQLite and,
when ``LOOMWORKS_TEST_PG_URL`` is set, once more on PostgreSQL. Each PostgreSQL
test gets a throw-away database so parallel runs never see each other's tables.

Service tests take ``runtime`` (system tables created), ``admin``/``member`` (real users)
and ``run``: a ``factories.Services`` that runs a service function in its own committed
transaction as the admin, the way one API call would.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import Services, make_user
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from loomworks.config import load_settings
from loomworks.core.context import Actor
from loomworks.core.db import make_engine, normalize_url
from loomworks.runtime import Runtime

PG_URL = os.environ.get("LOOMWORKS_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL per test, on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loomworks.db'}"
        return
    yield from _fresh_pg_database()


def _fresh_pg_database() -> Iterator[str]:
    assert PG_URL is not None
    admin_url = normalize_url(PG_URL)
    name = f"lw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


# --- services ----------------------------------------------------------------------------------


@pytest.fixture
def runtime(engine: Engine, db_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """A Runtime on the test database with the system tables created."""
    env = {"LOOMWORKS_INSTANCE": str(tmp_path / "instance"), "LOOMWORKS_SECRET_KEY": "test-secret"}
    rt = Runtime(load_settings(env=env, database_url=db_url), engine)
    rt.create_schema()
    yield rt


@pytest.fixture
def admin(runtime: Runtime) -> Actor:
    """A real admin user (so history and revisions can name who did what)."""
    return make_user(runtime, "admin@example.com", roles=("admin",), name="Ada Admin")


@pytest.fixture
def member(runtime: Runtime) -> Actor:
    return make_user(runtime, "member@example.com", roles=("member",), name="Max Member")


@pytest.fixture
def run(runtime: Runtime, admin: Actor) -> Services:
    return Services(runtime, admin)
