"""A readable structural diff between two JSON documents, for revisions.

Lists of objects that carry a ``key`` (fields, choices by ``value``) are matched
by that key rather than by position, so inserting a field shows as one addition
instead of every later field "changing".
"""

from __future__ import annotations

from typing import Any

Change = dict[str, Any]
IDENTITY_KEYS = ("key", "value")


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for name in list(before) + [k for k in after if k not in before]:
            sub = f"{path}/{name}"
            if name not in after:
                changes.append({"op": "remove", "path": sub, "before": before[name]})
            elif name not in before:
                changes.append({"op": "add", "path": sub, "after": after[name]})
            else:
                changes.extend(diff(before[name], after[name], sub))
        return changes
    identity = _identity(before, after)
    if identity:
        return _diff_keyed(before, after, path, identity)
    return [{"op": "replace", "path": path or "/", "before": before, "after": after}]


def _identity(before: Any, after: Any) -> str | None:
    if not (isinstance(before, list) and isinstance(after, list)):
        return None
    items = before + after
    for key in IDENTITY_KEYS:
        if items and all(isinstance(i, dict) and key in i for i in items):
            return key
    return None


def _diff_keyed(before: list[Any], after: list[Any], path: str, key: str) -> list[Change]:
    old = {item[key]: item for item in before}
    new = {item[key]: item for item in after}
    changes: list[Change] = []
    for name, item in old.items():
        sub = f"{path}/{name}"
        if name not in new:
            changes.append({"op": "remove", "path": sub, "before": item})
        else:
            changes.extend(diff(item, new[name], sub))
    for name, item in new.items():
        if name not in old:
            changes.append({"op": "add", "path": f"{path}/{name}", "after": item})
    if [i[key] for i in before if i[key] in new] != [i[key] for i in after if i[key] in old]:
        changes.append({"op": "reorder", "path": path, "after": [i[key] for i in after]})
    return changes
