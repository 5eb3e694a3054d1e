"""What is installed here: one row per template, and the base layers composed from them.

A template *owns* the definitions it brings (their base layer is its document). A template
that requires another may also *extend* that one's entities with fields (the bridge adds
``project.customer``) and its roles with grants (project managers read the customers): an
extension is a document with ``"extend": true`` holding only ``fields`` (an entity) or
``grants`` (a role). The base layer is therefore the owner's document plus what every
installed extension adds, in install order; upgrading either side recomposes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..core.sqltypes import utcnow
from ..errors import NotFound
from .models import installs

Docs = dict[str, dict[str, dict[str, Any]]]
EXTEND = "extend"
#: The list an extension of each kind adds to.
EXTENDED_LIST = {"entity": "fields", "role": "grants"}


@dataclass(frozen=True)
class Install:
    key: str
    version: str
    digest: str
    manifest: dict[str, Any]
    #: ``{"owned": {kind: {key: base}}, "extends": {kind: {key: {"fields": [...]}}}}``
    definitions: dict[str, Docs]
    active: bool

    @property
    def owned(self) -> Docs:
        return self.definitions.get("owned", {})

    @property
    def extends(self) -> Docs:
        return self.definitions.get("extends", {})


def get_install(conn: Connection, key: str) -> Install | None:
    row = conn.execute(select(installs).where(installs.c.key == key)).mappings().first()
    if row is None:
        return None
    return Install(
        row["key"], row["version"], row["digest"], row["manifest"], row["definitions"], row["uninstalled_at"] is None
    )


def installed(conn: Connection, key: str) -> Install:
    """The active install of ``key``, or NotFound."""
    found = get_install(conn, key)
    if found is None or not found.active:
        raise NotFound(f"template {key[:100]!r} is not installed", data={"template": key[:100]})
    return found


def others(conn: Connection, key: str) -> list[Install]:
    """Every other active install, in install order."""
    return [i for i in active_installs(conn) if i.key != key]


def active_installs(conn: Connection) -> list[Install]:
    rows = conn.execute(select(installs.c.key).where(installs.c.uninstalled_at.is_(None)).order_by(installs.c.id))
    found = [get_install(conn, key) for key in rows.scalars()]
    return [i for i in found if i is not None]


def installed_versions(conn: Connection) -> dict[str, str]:
    return {i.key: i.version for i in active_installs(conn)}


def record_install(
    conn: Connection,
    key: str,
    version: str,
    digest: str,
    manifest: dict[str, Any],
    definitions: dict[str, Docs],
    actor_id: int | None,
) -> None:
    values = {
        "version": version,
        "digest": digest,
        "manifest": manifest,
        "definitions": definitions,
        "installed_by": actor_id,
        "installed_at": utcnow(),
        "uninstalled_at": None,
    }
    changed = conn.execute(update(installs).where(installs.c.key == key).values(**values)).rowcount
    if not changed:
        conn.execute(insert(installs).values(key=key, **values))


def record_uninstall(conn: Connection, key: str) -> None:
    conn.execute(update(installs).where(installs.c.key == key).values(uninstalled_at=utcnow()))


def split(definitions: Docs) -> dict[str, Docs]:
    """A bundle's definitions as owned ones and extensions of other templates' entities."""
    owned: Docs = {}
    extends: Docs = {}
    for kind, docs in definitions.items():
        for key, doc in docs.items():
            if doc.get(EXTEND):
                name = EXTENDED_LIST.get(kind, "fields")
                extends.setdefault(kind, {})[key] = {name: copy.deepcopy(doc.get(name, []))}
            else:
                owned.setdefault(kind, {})[key] = {k: copy.deepcopy(v) for k, v in doc.items() if k != "kind"}
    return {"owned": owned, "extends": extends}


def owner_of(installed: list[Install], kind: str, key: str) -> Install | None:
    """The install (among ``installed``) that owns the definition, if any."""
    return next((i for i in installed if key in i.owned.get(kind, {})), None)


def extensions_of(installed: list[Install], kind: str, key: str) -> list[dict[str, Any]]:
    """What each of ``installed`` adds to the definition, in install order."""
    return [i.extends[kind][key] for i in installed if key in i.extends.get(kind, {})]


def compose(owner_doc: dict[str, Any], extensions: list[dict[str, Any]]) -> dict[str, Any]:
    """The base layer: the owner's document with each extension's fields (or grants) after its own."""
    base = copy.deepcopy(owner_doc)
    for extension in extensions:
        for name, items in extension.items():
            base[name] = [*base.get(name, []), *copy.deepcopy(items)]
    return base


def _added(item: Any, items: list[Any]) -> bool:
    """Whether ``item`` is one of ``items``: a field by its key (it may have been relabelled since),
    a grant as it is."""
    if item in items:
        return True
    keys = {i.get("key") for i in items if isinstance(i, dict) and "key" in i}
    return isinstance(item, dict) and item.get("key") in keys


def without_added(doc: dict[str, Any], extensions: list[dict[str, Any]]) -> dict[str, Any]:
    """``doc`` minus what the extensions added to it."""
    result = dict(doc)
    for extension in extensions:
        for name, items in extension.items():
            if name in result:
                result[name] = [i for i in result[name] if not _added(i, items)]
    return result


def only_added(doc: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """What of ``doc`` the extension brought, as it is now (a relabelled field travels relabelled)."""
    return {name: [i for i in doc.get(name, []) if _added(i, items)] for name, items in extension.items()}
