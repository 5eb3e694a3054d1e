"""What one user may do: the effective grants, computed once and shared by every check.

This module is the contract between the policy store (``auth.policy``: role
definitions, Casbin, caching) and the places that enforce it (``auth.authorize`` for
actions, ``records.access`` for row scopes and field rules). A ``Grant`` is one
role's permission on one entity: the actions it allows, the rows (a JsonLogic
scope, ``None`` meaning every row) and the field rule (hidden, read-only fields).

Soundness of a union of roles: a user never gets a row-and-field combination that no
single grant allows. Rows visible = rows matching *any* applicable grant's scope; a
field is visible on a row only where *some* grant that covers that row leaves it
visible; a field hidden by any applicable grant cannot be filtered, sorted, searched
or aggregated on (a filter would reveal it on rows where it is masked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Actions a grant can allow on an entity's records (DESIGN §6).
RECORD_ACTIONS = ("read", "create", "update", "delete", "export", "import", "transition", "admin")
#: Roles whose meaning is fixed by the platform: admin may do everything; builder changes
#: definitions and has every record action. ``member`` is an ordinary (definable) role.
ADMIN_ROLE = "admin"
BUILDER_ROLE = "builder"
MEMBER_ROLE = "member"
BUILTIN_ROLES = (ADMIN_ROLE, BUILDER_ROLE, MEMBER_ROLE)


@dataclass(frozen=True)
class Grant:
    role: str
    entity: str
    actions: frozenset[str]
    scope: Any = None
    hidden_fields: frozenset[str] = frozenset()
    readonly_fields: frozenset[str] = frozenset()
    #: Computed fields (rollups, formulas) the builder chose to show although they summarize
    #: rows outside the grant's scope (a customer sees the project's progress, not the tasks).
    disclosed_fields: frozenset[str] = frozenset()

    @property
    def unrestricted(self) -> bool:
        """Every row, every field, all writable: nothing for enforcement to add."""
        return self.scope is None and not self.hidden_fields and not self.readonly_fields


@dataclass(frozen=True)
class Permissions:
    """Everything one user (with their roles, including inherited ones) is granted."""

    user_id: int | None
    roles: frozenset[str]  # the user's roles and every role they inherit
    grants: tuple[Grant, ...] = ()
    by_entity: dict[str, tuple[Grant, ...]] = field(default_factory=dict, compare=False)

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    @property
    def changes_definitions(self) -> bool:
        return ADMIN_ROLE in self.roles or BUILDER_ROLE in self.roles

    def grants_for(self, entity: str, action: str) -> tuple[Grant, ...]:
        """The grants allowing ``action`` on ``entity`` (empty: denied).

        Admins and builders hold one unrestricted grant on every entity.
        """
        for role in (ADMIN_ROLE, BUILDER_ROLE):
            if role in self.roles:
                return (Grant(role, entity, frozenset(RECORD_ACTIONS)),)
        return tuple(g for g in self.by_entity.get(entity, ()) if action in g.actions)
