"""Two versions of a small sales app, for install and upgrade tests.

v1: ``account`` ⇄ ``opportunity`` (a relation one way, a rollup the other, so the entities
cannot be created one after the other), a role, a form, two rules. v2 changes labels and
options, adds a field and a rule, and no longer brings the ``welcome`` rule or the form.
"""

from __future__ import annotations

import copy
from typing import Any

from automation_world import label


def _choices(*values: str) -> dict[str, Any]:
    return {"choices": [{"value": v, "label": label(v.title(), v)} for v in values]}


ACCOUNT = {
    "key": "account",
    "label": label("Account", "客户"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": label("Name", "名称"), "required": True},
        {"key": "tier", "type": "select", "label": label("Tier", "等级"), "options": _choices("gold", "silver")},
        {
            "key": "pipeline",
            "type": "rollup",
            "label": label("Pipeline", "管道金额"),
            "options": {"entity": "opportunity", "via": "account", "aggregate": "sum", "field": "amount"},
        },
    ],
}
OPPORTUNITY = {
    "key": "opportunity",
    "label": label("Opportunity", "机会"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": label("Name", "名称"), "required": True},
        {"key": "account", "type": "relation", "label": label("Account", "客户"), "options": {"target": "account"}},
        {"key": "amount", "type": "currency", "label": label("Amount", "金额")},
        {"key": "stage", "type": "select", "label": label("Stage", "阶段"), "options": _choices("open", "won")},
    ],
}
SELLER = {
    "key": "seller",
    "label": label("Seller", "销售"),
    "grants": [
        {"entity": "account", "actions": ["read"]},
        {"entity": "opportunity", "actions": ["read", "create", "update"]},
    ],
}
FORM = {
    "key": "quick_opportunity",
    "label": label("Quick opportunity", "快速机会"),
    "entity": "opportunity",
    "fields": ["name", "amount"],
}
WON_RULE = {
    "key": "tell_on_win",
    "label": label("Tell the seller about a win", "赢单通知"),
    "trigger": {"type": "field_changed", "entity": "opportunity", "field": "stage", "to": "won"},
    "actions": [{"type": "notify", "to": {"fields": ["_owner"]}, "title": label("Won {{ name }}", "赢单 {{ name }}")}],
}
WELCOME_RULE = {
    "key": "welcome",
    "label": label("Welcome a new account", "欢迎新客户"),
    "trigger": {"type": "record_created", "entity": "account"},
    "actions": [
        {"type": "notify", "to": {"fields": ["_owner"]}, "title": label("New {{ name }}", "新客户 {{ name }}")}
    ],
}


def v1() -> dict[str, Any]:
    return {
        "entities/account.json": ACCOUNT,
        "entities/opportunity.json": OPPORTUNITY,
        "roles/seller.json": SELLER,
        "forms/quick_opportunity.json": FORM,
        "rules/tell_on_win.json": WON_RULE,
        "rules/welcome.json": WELCOME_RULE,
    }


def v2() -> dict[str, Any]:
    docs = copy.deepcopy(v1())
    account = docs["entities/account.json"]
    account["label"] = label("Customer account", "客户账户")
    account["fields"][1]["options"] = _choices("gold", "silver", "bronze")
    account["fields"].insert(1, {"key": "website", "type": "url", "label": label("Website", "网站")})
    opportunity = docs["entities/opportunity.json"]
    opportunity["fields"][2]["label"] = label("Value", "价值")
    opportunity["fields"][3]["options"] = _choices("open", "won", "lost")
    docs["rules/tell_on_win.json"]["label"] = label("Celebrate a win", "庆祝赢单")
    del docs["rules/welcome.json"], docs["forms/quick_opportunity.json"]
    return docs
