"""The one place where service operations ask "may this actor do this?".

``authorize(tx, action, resource)`` answers for whole resources: an entity's records
(``entity:<key>``: does any grant allow the action?), definitions (``meta:...``: reading
needs a signed-in user, changing needs admin or builder, purging needs admin),
revisions and files. Row scopes and field rules, which depend on the record, are
applied by ``records.access`` inside the SQL of each query.

The actor's permissions are computed once per transaction (and cached per process
by ``auth.policy`` until any policy changes).
"""

from __future__ import annotations

from ..core.context import Tx
from ..errors import Forbidden, Unauthorized
from .permissions import Permissions

ADMIN_ONLY_ACTIONS = frozenset({"purge"})
DEFINITION_CHANGES = frozenset({"create", "update", "delete", "restore"})


def permissions(tx: Tx) -> Permissions:
    """The actor's effective permissions, memoised on the transaction."""
    cached = tx.memo.get("permissions")
    if cached is None:
        from .policy import permissions_for  # policy imports meta and records; keep them out of start-up

        cached = tx.memo["permissions"] = permissions_for(tx.conn, tx.actor)
    return cached


def authorize(tx: Tx, action: str, resource: str) -> None:
    """Raise unless the actor may ``action`` the ``resource`` (``entity:deal``, ``meta:entity:deal``)."""
    actor = tx.actor
    if actor.id is None and not actor.is_admin and not actor.automated:
        raise Unauthorized("sign in first")
    kind, _, name = resource.partition(":")
    granted = permissions(tx)
    if action in ADMIN_ONLY_ACTIONS and not granted.is_admin:
        raise Forbidden(f"only admins may {action} {resource}")
    if kind == "meta":
        if action in DEFINITION_CHANGES and not granted.changes_definitions:
            raise Forbidden("only admins and builders may change definitions")
        if name.startswith("revision") and not granted.changes_definitions:
            raise Forbidden("only admins and builders may read revisions")
        return
    if kind == "entity" and not granted.grants_for(name, action):
        raise Forbidden(f"you may not {action} {name} records", data={"entity": name, "action": action})
