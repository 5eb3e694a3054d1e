"""The MetaData that holds Loomworks' own tables (users, definitions, history, ...).

Each package declares its tables against ``SYSTEM_METADATA``; ``loomworks init``
creates whatever is missing. Entity tables are not here: they are built from
definitions at run time (``loomworks.storage``).
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData

SYSTEM_METADATA = MetaData()


def create_system_tables(conn: Connection) -> None:
    # Importing the modules registers their tables on SYSTEM_METADATA.
    from ..auth import models as _auth  # noqa: F401
    from ..meta import models as _meta  # noqa: F401
    from ..records import models as _records  # noqa: F401

    SYSTEM_METADATA.create_all(conn, checkfirst=True)
