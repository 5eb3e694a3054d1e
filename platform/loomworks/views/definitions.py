"""View definitions (kind ``view``): lists, kanban boards, calendars and Gantt charts.

A view is checked against its entity when saved: the columns, the sort, the fields a board
groups by or a calendar places records on must be live fields of the right type, and the
filter may read only the entity's fields and ``$user.*``. Readers list the views of the
entities they may read (``GET /api/views``); a view only narrows what their grants show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..auth.authorize import permissions
from ..core.context import Tx
from ..errors import ErrorDetail, field_error
from ..fields.entity import EntitySpec
from ..forms.definitions import logic_errors
from ..meta import documents, store
from ..meta.validation import validate_document

KIND = "view"
DATE_TYPES = frozenset({"date", "datetime"})
GROUP_TYPES = frozenset({"select", "user", "relation", "boolean"})
SYSTEM_FIELDS = frozenset({"id", "_owner", "_created_at", "_updated_at", "_created_by", "_updated_by"})
PROGRESS_TYPES = frozenset({"integer", "decimal", "percent", "rollup", "formula"})


def validate_view(doc: Any, specs: dict[str, EntitySpec]) -> None:
    validate_document(KIND, doc, lambda valid: _semantic_errors(valid, specs), "the view definition is not valid")


def _semantic_errors(doc: dict[str, Any], specs: dict[str, EntitySpec]) -> Iterable[ErrorDetail]:
    spec = specs.get(doc["entity"])
    if spec is None:
        yield field_error("entity", f"no entity {doc['entity']!r}")
        return
    for index, name in enumerate(doc.get("columns", [])):
        yield from _field_errors(spec, name, f"columns.{index}")
    for index, item in enumerate(doc.get("sort", [])):
        yield from _field_errors(spec, item["field"], f"sort.{index}.field")
    if "filter" in doc:
        yield from logic_errors(doc["filter"], spec, "filter")
    kind = doc["type"]
    needs = {"kanban": ["group_field"], "calendar": ["date_field"], "gantt": ["date_field", "end_field"]}
    for name in needs.get(kind, []):
        if name not in doc:
            yield field_error(name, f"a {kind} view needs it")
    if "group_field" in doc:
        yield from _field_errors(spec, doc["group_field"], "group_field", GROUP_TYPES)
    for name in ("date_field", "end_field"):
        if name in doc:
            yield from _field_errors(spec, doc[name], name, DATE_TYPES)
    if "progress_field" in doc:
        yield from _field_errors(spec, doc["progress_field"], "progress_field", PROGRESS_TYPES)
    if "parent_field" in doc:
        yield from _relation_errors(spec, doc["parent_field"], "parent_field", spec.key)
    if "dependencies" in doc:
        yield from _dependency_errors(doc["dependencies"], spec, specs)


def _field_errors(spec: EntitySpec, name: str, path: str, types: frozenset[str] | None = None) -> Iterable[ErrorDetail]:
    fspec = spec.live_fields.get(name)
    if fspec is None and name not in SYSTEM_FIELDS:
        yield field_error(path, f"{spec.key!r} has no field {name!r}")
    elif fspec is not None and types is not None and fspec.type not in types:
        yield field_error(path, f"{name!r} is a {fspec.type} field; use one of: {', '.join(sorted(types))}")


def _relation_errors(spec: EntitySpec, name: str, path: str, target: str) -> Iterable[ErrorDetail]:
    fspec = spec.live_fields.get(name)
    if fspec is None or fspec.type != "relation" or fspec.options.get("target") != target:
        yield field_error(path, f"must be a relation field of {spec.key!r} pointing at {target!r}")


def _dependency_errors(deps: dict[str, Any], spec: EntitySpec, specs: dict[str, EntitySpec]) -> Iterable[ErrorDetail]:
    link = specs.get(deps["entity"])
    if link is None:
        yield field_error("dependencies.entity", f"no entity {deps['entity']!r}")
        return
    for name in ("from", "to"):
        yield from _relation_errors(link, deps[name], f"dependencies.{name}", spec.key)


def _validated(tx: Tx, doc: dict[str, Any]) -> dict[str, Any]:
    validate_view(doc, tx.runtime.entities.specs(tx.conn))
    return doc


VIEWS = documents.DocumentKind(KIND, _validated)


def readable_views(tx: Tx, entity: str | None = None) -> list[dict[str, Any]]:
    """The views over entities the caller may read (all of them for builders)."""
    granted = permissions(tx)
    items = []
    for stored in store.list_definitions(tx.conn, KIND):
        doc = stored.effective
        if entity is not None and doc["entity"] != entity:
            continue
        if granted.grants_for(doc["entity"], "read") and not tx.runtime.entities.is_deleted(doc["entity"]):
            items.append({**doc, "version": stored.version})
    return items
