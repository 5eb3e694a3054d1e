"""System table of the marketplace: bundles uploaded to this instance (the library's come
from ``templates_library/`` on disk)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, String, Table, UniqueConstraint

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

#: One row per (key, version): the zip as uploaded (checked on upload, read again on install),
#: its SHA-256 and the manifest, so the catalog lists it without unpacking.
uploaded_bundles = Table(
    "lw_template_bundles",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("key", String(63), nullable=False),
    Column("version", String(40), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("manifest", JSON, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", BigInteger, nullable=True),
    Column("uploaded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("key", "version", name="uq_lw_template_bundles_version"),
)

#: One row per template ever installed here: the version now installed and the definitions it
#: brought as installed (the base layers it owns, and the fields it adds to other templates'
#: entities), so an upgrade knows what it replaces and removes, and an uninstall what it hides.
installs = Table(
    "lw_template_installs",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("key", String(63), nullable=False, unique=True),
    Column("version", String(40), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("manifest", JSON, nullable=False),
    Column("definitions", JSON, nullable=False),
    Column("installed_by", BigInteger, nullable=True),
    Column("installed_at", UtcDateTime(), nullable=False),
    Column("uninstalled_at", UtcDateTime(), nullable=True),
)
