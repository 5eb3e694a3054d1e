"""Exporting an installed app as a bundle: its definitions as they are here, customizations in.

The zip holds each definition the template owns at its *effective* state (base and custom
layers merged), minus the fields other installed templates add to it (those travel with
their own template); the forms, views, dashboards, workflows and rules the customer made
over the app's entities; and each extension it makes to another template's entity, so it
installs on a fresh instance (after what it requires) with identical effective definitions.
The version gets a local part (``1.0.0+export.202612031200``): it is the installed version,
reshaped here, and must not pass for the library's own.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..meta import store
from . import catalog, installs
from .bundle import FOLDER_OF, MANIFEST, checksums


def export_app(tx: Tx, key: str) -> tuple[str, bytes]:
    """(file name, zip content) of the installed template ``key`` as customized here."""
    catalog.require_builder(tx)
    current = installs.installed(tx.conn, key)
    others = installs.others(tx.conn, key)
    files: dict[str, bytes] = {}
    for kind, docs in current.owned.items():
        for name in docs:
            stored = store.get_definition(tx.conn, kind, name)
            if stored is None or stored.deleted:
                continue
            foreign = installs.extensions_of(others, kind, name)
            files[_path(kind, name)] = _json(installs.without_added(stored.effective, foreign))
    for kind, name, doc in _customer_additions(tx, current):
        files[_path(kind, name)] = _json(doc)
    for kind, docs in current.extends.items():
        for name, extension in docs.items():
            stored = store.get_definition(tx.conn, kind, name)
            if stored is None:
                continue
            files[_path(kind, name)] = _json(
                {"key": name, "extend": True, **installs.only_added(stored.effective, extension)}
            )
    version = f"{current.version.partition('+')[0]}+export.{utcnow().strftime('%Y%m%d%H%M%S')}"
    manifest = {
        **{k: v for k, v in current.manifest.items() if k != "checksums"},
        "version": version,
        "checksums": checksums(files),
    }
    files[MANIFEST] = _json(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(path, content)
    return f"{key}-{version}.zip", out.getvalue()


def _customer_additions(tx: Tx, current: installs.Install) -> list[tuple[str, str, dict[str, Any]]]:
    """Forms, views, dashboards, workflows and rules the customer made over the app's entities:
    part of the app as they use it, so they travel with it."""
    app_entities = set(current.owned.get("entity", {}))
    found = []
    for kind in ("form", "view", "dashboard", "workflow", "rule"):
        for stored in store.list_definitions(tx.conn, kind):
            doc = stored.effective
            entity = doc.get("entity") or (doc.get("trigger") or {}).get("entity")
            if stored.template is None and entity in app_entities:
                found.append((kind, stored.key, doc))
    return found


def _path(kind: str, key: str) -> str:
    return f"{FOLDER_OF[kind]}/{key}.json"


def _json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode()
