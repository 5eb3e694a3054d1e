"""Texts and JSON bodies that rules fill in from the record that triggered them.

Titles, bodies and email subjects are Jinja templates rendered in Jinja's sandbox (made
for templates written by people who are not trusted with code): ``{{ name }}``,
``{{ old.stage }}``, ``{{ titles.company }}`` (the title of a related record),
``{{ amount | round(2) }}``. A missing value renders as nothing rather than failing, so a
rule does not break because a field was left empty. Webhook bodies are JSON in which an
object with one JsonLogic operator is evaluated (``{"var": "amount"}``), any other object
or list is kept with its members filled in, and strings are templates.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ValidationFailed, field_error
from ..logic.evaluator import OPERATORS, LogicError, evaluate

#: Longest text a template may produce: a notification is not a document.
MAX_OUTPUT = 20_000
_ENVIRONMENT = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=2048)
def _compiled(source: str) -> Any:
    return _ENVIRONMENT.from_string(source)


def template_error(source: str) -> str | None:
    """Why ``source`` is not a valid template, or None (checked when a rule is saved)."""
    try:
        _compiled(source)
    except TemplateError as exc:
        return f"is not a valid template: {exc}"
    return None


def render_text(source: str, context: dict[str, Any], path: str = "template") -> str:
    """Render ``source``; a template that fails at run time is a 422 naming ``path``."""
    if "{" not in source:
        return source
    try:
        text = str(_compiled(source).render(context))
    except (TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        raise ValidationFailed("a template could not be filled in", [field_error(path, str(exc)[:300])]) from None
    return text[:MAX_OUTPUT]


def localized(label: Any, locale: str) -> str:
    """The text of a bilingual label in ``locale`` (zh-CN or en), falling back to English."""
    if isinstance(label, str):
        return label
    if not isinstance(label, dict):
        return ""
    return str(label.get(locale) or label.get("en") or next(iter(label.values()), ""))


def template_context(data: dict[str, Any]) -> dict[str, Any]:
    """What templates see: the record's fields by name, plus ``record``, ``old``, ``user``,
    ``now``, ``steps``, ``payload``, ``rule``, ``lookup`` (the rule's lookups) and ``titles``
    (related records' titles)."""
    record = data.get("$record") or {}
    refs = record.get("_refs") or {}
    titles = {key: (ref.get("title") if isinstance(ref, dict) else None) for key, ref in refs.items()}
    return {
        **{k: v for k, v in record.items() if not k.startswith("_")},
        "record": record,
        "old": data.get("$old") or {},
        "user": data.get("$user") or {},
        "now": data.get("$now"),
        "steps": data.get("$steps") or {},
        "payload": data.get("$payload") or {},
        "rule": data.get("$rule") or {},
        "lookup": data.get("$lookup") or {},
        "titles": titles,
    }


def template_functions(settings: Any) -> dict[str, Any]:
    """Functions templates may call: ``{{ form_link("nps_survey", project=id, company=customer) }}``
    is the address of a public form whose ``prefill`` fields carry those values, signed."""
    from ..forms.prefill import link

    def form_link(form_key: str, **values: Any) -> str:
        return link(settings.public_url, settings.secret_key, str(form_key), values)

    return {"form_link": form_link}


def render_json(template: Any, data: dict[str, Any], path: str = "body") -> Any:
    """Fill in a JSON body (see the module docstring)."""
    if isinstance(template, dict):
        if is_logic(template):
            try:
                return evaluate(template, data)
            except LogicError as exc:
                raise ValidationFailed("a value could not be computed", [field_error(path, exc.message)]) from None
        return {key: render_json(value, data, f"{path}.{key}") for key, value in template.items()}
    if isinstance(template, list):
        return [render_json(item, data, f"{path}.{index}") for index, item in enumerate(template)]
    if isinstance(template, str):
        return render_text(template, template_context(data), path)
    return template


def is_logic(value: Any) -> bool:
    """An object with exactly one key that names a JsonLogic operator."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in OPERATORS


def json_template_errors(template: Any, path: str) -> list[tuple[str, str]]:
    """(path, problem) for every string of a JSON body that is not a valid template."""
    if isinstance(template, dict) and not is_logic(template):
        return [e for k, v in template.items() for e in json_template_errors(v, f"{path}.{k}")]
    if isinstance(template, list):
        return [e for i, v in enumerate(template) for e in json_template_errors(v, f"{path}.{i}")]
    if isinstance(template, str):
        problem = template_error(template)
        return [(path, problem)] if problem else []
    return []
