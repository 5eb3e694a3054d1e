"""Template bundles: read from a folder of the library or an uploaded zip, checked before
anything in them is interpreted.

A bundle is data only: ``manifest.json`` (``meta/schemas/template_manifest.json``) and JSON
files in known folders, each listed in the manifest's ``checksums``. The checks run in the
order that keeps a hostile upload harmless: the zip's size and entry count; each entry's
name (no absolute path, no ``..``, no backslash, no link) and size, read with a cap so a
zip bomb stops at the cap; then which paths are allowed at all; then the manifest against
its schema and every checksum; only then is a file parsed as JSON. Every problem is
reported at once, each named by the file's path (``entities/deal.json``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..errors import ErrorDetail, ValidationFailed, field_error
from ..meta.validation import meta_validator, schema_errors

MANIFEST = "manifest.json"
#: Folder of the bundle → definition kind.
DEFINITION_FOLDERS = {
    "entities": "entity",
    "forms": "form",
    "workflows": "workflow",
    "rules": "rule",
    "roles": "role",
    "views": "view",
    "dashboards": "dashboard",
}
#: Definition kind → its folder.
FOLDER_OF = {kind: folder for folder, kind in DEFINITION_FOLDERS.items()}
DATA_FOLDER = "data"
MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_FILES = 2000
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DATA_ROWS = 50_000
KEY_FILE = re.compile(r"[a-z][a-z0-9_]{0,62}\.json")


@dataclass(frozen=True)
class Bundle:
    manifest: dict[str, Any]
    #: kind → key → document, in file-name order.
    definitions: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: entity → sample rows.
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.manifest["key"])

    @property
    def version(self) -> Version:
        return Version(self.manifest["version"])

    def requires(self) -> dict[str, SpecifierSet]:
        return {key: SpecifierSet(spec) for key, spec in self.manifest.get("requires", {}).items()}

    def works_on(self, loomworks_version: str) -> bool:
        return Version(loomworks_version) in SpecifierSet(self.manifest["loomworks"])

    def digest(self) -> str:
        """What the bundle says, hashed: the same version installed twice is a no-op only if
        this matches (a library folder edited in place is not the version that was installed)."""
        content = {"manifest": self.manifest, "definitions": self.definitions, "data": self.data}
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def seal_directory(path: Path) -> dict[str, str]:
    """Write the checksums of a bundle folder's files into its manifest (for template authors:
    after editing a definition, seal the folder again), then check the result as a reader would."""
    manifest_path = path / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = {
        item.relative_to(path).as_posix(): item.read_bytes()
        for item in sorted(path.rglob("*"))
        if item.is_file() and item.name != MANIFEST and not _os_litter(item.relative_to(path).as_posix())
    }
    manifest["checksums"] = checksums(files)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    read_directory(path)
    return dict(manifest["checksums"])


def read_directory(path: Path) -> Bundle:
    """A bundle from a folder (the template library), under the same rules as an upload."""
    files: dict[str, bytes] = {}
    problems: list[ErrorDetail] = []
    total = 0
    for item in sorted(path.rglob("*")):
        name = item.relative_to(path).as_posix()
        if _os_litter(name):
            continue
        if item.is_symlink():
            problems.append(field_error(name, "is a link; a bundle holds plain files only"))
        elif item.is_file():
            total += item.stat().st_size
            if item.stat().st_size > MAX_FILE_BYTES:
                problems.append(field_error(name, f"is larger than {MAX_FILE_BYTES} bytes"))
            else:
                files[name] = item.read_bytes()
    if total > MAX_TOTAL_BYTES:
        problems.append(field_error("bundle", f"holds more than {MAX_TOTAL_BYTES} bytes"))
    _raise(problems)
    return check_files(files)


def read_zip(content: bytes) -> Bundle:
    """A bundle from an uploaded zip (a single top-level folder around it is allowed)."""
    if len(content) > MAX_ZIP_BYTES:
        _fail([field_error("file", f"is larger than {MAX_ZIP_BYTES} bytes")])
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        _fail([field_error("file", "is not a zip archive")])
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir() and not _os_litter(e.filename)]
        if len(entries) > MAX_FILES:
            _fail([field_error("file", f"holds more than {MAX_FILES} files")])
        problems = [p for e in entries for p in _entry_problems(e)]
        _raise(problems)
        files = _read_entries(archive, entries)
    return check_files(_strip_common_folder(files))


def check_files(files: dict[str, bytes]) -> Bundle:
    """The bundle these files make, or a 422 naming every file that breaks a rule."""
    problems = [p for name in sorted(files) if (p := _path_problem(name)) is not None]
    _raise(problems)
    if MANIFEST not in files:
        _fail([field_error(MANIFEST, "is missing")])
    manifest = _json(MANIFEST, files[MANIFEST])
    problems = schema_errors(meta_validator("template_manifest"), manifest, prefix=MANIFEST)
    _raise(problems)
    problems = _range_problems(manifest) + _checksum_problems(manifest["checksums"], files)
    _raise(problems)
    definitions: dict[str, dict[str, dict[str, Any]]] = {}
    data: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(files):
        if name == MANIFEST:
            continue
        folder, stem = _split(name)
        value = _json(name, files[name])
        if folder == DATA_FOLDER:
            problems += _data_problems(name, value)
            data[stem] = value
        else:
            problems += _definition_problems(name, DEFINITION_FOLDERS[folder], stem, value)
            definitions.setdefault(DEFINITION_FOLDERS[folder], {})[stem] = value
    _raise(problems)
    return Bundle(manifest, definitions, data)


def checksums(files: dict[str, bytes]) -> dict[str, str]:
    """The ``checksums`` a manifest lists for these files (for exports and fixtures)."""
    return {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items()) if name != MANIFEST}


# --- zip entries -------------------------------------------------------------------------------


def _entry_problems(entry: zipfile.ZipInfo) -> list[ErrorDetail]:
    name = entry.filename
    shown = name[:200]
    if "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return [field_error(shown, "is not a relative path inside the bundle")]
    if any(part in ("..", ".") for part in name.split("/")):
        return [field_error(shown, "leaves the bundle's folder")]
    if stat.S_ISLNK(entry.external_attr >> 16):
        return [field_error(shown, "is a link; a bundle holds plain files only")]
    if entry.file_size > MAX_FILE_BYTES:
        return [field_error(shown, f"is larger than {MAX_FILE_BYTES} bytes")]
    return []


def _read_entries(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """Entry contents, each read with a cap whatever its header claims (zip bombs lie)."""
    files: dict[str, bytes] = {}
    total = 0
    for entry in entries:
        if entry.filename in files:
            _fail([field_error(entry.filename[:200], "appears twice in the archive")])
        try:
            with archive.open(entry) as handle:
                content = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            _fail([field_error(entry.filename[:200], f"cannot be read ({type(exc).__name__})")])
        total += len(content)
        if len(content) > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
            _fail([field_error(entry.filename[:200], "unpacks to more than the size limit")])
        files[entry.filename] = content
    return files


def _os_litter(name: str) -> bool:
    """What file managers add on their own (macOS's ``__MACOSX/`` and ``.DS_Store``): never
    read, so a bundle zipped in Finder uploads like any other."""
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1] == ".DS_Store"


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """``crm/manifest.json`` … (a zip of the folder) reads as ``manifest.json`` …"""
    if MANIFEST in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return {name.split("/", 1)[1]: content for name, content in files.items()}
    return files


# --- what the files may be ---------------------------------------------------------------------


def _path_problem(name: str) -> ErrorDetail | None:
    if name == MANIFEST:
        return None
    parts = PurePosixPath(name).parts
    allowed = set(DEFINITION_FOLDERS) | {DATA_FOLDER}
    if len(parts) != 2 or parts[0] not in allowed or not KEY_FILE.fullmatch(parts[1]):
        folders = ", ".join(f"{f}/" for f in [*DEFINITION_FOLDERS, DATA_FOLDER])
        return field_error(name[:200], f"is not part of a bundle (<key>.json files in {folders} and manifest.json)")
    return None


def _split(name: str) -> tuple[str, str]:
    folder, file_name = name.split("/")
    return folder, file_name[: -len(".json")]


def _json(name: str, content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail([field_error(name, f"is not JSON in UTF-8 ({exc})"[:300])])


def _range_problems(manifest: dict[str, Any]) -> list[ErrorDetail]:
    problems = []
    try:
        Version(manifest["version"])
    except InvalidVersion:
        problems.append(field_error(f"{MANIFEST}.version", "is not a version (1.0.0)"))
    ranges = {"loomworks": manifest["loomworks"]}
    ranges.update({f"requires.{key}": value for key, value in manifest.get("requires", {}).items()})
    for path, value in ranges.items():
        try:
            SpecifierSet(value)
        except InvalidSpecifier:
            problems.append(field_error(f"{MANIFEST}.{path}", f"{value[:100]!r} is not a version range (>=1.0,<2)"))
    return problems


def _checksum_problems(listed: dict[str, str], files: dict[str, bytes]) -> list[ErrorDetail]:
    problems = []
    actual = checksums(files)
    for name in sorted(set(actual) | set(listed)):
        if name not in listed:
            problems.append(field_error(name[:200], "is not listed in the manifest's checksums"))
        elif name not in actual:
            problems.append(field_error(f"{MANIFEST}.checksums.{name[:200]}", "names a file the bundle lacks"))
        elif listed[name] != actual[name]:
            problems.append(field_error(name[:200], "does not match its checksum: the file was changed or damaged"))
    return problems


def _definition_problems(name: str, kind: str, stem: str, doc: Any) -> list[ErrorDetail]:
    if not isinstance(doc, dict):
        return [field_error(name, "must hold one definition (a JSON object)")]
    problems = []
    if doc.get("key") != stem:
        problems.append(field_error(f"{name}.key", f"must be {stem!r}, the file's name"))
    if "kind" in doc and doc["kind"] != kind:
        problems.append(field_error(f"{name}.kind", f"must be {kind!r} in this folder"))
    if problems:
        return problems  # in the wrong place: its shape is beside the point
    if doc.get("extend"):
        return _extension_problems(name, kind, doc)
    # The shape of the kind (its meta-schema); what it refers to is checked when installed.
    return schema_errors(meta_validator(kind), doc, name)


#: What an extension of each kind may add, and the shape of each item.
EXTENSIONS = {"entity": ("fields", ("key", "type", "label")), "role": ("grants", ("entity", "actions"))}


def _extension_problems(name: str, kind: str, doc: dict[str, Any]) -> list[ErrorDetail]:
    """``{"key", "extend": true, "fields": [...]}`` (entities) or ``"grants"`` (roles), nothing else."""
    if kind not in EXTENSIONS:
        return [field_error(f"{name}.extend", f"only entities and roles can be extended, not a {kind}")]
    listed, required = EXTENSIONS[kind]
    problems = [
        field_error(f"{name}.{extra}", "unknown property")
        for extra in sorted(set(doc) - {"key", "kind", "extend", listed})
    ]
    items = doc.get(listed)
    if not isinstance(items, list) or not items:
        return [*problems, field_error(f"{name}.{listed}", "must list what the extension adds")]
    for index, item in enumerate(items):
        if not isinstance(item, dict) or any(not item.get(part) for part in required):
            problems.append(field_error(f"{name}.{listed}.{index}", f"needs {', '.join(required)}"))
    return problems


def _data_problems(name: str, rows: Any) -> list[ErrorDetail]:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return [field_error(name, "must hold a list of records (JSON objects)")]
    if len(rows) > MAX_DATA_ROWS:
        return [field_error(name, f"holds more than {MAX_DATA_ROWS} rows")]
    return []


def _raise(problems: list[ErrorDetail]) -> None:
    if problems:
        _fail(problems)


def _fail(problems: list[ErrorDetail]) -> NoReturn:
    raise ValidationFailed("the template bundle is invalid", problems)
