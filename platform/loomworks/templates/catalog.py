"""The catalog: the library's bundles (``templates_library/<key>/``) and those uploaded here.

Each template is listed once, at its newest version, with the versions on offer, where each
comes from, what it requires, whether it runs on this Loomworks, and a preview of what it
would bring (its entities with their labels and field counts, the keys of its other
definitions, the sample rows per entity). Admins and builders use the catalog; a library
bundle that fails its checks is listed with its problems rather than hidden, so the person
who shipped it sees why.

Uploading stores the zip as sent after it passed every check; the same key and version
uploaded again is accepted only with identical content (a version means one thing).
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from packaging.version import Version
from sqlalchemy import insert, select

from ..auth.authorize import authorize
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from .bundle import MANIFEST, Bundle, read_directory, read_zip
from .installs import installed_versions
from .models import uploaded_bundles


def loomworks_version() -> str:
    try:
        return package_version("loomworks")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0"


def require_builder(tx: Tx) -> None:
    """The catalog is for the people who shape apps: templates install definitions."""
    authorize(tx, "create", "meta:template")


def list_catalog(tx: Tx) -> dict[str, Any]:
    require_builder(tx)
    offers = _library(tx.runtime.settings.templates_dir) + _uploads(tx)
    installed = installed_versions(tx.conn)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for offer in offers:
        by_key.setdefault(offer["key"], []).append(offer)
    items = []
    for key in sorted(by_key):
        ranked = sorted(by_key[key], key=lambda o: (o.get("problems") is None, _version_of(o)), reverse=True)
        newest = ranked[0]
        versions = [{"version": o["version"], "source": o["source"]} for o in ranked]
        items.append({**newest, "versions": versions, "installed_version": installed.get(key)})
    return {"items": items}


def find_bundle(tx: Tx, key: str, version: str | None = None) -> Bundle:
    """The bundle of ``key`` at ``version``, or at the newest version that runs here."""
    found = [b for b in _library_bundles(tx.runtime.settings.templates_dir) + _upload_bundles(tx) if b.key == key]
    if version is not None:
        found = [b for b in found if b.manifest["version"] == version]
        if not found:
            raise NotFound(f"template {key[:100]!r} has no version {version[:40]!r}", data={"version": version[:40]})
    else:
        found = [b for b in found if b.works_on(loomworks_version())]
    if not found:
        raise NotFound(f"no template {key[:100]!r} in the catalog runs on this Loomworks", data={"template": key[:100]})
    return max(found, key=lambda b: b.version)


def get_template(tx: Tx, key: str) -> dict[str, Any]:
    for item in list_catalog(tx)["items"]:
        if item["key"] == key:
            return dict(item)
    raise NotFound(f"no template {key[:100]!r} in the catalog")


def upload(tx: Tx, content: bytes) -> tuple[dict[str, Any], bool]:
    """Check and store an uploaded bundle: (its catalog entry, whether it was new)."""
    require_builder(tx)
    bundle = read_zip(content)
    digest = hashlib.sha256(content).hexdigest()
    library = {o["version"]: o for o in _library(tx.runtime.settings.templates_dir) if o["key"] == bundle.key}
    if bundle.manifest["version"] in library:
        raise Conflict(
            f"{bundle.key} {bundle.manifest['version']} is in the template library; upload another version",
            data={"key": bundle.key, "version": bundle.manifest["version"]},
        )
    existing = tx.conn.execute(
        select(uploaded_bundles.c.digest).where(
            uploaded_bundles.c.key == bundle.key, uploaded_bundles.c.version == bundle.manifest["version"]
        )
    ).scalar()
    if existing is not None and existing != digest:
        raise Conflict(
            f"{bundle.key} {bundle.manifest['version']} was uploaded before with other content; "
            "give the new bundle a new version",
            data={"key": bundle.key, "version": bundle.manifest["version"]},
        )
    if existing is None:
        tx.conn.execute(
            insert(uploaded_bundles).values(
                key=bundle.key,
                version=bundle.manifest["version"],
                digest=digest,
                manifest=bundle.manifest,
                content=content,
                uploaded_by=tx.actor.id,
                uploaded_at=utcnow(),
            )
        )
    return describe(bundle, "upload"), existing is None


def describe(bundle: Bundle, source: str) -> dict[str, Any]:
    manifest = bundle.manifest
    entities = bundle.definitions.get("entity", {})
    return {
        "key": bundle.key,
        "version": manifest["version"],
        "source": source,
        "title": manifest["title"],
        "description": manifest["description"],
        "requires": manifest.get("requires", {}),
        "loomworks": manifest["loomworks"],
        "compatible": bundle.works_on(loomworks_version()),
        "problems": None,
        "preview": {
            "entities": [
                {"key": key, "label": doc.get("label"), "fields": len(doc.get("fields", []))}
                for key, doc in sorted(entities.items())
            ],
            "definitions": {
                kind: sorted(docs) for kind, docs in sorted(bundle.definitions.items()) if kind != "entity"
            },
            "data": {entity: len(rows) for entity, rows in sorted(bundle.data.items())},
        },
    }


def _library(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        return []
    offers = []
    for path in sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file()):
        try:
            offers.append(describe(read_directory(path), "library"))
        except ValidationFailed as exc:
            offers.append(_broken(path.name, exc))
    return offers


def _uploads(tx: Tx) -> list[dict[str, Any]]:
    return [describe(bundle, "upload") for bundle in _upload_bundles(tx)]


def _upload_bundles(tx: Tx) -> list[Bundle]:
    rows = tx.conn.execute(select(uploaded_bundles.c.content).order_by(uploaded_bundles.c.id)).scalars()
    return [read_zip(content) for content in rows]


def _library_bundles(folder: Path) -> list[Bundle]:
    """The library's bundles that pass their checks (the catalog lists the others with problems)."""
    if not folder.is_dir():
        return []
    bundles = []
    for path in sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file()):
        try:
            bundles.append(read_directory(path))
        except ValidationFailed:
            continue
    return bundles


def _broken(name: str, exc: ValidationFailed) -> dict[str, Any]:
    return {
        "key": name,
        "version": None,
        "source": "library",
        "problems": [d.to_json() for d in exc.details],
    }


def _version_of(offer: dict[str, Any]) -> Version:
    return Version(offer["version"]) if offer.get("version") else Version("0")
