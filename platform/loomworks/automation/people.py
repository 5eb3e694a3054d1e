"""Who a rule means by "the sales managers", "the record's owner", "the contract's owner".

Recipients of notifications and candidates of assignments are active users only. A role
means everyone who holds it, directly or through a role that inherits it (a sales
manager inheriting ``sales_rep`` is a sales rep too). User fields are read from the
trigger record, or one relation hop away (``contract._owner``): that is the rule's own
configuration, so it reads as the system, not as the run-as user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from ..auth import casbin_rules
from ..auth.models import users
from ..core.context import SYSTEM_ACTOR, Tx
from ..errors import ErrorDetail, NotFound, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from ..records.service import get_record

USER_TYPES = ("user", "created_by", "updated_by")
SYSTEM_USER_FIELDS = ("_owner", "_created_by", "_updated_by")
SYSTEM_COLUMN = {"_owner": "owner_id", "_created_by": "created_by", "_updated_by": "updated_by"}


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str
    locale: str


def people(conn: Connection, ids: Iterable[Any]) -> list[Person]:
    """Active users among ``ids``, in id order."""
    wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return []
    rows = conn.execute(
        select(users.c.id, users.c.email, users.c.name, users.c.locale)
        .where(users.c.id.in_(wanted), users.c.active.is_(True))
        .order_by(users.c.id)
    )
    return [Person(row.id, row.email, row.name or row.email, row.locale or "en") for row in rows]


def role_holders(conn: Connection, roles: Iterable[str]) -> set[int]:
    """Ids of users holding any of ``roles`` directly or through inheritance."""
    pending, seen, found = list(roles), set(), set()
    while pending:
        role = pending.pop()
        if role in seen:
            continue
        seen.add(role)
        user_ids, inheriting = casbin_rules.holders(conn, role)
        found.update(user_ids)
        pending.extend(inheriting)
    # Users created before Casbin rows existed still name their roles on their row.
    for row in conn.execute(select(users.c.id, users.c.roles)):
        if seen & set(row.roles or []):
            found.add(row.id)
    return found


def field_user_errors(spec: EntitySpec | None, world_entity: Any, path: str, name: str) -> Iterable[ErrorDetail]:
    """``name`` is a user field of ``spec``, or ``<relation>.<user field>`` of the related entity."""
    return field_errors(spec, world_entity, path, name, USER_TYPES, "user", SYSTEM_USER_FIELDS)


def field_errors(
    spec: EntitySpec | None,
    world_entity: Any,
    path: str,
    name: str,
    types: Iterable[str] | None,
    what: str,
    system: Iterable[str] = (),
    hops: int = 1,
) -> Iterable[ErrorDetail]:
    """``name`` is a field (of one of ``types``, unless None) on ``spec``, or
    ``<relation>.<field>`` up to ``hops`` single relations away."""
    noun = f"{what} field" if what else "field"
    if spec is None:
        yield field_error(path, f"this trigger has no record to read a {noun} from")
        return
    if name.count(".") > hops:
        yield field_error(path, "follow at most one relation" if hops == 1 else f"follow at most {hops} relations")
        return
    head, _, rest = name.partition(".")
    if rest:
        fspec = spec.live_fields.get(head)
        ftype = FIELD_TYPES.get(fspec.type) if fspec is not None else None
        if fspec is None or not isinstance(ftype, RelationType) or ftype.is_many(fspec):
            yield field_error(path, f"{head!r} is not a single relation of {spec.key!r}")
            return
        target = world_entity(ftype.target(fspec))
        if target is not None:
            yield from field_errors(target, world_entity, path, rest, types, what, system, hops - 1)
        return
    if name in system:
        return
    fspec = spec.live_fields.get(name)
    if fspec is None or (types is not None and fspec.type not in types):
        yield field_error(path, f"{name!r} is not a {noun} of {spec.key!r}")


def users_in_fields(tx: Tx, entity: str, record: dict[str, Any], names: Iterable[str]) -> set[int]:
    """User ids held by the named fields of ``record`` (one relation hop allowed)."""
    return {user_id for value in values_in_fields(tx, entity, record, names) for user_id in _ids(value)}


def values_in_fields(tx: Tx, entity: str, record: dict[str, Any], names: Iterable[str]) -> list[Any]:
    """The values of the named fields of ``record``, read as the system (one relation hop allowed)."""
    found: list[Any] = []
    for name in names:
        head, _, rest = name.partition(".")
        if not rest:
            found.append(record.get(head))
            continue
        target_id = record.get(head)
        if target_id is None:
            continue
        spec = tx.runtime.entities.get(tx.conn, entity)
        relation = FIELD_TYPES.get(spec.live_fields[head].type)
        assert isinstance(relation, RelationType)
        related = _system_read(tx, relation.target(spec.live_fields[head]), target_id)
        if related is not None:
            found.append(related.get(rest))
    return found


def _system_read(tx: Tx, entity: str, record_id: Any) -> dict[str, Any] | None:
    try:
        return get_record(tx.acting_as(SYSTEM_ACTOR), entity, record_id)
    except NotFound:
        return None


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
