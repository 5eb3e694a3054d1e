"""Shared fixtures.

Storage-touching tests take ``db_url``/``engine``, which run once on SQLite and,
when ``LOOMWORKS_TEST_PG_URL`` is set, once more on PostgreSQL. Each PostgreSQL
test gets a throw-away schema (as its ``search_path``) so parallel runs never see each
other's tables.

Service tests take ``runtime`` (system tables created), ``admin``/``member`` (real users)
and ``run``: a ``factories.Services`` that runs a service function in its own committed
transaction as the admin, the way one API call would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from databases import PG_URL, fresh_pg_database, fresh_runtime
from factories import Services, make_user
from loomworks.core.context import Actor
from loomworks.core.db import make_engine
from loomworks.runtime import Runtime

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL per test, on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loomworks.db'}"
        return
    yield from fresh_pg_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


# --- services ----------------------------------------------------------------------------------


@pytest.fixture
def runtime(engine: Engine, db_url: str, tmp_path: Path) -> Runtime:
    """A Runtime on the test database with the system tables created."""
    return fresh_runtime(engine, db_url, tmp_path / "instance")


@pytest.fixture
def admin(runtime: Runtime) -> Actor:
    """A real admin user (so history and revisions can name who did what)."""
    return make_user(runtime, "admin@example.com", roles=("admin",), name="Ada Admin")


@pytest.fixture
def member(runtime: Runtime) -> Actor:
    """A plain member: no grants unless a role definition gives ``member`` some."""
    return make_user(runtime, "member@example.com", roles=("member",), name="Max Member")


@pytest.fixture
def colleague(runtime: Runtime) -> Actor:
    """A second user who may do everything with records (a builder), for "who did it" tests."""
    return make_user(runtime, "colleague@example.com", roles=("builder",), name="Cole League")


@pytest.fixture
def run(runtime: Runtime, admin: Actor) -> Services:
    return Services(runtime, admin)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Like ``run``, but one database per test module and backend.

    Only for tests that read what a module-scoped fixture wrote: creating a database and
    a data set per test is what makes a PostgreSQL run slow.
    """
    folder = tmp_path_factory.mktemp("shared")
    urls = fresh_pg_database() if request.param == "postgresql" else iter([f"sqlite:///{folder / 'lw.db'}"])
    for url in urls:
        eng = make_engine(url)
        try:
            rt = fresh_runtime(eng, url, folder / "instance")
            yield Services(rt, make_user(rt, "admin@example.com", roles=("admin",), name="Ada Admin"))
        finally:
            eng.dispose()


# --- JsonLogic conformance counts ---------------------------------------------------------------
# Lives in the root conftest so the pytest-xdist controller (which collects nothing itself)
# loads it and prints the counts that tests/logic/test_evaluator_conformance.py records.

COUNTS_PROPERTY = "jsonlogic_pass_counts"
_jsonlogic_counts: dict[str, list[int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in getattr(report, "user_properties", []):
        if name == COUNTS_PROPERTY and isinstance(value, dict):
            _jsonlogic_counts.update(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _jsonlogic_counts:
        return
    terminalreporter.section("JsonLogic conformance (passed/total per suite)")
    width = max(map(len, _jsonlogic_counts))
    for name, (passed, total) in _jsonlogic_counts.items():
        terminalreporter.write_line(f"{name:<{width}}  {passed}/{total}")
    compat = [v for k, v in _jsonlogic_counts.items() if k != "tests.json"]
    terminalreporter.write_line(f"{'compat TOTAL':<{width}}  {sum(p for p, _ in compat)}/{sum(t for _, t in compat)}")
