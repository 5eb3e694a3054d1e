"""Tables of the definition store: one row per definition (both layers), revisions, generation."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table, Text, UniqueConstraint

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

definitions = Table(
    "lw_definitions",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(63), nullable=False),
    # The template's layer (replaced on upgrade) and the customer's own changes.
    Column("base", JSON, nullable=True),
    Column("custom", JSON, nullable=True),
    Column("template", String(63), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", BigInteger, nullable=True),
    Column("deleted_at", UtcDateTime(), nullable=True),
    UniqueConstraint("kind", "key", name="uq_lw_definitions_kind_key"),
)

revisions = Table(
    "lw_revisions",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("key", String(63), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("layer", String(16), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("diff", JSON, nullable=False),
    Column("ddl", JSON, nullable=True),
    Column("message", Text, nullable=True),
    Column("author_id", BigInteger, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

# A single row whose counter moves on every definition change, so every process
# (web nodes, workers) knows when its cached definitions are stale.
meta_state = Table(
    "lw_meta_state",
    SYSTEM_METADATA,
    Column("id", Integer, primary_key=True),
    Column("generation", BigInteger, nullable=False),
)
