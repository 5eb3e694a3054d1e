"""Template bundles for tests: a small valid bundle's files (with correct checksums) and a
zip builder that can also forge what a hostile upload would hold (links)."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

from loomworks.templates.bundle import checksums

LABEL = {"en": "Tiny CRM", "zh-CN": "迷你客户管理"}
ENTITY = {
    "key": "company",
    "label": {"en": "Company", "zh-CN": "公司"},
    "fields": [{"key": "name", "type": "text", "label": {"en": "Name", "zh-CN": "名称"}}],
}


def files_of(key: str = "tiny_crm", version: str = "1.0.0", **extra: Any) -> dict[str, bytes]:
    """A valid bundle's files (manifest last, with the checksums of the others)."""
    files = {
        "entities/company.json": json.dumps(ENTITY).encode(),
        "data/company.json": json.dumps([{"name": "Harbor Foods"}, {"name": "海港食品"}], ensure_ascii=False).encode(),
    }
    files.update({k: v for k, v in extra.items() if k != "manifest"})
    manifest = {
        "key": key,
        "version": version,
        "title": LABEL,
        "description": LABEL,
        "loomworks": ">=0.1,<1",
        "requires": {"base": ">=1.0"},
        "checksums": checksums(files),
        **extra.get("manifest", {}),
    }
    return {**files, "manifest.json": json.dumps(manifest).encode()}


def zipped(files: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return out.getvalue()


def write_folder(folder: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


def app_files(key: str, version: str, docs: dict[str, Any], **manifest: Any) -> dict[str, bytes]:
    """A bundle of the given documents by path (``entities/company.json``), checksummed."""
    files = {path: json.dumps(doc, ensure_ascii=False).encode() for path, doc in docs.items()}
    head = {
        "key": key,
        "version": version,
        "title": {"en": key.title(), "zh-CN": key},
        "description": {"en": f"The {key} app", "zh-CN": f"{key} 应用"},
        "loomworks": ">=0.1,<1",
        **manifest,
    }
    return {**files, "manifest.json": json.dumps({**head, "checksums": checksums(files)}).encode()}
