"""Rollups that reach into another entity, checked from both ends.

A rollup on ``company`` summing ``deal.amount`` via ``deal.company`` depends on a
field of *another* definition. Saving the company checks that the deal's ``via``
relation and ``field`` are usable; changing the deal (removing ``amount``,
converting it to text, re-pointing ``company``) is refused while a rollup still
depends on it, instead of breaking the company's rollup at the next write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ..errors import Conflict, ErrorDetail, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType

NUMERIC_TYPES = frozenset({"integer", "decimal", "currency", "percent", "rating", "duration", "rollup"})


def rollup_source_problems(owner_key: str, rollup_options: dict[str, object], source: EntitySpec) -> list[str]:
    """Why ``source`` cannot feed a rollup defined on ``owner_key`` (empty when it can)."""
    problems = []
    via = source.live_fields.get(str(rollup_options.get("via")))
    via_type = FIELD_TYPES.get(via.type) if via else None
    if (
        via is None
        or not isinstance(via_type, RelationType)
        or via_type.is_many(via)
        or via_type.target(via) != owner_key
    ):
        problems.append(f"{source.key}.{rollup_options.get('via')} must be a single relation to {owner_key}")
    if rollup_options.get("aggregate") != "count":
        measured = source.live_fields.get(str(rollup_options.get("field")))
        if measured is None or not _numeric(measured.type, measured.options):
            problems.append(f"{source.key}.{rollup_options.get('field')} must be a numeric field")
    return problems


def own_rollup_errors(spec: EntitySpec, specs: dict[str, EntitySpec]) -> list[ErrorDetail]:
    """Errors of ``spec``'s rollups over other entities (or itself), by field."""
    errors = []
    for index, fspec in enumerate(spec.fields):
        if fspec.type != "rollup" or fspec.removed or "entity" not in fspec.options:
            continue
        source_key = str(fspec.options["entity"])
        source = spec if source_key == spec.key else specs.get(source_key)
        if source is None:
            continue  # reported by validation as an unknown entity
        for problem in rollup_source_problems(spec.key, fspec.options, source):
            errors.append(field_error(f"fields.{index}.options", problem))
    return errors


def check_dependent_rollups(new: EntitySpec, specs: dict[str, EntitySpec]) -> None:
    """Refuse a change to ``new`` that would break another entity's rollup over it."""
    broken = []
    for other in specs.values():
        if other.key == new.key:
            continue
        for fspec in other.live_fields.values():
            if fspec.type == "rollup" and fspec.options.get("entity") == new.key:
                for problem in rollup_source_problems(other.key, fspec.options, new):
                    broken.append(field_error(f"{other.key}.{fspec.key}", problem))
    if broken:
        raise Conflict(f"rollups of other entities depend on {new.key}; change or remove them first", broken)


def check_dependent_scopes(conn: Connection, old: EntitySpec, new: EntitySpec, specs: dict[str, EntitySpec]) -> None:
    """Refuse a change to ``new`` that would break a role's row scope (a removed or converted
    field it reads, directly or across a relation): its users' every list would start failing."""
    from ..auth.role_checks import RoleWorld, scope_problems
    from . import store

    def problems(version: EntitySpec, grant: dict[str, Any]) -> set[str]:
        def entity(key: str) -> EntitySpec | None:
            return version if key == version.key else specs.get(key)

        spec = entity(str(grant.get("entity")))
        if spec is None or grant.get("scope") is None:
            return set()
        return set(scope_problems(grant["scope"], spec, RoleWorld(roles={}, entity=entity)))

    broken = []
    for role in store.list_definitions(conn, "role"):
        for index, grant in enumerate(role.effective.get("grants", [])):
            for problem in sorted(problems(new, grant) - problems(old, grant)):
                broken.append(field_error(f"role {role.key}.grants.{index}.scope", problem))
    if broken:
        raise Conflict(f"role scopes depend on {new.key}; change those roles first", broken)


def _numeric(type_key: str, options: dict[str, object]) -> bool:
    if type_key == "formula":
        return options.get("result_type", "number") == "number"
    return type_key in NUMERIC_TYPES
