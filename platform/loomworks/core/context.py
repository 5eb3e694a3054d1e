"""Who is acting and in which transaction: passed explicitly to every service call.

Services never read Flask globals; the API layer builds an ``Actor`` from the
authenticated user and opens a ``Tx`` around each operation, so the same service
code runs from HTTP, the CLI, imports, rules and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    #: An automation acting on its own authority (a rule's system user): no user row, and
    #: exactly the grants the rule states, which ``auth.authorize`` finds in the transaction memo.
    automated: bool = False

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
    #: Callables run once the transaction has committed (waking a worker for new outbox rows).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    #: Callables run after a rollback, each given the connection (free again) to record what
    #: must outlive the failed work, such as the log of a rule run that made the write fail.
    after_rollback: list[Callable[[Connection], None]] = field(default_factory=list)
    #: Per-actor memo (e.g. the actor's effective permissions), computed on first use.
    memo: dict[Any, Any] = field(default_factory=dict)
    #: State of the whole transaction, shared by every actor acting in it (the rule chain).
    shared: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Work that may fail on its own (one row of a bulk change, one scheduled run): on an
        error its changes are undone, the ``after_rollback`` hooks it registered run at once
        in this still-open transaction, and the error propagates for the caller to report."""
        mark = len(self.after_rollback)
        nested = self.conn.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            hooks = self.after_rollback[mark:]
            del self.after_rollback[mark:]
            for hook in hooks:
                hook(self.conn)
            raise
        nested.commit()

    def acting_as(self, actor: Actor, memo: dict[Any, Any] | None = None) -> Tx:
        """The same transaction with another actor: a rule acting as its run-as user.

        The memo (permissions, compiled access) is the actor's own; hooks and shared state
        stay the transaction's, so whatever the new actor does commits or rolls back with it.
        """
        return Tx(
            conn=self.conn,
            actor=actor,
            runtime=self.runtime,
            after_commit=self.after_commit,
            after_rollback=self.after_rollback,
            memo=dict(memo or {}),
            shared=self.shared,
        )
