"""Checks shared by triggers and actions when a rule is saved: JsonLogic and field references.

A rule's JsonLogic reads the trigger record's fields by name and the context under ``$``
names: ``$old.<field>``, ``$record.<field>``, ``$user.*``, ``$now``, ``$payload.*`` (inbound
webhooks), ``$steps.<name>.*`` (what an earlier action created), ``$created.*`` (child
rows of ``create_record``) and ``$target.*`` (``update_related``). A typo is an error when the
rule is saved, with the path of the offending property, not a surprise when it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import ErrorDetail, field_error
from ..fields.entity import SYSTEM_FIELDS, EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import OPERATORS
from ..logic.walk import operators, variables

#: ``$`` names every rule may read (``$lookup.<name>`` is checked against the rule's lookups).
ALWAYS = ("$user", "$now", "$rule", "$lookup")
#: ``$`` names whose members are a record of the trigger entity.
RECORD_NAMES = ("$old", "$record")


def logic_errors(
    rule: Any,
    spec: EntitySpec | None,
    path: str,
    *,
    free: tuple[str, ...] = (),
) -> Iterable[ErrorDetail]:
    """Unknown operators, and variables that name no field of ``spec`` (the trigger entity).

    ``free`` lists further ``$`` names the context provides here (``$payload``, ``$target``...),
    whose members are not checked.
    """
    for operator in operators(rule):
        if operator not in OPERATORS:
            yield field_error(path, f"unknown JsonLogic operator {operator!r}")
            return
    for name in filter(None, variables(rule)):
        head, _, rest = name.partition(".")
        if head in ALWAYS or head in free:
            continue
        if head in RECORD_NAMES:
            if rest and spec is not None and not _is_field(spec, rest.split(".", 1)[0]):
                yield field_error(path, f"{spec.key!r} has no field {rest.split('.', 1)[0]!r}")
            elif spec is None:
                yield field_error(path, f"{name!r}: this trigger has no record")
            continue
        if head.startswith("$"):
            yield field_error(path, f"unknown variable {head!r}")
        elif spec is None:
            yield field_error(path, f"{name!r}: this trigger has no record (use $payload or $steps)")
        elif not _is_field(spec, head):
            yield field_error(path, f"{spec.key!r} has no field {head!r}")


def _is_field(spec: EntitySpec, key: str) -> bool:
    return key in spec.live_fields or key in SYSTEM_FIELDS or key == "_refs"


def writable_field_errors(spec: EntitySpec, keys: Iterable[str], path: str) -> Iterable[ErrorDetail]:
    """Each key is a live field of ``spec`` that a write may set (not computed)."""
    for key in keys:
        fspec = spec.live_fields.get(key)
        if key == "_owner":
            continue
        if fspec is None:
            yield field_error(f"{path}.{key}", f"{spec.key!r} has no field {key!r}")
        elif not FIELD_TYPES.get(fspec.type).writable:
            yield field_error(f"{path}.{key}", f"{key!r} is computed and cannot be set")


def values_errors(
    values: dict[str, Any], target: EntitySpec, trigger_spec: EntitySpec | None, path: str, free: tuple[str, ...]
) -> Iterable[ErrorDetail]:
    """A field mapping: writable fields of ``target``, each value a valid JsonLogic expression."""
    yield from writable_field_errors(target, values, path)
    for key, logic in values.items():
        yield from logic_errors(logic, trigger_spec, f"{path}.{key}", free=free)
