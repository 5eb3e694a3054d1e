"""Readable, stable database names derived from definition keys.

Names are what BI tools see, so they stay close to the keys: ``e_deal`` for the
deal entity, ``e_quote__lines`` for a sub_table's child rows, ``l_deal__contacts``
for a many-to-many link table. PostgreSQL cuts identifiers at 63 bytes; longer
names keep a readable prefix and end in a short hash so they stay unique.
"""

from __future__ import annotations

import hashlib

MAX_IDENTIFIER = 63


def fit(name: str) -> str:
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_IDENTIFIER - 9]}_{digest}"


def entity_table(entity: str) -> str:
    return fit(f"e_{entity}")


def child_table(entity: str, field: str) -> str:
    return fit(f"e_{entity}__{field}")


def link_table(entity: str, field: str) -> str:
    return fit(f"l_{entity}__{field}")


def index_name(table: str, column: str, unique: bool = False) -> str:
    return fit(f"{'ux' if unique else 'ix'}_{table}__{column}")


def fk_name(table: str, column: str) -> str:
    return fit(f"fk_{table}__{column}")


def temp_column(column: str) -> str:
    """A scratch column used while converting a field's type."""
    return fit(f"{column}__lwconv")
