"""Validation of role definitions: the meta-schema first, then what a schema cannot say.

Like entity validation (``meta.validation``), every problem is collected and reported at
once, tied to its path (``inherits.1``, ``grants.0.hidden_fields``, ``grants.2.scope``),
so an admin fixes a role in one round trip. The semantic checks exist because a bad
role fails late and far away otherwise: an unknown field in a scope would turn every
list its holders open into a 400, an inheritance cycle would make "which roles does
this user have" meaningless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ErrorDetail, ValidationFailed, field_error
from ..fields.entity import SYSTEM_FIELDS, EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from ..logic.evaluator import OPERATORS
from ..meta.validation import meta_validator, schema_errors
from .permissions import BUILTIN_ROLES

#: ``$user.<name>`` variables a scope may read (``$user.link.<entity>`` besides).
USER_VARIABLES = frozenset({"id", "email", "name", "roles"})
USER_PREFIX = "$user."
LINK_PREFIX = "link."


@dataclass(frozen=True)
class RoleWorld:
    """What a role is checked against.

    ``roles``: every other live role definition, key → the roles it inherits (the role
    being saved is left out: its new ``inherits`` replace the old). ``entity``: an
    entity's spec, or None when there is no such entity. ``compile_scope`` (optional):
    the error of compiling a scope to SQL for an entity, or None when it compiles.
    """

    roles: dict[str, list[str]]
    entity: Callable[[str], EntitySpec | None]
    compile_scope: Callable[[Any, EntitySpec], str | None] | None = None


def validate_role(doc: Any, world: RoleWorld) -> None:
    """Raise ValidationFailed listing every problem of a role definition."""
    details = schema_errors(meta_validator("role"), doc)
    if details:
        raise ValidationFailed("the role definition is invalid", details)
    details = [*_inherit_errors(doc, world), *_grant_errors(doc, world)]
    if details:
        raise ValidationFailed("the role definition is invalid", details)


# --- inheritance -----------------------------------------------------------------------------


def _inherit_errors(doc: dict[str, Any], world: RoleWorld) -> Iterable[ErrorDetail]:
    key = doc["key"]
    known = set(BUILTIN_ROLES) | set(world.roles)
    for index, parent in enumerate(doc.get("inherits", [])):
        path = f"inherits.{index}"
        if parent == key:
            yield field_error(path, "a role cannot inherit itself")
        elif parent not in known:
            yield field_error(path, f"role {parent!r} does not exist")
        else:
            cycle = _path_to(parent, key, world.roles)
            if cycle:
                yield field_error(path, f"inheriting {parent!r} makes a cycle: {' → '.join([key, *cycle])}")


def _path_to(start: str, goal: str, graph: dict[str, list[str]]) -> list[str] | None:
    """The shortest inheritance chain from ``start`` to ``goal`` (both included), if any."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        role = queue.pop(0)
        if role == goal:
            chain = [role]
            while (before := previous[chain[-1]]) is not None:
                chain.append(before)
            return chain[::-1]
        for parent in graph.get(role, []):
            if parent not in previous:
                previous[parent] = role
                queue.append(parent)
    return None


# --- grants ----------------------------------------------------------------------------------


def _grant_errors(doc: dict[str, Any], world: RoleWorld) -> Iterable[ErrorDetail]:
    for index, grant in enumerate(doc.get("grants", [])):
        path = f"grants.{index}"
        spec = world.entity(grant["entity"])
        if spec is None:
            yield field_error(f"{path}.entity", f"entity {grant['entity']!r} does not exist")
            continue
        for rule in ("hidden_fields", "readonly_fields", "disclosed_fields"):
            unknown = [name for name in grant.get(rule, []) if name not in spec.all_fields]
            if unknown:
                names = ", ".join(repr(name) for name in unknown[:10])
                yield field_error(f"{path}.{rule}", f"{names}: not a field of {spec.key}")
        yield from _disclosed_errors(grant, spec, path)
        if "scope" in grant:
            problems = list(dict.fromkeys(scope_problems(grant["scope"], spec, world)))
            if not problems and world.compile_scope is not None:
                failure = world.compile_scope(grant["scope"], spec)
                problems = [failure] if failure else []
            yield from (field_error(f"{path}.scope", problem) for problem in problems)


#: What a grant may disclose: fields computed from other rows, never stored data.
DISCLOSABLE_TYPES = ("rollup", "formula")


def _disclosed_errors(grant: dict[str, Any], spec: EntitySpec, path: str) -> Iterable[ErrorDetail]:
    hidden = set(grant.get("hidden_fields", []))
    for name in grant.get("disclosed_fields", []):
        fspec = spec.all_fields.get(name)
        if fspec is None:
            continue  # reported with the unknown fields above
        if fspec.type not in DISCLOSABLE_TYPES:
            yield field_error(
                f"{path}.disclosed_fields", f"{name!r} is a {fspec.type} field; only rollups and formulas are disclosed"
            )
        elif name in hidden:
            yield field_error(f"{path}.disclosed_fields", f"{name!r} is also in hidden_fields")


def scope_problems(rule: Any, spec: EntitySpec, world: RoleWorld) -> Iterable[str]:
    """Unknown operators and variables a scope on ``spec`` cannot resolve."""
    if isinstance(rule, list):
        for item in rule:
            yield from scope_problems(item, spec, world)
        return
    if not isinstance(rule, dict):
        return
    if len(rule) != 1:
        yield "each JsonLogic operation is an object with exactly one operator"
        return
    operator, args = next(iter(rule.items()))
    if operator not in OPERATORS:
        yield f"unknown operator {operator[:60]!r}"
        return
    if operator == "var":
        problem = _variable_problem(args, spec, world)
        if problem:
            yield problem
        return
    for arg in args if isinstance(args, list) else [args]:
        yield from scope_problems(arg, spec, world)


def _variable_problem(args: Any, spec: EntitySpec, world: RoleWorld) -> str | None:
    name = args[0] if isinstance(args, list) and args else args
    if not isinstance(name, str) or not name:
        return 'a scope names each variable literally, e.g. {"var": "owner_field"}'
    if name == "$now":
        return None
    if name.startswith(USER_PREFIX):
        return _user_variable_problem(name[len(USER_PREFIX) :], world)
    if name.startswith("$"):
        return f"unknown variable {name[:80]!r}: a scope may read $user.* and $now"
    head, _, rest = name.partition(".")
    if not rest:
        return None if filterable(spec, head) else f"{head[:80]!r} is not a field of {spec.key} a scope can use"
    relation = spec.live_fields.get(head)
    ftype = FIELD_TYPES.get(relation.type) if relation and relation.type in FIELD_TYPES else None
    if relation is None or not isinstance(ftype, RelationType) or ftype.is_many(relation):
        return f"{head[:80]!r} is not a single relation of {spec.key}; only relation.field may be followed"
    target = world.entity(ftype.target(relation))
    if target is None or "." in rest or not filterable(target, rest):
        return f"{name[:120]!r}: {rest[:80]!r} is not a field of {ftype.target(relation)} a scope can use"
    return None


def _user_variable_problem(rest: str, world: RoleWorld) -> str | None:
    if rest in USER_VARIABLES:
        return None
    if rest.startswith(LINK_PREFIX) and world.entity(rest[len(LINK_PREFIX) :]) is not None:
        return None
    known = ", ".join(f"$user.{name}" for name in sorted(USER_VARIABLES))
    return f"unknown variable $user.{rest[:80]}: use {known} or $user.link.<entity>"


def filterable(spec: EntitySpec, key: str) -> bool:
    """Whether SQL can read ``key`` on ``spec``: a system field or a live field with a column."""
    if key in SYSTEM_FIELDS:
        return True
    fspec = spec.live_fields.get(key)
    if fspec is None or fspec.type not in FIELD_TYPES:
        return False
    ftype = FIELD_TYPES.get(fspec.type)
    return ftype.kind(fspec) is not None and bool(ftype.system_column(fspec) or ftype.stores_column(fspec))
