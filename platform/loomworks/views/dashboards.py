"""Dashboard definitions (kind ``dashboard``) and their figures, computed as the reader.

Each widget is an aggregate of one entity (``records.aggregate``), so row scopes and hidden
fields apply exactly as in lists: a sales rep's pipeline counts their own deals. A widget
over an entity the reader may not read is answered as ``forbidden`` on its own (one over a
field hidden from them, as that field's refusal), leaving the others; a ``ratio_of`` widget
(win rate) divides, per group, the figure of the records that also match ``ratio_of`` by
the figure of all that match ``where``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.context import Tx
from ..errors import BadRequest, ErrorDetail, Forbidden, NotFound, field_error
from ..fields.entity import EntitySpec
from ..forms.definitions import logic_errors
from ..meta import documents, store
from ..meta.validation import validate_document
from ..records.aggregate import aggregate

KIND = "dashboard"
NUMERIC = frozenset({"integer", "decimal", "currency", "percent", "rating", "duration", "rollup", "formula"})


def validate_dashboard(doc: Any, specs: dict[str, EntitySpec], views: set[str]) -> None:
    semantic = lambda valid: _semantic_errors(valid, specs, views)  # noqa: E731
    validate_document(KIND, doc, semantic, "the dashboard definition is not valid")


def _semantic_errors(doc: dict[str, Any], specs: dict[str, EntitySpec], views: set[str]) -> Iterable[ErrorDetail]:
    seen: set[str] = set()
    for index, widget in enumerate(doc["widgets"]):
        path = f"widgets.{index}"
        if widget["key"] in seen:
            yield field_error(f"{path}.key", "is used by another widget")
        seen.add(widget["key"])
        spec = specs.get(widget["entity"])
        if spec is None:
            yield field_error(f"{path}.entity", f"no entity {widget['entity']!r}")
            continue
        for position, item in enumerate(widget.get("group_by", [])):
            name = item.partition(":")[0]
            if name not in spec.live_fields:
                yield field_error(f"{path}.group_by.{position}", f"{spec.key!r} has no field {name!r}")
        metric = widget.get("metric", "count")
        if metric != "count":
            fspec = spec.live_fields.get(metric.partition(":")[2])
            if fspec is None or fspec.type not in NUMERIC:
                yield field_error(f"{path}.metric", f"{metric.partition(':')[2]!r} is not a numeric field")
        for name in ("where", "ratio_of"):
            if name in widget:
                yield from logic_errors(widget[name], spec, f"{path}.{name}")
        if "link_view" in widget and widget["link_view"] not in views:
            yield field_error(f"{path}.link_view", f"no view {widget['link_view']!r}")


def _validated(tx: Tx, doc: dict[str, Any]) -> dict[str, Any]:
    views = {d.key for d in store.list_definitions(tx.conn, "view")}
    validate_dashboard(doc, tx.runtime.entities.specs(tx.conn), views)
    return doc


DASHBOARDS = documents.DocumentKind(KIND, _validated)


def readable_dashboards(tx: Tx) -> list[dict[str, Any]]:
    """Dashboards with at least one widget the caller may read (label and key only)."""
    from ..auth.authorize import permissions

    granted = permissions(tx)
    items = []
    for stored in store.list_definitions(tx.conn, KIND):
        doc = stored.effective
        if any(granted.grants_for(w["entity"], "read") for w in doc["widgets"]):
            items.append({"key": stored.key, "label": doc["label"], "description": doc.get("description")})
    return items


def dashboard_figures(tx: Tx, key: str, filters: Any = None) -> dict[str, Any]:
    """Every widget's figures; ``filters`` (``{"<entity>": JsonLogic}``, the reader's own
    dashboard filters) is ANDed with the ``where`` of each widget over that entity."""
    stored = store.get_definition(tx.conn, KIND, key)
    if stored is None or stored.deleted:
        raise NotFound(f"dashboard {key[:100]!r} does not exist", data={"dashboard": key[:100]})
    doc = stored.effective
    extra = _checked_filters(tx, filters)
    widgets = [_figures(tx, _narrowed(widget, extra.get(widget["entity"]))) for widget in doc["widgets"]]
    if all(w.get("error") for w in widgets):
        raise Forbidden("you may read none of this dashboard's records")
    return {"key": key, "label": doc["label"], "description": doc.get("description"), "widgets": widgets}


def _checked_filters(tx: Tx, filters: Any) -> dict[str, Any]:
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise BadRequest("filters must be an object", [field_error("filters", "give {entity: JsonLogic}")])
    specs = tx.runtime.entities.specs(tx.conn)
    errors: list[ErrorDetail] = []
    for entity, rule in filters.items():
        spec = specs.get(entity)
        if spec is None:
            errors.append(field_error(f"filters.{str(entity)[:100]}", f"no entity {str(entity)[:100]!r}"))
        elif not isinstance(rule, dict | bool):
            errors.append(field_error(f"filters.{entity}", "must be a JsonLogic rule"))
        else:
            errors.extend(logic_errors(rule, spec, f"filters.{entity}"))
    if errors:
        raise BadRequest("the dashboard filters are not valid", errors)
    return filters


def _narrowed(widget: dict[str, Any], rule: Any) -> dict[str, Any]:
    if rule in (None, True, {}):
        return widget
    return {**widget, "filter": rule}


def _figures(tx: Tx, widget: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {
        k: widget[k]
        for k in ("key", "label", "entity", "chart", "group_by", "metric", "where", "ratio_of", "link_view")
        if k in widget
    }
    where = {"and": [widget.get("where", True), widget["filter"]]} if "filter" in widget else widget.get("where")
    metric = widget.get("metric", "count")
    name = "count" if metric == "count" else metric.replace(":", "_")
    try:
        with tx.savepoint():
            result = aggregate(tx, widget["entity"], widget.get("group_by", []), [metric], where)
            groups = [{**_labels(g), "value": g[name]} for g in result["groups"]]
            if "ratio_of" in widget:
                where = {"and": [where if where is not None else True, widget["ratio_of"]]}
                part = aggregate(tx, widget["entity"], widget.get("group_by", []), [metric], where)["groups"]
                parts = {_group_id(g): g[name] for g in part}
                groups = [{**g, "value": _share(parts.get(_group_id(g)), g["value"])} for g in groups]
    except Forbidden:
        return {**shown, "error": {"code": "forbidden", "message": "you may not read these records"}}
    except (BadRequest, NotFound) as exc:  # a field hidden from this reader; an entity since uninstalled
        return {**shown, "error": {"code": exc.code, "message": exc.message}}
    if not widget.get("group_by"):
        return {**shown, "value": groups[0]["value"] if groups else None}
    return {**shown, "groups": groups}


def _labels(group: dict[str, Any]) -> dict[str, Any]:
    """A group's key, and the titles of the records it is keyed by (relations, users)."""
    return {name: group[name] for name in ("key", "titles") if name in group}


def _group_id(group: dict[str, Any]) -> str:
    return repr(sorted(group["key"].items()))


def _share(part: Any, whole: Any) -> float | None:
    if not whole:
        return None
    return round(float(part or 0) / float(whole), 4)
