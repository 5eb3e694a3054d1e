"""Merging a template's new layer under the customer's changes, and naming the conflicts.

A definition stores the template's layer (``base``) and the customer's changes (``custom``,
see ``meta/layers.py``). On upgrade the base is replaced; the customer's changes stay on top.
Where the template changed a property the customer had changed too, that is a *conflict*:
the customer's value wins unless they resolve it for the template's value. Conflicts are
found per top-level property and per field property (a field's ``options`` counts as one
property, so a relabelled choice and a template's new choice meet in one place).

Every conflict has an id, ``<kind>:<key>:<path>`` (``entity:company:fields.risk_level.options``),
by which a plan's reader resolves it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..meta.layers import FIELDS, UNSET, extract_overlay, overlay

MINE = "mine"
TEMPLATE = "template"
_ABSENT: Any = object()


@dataclass(frozen=True)
class Conflict:
    id: str
    kind: str
    key: str
    path: str
    template_before: Any
    template_after: Any
    yours: Any

    def to_json(self, resolution: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "key": self.key,
            "path": self.path,
            "template_before": _shown(self.template_before),
            "template_after": _shown(self.template_after),
            "yours": _shown(self.yours),
            "resolution": resolution,
        }


@dataclass(frozen=True)
class Merged:
    effective: dict[str, Any]
    conflicts: list[Conflict]


def merge(
    kind: str,
    key: str,
    old_base: dict[str, Any] | None,
    custom: dict[str, Any] | None,
    new_base: dict[str, Any],
    resolutions: dict[str, str],
) -> Merged:
    """The effective document after replacing ``old_base`` by ``new_base`` under ``custom``."""
    custom, rebased = _rebased(copy.deepcopy(custom or {}), old_base, new_base)
    conflicts = _top_conflicts(kind, key, old_base or {}, custom, new_base)
    if old_base == {}:  # adopted: every field of the customer's meets the template's for the first time
        rebased |= {f["key"] for f in new_base.get(FIELDS, []) if isinstance(f, dict) and "key" in f}
    conflicts += _field_conflicts(kind, key, old_base or {}, custom, new_base, rebased)
    for conflict in conflicts:
        if resolutions.get(conflict.id) == TEMPLATE:
            _take_template(custom, conflict.path)
    return Merged(overlay(new_base, custom), conflicts)


def adopt(effective: dict[str, Any], new_base: dict[str, Any]) -> dict[str, Any]:
    """A definition made here before the template came: what it has counts as the customer's;
    what only the template has (fields, properties) is added, not taken for a removal."""
    custom = extract_overlay(new_base, effective)
    custom.pop(UNSET, None)
    fields = custom.get(FIELDS)
    if isinstance(fields, dict):
        fields.pop("dropped", None)
        if not fields:
            custom.pop(FIELDS)
    return custom


def _rebased(
    custom: dict[str, Any], old_base: dict[str, Any] | None, new_base: dict[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """Fields the customer added that the new template now brings become changes to its field
    (returned with the keys of those fields).

    A field the template took away earlier (so the customer's layer kept it, removed, with its
    data) and now brings back is shown again: its removal was the template's, not theirs.
    """
    fields = custom.get(FIELDS)
    rebased: set[str] = set()
    if not isinstance(fields, dict) or not fields.get("added"):
        return custom, rebased
    new_fields = {f["key"]: f for f in new_base.get(FIELDS, [])}
    old_keys = {f["key"] for f in (old_base or {}).get(FIELDS, [])}
    kept = []
    for field in fields["added"]:
        template_field = new_fields.get(field["key"])
        if template_field is None:
            kept.append(field)
            continue
        delta = {k: v for k, v in field.items() if template_field.get(k) != v}
        if delta.get("removed") and field["key"] not in old_keys:
            delta.pop("removed")
        unset = sorted(k for k in template_field if k not in field and k != "removed")
        if unset:
            delta[UNSET] = unset
        if delta:
            fields.setdefault("changed", {})[field["key"]] = delta
        rebased.add(field["key"])
    fields["added"] = kept
    if not kept:
        fields.pop("added")
    return custom, rebased


def _top_conflicts(
    kind: str, key: str, old_base: dict[str, Any], custom: dict[str, Any], new_base: dict[str, Any]
) -> list[Conflict]:
    found = []
    unset = set(custom.get(UNSET, []))
    for name in sorted(set(custom) | unset):
        if name in (UNSET, "key") or (name == FIELDS and isinstance(custom.get(FIELDS), dict)):
            continue
        before, after = old_base.get(name, _ABSENT), new_base.get(name, _ABSENT)
        yours = _ABSENT if name in unset else custom[name]
        if before != after and yours != after:
            found.append(Conflict(f"{kind}:{key}:{name}", kind, key, name, before, after, yours))
    return found


def _field_conflicts(
    kind: str, key: str, old_base: dict[str, Any], custom: dict[str, Any], new_base: dict[str, Any], rebased: set[str]
) -> list[Conflict]:
    fields = custom.get(FIELDS)
    if not isinstance(fields, dict):
        return []
    old_fields = {f["key"]: f for f in old_base.get(FIELDS, [])}
    new_fields = {f["key"]: f for f in new_base.get(FIELDS, [])}
    found = []
    for field_key, delta in sorted(fields.get("changed", {}).items()):
        if field_key not in new_fields:
            continue
        old_field = old_fields.get(field_key, {} if field_key in rebased else None)
        if old_field is None:
            continue
        unset = set(delta.get(UNSET, []))
        for name in sorted((set(delta) | unset) - {UNSET}):
            before, after = old_field.get(name, _ABSENT), new_fields[field_key].get(name, _ABSENT)
            yours = _ABSENT if name in unset else delta[name]
            if before != after and yours != after:
                path = f"fields.{field_key}.{name}"
                found.append(Conflict(f"{kind}:{key}:{path}", kind, key, path, before, after, yours))
    return found


def _take_template(custom: dict[str, Any], path: str) -> None:
    """Drop the customer's value at ``path`` so the template's shows through."""
    parts = path.split(".")
    if len(parts) == 1:
        custom.pop(parts[0], None)
        if parts[0] in custom.get(UNSET, []):
            custom[UNSET] = [n for n in custom[UNSET] if n != parts[0]]
        return
    _, field_key, name = parts
    delta = custom.get(FIELDS, {}).get("changed", {}).get(field_key, {})
    delta.pop(name, None)
    if name in delta.get(UNSET, []):
        delta[UNSET] = [n for n in delta[UNSET] if n != name]


def _shown(value: Any) -> Any:
    return None if value is _ABSENT else value
