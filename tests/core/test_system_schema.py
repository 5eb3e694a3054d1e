"""Upgrading an instance: system tables gain the columns a newer release declares."""

from __future__ import annotations

from sqlalchemy import inspect, text

from loomworks.runtime import Runtime


def test_a_column_missing_from_an_older_instance_is_added(runtime: Runtime) -> None:
    with runtime.engine.begin() as conn:  # an instance created before tokens could expire
        conn.execute(text("ALTER TABLE lw_api_tokens DROP COLUMN expires_at"))
    runtime.create_schema()
    with runtime.engine.connect() as conn:
        columns = {column["name"] for column in inspect(conn).get_columns("lw_api_tokens")}
    assert "expires_at" in columns


def test_creating_the_schema_twice_changes_nothing(runtime: Runtime) -> None:
    runtime.create_schema()
    runtime.create_schema()
    with runtime.engine.connect() as conn:
        assert "lw_audit" in inspect(conn).get_table_names()
