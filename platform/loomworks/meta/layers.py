"""Base and custom layers of a definition.

The *base* layer comes from an installed template and is replaced on upgrade; the
*custom* layer holds only the customer's own changes, as an overlay keyed by
field key. ``effective = overlay(base, custom)`` and
``custom = extract_overlay(base, effective)`` are inverses, so every edit is
made on the effective document and the custom layer is derived from it. An
entity created by a user has no base: its custom layer is the whole document.

Only a list of objects with a ``key`` (an entity's fields) is layered field by field; a
``fields`` list of another shape (a form's field keys) is one property like any other.

Removals are changes too: a base property the customer took away is listed under
``UNSET`` (top level, or per changed field), and a base field purged for good under
``fields.dropped``, so replacing the base on upgrade cannot bring them back.
"""

from __future__ import annotations

import copy
from typing import Any

FIELDS = "fields"
UNSET = "$unset"


def overlay(base: dict[str, Any] | None, custom: dict[str, Any] | None) -> dict[str, Any]:
    if not base:
        return copy.deepcopy(custom or {})
    result = copy.deepcopy(base)
    if not custom:
        return result
    for name, value in custom.items():
        if name == FIELDS and isinstance(value, dict):
            result[FIELDS] = _overlay_fields(result.get(FIELDS, []), value)
        elif name == UNSET:
            for unset in value:
                result.pop(unset, None)
        else:
            result[name] = copy.deepcopy(value)
    return result


def keyed(items: Any) -> bool:
    """A list layered item by item: objects that each carry a ``key``."""
    return isinstance(items, list) and all(isinstance(i, dict) and "key" in i for i in items)


def _overlay_fields(base_fields: list[dict[str, Any]], custom: dict[str, Any]) -> list[dict[str, Any]]:
    merged = []
    dropped = set(custom.get("dropped", []))
    for field in base_fields:
        if field["key"] in dropped:
            continue
        change = copy.deepcopy(custom.get("changed", {}).get(field["key"], {}))
        unset = change.pop(UNSET, [])
        merged.append({k: v for k, v in {**field, **change}.items() if k not in unset})
    merged.extend(copy.deepcopy(custom.get("added", [])))
    return merged


def extract_overlay(base: dict[str, Any] | None, effective: dict[str, Any]) -> dict[str, Any]:
    if not base:
        return copy.deepcopy(effective)
    custom: dict[str, Any] = {}
    for name, value in effective.items():
        if name == FIELDS and keyed(value) and keyed(base.get(FIELDS, [])):
            fields = _extract_fields(base.get(FIELDS, []), value)
            if fields:
                custom[FIELDS] = fields
        elif base.get(name) != value:
            custom[name] = copy.deepcopy(value)
    unset = sorted(name for name in base if name not in effective and not (name == FIELDS and keyed(base[name])))
    if unset:
        custom[UNSET] = unset
    return custom


def _extract_fields(base_fields: list[dict[str, Any]], fields: list[dict[str, Any]]) -> dict[str, Any]:
    base_by_key = {f["key"]: f for f in base_fields}
    changed: dict[str, Any] = {}
    added = []
    for field in fields:
        original = base_by_key.get(field["key"])
        if original is None:
            added.append(copy.deepcopy(field))
            continue
        delta = {k: copy.deepcopy(v) for k, v in field.items() if original.get(k) != v}
        unset = sorted(k for k in original if k not in field)
        if unset:
            delta[UNSET] = unset
        if delta:
            changed[field["key"]] = delta
    present = {f["key"] for f in fields}
    dropped = [f["key"] for f in base_fields if f["key"] not in present]
    result: dict[str, Any] = {}
    if changed:
        result["changed"] = changed
    if added:
        result["added"] = added
    if dropped:
        result["dropped"] = dropped
    return result
