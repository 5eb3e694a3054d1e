"""System tables of the records layer: field-level history, auto-number sequences, files."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table, Text

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

record_history = Table(
    "lw_record_history",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("entity", String(63), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),  # create, update, delete, restore
    Column("changes", JSON, nullable=False),  # {"field": [before, after]}
    Column("user_id", BigInteger, nullable=True),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_lw_record_history_record", "entity", "record_id"),
)

sequences = Table(
    "lw_sequences",
    SYSTEM_METADATA,
    Column("entity", String(63), primary_key=True),
    Column("field", String(63), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

files = Table(
    "lw_files",
    SYSTEM_METADATA,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_by", BigInteger, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
