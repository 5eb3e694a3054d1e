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
from ..errors import BadRequest, ErrorDetail, LoomworksError, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import LogicError, evaluate, truthy
from ..records import service
from ..records.prepare import prepare
from . import prefill
from .compile import caller_field_sets
from .definitions import field_items, require_public, resolve_form
from .text import in_locale, localize, message

ENVELOPE = frozenset({"id", "_version", "values", "_hp", "_prefill"})


def submit_form(tx: Tx, form_key: str, body: Any, locale: str = "en", *, public: bool = False) -> dict[str, Any]:
    """Create (or, with ``id``, update) the form's record; ValidationFailed lists every problem.

    ``public`` is an anonymous submission: the form must be public, it only creates, and the
    record is written on the form's authority (its fields and rules are the whole grant)."""
    record_id, version, values = _parse(body, locale)
    doc, _, spec = resolve_form(tx, form_key)
    if public:
        _check_public(doc, spec, record_id)
    on_form = {item["key"] for item in field_items(doc)} & set(spec.live_fields)
    unknown = sorted(set(values) - on_form)
    if unknown:
        details = [field_error(k[:100], message("unknown", locale)) for k in unknown]
        raise ValidationFailed("values were sent for fields not on the form", details)
    linked = _prefilled(tx, doc, body) if record_id is None else {}
    current = service.get_record(tx, spec.key, record_id) if record_id is not None else {}
    caller_hidden: frozenset[str] = frozenset()
    if public:
        caller_readonly = frozenset(k for k in on_form if not FIELD_TYPES.get(spec.live_fields[k].type).writable)
    else:
        caller_hidden, caller_readonly = caller_field_sets(tx, spec, "update" if record_id is not None else "create")
    values = _without_unchanged(spec, values, current, caller_readonly)
    now = utcnow().isoformat()
    context = {"$user": tx.actor.logic_context(), "$now": now}
    defaults = _defaults(doc, spec, values, caller_hidden | caller_readonly, context) if record_id is None else {}
    values = {**{k: v for k, v in defaults.items() if k not in values and v is not None}, **values}
    merged = {**current, **values, **linked}
    states = _field_states(doc, spec, on_form, {**merged, **context})
    values = {k: v for k, v in values.items() if states[k]["visible"]}
    for key, state in states.items():
        if not state["visible"]:
            merged.pop(key, None)
    # A read-only field still takes its default on create: that value is the form's, not the user's.
    changed = {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}
    details = [
        *_state_errors(spec, states, changed, merged, current, locale),
        *_check_errors(doc, {**merged, **context}, locale),
    ]
    if details:
        details.extend(_value_errors(tx, spec, values, current, locale))
        raise ValidationFailed("the form has errors", _one_per_field(details))
    try:
        if record_id is None:
            # Prefilled references were chosen by the rule that signed the link, not by the
            # visitor: they are checked to exist, not to be readable by an anonymous caller.
            vouched = frozenset(v for v in linked.values() if isinstance(v, int) and not isinstance(v, bool))
            return service.create_record(tx, spec.key, {**values, **linked}, system=public, vouched=vouched)
        return service.update_record(tx, spec.key, record_id, values, version)
    except LoomworksError as error:
        raise in_locale(error, locale) from None


def honeypot_filled(body: Any) -> bool:
    """Bots fill every input, including the one people never see."""
    return isinstance(body, dict) and bool(body.get("_hp"))


def _check_public(doc: dict[str, Any], spec: EntitySpec, record_id: Any) -> None:
    require_public(doc, spec)
    if record_id is not None:
        raise ValidationFailed("a public form only creates records", [field_error("id", "is not accepted here")])


def _defaults(
    doc: dict[str, Any],
    spec: EntitySpec,
    values: dict[str, Any],
    not_for_caller: frozenset[str],
    context: dict[str, Any],
) -> dict[str, Any]:
    """The form's default of each field that has one (static, or JsonLogic over what was sent,
    ``$user`` and ``$now``): the browser shows them, and a client that sends nothing gets them."""
    defaults: dict[str, Any] = {}
    for item in field_items(doc):
        key = item["key"]
        if key in not_for_caller or key not in spec.live_fields:
            continue
        if "default" in item:
            defaults[key] = item["default"]
        elif "default_logic" in item:
            try:
                defaults[key] = evaluate(item["default_logic"], {**values, **context})
            except LogicError:
                continue  # no default is better than a wrong one; required rules still apply
    return defaults


def _value_errors(
    tx: Tx, spec: EntitySpec, values: dict[str, Any], current: dict[str, Any], locale: str
) -> list[ErrorDetail]:
    """What the records service would refuse in ``values`` (types, lengths, sub-table rows),
    so one answer lists every problem the browser shows at once, not the form's first."""
    try:
        prepare(tx, spec, values, current or None)
    except (ValidationFailed, BadRequest) as error:
        return in_locale(error, locale).details
    return []


def _prefilled(tx: Tx, doc: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The values of the form's ``prefill`` fields, from the signed link it was opened by."""
    names = doc.get("prefill", [])
    token = body.get("_prefill")
    if not names or token in (None, ""):
        if doc.get("prefill_required"):
            raise ValidationFailed(
                "open this form from the link you were sent", [field_error("_prefill", "is required")]
            )
        return {}
    values = prefill.read(tx.runtime.settings.secret_key, doc["key"], token)
    return {name: values[name] for name in names if name in values}


def _parse(body: Any, locale: str) -> tuple[Any, int | None, dict[str, Any]]:
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object: {"id"?, "_version"?, "values": {...}}')
    extra = sorted(set(body) - ENVELOPE)
    if extra:
        raise ValidationFailed("unknown properties", [field_error(k[:100], message("unknown", locale)) for k in extra])
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
            details.append(field_error(key, message("readonly", locale)))
        elif state["required"] and empty(merged.get(key)):
            details.append(field_error(key, message("required", locale)))
    return details


def _check_errors(doc: dict[str, Any], data: dict[str, Any], locale: str) -> list[ErrorDetail]:
    """Cross-field validations over the merged record, ``$user`` and ``$now``."""
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
