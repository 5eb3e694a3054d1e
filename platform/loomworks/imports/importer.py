"""Importing a table into an entity: one row at a time, one bad row never blocking the rest.

Columns map to fields (by the ``mapping`` given, else by a header equal to a field's key or
label in either language). Each cell is translated (``values``: the file's words for a
choice), coerced (``coerce``) and resolved (``resolve``); a row with any unreadable cell is
reported cell by cell and not written. Every other row is written through the records
service in a savepoint of its own, as the importer, so permissions, validation, formulas,
rollups and rules apply exactly as if they had typed it; a row the service refuses is
reported with the service's own messages. With ``key`` a row whose key value matches a
record updates it (upsert); with ``dry_run`` everything happens and is then rolled back,
which is the preview of the import wizard.

A workflow's state field normally moves only through transitions; a builder importing
history may keep the file's states (``keep_workflow_states``).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..auth.authorize import authorize, permissions
from ..core.context import Tx
from ..errors import BadRequest, Forbidden, LoomworksError, ValidationFailed, field_error
from ..fields.base import ValueError_
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..records import service
from ..records.access import entity_access
from ..records.query import ListParams, build_condition
from ..workflows.guard import importing
from .coerce import coerce, is_blank
from .files import Table
from .resolve import Resolver, _key

MAX_ERRORS = 1000
OPTION_NAMES = frozenset(
    {
        "mapping",
        "values",
        "key",
        "create_missing",
        "day_first",
        "timezone",
        "dry_run",
        "keep_workflow_states",
        "defaults",
    }
)


@dataclass(frozen=True)
class Options:
    mapping: dict[str, str | None] | None = None
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    key: str | None = None
    create_missing: frozenset[str] = frozenset()
    day_first: bool = False
    timezone: str = "UTC"
    dry_run: bool = False
    keep_workflow_states: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)
    #: Field → strptime format its column's dates are written in (``%d.%m.%Y``).
    formats: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: int, column: str | None, name: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "field": name, "message": message})


def import_table(tx: Tx, entity: str, table: Table, options: Options) -> dict[str, Any]:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "import", f"entity:{entity}")
    authorize(tx, "create", f"entity:{entity}")
    if options.key is not None:
        authorize(tx, "update", f"entity:{entity}")
    if options.keep_workflow_states and not permissions(tx).changes_definitions:
        raise Forbidden("only admins and builders may keep the file's workflow states")
    mapping = _mapping(spec, table.headers, options)
    _check_options(spec, mapping, options)
    report = Report(total=len(table.rows))
    resolver = Resolver(tx, set(options.create_missing))
    existing = _existing_keys(tx, spec, options.key) if options.key else {}
    guard = importing(tx, entity) if options.keep_workflow_states else nullcontext()
    savepoint = tx.conn.begin_nested() if options.dry_run else None
    with guard:
        for number, cells in table.rows:
            _import_row(tx, spec, mapping, table.headers, number, cells, options, resolver, existing, report)
    created_targets = dict(resolver.created)
    if savepoint is not None:
        savepoint.rollback()
    return {
        "entity": entity,
        "dry_run": options.dry_run,
        "mapping": {table.headers[i]: name for i, name in sorted(mapping.items())},
        "total": report.total,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failed": report.failed,
        "created_targets": created_targets,
        "errors": report.errors,
        "errors_truncated": report.failed > 0 and len(report.errors) >= MAX_ERRORS,
    }


class _RowRefused(Exception):
    """A cell that needed the database (a relation, a user) could not be resolved."""


def _import_row(
    tx: Tx,
    spec: EntitySpec,
    mapping: dict[int, str],
    headers: list[str],
    number: int,
    cells: list[Any],
    options: Options,
    resolver: Resolver,
    existing: dict[str, Any],
    report: Report,
) -> None:
    values: dict[str, Any] = dict(options.defaults)
    looked_up: dict[int, str] = {}
    problems: list[tuple[int | None, str | None, str]] = []
    for index, name in mapping.items():
        fspec = spec.live_fields[name]
        if _needs_lookup(fspec, cells[index], options):
            looked_up[index] = name
            continue
        try:
            values[name] = _value(fspec, cells[index], options)
        except ValueError_ as exc:
            problems.append((index, name, str(exc)))
    if not problems:
        columns = {name: index for index, name in mapping.items()}
        problems = _write_row(tx, spec, cells, looked_up, columns, values, options, resolver, existing, report)
    if problems:
        report.failed += 1
        for column, refused, message in problems:
            report.error(number, headers[column] if column is not None else None, refused, message)


def _write_row(
    tx: Tx,
    spec: EntitySpec,
    cells: list[Any],
    looked_up: dict[int, str],
    columns: dict[str, int],
    values: dict[str, Any],
    options: Options,
    resolver: Resolver,
    existing: dict[str, Any],
    report: Report,
) -> list[tuple[int | None, str | None, str]]:
    """Resolve the row's references and write it, all in one savepoint (a refused row leaves
    nothing behind, not even the relation targets it would have created)."""
    problems: list[tuple[int | None, str | None, str]] = []
    mark = resolver.mark()
    try:
        with tx.savepoint():
            for index, name in looked_up.items():
                try:
                    values[name] = resolver.resolve(spec.live_fields[name], cells[index])
                except ValueError_ as exc:
                    problems.append((index, name, str(exc)))
            if problems:
                raise _RowRefused
            _upsert(tx, spec, values, options, existing, report)
    except _RowRefused:
        resolver.forget(mark)
    except LoomworksError as exc:
        resolver.forget(mark)
        for detail in exc.details or [field_error(None, exc.message)]:
            refused = (detail.field or "").split(".")[0] or None
            problems.append((columns.get(refused or ""), refused, detail.message))
    return problems


def _upsert(
    tx: Tx, spec: EntitySpec, values: dict[str, Any], options: Options, existing: dict[str, Any], report: Report
) -> None:
    key_value = values.get(options.key) if options.key else None
    target = existing.get(_key(key_value)) if not is_blank(key_value) else None
    if target is None:
        record = service.create_record(tx, spec.key, values, answer=False)
        if not is_blank(key_value):
            existing[_key(key_value)] = record["id"]
        report.inserted += 1
        return
    current = service.get_record(tx, spec.key, target)
    changed = {k: v for k, v in values.items() if current.get(k) != v}
    if not changed:
        report.unchanged += 1
        return
    service.update_record(tx, spec.key, target, changed)
    report.updated += 1


def _needs_lookup(fspec: Any, cell: Any, options: Options) -> bool:
    translated = options.values.get(fspec.key, {})
    written = isinstance(cell, str) and cell.strip() in translated
    return fspec.type in ("relation", "user") and not is_blank(cell) and not written


def _value(fspec: Any, cell: Any, options: Options) -> Any:
    translated = options.values.get(fspec.key, {})
    if isinstance(cell, str) and cell.strip() in translated:
        return translated[cell.strip()]
    written = options.formats.get(fspec.key)
    return coerce(cell, fspec, day_first=options.day_first, zone=options.timezone, written_as=written)


def _mapping(spec: EntitySpec, headers: list[str], options: Options) -> dict[int, str]:
    """Column index → field key."""
    if options.mapping is not None:
        unknown = [h for h in options.mapping if h not in headers]
        if unknown:
            raise ValidationFailed(
                "the mapping names columns the file lacks",
                [field_error(f"mapping.{h[:100]}", "no such column in the file") for h in unknown],
            )
        return {headers.index(h): f for h, f in options.mapping.items() if f is not None}
    names: dict[str, str] = {}
    for fspec in spec.live_fields.values():
        if FIELD_TYPES.get(fspec.type).writable:
            for name in (fspec.key, *fspec.label.values()) if isinstance(fspec.label, dict) else (fspec.key,):
                names.setdefault(_key(name), fspec.key)
    found = {i: names[_key(h)] for i, h in enumerate(headers) if _key(h) in names}
    if not found:
        raise ValidationFailed(
            "no column matches a field; send a mapping",
            [field_error("mapping", f"columns: {', '.join(headers[:20])}")],
        )
    return found


def _check_options(spec: EntitySpec, mapping: dict[int, str], options: Options) -> None:
    problems = []
    for name in set(mapping.values()) | set(options.defaults) | set(options.values):
        fspec = spec.live_fields.get(name)
        if fspec is None or not FIELD_TYPES.get(fspec.type).writable:
            problems.append(field_error(f"mapping.{name[:100]}", f"{spec.key!r} has no field {name!r} to import into"))
    targets = list(mapping.values())
    for name in {n for n in targets if targets.count(n) > 1}:
        problems.append(field_error(f"mapping.{name}", "two columns map to this field"))
    if options.key is not None and options.key not in targets:
        problems.append(field_error("key", "must be a field one of the columns maps to"))
    for name in options.create_missing:
        fspec = spec.live_fields.get(name)
        if fspec is None or fspec.type != "relation" or name not in targets:
            problems.append(field_error(f"create_missing.{name[:100]}", "must be a mapped relation field"))
    if problems:
        raise ValidationFailed("the import options are not valid", problems)


def _existing_keys(tx: Tx, spec: EntitySpec, key: str) -> dict[str, Any]:
    """Key value → record id, for the records the importer may read (by a field they may see:
    matching on a hidden one would tell them what it holds)."""
    access = entity_access(tx, spec, "read")
    fspec = spec.live_fields[key]
    ftype = FIELD_TYPES.get(fspec.type)
    if key in access.restricted or not ftype.stores_column(fspec) or ftype.kind(fspec) in (None, "json_list"):
        raise ValidationFailed(
            "the key must be a plain field you may see", [field_error("key", f"cannot match on {key!r}")]
        )
    table = tx.runtime.tables_for(spec).main
    condition = build_condition(tx, spec, ListParams(), access)
    found: dict[str, Any] = {}
    for record_id, value in tx.conn.execute(select(table.c.id, table.c[key]).where(condition)):
        if value is not None:
            found.setdefault(_key(value), record_id)
    return found


def options_from(raw: Any) -> Options:
    """The import's options. ``mapping`` values are a field key, ``null`` (skip the column) or
    ``{"field", "values"?, "format"?}`` as API.md writes them."""
    if not isinstance(raw, dict):
        raise BadRequest("the options must be a JSON object", [field_error("options", "must be an object")])
    problems = [field_error(name[:100], "unknown option") for name in sorted(set(raw) - OPTION_NAMES)]
    checks: dict[str, type] = {
        "mapping": dict,
        "values": dict,
        "key": str,
        "create_missing": list,
        "day_first": bool,
        "timezone": str,
        "dry_run": bool,
        "keep_workflow_states": bool,
        "defaults": dict,
    }
    for name, wanted in checks.items():
        if name in raw and not isinstance(raw[name], wanted):
            problems.append(field_error(name, f"must be a {wanted.__name__}"))
    if isinstance(raw.get("values"), dict) and not all(isinstance(v, dict) for v in raw["values"].values()):
        problems.append(field_error("values", "must map each field to {file value: value}"))
    if isinstance(raw.get("create_missing"), list) and not all(isinstance(v, str) for v in raw["create_missing"]):
        problems.append(field_error("create_missing", "must list field keys"))
    if isinstance(raw.get("timezone"), str):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(raw["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(field_error("timezone", "is not a known time zone (Asia/Shanghai, UTC...)"))
    mapping, values, formats = _columns(raw.get("mapping"), raw.get("values"), problems)
    if problems:
        raise ValidationFailed("the import options are not valid", problems)
    return Options(
        mapping=mapping,
        values=values,
        key=raw.get("key"),
        create_missing=frozenset(raw.get("create_missing", [])),
        day_first=raw.get("day_first", False),
        timezone=raw.get("timezone", "UTC"),
        dry_run=raw.get("dry_run", False),
        keep_workflow_states=raw.get("keep_workflow_states", False),
        defaults=raw.get("defaults", {}),
        formats=formats,
    )


def _columns(
    raw: Any, values: Any, problems: list[Any]
) -> tuple[dict[str, str | None] | None, dict[str, dict[str, Any]], dict[str, str]]:
    """Split API.md's per-column mapping into column → field, value translations and formats."""
    translated: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (values or {}).items() if isinstance(v, dict)}
    if not isinstance(raw, dict):
        return None, translated, {}
    mapping: dict[str, str | None] = {}
    formats: dict[str, str] = {}
    for column, target in raw.items():
        where = f"mapping.{str(column)[:100]}"
        if target is None or isinstance(target, str):
            mapping[column] = target
            continue
        if not isinstance(target, dict) or not isinstance(target.get("field"), str):
            problems.append(field_error(where, 'must be a field key, null, or {"field", "values"?, "format"?}'))
            continue
        unknown = sorted(set(target) - {"field", "values", "format"})
        if unknown:
            problems.append(field_error(f"{where}.{unknown[0]}", "unknown property"))
        mapping[column] = target["field"]
        if isinstance(target.get("values"), dict):
            translated.setdefault(target["field"], {}).update(target["values"])
        elif "values" in target:
            problems.append(field_error(f"{where}.values", "must map cells to values"))
        if isinstance(target.get("format"), str) and 0 < len(target["format"]) <= 40:
            formats[target["field"]] = target["format"]
        elif "format" in target:
            problems.append(field_error(f"{where}.format", "must be a date format such as %m/%d/%Y"))
    return mapping, translated, formats
