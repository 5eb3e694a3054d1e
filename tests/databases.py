"""Fresh databases and runtimes for tests: one per test, or a second "fresh instance"."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from loomworks.config import load_settings
from loomworks.core.db import normalize_url
from loomworks.runtime import Runtime

PG_URL = os.environ.get("LOOMWORKS_TEST_PG_URL")


def fresh_pg_database() -> Iterator[str]:
    """A URL whose connections live in a new, empty schema (dropped afterwards).

    A schema on the ``search_path`` isolates a test as well as a database of its own
    (unqualified names, the catalog as inspected, ``current_schema()``), and creating
    and dropping it costs milliseconds instead of a database copy and a checkpoint.
    """
    assert PG_URL is not None
    admin_url = normalize_url(PG_URL)
    name = f"lw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def fresh_runtime(engine: Engine, db_url: str, instance: Path) -> Runtime:
    env = {"LOOMWORKS_INSTANCE": str(instance), "LOOMWORKS_SECRET_KEY": "test-secret"}
    rt = Runtime(load_settings(env=env, database_url=db_url), engine)
    rt.create_schema()
    return rt
