"""A small CRM-and-delivery world for automation tests, built through the API.

company ← deal, company ← contract, company ← project ← milestone / task. Projects roll up
their tasks' progress (``progress`` = average ``percent_done``) and companies count their
projects, so rollup-driven rules ("progress reaches 80%") can be tested. Roles:
``sales_rep`` (own deals; contracts; no project rights) and ``project_manager``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from api_client import Api
from loomworks.auth import users
from loomworks.runtime import Runtime


def label(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh} if zh else {"en": en}


def select(key: str, values: list[str], **extra: Any) -> dict[str, Any]:
    choices = [{"value": v, "label": label(v.replace("_", " ").title())} for v in values]
    return {"key": key, "type": "select", "label": label(key.title()), "options": {"choices": choices}, **extra}


def f(key: str, type_: str = "text", **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": label(key.replace("_", " ").title()), **extra}


def rel(key: str, target: str, **options: Any) -> dict[str, Any]:
    return f(key, "relation", options={"target": target, **options})


ENTITIES: list[dict[str, Any]] = [
    {
        "key": "company",
        "label": label("Company", "公司"),
        "title_field": "name",
        "fields": [f("name", required=True), select("risk_level", ["low", "medium", "high"]), f("vip", "boolean")],
    },
    {
        "key": "deal",
        "label": label("Deal", "商机"),
        "title_field": "name",
        "fields": [
            f("name", required=True),
            rel("company", "company"),
            select("stage", ["new", "qualified", "won", "lost"]),
            f("amount", "currency"),
            select("priority", ["low", "normal", "high"]),
            f("assignee", "user"),
            f("note"),
            f("touches", "integer"),
        ],
    },
    {
        "key": "contract",
        "label": label("Contract", "合同"),
        "title_field": "number",
        "fields": [
            f("number", required=True),
            rel("company", "company"),
            f("amount", "currency"),
            select("status", ["draft", "signed", "cancelled"]),
            f("start_date", "date"),
        ],
    },
    {
        "key": "project",
        "label": label("Project", "项目"),
        "title_field": "name",
        "fields": [
            f("name", required=True),
            rel("customer", "company"),
            rel("contract", "contract"),
            f("manager", "user"),
            f("start_date", "date"),
            select("status", ["planning", "in_progress", "completed"]),
            f("flag"),
        ],
    },
    {
        "key": "milestone",
        "label": label("Milestone", "里程碑"),
        "title_field": "name",
        "fields": [
            rel("project", "project"),
            f("name", required=True),
            f("due_date", "date"),
            f("sequence", "integer"),
        ],
    },
    {
        "key": "task",
        "label": label("Task", "任务"),
        "title_field": "name",
        "fields": [
            rel("project", "project"),
            f("name", required=True),
            select("status", ["todo", "done"]),
            f("due_date", "date"),
            f("due_at", "datetime"),
            f("assignee", "user"),
            f("percent_done", "integer"),
        ],
    },
]

ROLLUPS = [
    (
        "project",
        f(
            "progress",
            "rollup",
            options={"entity": "task", "via": "project", "aggregate": "avg", "field": "percent_done"},
        ),
    ),
    ("company", f("project_count", "rollup", options={"entity": "project", "via": "customer", "aggregate": "count"})),
]

ROLES = [
    {
        "key": "sales_rep",
        "label": label("Sales rep", "销售代表"),
        "grants": [
            {
                "entity": "deal",
                "actions": ["read", "create", "update"],
                "scope": {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
            },
            {"entity": "contract", "actions": ["read", "create", "update"]},
            {"entity": "company", "actions": ["read"]},
        ],
    },
    {
        "key": "project_manager",
        "label": label("Project manager", "项目经理"),
        "grants": [{"entity": e, "actions": ["read", "create", "update"]} for e in ("project", "milestone", "task")],
    },
]


@dataclass
class World:
    api: Api
    app: Flask
    runtime: Runtime
    ids: dict[str, Any] = field(default_factory=dict)

    def create(self, entity: str, body: dict[str, Any], as_: Api | None = None) -> dict[str, Any]:
        status, record = (as_ or self.api).post(f"/api/records/{entity}", body)
        assert status == 201, record
        return dict(record)

    def get(self, entity: str, record_id: Any) -> dict[str, Any]:
        status, record = self.api.get(f"/api/records/{entity}/{record_id}")
        assert status == 200, record
        return dict(record)

    def patch(self, entity: str, record_id: Any, body: dict[str, Any], as_: Api | None = None) -> tuple[int, Any]:
        return (as_ or self.api).patch(f"/api/records/{entity}/{record_id}", body)

    def list(self, entity: str, where: Any = None) -> list[dict[str, Any]]:
        import json
        from urllib.parse import quote

        query = f"?limit=500&where={quote(json.dumps(where))}" if where is not None else "?limit=500"
        status, page = self.api.get(f"/api/records/{entity}{query}")
        assert status == 200, page
        return list(page["items"])

    def rule(self, doc: dict[str, Any]) -> dict[str, Any]:
        status, body = self.api.post("/api/meta/rules", {"label": label(doc["key"]), **doc})
        assert status == 201, body
        return dict(body)

    def runs(self, **filters: Any) -> list[dict[str, Any]]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        status, body = self.api.get(f"/api/automation/runs?limit=200&{query}")
        assert status == 200, body
        return list(body["items"])


def build_world(api: Api, app: Flask, runtime: Runtime) -> World:
    for entity in ENTITIES:
        status, body = api.post("/api/meta/entities", entity)
        assert status == 201, body
    for entity, rollup in ROLLUPS:
        status, body = api.post(f"/api/meta/entities/{entity}/fields", rollup)
        assert status == 201, body
    for role in ROLES:
        status, body = api.post("/api/meta/roles", role)
        assert status == 201, body
    return World(api, app, runtime)


def user_api(app: Flask, runtime: Runtime, email: str, roles: list[str], **extra: Any) -> tuple[Api, dict[str, Any]]:
    """A user with the given roles and a bearer-token client acting as them."""
    with runtime.engine.begin() as conn:
        extra.setdefault("name", email.split("@")[0].title())
        row = users.create_user(conn, email, "long enough password", roles=roles, **extra)
        token = users.create_token(conn, row["id"], "tests")["token"]
    return Api(app.test_client(), {"Authorization": f"Bearer {token}"}), row
