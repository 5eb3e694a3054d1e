"""Form definitions (kind ``form``): stored, validated and versioned like every definition.

A form names an entity, the fields it shows (in order, each optionally with a label,
help, placeholder or widget override), a free-form layout, JsonLogic rules deciding
per field whether it is visible, required or read-only, and cross-field validations.
The same document drives the browser (``compile``) and the server (``submit``), so a
rule is written once. Every entity has a default form with the entity's key, generated
from its live fields, until a form with that key is defined.

Admins and builders change and list definitions; rendering and submitting (which any
user with record grants may do) read them through ``resolve_form``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator

from ..core.context import Tx
from ..errors import (
    ErrorDetail,
    NotFound,
    Unauthorized,
    ValidationFailed,
    field_error,
)
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import OPERATORS
from ..logic.walk import operators, variables
from ..meta import documents, store
from ..meta.validation import meta_validator, schema_errors
from ..records.filter_scope import SYSTEM_REFS

KIND = "form"
RULE_KEYS = ("visible", "required", "readonly")
#: Variables a rule may read besides the entity's fields: the system columns every record has
#: (id, version, owner, who created and changed it and when), as list filters read them.
EXTRA_VARIABLES = frozenset(SYSTEM_REFS)
USER_PREFIX = "$user."
#: Field types a public (anonymous) form may not show.
ANONYMOUS_UNSAFE_TYPES = frozenset({"relation", "user", "attachment"})


def list_forms(tx: Tx, include_deleted: bool = False) -> list[dict[str, Any]]:
    """Defined forms only; the default form of an entity is implicit (``GET`` it by key)."""
    return [_marked(d) for d in documents.list_documents(tx, FORMS, include_deleted)]


def get_form(tx: Tx, key: str) -> dict[str, Any]:
    documents.require_builder(tx, FORMS)
    stored = store.get_definition(tx.conn, KIND, key)
    if stored is not None and not stored.deleted:
        return _marked(documents.describe(stored))
    spec = tx.runtime.entities.specs(tx.conn).get(key)
    if spec is None or tx.runtime.entities.is_deleted(key):
        raise NotFound(f"form {key!r} does not exist", data={"form": key})
    return {"kind": KIND, **default_form(spec), "default": True, "version": 0}


def create_form(tx: Tx, doc: Any, address: str | None = None) -> dict[str, Any]:
    return _marked(documents.create_document(tx, FORMS, doc, address))


def replace_form(tx: Tx, key: str, doc: Any, address: str | None = None) -> dict[str, Any]:
    """PUT: the body becomes the whole definition; ``version`` (if sent) must be current."""
    return _marked(documents.replace_document(tx, FORMS, key, doc, address))


def delete_form(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    """Soft delete: an entity's key falls back to its default form again."""
    return _marked(documents.delete_document(tx, FORMS, key, address))


def resolve_form(tx: Tx, key: str) -> tuple[dict[str, Any], int, EntitySpec]:
    """The form to render or submit: (document, version, entity); 404 for neither form nor entity.

    No definition permission is needed: record grants decide what the caller sees later.
    """
    stored = store.get_definition(tx.conn, KIND, key)
    specs = tx.runtime.entities.specs(tx.conn)
    if stored is not None and not stored.deleted:
        doc = stored.effective
        spec = specs.get(doc["entity"])
        if spec is None or tx.runtime.entities.is_deleted(spec.key):
            raise NotFound(f"form {key!r} does not exist", data={"form": key})
        return doc, stored.version, spec
    spec = specs.get(key)
    if spec is None or tx.runtime.entities.is_deleted(key):
        raise NotFound(f"form {key!r} does not exist", data={"form": key})
    return default_form(spec), 0, spec


def default_form(spec: EntitySpec) -> dict[str, Any]:
    """Every live field in definition order, labels from the entity; no rules."""
    return {"key": spec.key, "label": dict(spec.label), "entity": spec.key, "fields": list(spec.live_fields)}


def field_items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's fields as objects (a bare key becomes ``{"key": key}``)."""
    return [item if isinstance(item, dict) else {"key": item} for item in doc.get("fields", [])]


# --- validation ------------------------------------------------------------------------------


def validate_form(doc: Any, specs: dict[str, EntitySpec]) -> None:
    """Raise ValidationFailed listing every problem: the meta-schema, then the entity's reality."""
    details = schema_errors(meta_validator(KIND), doc)
    if details:
        raise ValidationFailed("the form definition is invalid", details)
    details = list(_semantic_errors(doc, specs))
    if details:
        raise ValidationFailed("the form definition is invalid", details)


def _semantic_errors(doc: dict[str, Any], specs: dict[str, EntitySpec]) -> Iterable[ErrorDetail]:
    spec = specs.get(doc["entity"])
    if spec is None:
        yield field_error("entity", f"no entity {doc['entity']!r}")
        return
    if doc["key"] in specs and doc["key"] != spec.key:
        yield field_error("key", f"is the key of entity {doc['key']!r}: only its own form may use it")
    seen: set[str] = set()
    for index, item in enumerate(field_items(doc)):
        key = item["key"]
        if key not in spec.live_fields:
            yield field_error(f"fields.{index}", f"{spec.key!r} has no field {key!r}")
        elif key in seen:
            yield field_error(f"fields.{index}", f"{key!r} is listed twice")
        seen.add(key)
        if key in spec.live_fields:
            yield from _default_errors(item, spec, f"fields.{index}")
    yield from _layout_errors(doc.get("layout") or {}, seen)
    for index, key in enumerate(doc.get("prefill", [])):
        if key not in spec.live_fields or not FIELD_TYPES.get(spec.live_fields[key].type).writable:
            yield field_error(f"prefill.{index}", f"{spec.key!r} has no field {key!r} a link could fill")
        elif key in seen:
            yield field_error(f"prefill.{index}", f"{key!r} is on the form: a prefilled field is never typed")
    if doc.get("prefill_required") and not doc.get("prefill"):
        yield field_error("prefill_required", "name the prefilled fields first")
    if doc.get("public"):
        yield from public_problems(doc, spec)
    for index, rule in enumerate(doc.get("rules", [])):
        if rule["field"] not in seen:
            yield field_error(f"rules.{index}.field", f"{rule['field']!r} is not on the form")
        for name in RULE_KEYS:
            if name in rule:
                yield from logic_errors(rule[name], spec, f"rules.{index}.{name}")
    for index, check in enumerate(doc.get("validations", [])):
        if "field" in check and check["field"] not in seen:
            yield field_error(f"validations.{index}.field", f"{check['field']!r} is not on the form")
        yield from logic_errors(check["rule"], spec, f"validations.{index}.rule")


def _default_errors(item: dict[str, Any], spec: EntitySpec, path: str) -> Iterable[ErrorDetail]:
    """A default must be a value the field accepts; a computed field takes none."""
    if "default" not in item and "default_logic" not in item:
        return
    fspec = spec.live_fields[item["key"]]
    ftype = FIELD_TYPES.get(fspec.type)
    if not ftype.writable:
        yield field_error(path, f"{fspec.key!r} is computed: it takes no default")
        return
    if "default" in item and "default_logic" in item:
        yield field_error(path, "give either default or default_logic, not both")
    if "default" in item and item["default"] is not None:
        problem = next(Draft202012Validator(ftype.value_schema(fspec)).iter_errors(item["default"]), None)
        if problem is not None:
            yield field_error(f"{path}.default", f"is not a valid {fspec.type}: {problem.message[:200]}")
    if "default_logic" in item:
        yield from logic_errors(item["default_logic"], spec, f"{path}.default_logic")


def require_public(doc: dict[str, Any], spec: EntitySpec) -> None:
    """401 unless the form is public and still safe to show strangers (checked on every use:
    the entity may have changed since the form was saved)."""
    if not doc.get("public") or next(iter(public_problems(doc, spec)), None) is not None:
        raise Unauthorized("sign in or send an API token")


def public_problems(doc: dict[str, Any], spec: EntitySpec) -> Iterable[ErrorDetail]:
    """An anonymous visitor may not browse records or users, nor upload files: a public form
    shows no field that would need either (not even inside a sub-table). Checked when the
    form is saved and again when it is served, since the entity may have changed since."""
    for index, item in enumerate(field_items(doc)):
        fspec = spec.live_fields.get(item["key"])
        if fspec is None:
            continue
        types = {fspec.type} | {child.get("type") for child in fspec.options.get("fields", [])}
        if types & ANONYMOUS_UNSAFE_TYPES:
            yield field_error(
                f"fields.{index}",
                f"a public form cannot show {fspec.key!r}: anonymous visitors cannot pick records"
                " or users, or upload files",
            )


def _layout_errors(layout: dict[str, Any], on_form: set[str]) -> Iterable[ErrorDetail]:
    """Sections may only place fields of the form, each once; tab keys are unique."""
    placed: set[str] = set()
    tab_keys: set[str] = set()
    for tab_index, tab in enumerate(layout.get("tabs", [])):
        if tab["key"] in tab_keys:
            yield field_error(f"layout.tabs.{tab_index}.key", f"{tab['key']!r} is used twice")
        tab_keys.add(tab["key"])
    for path, section in _sections(layout):
        for index, key in enumerate(section["fields"]):
            where = f"{path}.fields.{index}"
            if key not in on_form:
                yield field_error(where, f"{key!r} is not on the form")
            elif key in placed:
                yield field_error(where, f"{key!r} is placed twice")
            placed.add(key)


def _sections(layout: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for tab_index, tab in enumerate(layout.get("tabs", [])):
        for index, section in enumerate(tab["sections"]):
            yield f"layout.tabs.{tab_index}.sections.{index}", section
    for index, section in enumerate(layout.get("sections", [])):
        yield f"layout.sections.{index}", section


def logic_errors(rule: Any, spec: EntitySpec, path: str) -> Iterable[ErrorDetail]:
    """Unknown operators and variables naming no field of the entity (``$user.*`` and ``$now``
    are always there)."""
    for operator in operators(rule):
        if operator not in OPERATORS:
            yield field_error(path, f"unknown JsonLogic operator {operator!r}")
            return
    for name in dict.fromkeys(filter(None, variables(rule))):  # each unknown name once
        if name.startswith(USER_PREFIX) or name in EXTRA_VARIABLES or name == "$now":
            continue
        if name.split(".", 1)[0] not in spec.live_fields:
            yield field_error(path, f"{spec.key!r} has no field {name!r}")


# --- storage ---------------------------------------------------------------------------------


def _validated(tx: Tx, doc: dict[str, Any]) -> dict[str, Any]:
    validate_form(doc, tx.runtime.entities.specs(tx.conn))
    return doc


FORMS = documents.DocumentKind(KIND, _validated)


def _marked(described: dict[str, Any]) -> dict[str, Any]:
    """A defined form, told apart from an entity's generated default form."""
    return {**described, "default": False}


def is_writable_type(type_key: str) -> bool:
    return bool(FIELD_TYPES.get(type_key).writable)
