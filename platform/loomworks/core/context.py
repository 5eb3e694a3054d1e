"""Who is acting and in which transaction: passed explicitly to every service call.

Services never read Flask globals; the API layer builds an ``Actor`` from the
authenticated user and opens a ``Tx`` around each operation, so the same service
code runs from HTTP, the CLI, imports, rules and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True)
class Actor:
    id: int | None
    email: str = ""
    name: str = ""
    roles: tuple[str, ...] = ()
    locale: str = "en"
    link: dict[str, Any] | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def logic_context(self) -> dict[str, Any]:
        """``$user`` as JsonLogic sees it."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "roles": list(self.roles),
            "link": _links(self.link),
        }


def _links(link: dict[str, Any] | None) -> dict[str, Any]:
    """A portal user's ``{"entity": "company", "id": 7}`` as scopes read it: ``$user.link.company`` is 7."""
    if not link:
        return {}
    if "entity" in link and "id" in link:
        return {str(link["entity"]): link["id"]}
    return dict(link)


SYSTEM_ACTOR = Actor(id=None, email="system", name="System", roles=("admin",))


@dataclass
class Tx:
    """One unit of work: a connection inside an open transaction plus the acting user."""

    conn: Connection
    actor: Actor
    runtime: Any  # loomworks.runtime.Runtime (kept loose to avoid an import cycle)
    after_commit: list[Any] = field(default_factory=list)
    #: Per-transaction memo (e.g. the actor's effective permissions), computed on first use.
    memo: dict[Any, Any] = field(default_factory=dict)
