"""Installing and upgrading a template: one transaction, all of it or none of it.

For every definition the bundle brings, the new base layer (the template's document, plus
the fields installed extensions add) is merged under the customer's own layer
(``merge.py``); the result is written through the kind's own service (``kinds.py``) and
the base put under it. Entities go first, in three passes, so relations and rollups among
them may form any graph: new entities are created without relation and computed fields,
then given their relations, then their rollups and formulas. Definitions the installed
version brought and the new one does not are hidden (soft-deleted), never purged.

Installing the version that is installed, with the same content, changes nothing. A plan
(``plan.py``) is this same install run in a transaction that is then rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from packaging.version import Version

from ..auth import audit
from ..auth.authorize import permissions
from ..core.context import Tx
from ..errors import Conflict, ErrorDetail, Forbidden, ValidationFailed, field_error
from ..meta import entities, store
from . import catalog, installs, kinds
from .bundle import FOLDER_OF, Bundle
from .merge import MINE, TEMPLATE, adopt, merge
from .report import Report
from .sample_data import load_sample_data

#: Fields a new entity is first created without: they point at entities that may not exist yet.
POINTING_TYPES = frozenset({"relation", "sub_table", "rollup", "formula"})
#: Fields added last: they read relations of other entities, which must exist first.
COMPUTED_TYPES = frozenset({"rollup", "formula"})


@dataclass(frozen=True)
class Options:
    version: str | None = None
    #: Conflict id → ``"mine"`` (the default) or ``"template"``.
    resolutions: dict[str, str] = field(default_factory=dict)
    #: Confirms a lossy column conversion the new version asks for (as a builder's PATCH would).
    confirm: bool = False
    sample_data: bool = False


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    owner: str
    base: dict[str, Any]


def install(tx: Tx, key: str, options: Options) -> dict[str, Any]:
    catalog.require_builder(tx)
    bundle = catalog.find_bundle(tx, key, options.version)
    version = bundle.manifest["version"]
    previous = installs.get_install(tx.conn, key)
    digest = bundle.digest()
    same = previous is not None and previous.active and previous.version == version
    if same and previous is not None and previous.digest == digest:
        return Report(key, version, previous.version, "none").to_json()
    _check_runs_here(bundle)
    _check_may_change_roles(tx, bundle, previous)
    _check_requires(tx, bundle)
    if previous is not None and previous.active and Version(previous.version) > bundle.version:
        raise Conflict(
            f"{key} {previous.version} is installed; {version} is older (install a newer version instead)",
            data={"installed_version": previous.version},
        )
    layers = installs.split(bundle.definitions)
    others = installs.others(tx.conn, key)
    targets = _targets(tx, key, layers, previous, others, set(bundle.requires()))
    report = Report(key, version, previous.version if previous and previous.active else None, _action(previous))
    written = _write_entities(tx, [t for t in targets if t.kind == "entity"], report, options)
    for kind in kinds.ORDER[1:]:
        for target in _ordered(kind, [t for t in targets if t.kind == kind]):
            written[(kind, target.key)] = _write(tx, target, report, options)
    if previous is not None:
        _hide_dropped(tx, previous, layers["owned"], report)
    if options.sample_data and previous is None:
        report.data = load_sample_data(tx, bundle)
    normalised = _stored_layers(layers, written)
    installs.record_install(tx.conn, key, version, digest, bundle.manifest, normalised, tx.actor.id)
    audit.record(tx.conn, tx.actor, "template.install", f"template:{key}", {"version": version})
    return report.to_json()


def _action(previous: installs.Install | None) -> str:
    if previous is None:
        return "install"
    return "upgrade" if previous.active else "reinstall"


def _check_runs_here(bundle: Bundle) -> None:
    if not bundle.works_on(catalog.loomworks_version()):
        raise ValidationFailed(
            f"{bundle.key} {bundle.manifest['version']} needs Loomworks {bundle.manifest['loomworks']}",
            [field_error("loomworks", f"this is Loomworks {catalog.loomworks_version()}")],
        )


def _check_may_change_roles(tx: Tx, bundle: Bundle, previous: installs.Install | None) -> None:
    """Roles are who may do what: a template bringing, extending, or (by an upgrade) dropping
    any is an admin's to install, as only admins change roles by hand."""
    touched = set(bundle.definitions.get("role", {}))
    if previous is not None:
        touched |= set(previous.owned.get("role", {})) | set(previous.extends.get("role", {}))
    if touched and not permissions(tx).is_admin:
        raise Forbidden(
            f"{bundle.key} defines roles ({', '.join(sorted(touched))}); only admins may install it",
            data={"roles": sorted(touched)},
        )


def _check_requires(tx: Tx, bundle: Bundle) -> None:
    installed = installs.installed_versions(tx.conn)
    problems = []
    for name, wanted in sorted(bundle.requires().items()):
        have = installed.get(name)
        if have is None:
            problems.append(field_error(f"requires.{name}", f"install {name} {wanted} first"))
        elif Version(have) not in wanted:
            problems.append(field_error(f"requires.{name}", f"needs {name} {wanted}; {have} is installed"))
    if problems:
        raise Conflict(f"{bundle.key} needs other templates first", problems)


def _targets(
    tx: Tx,
    key: str,
    layers: dict[str, installs.Docs],
    previous: installs.Install | None,
    others: list[installs.Install],
    required: set[str],
) -> list[Target]:
    """Every definition this install writes, with the base layer it gets."""
    targets = []
    problems: list[ErrorDetail] = []
    for kind, docs in layers["owned"].items():
        for doc_key, doc in docs.items():
            current = store.get_definition(tx.conn, kind, doc_key)
            if current is not None and current.template not in (None, key):
                problems.append(_at(kind, doc_key, "key", f"belongs to template {current.template}"))
                continue
            base = installs.compose(doc, installs.extensions_of(others, kind, doc_key))
            targets.append(Target(kind, doc_key, key, base))
    extended = set()
    for kind, docs in layers["extends"].items():
        for doc_key, extension in docs.items():
            owner = installs.owner_of(others, kind, doc_key)
            if owner is None or owner.key not in required:
                problems.append(_at(kind, doc_key, "extend", "extends only what a required template owns"))
                continue
            extended.add((kind, doc_key))
            base = installs.compose(
                owner.owned[kind][doc_key], [*installs.extensions_of(others, kind, doc_key), extension]
            )
            targets.append(Target(kind, doc_key, owner.key, base))
    for kind, docs in (previous.extends if previous else {}).items():
        for doc_key in docs:
            owner = installs.owner_of(others, kind, doc_key)
            if (kind, doc_key) not in extended and owner is not None:
                base = installs.compose(owner.owned[kind][doc_key], installs.extensions_of(others, kind, doc_key))
                targets.append(Target(kind, doc_key, owner.key, base))
    problems += _duplicate_fields(targets)
    if problems:
        raise ValidationFailed("the template does not fit this instance", problems)
    return targets


def _duplicate_fields(targets: list[Target]) -> list[ErrorDetail]:
    problems = []
    for target in (t for t in targets if t.kind == "entity"):
        seen: set[str] = set()
        fields = target.base.get("fields")
        for fdoc in fields if isinstance(fields, list) else []:
            if not isinstance(fdoc, dict):
                continue  # the entity service names what is wrong with it
            key = str(fdoc.get("key"))
            if key in seen:
                problems.append(_at(target.kind, target.key, f"fields.{key}", "is defined twice"))
            seen.add(key)
    return problems


def _at(kind: str, key: str, path: str, message: str) -> ErrorDetail:
    return field_error(f"{FOLDER_OF.get(kind, kind)}/{key}.json:{path}", message)


# --- writing ----------------------------------------------------------------------------------


@dataclass
class _Planned:
    target: Target
    before: dict[str, Any] | None
    effective: dict[str, Any]
    conflicts: list[Any]


def _merged(tx: Tx, target: Target, base: dict[str, Any], options: Options) -> _Planned:
    current = store.get_definition(tx.conn, target.kind, target.key)
    if current is None:
        merged = merge(target.kind, target.key, None, None, base, options.resolutions)
    elif current.base is None:  # made here before: all of it is the customer's, adopted
        custom = adopt(current.effective, base)
        merged = merge(target.kind, target.key, {}, custom, base, options.resolutions)
    else:
        merged = merge(target.kind, target.key, current.base, current.custom, base, options.resolutions)
    before = current.effective if current is not None and not current.deleted else None
    merged.effective["key"] = target.key
    return _Planned(target, before, merged.effective, merged.conflicts)


def _write_entities(
    tx: Tx, targets: list[Target], report: Report, options: Options
) -> dict[tuple[str, str], store.StoredDefinition]:
    planned = [_merged(tx, t, t.base, options) for t in targets]
    written = {}
    action = "install"
    for step in planned:
        if store.get_definition(tx.conn, "entity", step.target.key) is None:
            with _named(step.target):
                kinds.write(tx, "entity", _without(tx, step.effective, POINTING_TYPES), action=action)
    for step in planned:
        with _named(step.target):
            kinds.write(tx, "entity", _without(tx, step.effective, COMPUTED_TYPES), action=action)
    for step in planned:
        with _named(step.target):
            kinds.write(tx, "entity", step.effective, action=action, confirm=options.confirm)
        stored = store.set_base(
            tx.conn,
            "entity",
            step.target.key,
            step.target.base,
            step.target.owner,
            action=action,
            author_id=tx.actor.id,
            message=f"{report.template} {report.version}",
        )
        report.written("entity", step.target.key, step.before, stored.effective, step.conflicts, options.resolutions)
        written[("entity", step.target.key)] = stored
    return written


def _without(tx: Tx, doc: dict[str, Any], types: frozenset[str]) -> dict[str, Any]:
    """``doc`` minus its new fields of ``types`` (fields the entity already has stay)."""
    current = store.get_definition(tx.conn, "entity", doc["key"])
    have = {f["key"] for f in current.effective["fields"]} if current else set()
    fields = [f for f in doc.get("fields", []) if f["key"] in have or f.get("type") not in types]
    staged = {**doc, "fields": fields}
    if staged.get("title_field") not in {f["key"] for f in fields}:
        staged.pop("title_field", None)
    return staged


def _write(tx: Tx, target: Target, report: Report, options: Options) -> store.StoredDefinition:
    action = "install"
    with _named(target):
        base = kinds.normalise(tx, target.kind, target.base)
        step = _merged(tx, target, base, options)
        kinds.write(tx, target.kind, step.effective, action=action)
        stored = store.set_base(
            tx.conn,
            target.kind,
            target.key,
            base,
            target.owner,
            action=action,
            author_id=tx.actor.id,
            message=f"{report.template} {report.version}",
        )
    report.written(target.kind, target.key, step.before, stored.effective, step.conflicts, options.resolutions)
    return stored


def _ordered(kind: str, targets: list[Target]) -> list[Target]:
    """Roles that inherit others come after them; other kinds keep the bundle's order."""
    if kind != "role":
        return targets
    ordered: list[Target] = []
    pending = list(targets)
    while pending:
        placed = {t.key for t in ordered}
        ready = [
            t
            for t in pending
            if all(r in placed or r not in {p.key for p in pending} for r in t.base.get("inherits", []))
        ]
        ready = ready or pending[:1]  # a cycle: the role service names it
        ordered.extend(ready)
        pending = [t for t in pending if t not in ready]
    return ordered


def _hide_dropped(tx: Tx, previous: installs.Install, owned: installs.Docs, report: Report) -> None:
    """What the installed version owned and the new one does not: hidden, recoverable."""
    for kind in reversed(kinds.ORDER):
        gone = [k for k in previous.owned.get(kind, {}) if k not in owned.get(kind, {})]
        live = [k for k in gone if (d := store.get_definition(tx.conn, kind, k)) is not None and not d.deleted]
        if not live:
            continue
        if kind == "entity":
            entities.delete_entities(tx, live)
        else:
            for key in live:
                kinds.hide(tx, kind, key)
        for key in live:
            report.removed(kind, key, previous.owned[kind][key].get("label"))


def _stored_layers(
    layers: dict[str, installs.Docs], written: dict[tuple[str, str], store.StoredDefinition]
) -> dict[str, installs.Docs]:
    """The owned documents as their kinds stored them (defaults left out), for later upgrades."""
    owned: installs.Docs = {}
    for kind, docs in layers["owned"].items():
        owned[kind] = {}
        for key, doc in docs.items():
            owned[kind][key] = _owner_part(written[(kind, key)], doc)
    return {"owned": owned, "extends": layers["extends"]}


def _owner_part(stored: store.StoredDefinition, doc: dict[str, Any]) -> dict[str, Any]:
    """The stored base minus what extensions added: what this template itself brings."""
    base = dict(stored.base or doc)
    name = installs.EXTENDED_LIST.get(stored.kind)
    if name in base and name in doc:
        own = doc[name]
        base[name] = [item for item in base[name] if item in own or _same_field(item, own)]
    return base


def _same_field(item: Any, own: list[Any]) -> bool:
    """A field the kind stored a little differently (defaults dropped) is still the template's own."""
    return (
        isinstance(item, dict)
        and "key" in item
        and any(isinstance(o, dict) and o.get("key") == item["key"] for o in own)
    )


class _named:
    """Errors from a kind's service name the bundle file they came from."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, ValidationFailed | Conflict):
            exc.details = [_at(self.target.kind, self.target.key, d.field or "", d.message) for d in exc.details] or [
                _at(self.target.kind, self.target.key, "", exc.message)
            ]


def options_from(body: Any) -> Options:
    """The install/plan body: ``{version?, resolutions?, confirm?, sample_data?}``, checked."""
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be a JSON object", [field_error("body", "must be an object")])
    problems = [field_error(name, "unknown property") for name in sorted(set(body) - set(_OPTION_TYPES))]
    for name, wanted in _OPTION_TYPES.items():
        if name in body and not isinstance(body[name], wanted):
            problems.append(field_error(name, f"must be {_OPTION_NAMES[name]}"))
    resolutions = body.get("resolutions", {})
    if isinstance(resolutions, dict):
        for conflict_id, choice in resolutions.items():
            if choice not in (MINE, TEMPLATE):
                problems.append(field_error(f"resolutions.{conflict_id[:200]}", "must be 'mine' or 'template'"))
    if problems:
        raise ValidationFailed("the install options are not valid", problems)
    return Options(
        version=body.get("version"),
        resolutions=dict(resolutions),
        confirm=body.get("confirm", False),
        sample_data=body.get("sample_data", False),
    )


_OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "version": str,
    "resolutions": dict,
    "confirm": bool,
    "sample_data": bool,
}
_OPTION_NAMES = {"version": "a string", "resolutions": "an object", "confirm": "a boolean", "sample_data": "a boolean"}
