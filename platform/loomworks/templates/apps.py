"""The apps a person works in: each installed template with what of it they may open.

The browser's app switcher and navigation come from here: per installed template, its title,
the entities the caller may read (with their default view and the form their records open
in), the views over those entities
and the dashboards with a widget they may read. Entities that belong to no template (a
builder's own) are listed under ``custom``. Nothing is shown that the caller's grants hide,
so a portal customer sees only the few entities their role opens.
"""

from __future__ import annotations

from typing import Any

from ..auth.authorize import permissions
from ..core.context import Tx
from ..errors import Unauthorized
from ..meta import store
from .installs import active_installs

CUSTOM = "custom"
CUSTOM_TITLE = {"en": "My apps", "zh-CN": "我的应用"}


def list_apps(tx: Tx) -> dict[str, Any]:
    if tx.actor.id is None and not tx.actor.is_admin:
        raise Unauthorized("sign in first")
    granted = permissions(tx)
    entities = [d for d in store.list_definitions(tx.conn, "entity") if granted.grants_for(d.key, "read")]
    views = [d.effective for d in store.list_definitions(tx.conn, "view")]
    dashboards = store.list_definitions(tx.conn, "dashboard")
    forms = _forms_by_entity([d.effective for d in store.list_definitions(tx.conn, "form")])
    readable = {d.key for d in entities}
    items = []
    for install in active_installs(tx.conn):
        own = [d for d in entities if d.template == install.key]
        boards = [d for d in dashboards if d.template == install.key]
        items.append(_app(install.key, install.manifest["title"], install.version, own, views, boards, readable, forms))
    mine = [d for d in entities if d.template is None]
    if mine:
        items.append(
            _app(
                CUSTOM, CUSTOM_TITLE, None, mine, views, [d for d in dashboards if d.template is None], readable, forms
            )
        )
    return {"items": [item for item in items if item["entities"] or item["dashboards"]]}


def _app(
    key: str,
    title: Any,
    version: str | None,
    entities: list[store.StoredDefinition],
    views: list[dict[str, Any]],
    dashboards: list[store.StoredDefinition],
    readable: set[str],
    forms: dict[str, str],
) -> dict[str, Any]:
    keys = {d.key for d in entities}
    own_views = [v for v in views if v["entity"] in keys]
    return {
        "key": key,
        "title": title,
        "version": version,
        "entities": [_entity(d.effective, own_views, forms.get(d.key)) for d in entities],
        "views": [{k: v[k] for k in ("key", "label", "entity", "type") if k in v} for v in own_views],
        "dashboards": [
            {"key": d.key, "label": d.effective["label"]}
            for d in dashboards
            if any(w["entity"] in readable for w in d.effective["widgets"])
        ],
    }


def _forms_by_entity(forms: list[dict[str, Any]]) -> dict[str, str]:
    """The form the browser opens an entity's records in: ``<entity>_form`` when defined,
    else the first signed-in form for it (by key); public forms are for visitors, not staff.
    An entity without one is opened in its generated form (the entity's own key)."""
    chosen: dict[str, str] = {}
    for doc in sorted(forms, key=lambda d: (d["key"] != f"{d['entity']}_form", d["key"])):
        if not doc.get("public"):
            chosen.setdefault(doc["entity"], doc["key"])
    return chosen


def _entity(doc: dict[str, Any], views: list[dict[str, Any]], form: str | None) -> dict[str, Any]:
    mine = [v for v in views if v["entity"] == doc["key"]]
    default = next((v["key"] for v in mine if v.get("default")), mine[0]["key"] if mine else None)
    return {
        "key": doc["key"],
        "label": doc["label"],
        "plural_label": doc.get("plural_label", doc["label"]),
        "icon": doc.get("icon"),
        "default_view": default,
        "form": form or doc["key"],
    }
