"""The workflow world: the automation world (contracts, companies, projects) with a contract
review workflow, and the people of a contract approval: a sales rep who asks, two sales
managers who approve, their director, legal (copied in), and an outsider."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask import Flask

from api_client import Api
from automation_world import World, build_world, label, user_api
from loomworks.runtime import Runtime

READ_CONTRACTS = [{"entity": "contract", "actions": ["read"]}, {"entity": "company", "actions": ["read"]}]
EXTRA_ROLES = [
    {"key": "sales_manager", "label": label("Sales manager", "销售经理"), "grants": READ_CONTRACTS},
    {"key": "director", "label": label("Director", "总监"), "grants": READ_CONTRACTS},
    {"key": "legal", "label": label("Legal", "法务"), "grants": READ_CONTRACTS},
]
STATES = [
    {"key": "draft", "label": label("Draft", "草稿"), "category": "open", "color": "#999999"},
    {"key": "in_review", "label": label("In review", "审核中"), "category": "in_progress", "color": "#1677ff"},
    {"key": "signed", "label": label("Signed", "已签署"), "category": "done", "color": "#52c41a"},
    {"key": "cancelled", "label": label("Cancelled", "已取消"), "category": "cancelled"},
]


def review_workflow(approval: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """Draft → in review (the rep, with an amount) → signed (approved by both sales managers)."""
    approval = approval or {
        "mode": "all",
        "steps": [{"key": "managers", "approvers": [{"role": "sales_manager"}]}],
        "cc": [{"role": "legal"}],
        "on_reject": "draft",
    }
    return {
        "key": "contract_review",
        "label": label("Contract review", "合同审核"),
        "entity": "contract",
        "field": "status",
        "initial": "draft",
        "states": copy.deepcopy(STATES),
        "transitions": [
            {
                "key": "submit",
                "label": label("Submit for review", "提交审核"),
                "from": "draft",
                "to": "in_review",
                "roles": ["sales_rep"],
                "fields": ["amount"],
                "guard": {">": [{"var": "amount"}, 0]},
            },
            {
                "key": "sign",
                "label": label("Sign", "签署"),
                "from": ["in_review"],
                "to": "signed",
                "roles": ["sales_rep"],
                "approval": approval,
            },
            {
                "key": "cancel",
                "label": label("Cancel", "取消"),
                "from": "*",
                "to": "cancelled",
                "roles": ["sales_rep", "sales_manager"],
                "comment": "required",
            },
        ],
        **extra,
    }


@dataclass
class People:
    world: World
    rep: Api
    rep_id: int
    mgr1: Api
    mgr1_id: int
    mgr2: Api
    mgr2_id: int
    director: Api
    director_id: int
    legal: Api
    legal_id: int
    outsider: Api
    outsider_id: int
    admin_id: int

    @property
    def api(self) -> Api:
        return self.world.api

    def workflow(self, doc: dict[str, Any]) -> dict[str, Any]:
        status, body = self.api.post("/api/meta/workflows", doc)
        assert status == 201, body
        return dict(body)

    def contract(self, **values: Any) -> dict[str, Any]:
        return self.world.create("contract", {"number": "C-1", **values}, as_=self.rep)

    def take(self, who: Api, contract: dict[str, Any], transition: str, body: Any = None) -> tuple[int, Any]:
        return who.post(f"/api/records/contract/{contract['id']}/transitions/{transition}", body or {})

    def decide(self, who: Api, approval_id: int, decision: str, **body: Any) -> tuple[int, Any]:
        return who.post(f"/api/approvals/{approval_id}", {"decision": decision, **body})

    def state(self, contract: dict[str, Any]) -> str:
        return str(self.world.get("contract", contract["id"])["status"])

    def history(self, contract: dict[str, Any]) -> list[dict[str, Any]]:
        status, body = self.api.get(f"/api/records/contract/{contract['id']}/workflow")
        assert status == 200, body
        return list(body["items"])

    def inbox(self, who: Api) -> list[dict[str, Any]]:
        status, body = who.get("/api/notifications")
        assert status == 200, body
        return list(body["items"])


def build_people(api: Api, app: Flask, runtime: Runtime, admin_user: dict[str, Any]) -> People:
    """The world with the contract approval's people in it (mgr2 reports to the director)."""
    world = build_world(api, app, runtime)
    for role in EXTRA_ROLES:
        status, body = api.post("/api/meta/roles", role)
        assert status == 201, body
    rep, rep_row = user_api(app, runtime, "rep@example.com", ["sales_rep"])
    director, director_row = user_api(app, runtime, "director@example.com", ["director"], locale="zh-CN")
    mgr1, mgr1_row = user_api(app, runtime, "mgr1@example.com", ["sales_manager"])
    mgr2, mgr2_row = user_api(app, runtime, "mgr2@example.com", ["sales_manager"])
    legal, legal_row = user_api(app, runtime, "legal@example.com", ["legal"])
    outsider, outsider_row = user_api(app, runtime, "outsider@example.com", ["member"])
    status, body = api.patch(f"/api/users/{mgr2_row['id']}", {"manager": director_row["id"]})
    assert status == 200 and body["manager"] == director_row["id"], body
    return People(
        world,
        rep,
        rep_row["id"],
        mgr1,
        mgr1_row["id"],
        mgr2,
        mgr2_row["id"],
        director,
        director_row["id"],
        legal,
        legal_row["id"],
        outsider,
        outsider_row["id"],
        admin_user["id"],
    )
