"""Turning a client body into database values: the validation half of the write path.

Order matters and is the same for every caller: system keys are set aside,
computed fields are refused if changed, the body is checked against the entity's
compiled JSON Schema, every value is coerced by its field type, references are
checked, and finally ``required`` is checked on the merged record. All problems
are collected and raised together as one ValidationFailed. Retired choice values
a record already holds are set aside from validation and kept (``retired``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.context import Tx
from ..errors import BadRequest, ErrorDetail, ValidationFailed, field_error
from ..fields.base import ValueError_
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType
from .children import coerce_children, empty_required_cells
from .files import readable_file
from .integrity import check_references, resolve_attachments, user_exists
from .retired import final, set_aside
from .schema import body_errors

IGNORED_KEYS = frozenset(
    {"id", "_version", "_created_at", "_updated_at", "_created_by", "_updated_by", "_refs", "_deleted_at"}
)
MAX_KEY_LENGTH = 200


@dataclass
class Prepared:
    db_values: dict[str, Any] = field(default_factory=dict)  # main-table columns
    # Normalised JSON of every sent field; a sub-table's rows are complete (unsent columns
    # keep their current value, or null in a new row), as they will read back.
    json_values: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    links: dict[str, list[Any]] = field(default_factory=dict)
    owner: Any = None
    owner_sent: bool = False


def prepare(
    tx: Tx, spec: EntitySpec, body: Any, current: dict[str, Any] | None, vouched: frozenset[Any] = frozenset()
) -> Prepared:
    """Validate and coerce ``body``; ``current`` is the record JSON when updating. References
    in ``vouched`` were chosen by the system (a signed link), not the writer: they must exist,
    but need not be readable by the writer."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object of field values")
    errors: list[ErrorDetail] = []
    body = _without_system_keys(spec, body, current, errors)
    body, kept = set_aside(spec, body, current)
    validator = tx.runtime.validators.write_validator(spec)
    errors.extend(body_errors(validator, body))
    bad = {e.field.split(".")[0] for e in errors if e.field}
    for key in bad & set(spec.live_fields):
        errors.extend(empty_required_cells(spec.live_fields[key], body.get(key), kept.rows.get(key)))
    prepared = Prepared()
    if "_owner" in body:
        prepared.owner, prepared.owner_sent = body.pop("_owner"), True
        if "_owner" not in bad and prepared.owner is not None and not user_exists(tx.conn, prepared.owner):
            errors.append(field_error("_owner", f"user {prepared.owner} does not exist"))
    for key, value in body.items():
        if key in bad or key not in spec.live_fields:
            continue  # already reported: unknown field or schema error
        _coerce_field(tx, spec, key, value, prepared, errors, current, kept.rows.get(key))
    for key, value in kept.fields.items():
        if key not in bad:
            prepared.db_values[key] = final(value)
            prepared.json_values[key] = final(value)
    known = _referenced(spec, current) | set(vouched)
    top_level = {k: prepared.json_values.get(k) for k in prepared.json_values if k not in prepared.children}
    errors.extend(check_references(tx, spec, top_level, known=known))
    for key, rows in prepared.children.items():
        for index, row in enumerate(rows):
            values = {k: v for k, v in row.items() if k != "id"}
            errors.extend(check_references(tx, spec, values, f"{key}.{index}.", known=known))
    errors.extend(_required_errors(spec, prepared, current, bad))
    if errors:
        raise ValidationFailed(f"{len(errors)} problem(s) in the submitted values", errors)
    return prepared


def _referenced(spec: EntitySpec, current: dict[str, Any] | None) -> set[Any]:
    """Ids the record's relation fields already point at (kept even if the writer cannot read them)."""
    found: set[Any] = set()
    if not current:
        return found

    def add(value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                found.add(item)

    for fspec in spec.live_fields.values():
        ftype = FIELD_TYPES.get(fspec.type)
        if isinstance(ftype, RelationType):
            add(current.get(fspec.key))
        elif isinstance(ftype, SubTableType):
            relations = [c.key for c in ftype.child_specs(fspec) if c.type == "relation"]
            for row in current.get(fspec.key) or []:
                for key in relations:
                    add(row.get(key))
    return found


def _without_system_keys(
    spec: EntitySpec, body: dict[str, Any], current: dict[str, Any] | None, errors: list[ErrorDetail]
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in body.items():
        if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH:
            errors.append(field_error(str(key)[:100], "unknown field"))
            continue
        if key in IGNORED_KEYS:
            continue
        fspec = spec.live_fields.get(key)
        if fspec is not None and not FIELD_TYPES.get(fspec.type).writable:
            unchanged = value is None if current is None else current.get(key) == value
            if not unchanged:
                errors.append(field_error(key, "is computed and cannot be set"))
            continue
        kept[key] = value
    return kept


def _coerce_field(
    tx: Tx,
    spec: EntitySpec,
    key: str,
    value: Any,
    prepared: Prepared,
    errors: list[ErrorDetail],
    current: dict[str, Any] | None,
    kept_rows: dict[int, dict[str, Any]] | None,
) -> None:
    fspec = spec.live_fields[key]
    ftype = FIELD_TYPES.get(fspec.type)
    if isinstance(ftype, SubTableType):
        rows, problems = coerce_children(fspec, value or [], kept_rows)
        errors.extend(problems)
        prepared.children[key] = rows
        prepared.json_values[key] = _children_json(fspec, ftype, rows, (current or {}).get(key) or [])
        return
    if value is None or (
        isinstance(value, str) and value == "" and fspec.type not in ("text", "long_text", "rich_text")
    ):
        _set(prepared, fspec, ftype, key, None)
        return
    try:
        if fspec.type == "attachment":
            db_value: Any = resolve_attachments(tx.conn, fspec, value) or None
            foreign = [f["id"] for f in db_value or [] if not readable_file(tx, f["id"])]
            if foreign:  # attaching a file one may not read would hand over its name and size
                raise ValueError_(f"file {foreign[0]} does not exist")
        else:
            db_value = ftype.to_db(value, fspec)
    except ValueError_ as exc:
        errors.append(field_error(key, str(exc)))
        return
    _set(prepared, fspec, ftype, key, db_value)


def _set(prepared: Prepared, fspec: Any, ftype: Any, key: str, db_value: Any) -> None:
    if isinstance(ftype, RelationType) and ftype.is_many(fspec):
        prepared.links[key] = list(db_value or [])
        prepared.json_values[key] = list(db_value or [])
        return
    prepared.db_values[key] = db_value
    prepared.json_values[key] = None if db_value is None else ftype.from_db(db_value, fspec)


def _children_json(
    fspec: Any, sub: SubTableType, rows: list[dict[str, Any]], current_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows as they will read back, so that re-sending unchanged rows changes nothing.

    A row keeps the current values of the columns it leaves out (the write updates
    only the sent ones); a new row reads back null in them.
    """
    children = {c.key: c for c in sub.child_specs(fspec)}
    columns = [c.key for c in children.values() if not c.removed and FIELD_TYPES.get(c.type).stores_column(c)]
    held = {r["id"]: r for r in current_rows}
    result = []
    for row in rows:
        sent_id = {"id": row["id"]} if "id" in row else {}
        item: dict[str, Any] = {**sent_id, **dict.fromkeys(columns), **held.get(row.get("id"), {})}
        for key, value in row.items():
            if key != "id":
                child = children[key]
                item[key] = None if value is None else FIELD_TYPES.get(child.type).from_db(value, child)
        result.append(item)
    return result


def _required_errors(
    spec: EntitySpec, prepared: Prepared, current: dict[str, Any] | None, bad: set[str]
) -> list[ErrorDetail]:
    errors = []
    for fspec in spec.live_fields.values():
        if not fspec.required or fspec.key in bad or not FIELD_TYPES.get(fspec.type).writable:
            continue
        if fspec.key in prepared.json_values:
            value = prepared.json_values[fspec.key]
        elif current is not None:
            continue  # untouched on update: the definition change already guaranteed it
        else:
            value = None
        if FIELD_TYPES.get(fspec.type).is_empty(value):
            errors.append(field_error(fspec.key, "is required"))
    return errors
