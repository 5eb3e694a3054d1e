"""Submitting a form: the form's rules enforced on the server, then the records service.

The browser evaluates the same rules (``compile`` sends them), but only this path is
trusted. Over the merged record (stored values, then the submitted ones) it decides
each field's visibility, requiredness and read-only state, drops the values of
invisible fields (they are not stored), refuses changes to read-only ones, reports
missing required fields and failed cross-field validations, all at once and each tied
to its field, in the caller's language. What passes goes through ``create_record`` or
``update_record``, so permissions and every field validation still apply.

The body is ``{"id"?: int, "_version"?: int, "values": {...}}``: the values are kept
apart from the envelope so a form field can never be mistaken for ``id``.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import BadRequest, ErrorDetail, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import LogicError, evaluate, truthy
from ..records import service
from .compile import caller_field_sets, localize
from .definitions import field_items, resolve_form

ENVELOPE = frozenset({"id", "_version", "values"})
MESSAGES = {
    "unknown": {"en": "unknown field", "zh-CN": "未知字段"},
    "required": {"en": "is required", "zh-CN": "必填"},
    "readonly": {"en": "is read-only", "zh-CN": "只读"},
}


def submit_form(tx: Tx, form_key: str, body: Any, locale: str = "en") -> dict[str, Any]:
    """Create (or, with ``id``, update) the form's record; ValidationFailed lists every problem."""
    record_id, version, values = _parse(body, locale)
    doc, _, spec = resolve_form(tx, form_key)
    on_form = {item["key"] for item in field_items(doc)} & set(spec.live_fields)
    unknown = sorted(set(values) - on_form)
    if unknown:
        details = [field_error(k[:100], _text("unknown", locale)) for k in unknown]
        raise ValidationFailed("values were sent for fields not on the form", details)
    current = service.get_record(tx, spec.key, record_id) if record_id is not None else {}
    _, caller_readonly = caller_field_sets(tx, spec, "update" if record_id is not None else "create")
    values = _without_unchanged(spec, values, current, caller_readonly)
    merged = {**current, **values}
    data = {**merged, "$user": tx.actor.logic_context(), "$now": utcnow().isoformat()}
    states = _field_states(doc, spec, on_form, data)
    values = {k: v for k, v in values.items() if states[k]["visible"]}
    for key, state in states.items():
        if not state["visible"]:
            merged.pop(key, None)
    details = [*_state_errors(spec, states, values, merged, current, locale), *_check_errors(doc, merged, locale)]
    if details:
        raise ValidationFailed("the form has errors", _one_per_field(details))
    if record_id is None:
        return service.create_record(tx, spec.key, values)
    return service.update_record(tx, spec.key, record_id, values, version)


def _parse(body: Any, locale: str) -> tuple[Any, int | None, dict[str, Any]]:
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object: {"id"?, "_version"?, "values": {...}}')
    extra = sorted(set(body) - ENVELOPE)
    if extra:
        raise ValidationFailed("unknown properties", [field_error(k[:100], _text("unknown", locale)) for k in extra])
    values = body.get("values")
    if not isinstance(values, dict):
        raise ValidationFailed("values must be an object", [field_error("values", "must be an object")])
    version = body.get("_version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed("_version must be an integer", [field_error("_version", "must be an integer")])
    record_id = body.get("id")
    if record_id is not None and (not isinstance(record_id, int) or isinstance(record_id, bool)):
        raise ValidationFailed("id must be an integer", [field_error("id", "must be an integer")])
    return record_id, version, values


def _without_unchanged(
    spec: EntitySpec, values: dict[str, Any], current: dict[str, Any], caller_readonly: frozenset[str]
) -> dict[str, Any]:
    """rjsf sends the whole form back: values equal to what is stored (or, on create, empty
    values of fields the caller cannot write) are no change and must not trip write checks."""
    kept = {}
    for key, value in values.items():
        if current and key in current and current[key] == value:
            continue
        if key in caller_readonly and (FIELD_TYPES.get(spec.live_fields[key].type).is_empty(value)):
            continue
        kept[key] = value
    return kept


def _field_states(
    doc: dict[str, Any], spec: EntitySpec, on_form: set[str], data: dict[str, Any]
) -> dict[str, dict[str, bool]]:
    states = {k: {"visible": True, "required": spec.live_fields[k].required, "readonly": False} for k in on_form}
    for rule in doc.get("rules", []):
        state = states.get(rule["field"])
        if state is None:
            continue
        for name in ("visible", "required", "readonly"):
            if name in rule:
                state[name] = _holds(rule[name], data)
    return states


def _state_errors(
    spec: EntitySpec,
    states: dict[str, dict[str, bool]],
    values: dict[str, Any],
    merged: dict[str, Any],
    current: dict[str, Any],
    locale: str,
) -> list[ErrorDetail]:
    details = []
    for key, state in states.items():
        if not state["visible"]:
            continue
        empty = FIELD_TYPES.get(spec.live_fields[key].type).is_empty
        if state["readonly"] and key in values and (current or not empty(values[key])):
            details.append(field_error(key, _text("readonly", locale)))
        elif state["required"] and empty(merged.get(key)):
            details.append(field_error(key, _text("required", locale)))
    return details


def _check_errors(doc: dict[str, Any], merged: dict[str, Any], locale: str) -> list[ErrorDetail]:
    data = {**merged}
    details = []
    for check in doc.get("validations", []):
        if not _holds(check["rule"], data):
            details.append(field_error(check.get("field"), localize(check["message"], locale) or "is invalid"))
    return details


def _holds(rule: Any, data: dict[str, Any]) -> bool:
    """A rule that cannot be evaluated (comparing a date with nothing) does not hold: fail closed."""
    try:
        return bool(truthy(evaluate(rule, data)))
    except LogicError:
        return False


def _one_per_field(details: list[ErrorDetail]) -> list[ErrorDetail]:
    seen: set[Any] = set()
    kept = []
    for detail in details:
        name = detail.field
        if name is not None and name in seen:
            continue
        seen.add(name)
        kept.append(detail)
    return kept


def _text(name: str, locale: str) -> str:
    return MESSAGES[name].get(locale) or MESSAGES[name]["en"]
