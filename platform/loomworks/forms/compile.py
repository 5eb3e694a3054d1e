"""A form rendered for react-jsonschema-form: JSON Schema + uiSchema, for one caller and locale.

The output depends on the form document, the entity's version, the locale and what the
caller may see and write, and on nothing else, so it is compiled once per combination
and cached (the key carries a digest of the form document, so a changed or different
definition never reuses a stale entry). Fields the caller may not see are removed from
everything the browser receives (schema, uiSchema, rules, validations, layout); fields
they may see but not write are marked ``ui:readonly``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from ..auth.authorize import permissions
from ..core.context import Tx
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.walk import variables
from ..records.access import definition_hidden
from ..records.derived_rules import hide_derived
from .definitions import field_items, require_public, resolve_form
from .presentation import field_schema, field_ui
from .text import localize

CACHE_SIZE = 512
LOGIC_KEYS = ("visible", "required", "readonly", "rule", "default_logic")


def _writable(fspec: FieldSpec) -> bool:
    return bool(FIELD_TYPES.get(fspec.type).writable)


def caller_field_sets(tx: Tx, spec: EntitySpec, action: str) -> tuple[frozenset[str], frozenset[str]]:
    """(hidden, readonly) for the caller: hidden = every read grant hides it; readonly = no
    ``action`` grant lets them write it, or its type is never written (formulas, rollups)."""
    hidden = definition_hidden(tx, spec)
    granted = permissions(tx)
    grants = [hide_derived(spec, g, granted) for g in granted.grants_for(spec.key, action)]
    readonly = set()
    for key, fspec in spec.live_fields.items():
        if key in hidden:
            continue
        writable = any(key not in g.hidden_fields and key not in g.readonly_fields for g in grants)
        if not writable or not FIELD_TYPES.get(fspec.type).writable:
            readonly.add(key)
    return hidden, frozenset(readonly)


def render_form(tx: Tx, form_key: str, locale: str, action: str = "create", *, public: bool = False) -> dict[str, Any]:
    """``{schema, uiSchema, rules, validations, defaults, entity, layout}`` for the caller.

    The answer is a shallow copy of the cached compilation: add keys, never mutate nested
    parts. ``public``: for an anonymous visitor, who sees a public form as its author made
    it and nothing else (401 for any other form, as if it did not exist to them)."""
    doc, version, spec = resolve_form(tx, form_key)
    if public:
        require_public(doc, spec)
        hidden: frozenset[str] = frozenset()
        readonly = frozenset(k for k, f in spec.live_fields.items() if not _writable(f))
    else:
        hidden, readonly = caller_field_sets(tx, spec, action)
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    key = (form_key, version, digest, spec.cache_key, locale, hidden, readonly)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _compile(doc, spec, locale, hidden, readonly)
        _CACHE.put(key, cached)
    # A shallow copy: callers add top-level keys (context, formData) but never change the
    # shared, cached parts, which are only serialized.
    return dict(cached)


class _Cache:
    """A small LRU shared by the process (compiled output is immutable once stored)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Any, dict[str, Any]] = OrderedDict()

    def get(self, key: Any) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: Any, value: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_CACHE = _Cache(CACHE_SIZE)


def _compile(
    doc: dict[str, Any], spec: EntitySpec, locale: str, hidden: frozenset[str], readonly: frozenset[str]
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    ui: dict[str, Any] = {}
    shown = [item for item in field_items(doc) if item["key"] in spec.live_fields and item["key"] not in hidden]
    for item in shown:
        fspec = spec.live_fields[item["key"]]
        properties[fspec.key] = field_schema(fspec, locale, item.get("label"), item.get("help"))
        ui[fspec.key] = _field_ui(item, fspec, locale, fspec.key in readonly)
    keys = [item["key"] for item in shown]
    ui["ui:order"] = [*keys, "*"]
    required = [k for k in keys if spec.live_fields[k].required and k not in readonly]
    title = localize(doc.get("label"), locale) or doc["key"]
    return {
        "key": doc["key"],
        "entity": spec.key,
        "title": title,
        "public": bool(doc.get("public")),
        "schema": {"type": "object", "title": title, "properties": properties, "required": required},
        "uiSchema": ui,
        "rules": [rule for rule in doc.get("rules", []) if rule["field"] in properties and _sees(rule, hidden)],
        "validations": [
            {**check, "message": localize(check["message"], locale)}
            for check in doc.get("validations", [])
            if check.get("field", keys[0] if keys else "") in properties and _sees(check, hidden)
        ],
        "defaults": _defaults(shown, hidden, readonly),
        "layout": _layout(doc.get("layout") or {}, locale, hidden),
    }


def _defaults(shown: list[dict[str, Any]], hidden: frozenset[str], readonly: frozenset[str]) -> dict[str, Any]:
    """Static and JsonLogic defaults of the fields the caller fills in (a default that reads
    a hidden field stays on the server, which applies it on submit anyway)."""
    static = {item["key"]: item["default"] for item in shown if "default" in item and item["key"] not in readonly}
    logic = {
        item["key"]: item["default_logic"]
        for item in shown
        if "default_logic" in item and item["key"] not in readonly and _sees(item, hidden)
    }
    return {"static": static, "logic": logic}


def _layout(layout: dict[str, Any], locale: str, hidden: frozenset[str]) -> dict[str, Any]:
    """Tabs and sections with their titles in ``locale`` and hidden fields taken out."""

    def section(raw: dict[str, Any]) -> dict[str, Any]:
        fields = [k for k in raw["fields"] if k not in hidden]
        out: dict[str, Any] = {"columns": raw.get("columns", 1), "fields": fields}
        if raw.get("key"):
            out["key"] = raw["key"]
        title = localize(raw.get("label"), locale)
        if title:
            out["title"] = title
        return out

    if "tabs" in layout:
        return {
            "tabs": [
                {
                    "key": tab["key"],
                    "title": localize(tab.get("label"), locale) or tab["key"],
                    "sections": [section(s) for s in tab["sections"]],
                }
                for tab in layout["tabs"]
            ]
        }
    if "sections" in layout:
        return {"sections": [section(s) for s in layout["sections"]]}
    return {}


def _sees(entry: dict[str, Any], hidden: frozenset[str]) -> bool:
    """A rule that reads a hidden field is left out: the browser could not evaluate it, and
    sending it would name the field (the server still enforces it on submit)."""
    return not any(name.split(".", 1)[0] in hidden for name in variables([entry.get(k) for k in LOGIC_KEYS]))


def _field_ui(item: dict[str, Any], fspec: FieldSpec, locale: str, readonly: bool) -> dict[str, Any]:
    ui = field_ui(fspec, locale)
    if readonly:
        ui["ui:readonly"] = True
    placeholder = localize(item.get("placeholder"), locale)
    if placeholder:
        ui["ui:placeholder"] = placeholder
    if item.get("widget"):
        ui["ui:widget"] = item["widget"]
    return ui
