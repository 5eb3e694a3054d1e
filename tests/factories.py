"""Factories and helpers shared by the service tests (imported by tests as ``factories``).

``Services`` runs one service call per committed transaction, like one API request;
``field``/``label`` keep entity definitions in tests short; the inspection helpers read
the real database catalog so storage tests see what a BI tool would see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import inspect, text

from loomworks.auth.users import create_user
from loomworks.core.context import SYSTEM_ACTOR, Actor
from loomworks.errors import LoomworksError
from loomworks.meta.entities import create_entity
from loomworks.records.service import create_record, delete_record, get_record, update_record
from loomworks.runtime import Runtime

T = TypeVar("T")


def make_user(runtime: Runtime, email: str, roles: tuple[str, ...], name: str = "") -> Actor:
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        user = create_user(tx.conn, email, None, name=name, roles=list(roles))
    return Actor(id=user["id"], email=user["email"], name=user["name"], roles=roles)


class Services:
    """Runs a service function in its own committed transaction, as one API call would.

    ``run(fn, *args)`` calls ``fn(tx, *args)`` as the admin; ``run.as_(actor)`` acts as
    someone else. An exception rolls the transaction back and propagates.
    """

    def __init__(self, runtime: Runtime, actor: Actor) -> None:
        self.runtime = runtime
        self.actor = actor

    def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.runtime.transaction(self.actor) as tx:
            return fn(tx, *args, **kwargs)

    def as_(self, actor: Actor) -> Services:
        return Services(self.runtime, actor)

    def entity(self, key: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        """Create an entity from a field list (see :func:`field`)."""
        return self(create_entity, {"key": key, "label": label(key.title()), "fields": fields, **extra})

    def create(self, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        return self(create_record, entity, body)

    def get(self, entity: str, record_id: Any, **kwargs: Any) -> dict[str, Any]:
        return self(get_record, entity, record_id, **kwargs)

    def patch(self, entity: str, record_id: Any, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return self(update_record, entity, record_id, body, **kwargs)

    def delete(self, entity: str, record_id: Any) -> None:
        self(delete_record, entity, record_id)

    def sql(self, statement: Any, **params: Any) -> list[Any]:
        """Raw SQL against the database, bypassing every service (to check what is stored)."""
        with self.runtime.engine.connect() as conn:
            return list(conn.execute(text(statement) if isinstance(statement, str) else statement, params))


def label(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh} if zh else {"en": en}


def field(key: str, type_: str = "text", **props: Any) -> dict[str, Any]:
    """A field definition; ``options`` and flags pass through, the label defaults to the key."""
    doc: dict[str, Any] = {"key": key, "type": type_, "label": label(key.replace("_", " ").title())}
    doc.update(props)
    return doc


def columns(runtime: Runtime, table: str) -> dict[str, Any]:
    """``{column name: inspected column}`` of a real table, read from the database catalog."""
    with runtime.engine.connect() as conn:
        return {c["name"]: c for c in inspect(conn).get_columns(table)}


def indexes(runtime: Runtime, table: str) -> dict[str, Any]:
    with runtime.engine.connect() as conn:
        return {str(ix["name"]): ix for ix in inspect(conn).get_indexes(table)}


def has_table(runtime: Runtime, table: str) -> bool:
    with runtime.engine.connect() as conn:
        return inspect(conn).has_table(table)


def error_fields(exc: LoomworksError) -> set[str | None]:
    return {d.field for d in exc.details}
