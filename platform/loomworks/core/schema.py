"""The MetaData that holds Loomworks' own tables (users, definitions, history, ...).

Each package declares its tables against ``SYSTEM_METADATA``; ``loomworks init``
creates whatever is missing. Entity tables are not here: they are built from
definitions at run time (``loomworks.storage``).
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, inspect

SYSTEM_METADATA = MetaData()


def create_system_tables(conn: Connection) -> None:
    # Importing the modules registers their tables on SYSTEM_METADATA.
    from ..auth import models as _auth  # noqa: F401
    from ..automation import models as _automation  # noqa: F401
    from ..meta import models as _meta  # noqa: F401
    from ..records import models as _records  # noqa: F401
    from ..templates import models as _templates  # noqa: F401
    from ..views import saved as _saved_views  # noqa: F401
    from ..workflows import models as _workflows  # noqa: F401

    SYSTEM_METADATA.create_all(conn, checkfirst=True)
    add_missing_columns(conn)


def add_missing_columns(conn: Connection) -> list[str]:
    """Add columns a newer release declares to system tables an older one created.

    ``create_all`` only creates missing *tables*; an instance set up before a column
    existed would otherwise fail on its first query. Only nullable columns are added
    this way (they need no backfill); anything else needs a written migration, and
    start-up says so instead of guessing.
    """
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    inspector = inspect(conn)
    operations = Operations(MigrationContext.configure(conn))
    added = []
    for table in SYSTEM_METADATA.sorted_tables:
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in existing:
                continue
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is new and NOT NULL: it needs a written migration")
            operations.add_column(table.name, column._copy())
            added.append(f"{table.name}.{column.name}")
    return added
