"""The Runtime: one per process, holding the engine and the caches every service shares.

It is the only stateful object of the platform. Services receive it through the
``Tx`` they are given, never through a global, so tests and the CLI build their
own Runtime exactly as the web app does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from .automation.dependencies import EntityGuard, check_rules_still_hold
from .automation.dispatch import Automation
from .config import Settings
from .core.context import Actor, Tx
from .core.db import make_engine, unit_of_work, write_connection
from .core.schema import create_system_tables
from .fields.entity import EntitySpec
from .meta.store import EntityCache, generation_changed_here
from .records.events import RecordListener
from .records.guards import WriteGuard
from .records.schema import ValidatorCache
from .storage.tables import EntityTables, TableCache
from .workflows import deadlines
from .workflows.dependencies import check_workflows_still_hold
from .workflows.guard import StateGuard
from .workflows.index import WorkflowCache
from .workflows.listener import ApprovalsFollowRecords

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        self.entities = EntityCache()
        self.tables = TableCache()
        self.validators = ValidatorCache()
        self.automation = Automation()
        #: Told of every record write inside its transaction (the automation engine; approval
        #: requests, cancelled with their record).
        self.listeners: list[RecordListener] = [self.automation, ApprovalsFollowRecords()]
        #: Asked before an entity changes or is deleted, with the entities as they would be
        #: afterwards; one that would be broken by it raises (rules using a removed field).
        self.entity_guards: list[EntityGuard] = [check_rules_still_hold, check_workflows_still_hold]
        self.workflows = WorkflowCache()
        #: Asked by the records service before each create and update (workflow state fields).
        self.write_guards: list[WriteGuard] = [StateGuard()]
        #: Run on every worker tick after the rule scheduler (approval reminders and deadlines).
        self.timers: list[Callable[[Runtime], int]] = [deadlines.tick]

    def create_schema(self) -> None:
        with write_connection(self.engine) as conn, conn.begin():
            create_system_tables(conn)

    @contextmanager
    def transaction(self, actor: Actor, write: bool = True, connection: Connection | None = None) -> Iterator[Tx]:
        """A unit of work; commits on success, rolls back on error (forgetting cached specs when
        the rolled-back work changed definitions).

        ``connection`` lets a caller that already holds one (the API's per-request
        connection) run the work on it; otherwise a connection is checked out and returned.
        After a commit the transaction's ``after_commit`` hooks run; after a rollback its
        ``after_rollback`` hooks run, each in a fresh transaction of its own on the connection.
        """
        conn = connection or (write_connection(self.engine) if write else self.engine.connect())
        tx = Tx(conn=conn, actor=actor, runtime=self)
        try:
            try:
                with unit_of_work(conn):
                    try:
                        yield tx
                    except BaseException:
                        # Only a rolled-back definition change can have left anything stale; a
                        # refused record write (422, 404...) must not cost the next request a reload.
                        if generation_changed_here(conn):
                            self.entities.invalidate()
                        raise
            except BaseException:
                self._after_rollback(tx)
                raise
            for hook in tx.after_commit:
                try:
                    hook()
                except Exception:  # the work is committed: a hook failing must not turn it into an error
                    log.exception("an after-commit hook failed")
        finally:
            if connection is None:
                conn.close()

    @staticmethod
    def _after_rollback(tx: Tx) -> None:
        """Best effort: the caller's own error is what propagates, never a hook's."""
        for hook in tx.after_rollback:
            try:
                with unit_of_work(tx.conn):
                    hook(tx.conn)
            except Exception:
                log.exception("an after-rollback hook failed")

    def tables_for(self, spec: EntitySpec) -> EntityTables:
        return self.tables.get(spec)

    def tables_by_key(self, key: str) -> EntityTables:
        """Tables of another entity as loaded by the current transaction's cache check."""
        return self.tables.get(self.entities.peek(key))

    def on_entity_changed(self, tx: Tx, old: EntitySpec | None, new: EntitySpec) -> None:
        from .records.computed import backfill

        backfill(tx, old, new)

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"<Runtime {self.engine.url.render_as_string(hide_password=True)}>"
