"""Relations by the target's title and users by email or name, loaded once per import.

An export names the account ``Acme Corporation``, not record 42. The titles of the target
records the importer may read are loaded once (trimmed, case ignored); a title held by two
records is refused as ambiguous rather than guessed. With ``create_missing`` a title nobody
holds becomes a new target record (as the importer, so their grants apply), and the next
row naming it finds it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..auth.models import users
from ..core.context import Tx
from ..fields.base import FieldSpec, ValueError_
from ..records import service
from ..records.access import entity_access
from ..records.query import ListParams, build_condition

AMBIGUOUS = object()


def _key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


class Resolver:
    def __init__(self, tx: Tx, create_missing: set[str]) -> None:
        self.tx = tx
        self.create_missing = create_missing
        self.created: dict[str, int] = {}
        self._titles: dict[str, dict[str, Any]] = {}
        self._users: dict[str, Any] | None = None
        self._made: list[tuple[str, str]] = []

    def resolve(self, fspec: FieldSpec, cell: Any) -> Any:
        return self.user(cell) if fspec.type == "user" else self.relation(fspec, cell)

    def mark(self) -> int:
        """A point to go back to when the row whose targets were created after it is refused."""
        return len(self._made)

    def forget(self, mark: int) -> None:
        """Forget targets created since ``mark`` (their savepoint was rolled back)."""
        for target, key in self._made[mark:]:
            self._titles[target].pop(key, None)
            self.created[target] -= 1
            if not self.created[target]:
                del self.created[target]
        del self._made[mark:]

    def relation(self, fspec: FieldSpec, cell: Any) -> Any:
        target = str(fspec.options["target"])
        titles = self._titles_of(target)
        found = titles.get(_key(cell))
        if found is AMBIGUOUS:
            raise ValueError_(f"several {target} records are titled {str(cell)[:60]!r}")
        if found is not None:
            return found
        if fspec.key not in self.create_missing:
            raise ValueError_(f"no {target} is titled {str(cell)[:60]!r}")
        spec = self.tx.runtime.entities.get(self.tx.conn, target)
        title = spec.title_key()
        if title is None:
            raise ValueError_(f"{target} has no title field to create one by")
        record = service.create_record(self.tx, target, {title: " ".join(str(cell).split())})
        titles[_key(cell)] = record["id"]
        self.created[target] = self.created.get(target, 0) + 1
        self._made.append((target, _key(cell)))
        return record["id"]

    def user(self, cell: Any) -> Any:
        if self._users is None:
            self._users = {}
            rows = self.tx.conn.execute(select(users.c.id, users.c.email, users.c.name).where(users.c.active.is_(True)))
            for row in rows:
                for name in {_key(row.email), _key(row.name)} - {""}:
                    self._users[name] = AMBIGUOUS if name in self._users else row.id
        found = self._users.get(_key(cell))
        if found is AMBIGUOUS:
            raise ValueError_(f"several people are called {str(cell)[:60]!r}: use their email")
        if found is None:
            raise ValueError_(f"nobody here is {str(cell)[:60]!r} (by email or name)")
        return found

    def _titles_of(self, target: str) -> dict[str, Any]:
        if target not in self._titles:
            spec = self.tx.runtime.entities.get(self.tx.conn, target)
            title = spec.title_key()
            found: dict[str, Any] = {}
            access = entity_access(self.tx, spec, "read")
            if title is not None and title not in access.restricted:  # a hidden title is not a key to match
                table = self.tx.runtime.tables_for(spec).main
                condition = build_condition(self.tx, spec, ListParams(), access)
                for record_id, value in self.tx.conn.execute(select(table.c.id, table.c[title]).where(condition)):
                    if value is not None:
                        key = _key(value)
                        found[key] = AMBIGUOUS if key in found else record_id
            self._titles[target] = found
        return self._titles[target]
