"""Field rules extended to what is computed from hidden data, and scopes that cannot apply.

A grant hiding ``margin`` must also hide a formula ``amount * margin`` (and formulas
built on that), a rollup over a hidden sub-table, and a rollup over another entity
unless the reader may read *every* row of it with the measured field visible (a count
or sum over rows outside their scope tells them about those rows). The rules are
applied to grants before enforcement, so every path — records, filters, sorts,
aggregates, definitions, OpenAPI — sees the same, larger hidden set.

A grant's ``disclosed_fields`` is the builder saying a summary is meant to be seen (a
customer reads the project's progress, averaged over tasks it may not read): those keep
visible unless the grant hides them by name.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..auth.permissions import Grant, Permissions
from ..fields.entity import EntitySpec

#: Marks a rule that reads data through a path it computes: it may read any field.
EVERY_FIELD = "*"
_PATH_OPERATORS = frozenset({"val", "exists"})


def hide_derived(spec: EntitySpec, grant: Grant, granted: Permissions) -> Grant:
    """``grant`` with computed fields that would reveal hidden or out-of-scope data hidden too."""
    hidden = set(grant.hidden_fields)
    disclosed = grant.disclosed_fields
    for fspec in spec.fields_of_type("rollup"):
        if fspec.key not in disclosed and not _rollup_visible(fspec.options, hidden, granted):
            hidden.add(fspec.key)
    changed = True
    while changed:  # formulas may read formulas and rollups
        changed = False
        for fspec in spec.fields_of_type("formula"):
            reads = reads_fields(fspec.options.get("expression"))
            if fspec.key in disclosed:
                continue
            if fspec.key not in hidden and hidden and (reads & hidden or EVERY_FIELD in reads):
                hidden.add(fspec.key)
                changed = True
    return replace(grant, hidden_fields=frozenset(hidden)) if len(hidden) > len(grant.hidden_fields) else grant


def _rollup_visible(options: dict[str, Any], hidden: set[str], granted: Permissions) -> bool:
    if "sub_table" in options:
        return str(options["sub_table"]) not in hidden
    measured = options.get("field")
    for source_grant in granted.grants_for(str(options.get("entity")), "read"):
        if source_grant.scope is None and (measured is None or measured not in source_grant.hidden_fields):
            return True
    return False


def reads_fields(rule: Any) -> set[str]:
    """Field keys a JsonLogic rule reads (before any ``.``); ``EVERY_FIELD`` if it cannot tell."""
    if isinstance(rule, list):
        found: set[str] = set()
        for item in rule:
            found |= reads_fields(item)
        return found
    if not isinstance(rule, dict):
        return set()
    found = set()
    for operator, args in rule.items():
        items = args if isinstance(args, list) else [args]
        if operator == "var":
            found |= _path_head(items[0] if items else "")
            found |= reads_fields(items[1:])  # the default may read fields too
        elif operator in _PATH_OPERATORS:
            found |= _path_head(items[0] if items else "")
        elif operator == "missing":
            for name in items if all(isinstance(i, str) for i in items) else [None]:
                found |= _path_head(name)
        elif operator == "missing_some":
            names = items[1] if len(items) > 1 and isinstance(items[1], list) else [None]
            for name in names:
                found |= _path_head(name)
        else:
            found |= reads_fields(args)
    return found


def _path_head(path: Any) -> set[str]:
    if isinstance(path, list):
        path = path[0] if path and all(isinstance(p, str) for p in path) else None
    if not isinstance(path, str) or not path or path.startswith("$"):
        return set() if isinstance(path, str) and path.startswith("$") else {EVERY_FIELD}
    return {path.split(".")[0]}


def unresolved_user_values(rule: Any, constant: Any) -> bool:
    """Whether a scope reads a ``$user.*`` value the user does not have (e.g. no portal link).

    Such a grant covers nothing: ``company == $user.link.company`` must not match every
    record without a company for a user without a link.
    """
    if isinstance(rule, list):
        return any(unresolved_user_values(item, constant) for item in rule)
    if not isinstance(rule, dict):
        return False
    for operator, args in rule.items():
        items = args if isinstance(args, list) else [args]
        if operator == "var" and items and isinstance(items[0], str) and items[0].startswith("$user"):
            found, value = constant(items[0])
            if not found or value is None:
                return True
        if unresolved_user_values(items, constant):
            return True
    return False
