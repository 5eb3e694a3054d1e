"""Database engines configured the way Loomworks relies on.

SQLite is the embedded default: WAL mode so readers never block the writer,
foreign keys on, a busy timeout, and write transactions that start with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way with
"database is locked" when a read transaction tries to upgrade. PostgreSQL gets a
``lock_timeout`` so DDL never waits forever behind a long query.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

WRITE_OPTION = "loomworks_write"
SQLITE_BUSY_TIMEOUT_S = 30
PG_LOCK_TIMEOUT = "5s"
#: SQL function (SQLite only) folding text case like Python's ``str.casefold``.
CASEFOLD_FUNCTION = "lw_casefold"


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the per-dialect settings described above."""
    url = normalize_url(url)
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _pg_on_connect)
    return engine


def json_text(value: Any) -> str:
    """How JSON columns are written: compact, Chinese kept readable, and anything not JSON by
    nature (a date in a rule's log) as its text rather than a failed write."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@contextmanager
def unit_of_work(conn: Connection) -> Iterator[Connection]:
    """Commit what ``conn`` does inside the block, or roll it all back on an error.

    Joins a transaction the connection already opened (SQLAlchemy begins one on the
    first statement), so a request can authenticate and then change data in one
    transaction on one pooled connection.
    """
    transaction = conn.get_transaction() if conn.in_transaction() else conn.begin()
    assert transaction is not None
    try:
        yield conn
    except BaseException:
        if transaction.is_active:
            transaction.rollback()
        raise
    transaction.commit()


def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: list[str], changes: dict[str, Any]) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET changes``, spelled for the connection's
    database (both speak it): one atomic statement where a read-then-write would race."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).values(**values).on_conflict_do_update(index_elements=keys, set_=changes)


def write_connection(engine: Engine) -> Connection:
    """A connection whose transactions take the write lock up front on SQLite."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the driver so "begin" below decides.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()
        # SQLite's lower()/LIKE fold ASCII only; text search needs "Zürich" to match "ZÜR".
        dbapi_conn.create_function(CASEFOLD_FUNCTION, 1, _casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _pg_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
    cursor.close()
    dbapi_conn.commit()
