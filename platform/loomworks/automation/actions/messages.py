"""Side-effect actions: ``notify`` (in-app inbox and email) and outbound ``webhook``.

Neither changes records, so neither can make the user's write fail: in-app notifications
are rows in the write's transaction; emails and webhook calls are outbox rows delivered
later by a worker. Texts are rendered when the rule runs, in each recipient's language, so
a delivery sends what was true at the time, even if it is retried an hour later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from ...errors import ErrorDetail, ValidationFailed, field_error
from ...fields.entity import EntitySpec
from ..notifications import deliver_in_app
from ..outbox import enqueue
from ..people import field_errors, field_user_errors, people, role_holders, users_in_fields, values_in_fields
from ..templating import (
    json_template_errors,
    localized,
    render_json,
    render_text,
    template_context,
    template_error,
    template_functions,
)
from ..triggers import RuleWorld
from .base import KEY, LABEL, ActionContext, ActionType

HEADER_NAME = {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"}
RESERVED_HEADERS = frozenset({"host", "content-length", "idempotency-key", "x-loomworks-signature"})
METHODS = ("POST", "PUT", "PATCH", "DELETE", "GET")


class Notify(ActionType):
    type = "notify"
    changes_data = False
    properties = {
        "to": {
            "type": "object",
            "properties": {
                "users": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 500},
                "roles": {"type": "array", "items": KEY, "maxItems": 20},
                "fields": {"type": "array", "items": {"type": "string", "maxLength": 130}, "maxItems": 20},
                "emails": {
                    "type": "array",
                    "items": {"type": "string", "format": "email", "maxLength": 320},
                    "maxItems": 50,
                },
                "email_fields": {"type": "array", "items": {"type": "string", "maxLength": 130}, "maxItems": 20},
            },
            "additionalProperties": False,
            "minProperties": 1,
        },
        "title": LABEL,
        "body": LABEL,
        "channels": {"type": "array", "items": {"enum": ["in_app", "email"]}, "minItems": 1, "uniqueItems": True},
        "link": {"type": "string", "maxLength": 63},
    }
    required = ("to", "title")

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        to = action["to"]
        for index, role in enumerate(to.get("roles", [])):
            if role not in world.roles:
                yield field_error(f"{path}.to.roles.{index}", f"no role {role!r}")
        for index, name in enumerate(to.get("fields", [])):
            yield from field_user_errors(trigger_spec, world.entity, f"{path}.to.fields.{index}", name)
        for index, name in enumerate(to.get("email_fields", [])):
            where = f"{path}.to.email_fields.{index}"
            yield from field_errors(trigger_spec, world.entity, where, name, ("email",), "email")
        for name in ("emails", "email_fields"):
            if to.get(name) and "email" not in action.get("channels", ["in_app"]):
                yield field_error(f"{path}.to.{name}", "email addresses need the email channel")
        for part in ("title", "body"):
            for locale, text in action.get(part, {}).items():
                problem = template_error(text)
                if problem:
                    yield field_error(f"{path}.{part}.{locale}", problem)

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        to = action["to"]
        tx = ctx.tx
        ids = set(to.get("users", [])) | role_holders(tx.conn, to.get("roles", []))
        if to.get("fields") and ctx.trigger.record is not None and ctx.trigger.entity is not None:
            ids |= users_in_fields(tx, ctx.trigger.entity, ctx.trigger.record, to["fields"])
        recipients = people(tx.conn, ids)
        channels = action.get("channels", ["in_app"])
        entity, record_id = _link(ctx, action)
        context = {**template_context(ctx.data), **template_functions(ctx.tx.runtime.settings)}
        mailed: set[str] = set()  # one email per address, even when it is both a user's and listed
        for person in recipients:
            title, body = self._texts(action, person.locale, context)
            if "in_app" in channels:
                deliver_in_app(tx, person.id, title, body, entity=entity, record_id=record_id, rule=ctx.rule.key)
            if "email" in channels and person.email.lower() not in mailed:
                mailed.add(person.email.lower())
                self._email(ctx, person.email, title, body)
        addresses = list(to.get("emails", []))
        if to.get("email_fields") and ctx.trigger.record is not None and ctx.trigger.entity is not None:
            found = values_in_fields(tx, ctx.trigger.entity, ctx.trigger.record, to["email_fields"])
            addresses += [value for value in found if isinstance(value, str) and "@" in value]
        for address in addresses:
            if address.lower() not in mailed:
                mailed.add(address.lower())
                self._email(ctx, address, *self._texts(action, "en", context))
        return {"recipients": [p.id for p in recipients], "emails": len(mailed), "channels": channels}

    def _texts(self, action: dict[str, Any], locale: str, context: dict[str, Any]) -> tuple[str, str]:
        title = render_text(localized(action["title"], locale), context, "title")
        body = render_text(localized(action.get("body", {}), locale), context, "body") if action.get("body") else ""
        return title, body

    @staticmethod
    def _email(ctx: ActionContext, address: str, subject: str, text: str) -> None:
        key = f"{ctx.run_uid}:{ctx.index}:{address.lower()}"
        payload = {"to": address, "subject": subject.replace("\n", " ")[:300], "text": text}
        enqueue(ctx.tx, "email", payload, key, rule=ctx.rule.key, run_uid=ctx.run_uid)


def _link(ctx: ActionContext, action: dict[str, Any]) -> tuple[str | None, Any]:
    """What the notification opens: the trigger record, or a record an earlier step created."""
    name = action.get("link")
    if name and name in ctx.data["$steps"]:
        step = ctx.data["$steps"][name]
        return step.get("_entity"), step.get("id")
    return ctx.trigger.entity, ctx.trigger.record_id


def valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a port out of range)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class Webhook(ActionType):
    """Call a URL. The body defaults to ``{rule, trigger, entity, record, old, at}``; headers
    and URL may be templates. With ``secret`` each delivery is signed: header
    ``X-Loomworks-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``. Every
    delivery carries ``Idempotency-Key``."""

    type = "webhook"
    changes_data = False
    properties = {
        "url": {"type": "string", "minLength": 8, "maxLength": 2000},
        "method": {"enum": list(METHODS)},
        "headers": {
            "type": "object",
            "propertyNames": HEADER_NAME,
            "additionalProperties": {"type": "string", "maxLength": 2000},
            "maxProperties": 20,
        },
        "body": {},
        "secret": {"type": "string", "minLength": 16, "maxLength": 200},
    }
    required = ("url",)

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        url = action["url"]
        if "{" not in url and not valid_url(url):
            yield field_error(f"{path}.url", "must be an http:// or https:// address (with a valid port)")
        elif template_error(url):
            yield field_error(f"{path}.url", str(template_error(url)))
        for name, value in action.get("headers", {}).items():
            if name.lower() in RESERVED_HEADERS:
                yield field_error(f"{path}.headers.{name}", "is set by Loomworks itself")
            elif template_error(value):
                yield field_error(f"{path}.headers.{name}", str(template_error(value)))
        for where, problem in json_template_errors(action.get("body"), f"{path}.body"):
            yield field_error(where, problem)

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        context = {**template_context(ctx.data), **template_functions(ctx.tx.runtime.settings)}
        url = render_text(action["url"], context, "url")
        if not valid_url(url):
            raise ValidationFailed(
                "the webhook address is not valid", [field_error(f"{ctx.path}.url", f"{url[:200]!r}")]
            )
        body = render_json(action["body"], ctx.data, "body") if "body" in action else self._default_body(ctx)
        headers = {
            name: render_text(value, context, f"headers.{name}") for name, value in action.get("headers", {}).items()
        }
        payload = {"url": url, "method": action.get("method", "POST"), "headers": headers, "body": body}
        if action.get("secret"):
            payload["secret"] = action["secret"]
        key = f"{ctx.run_uid}:{ctx.index}"
        outbox_id = enqueue(ctx.tx, "webhook", payload, key, rule=ctx.rule.key, run_uid=ctx.run_uid)
        return {"url": url, "method": payload["method"], "outbox_id": outbox_id, "idempotency_key": key}

    @staticmethod
    def _default_body(ctx: ActionContext) -> dict[str, Any]:
        return {
            "rule": ctx.rule.key,
            "trigger": ctx.trigger.type,
            "entity": ctx.trigger.entity,
            "record": ctx.trigger.record,
            "old": ctx.trigger.old,
            "payload": ctx.trigger.payload,
            "at": ctx.data["$now"],
        }
