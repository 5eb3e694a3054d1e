"""The shipped templates from a fresh instance: they install (and plan) cleanly, installing
again is a no-op, and the customer portal shows a customer only its own company's work."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import Api
from loomworks.runtime import Runtime
from templates.shipped import APPS, Apps, build_apps, install_apps

CRM_FIELDS = {
    "company": {"name", "industry", "tags", "size", "annual_revenue", "website", "owner", "vip_tier", "risk_level"},
    "contact": {"name", "email", "phone", "title", "company"},
    "lead": {"name", "company_name", "email", "phone", "status", "source", "owner"},
    "deal": {
        "name",
        "company",
        "contact",
        "stage",
        "probability",
        "amount",
        "expected_close",
        "closed_date",
        "lost_reason",
        "owner",
    },
    "contract": {"number", "deal", "company", "amount", "status", "signed_date", "start_date", "end_date", "owner"},
    "activity": {"type", "subject", "due_at", "status", "assignee", "company", "contact", "deal"},
    "ticket": {
        "number",
        "subject",
        "description",
        "company",
        "contact",
        "status",
        "priority",
        "first_response_due",
        "resolved_at",
        "assignee",
    },
    "project": {
        "name",
        "code",
        "status",
        "manager",
        "start_date",
        "due_date",
        "completed_date",
        "progress",
        "budget",
        "actual_cost",
        "customer",
        "contract",
        "amount_collected",
    },
    "milestone": {"project", "name", "due_date", "sequence", "status", "visible_to_customer"},
    "task": {
        "project",
        "milestone",
        "parent",
        "name",
        "status",
        "priority",
        "assignee",
        "start_date",
        "due_date",
        "estimate_hours",
        "spent_hours",
        "visible_to_customer",
    },
    "time_entry": {"task", "project", "user", "date", "hours", "activity", "billable"},
    "nps_response": {"company", "project", "score", "comment"},
}


def test_the_three_templates_plan_and_install_on_a_fresh_instance(api: Api) -> None:
    status, plan = api.post("/api/templates/crm/plan", {})
    assert status == 200 and plan["action"] == "install", plan
    assert {c["key"] for c in plan["creates"] if c["kind"] == "entity"} >= {"company", "deal", "contract", "ticket"}
    status, body = api.post("/api/templates/crm_projects/plan", {})
    assert status == 409 and {d["field"] for d in body["error"]["details"]} == {"requires.crm", "requires.projects"}

    reports = install_apps(api)
    assert [r["action"] for r in reports] == ["install"] * 3
    installed = {item["key"]: item["installed_version"] for item in api.get("/api/templates")[1]["items"]}
    assert installed == {key: "1.0.0" for key in APPS}
    for entity, fields in CRM_FIELDS.items():
        status, body = api.get(f"/api/meta/entities/{entity}")
        assert status == 200, body
        assert fields <= {f["key"] for f in body["fields"]}, (entity, fields - {f["key"] for f in body["fields"]})
    risk = next(f for f in api.get("/api/meta/entities/company")[1]["fields"] if f["key"] == "risk_level")
    assert [c["value"] for c in risk["options"]["choices"]] == ["low", "medium", "high"]
    assert api.post("/api/templates/crm/install", {})[1]["action"] == "none"
    views = {v["key"]: v for v in api.get("/api/views")[1]["items"]}
    assert views["deal_board"]["type"] == "kanban" and views["deal_board"]["group_field"] == "stage"
    assert views["task_gantt"]["dependencies"]["entity"] == "task_dependency"
    assert {d["key"] for d in api.get("/api/dashboards")[1]["items"]} == {"sales", "delivery", "account_health"}


def test_deal_probability_follows_the_stage_and_lead_conversion_makes_company_contact_and_deal(
    api: Api, app: Flask, runtime: Runtime
) -> None:
    apps = build_apps(api, app, runtime)
    rep = apps.person("rep@example.com", ["sales_rep"])
    lead = apps.create(
        "lead",
        {"name": "Wang Wei", "company_name": "Jade Tea", "email": "wang@jade.example", "source": "website"},
        as_=rep,
    )
    status, body = rep.api.post(f"/api/records/lead/{lead['id']}/actions/convert_lead", {})
    assert status == 200, body
    lead = apps.get("lead", lead["id"])
    assert lead["status"] == "converted"
    deal = apps.get("deal", lead["converted_deal"])
    company = apps.get("company", deal["company"])
    contact = apps.get("contact", deal["contact"])
    assert company["name"] == "Jade Tea" and contact["email"] == "wang@jade.example"
    assert contact["company"] == company["id"] and deal["owner"] == rep.id
    assert deal["stage"] == "qualification" and deal["probability"] == 10
    assert apps.take(rep, "deal", deal["id"], "analyse_needs")[0] == 200
    status, body = apps.take(
        rep, "deal", deal["id"], "send_proposal", fields={"amount": 50000, "expected_close": "2026-06-30"}
    )
    assert status == 200, body
    assert apps.get("deal", deal["id"])["probability"] == 50
    assert apps.take(rep, "deal", deal["id"], "win", fields={"amount": 48000})[0] == 200
    assert apps.get("deal", deal["id"])["probability"] == 100
    status, body = rep.api.post(f"/api/records/lead/{lead['id']}/actions/convert_lead", {})
    assert status in (409, 422), body  # a converted lead is not converted twice


def test_a_sales_rep_sees_only_their_own_deals(api: Api, app: Flask, runtime: Runtime) -> None:
    apps = build_apps(api, app, runtime)
    mine, theirs = apps.person("a@example.com", ["sales_rep"]), apps.person("b@example.com", ["sales_rep"])
    manager = apps.person("m@example.com", ["sales_manager"])
    apps.create("deal", {"name": "Mine", "amount": 10}, as_=mine)
    apps.create("deal", {"name": "Theirs", "amount": 20}, as_=theirs)
    assert [d["name"] for d in apps.list("deal", as_=mine)] == ["Mine"]
    assert sorted(d["name"] for d in apps.list("deal", as_=manager)) == ["Mine", "Theirs"]
    figures = {w["key"]: w for w in mine.api.get("/api/dashboards/sales")[1]["widgets"]}
    assert figures["open_pipeline"]["value"] == 10


@pytest.fixture
def portal(api: Api, app: Flask, runtime: Runtime) -> dict[str, Any]:
    apps = build_apps(api, app, runtime)
    ours = apps.create("company", {"name": "Harbor Foods", "annual_revenue": 5000000})
    other = apps.create("company", {"name": "Corner Shop"})
    projects = {}
    for company in (ours, other):
        project = apps.create(
            "project", {"name": f"{company['name']} rollout", "customer": company["id"], "budget": 90000}
        )
        apps.create("milestone", {"project": project["id"], "name": "Go-live", "visible_to_customer": True})
        apps.create(
            "task",
            {
                "project": project["id"],
                "name": "Shared task",
                "visible_to_customer": True,
                "estimate_hours": 8,
                "status": "done",
            },
        )
        apps.create("task", {"project": project["id"], "name": "Internal task"})
        apps.create("document", {"project": project["id"], "name": "Plan", "visible_to_customer": True})
        apps.create("document", {"project": project["id"], "name": "Margins"})
        apps.create("ticket", {"subject": f"{company['name']} question", "company": company["id"]})
        projects[company["name"]] = project
    customer = apps.person("li.na@harbor.example", ["customer"], link={"entity": "company", "id": ours["id"]})
    return {"apps": apps, "customer": customer, "ours": ours, "other": other, "projects": projects}


def test_a_portal_customer_sees_only_its_own_company_and_what_is_shared(portal: dict[str, Any]) -> None:
    apps: Apps = portal["apps"]
    customer = portal["customer"]
    (project,) = apps.list("project", as_=customer)
    assert project["name"] == "Harbor Foods rollout" and "budget" not in project
    # Progress is disclosed (over both tasks, though only one is shared); hours spent are not.
    assert project["progress"] == 50 and "hours_spent" not in project
    assert [m["name"] for m in apps.list("milestone", as_=customer)] == ["Go-live"]
    tasks = apps.list("task", as_=customer)
    assert [t["name"] for t in tasks] == ["Shared task"] and "estimate_hours" not in tasks[0]
    assert [d["name"] for d in apps.list("document", as_=customer)] == ["Plan"]
    assert [t["subject"] for t in apps.list("ticket", as_=customer)] == ["Harbor Foods question"]
    (company,) = apps.list("company", as_=customer)
    assert company["name"] == "Harbor Foods" and "annual_revenue" not in company
    other_project = portal["projects"]["Corner Shop"]
    assert customer.api.get(f"/api/records/project/{other_project['id']}")[0] == 404
    assert customer.api.get(f"/api/records/company/{portal['other']['id']}")[0] == 404
    figures = customer.api.get("/api/dashboards/delivery")
    assert figures[0] == 200 and {w["key"]: w for w in figures[1]["widgets"]}["active_projects"]["value"] == 1
    assert customer.api.get("/api/records/deal")[0] == 403


def test_a_portal_customer_opens_tickets_for_its_own_company_only(portal: dict[str, Any]) -> None:
    apps: Apps = portal["apps"]
    customer = portal["customer"]
    ticket = apps.create("ticket", {"subject": "Login fails", "company": portal["ours"]["id"]}, as_=customer)
    assert ticket["status"] == "open" and ticket["number"].startswith("TK-")
    status, _ = customer.api.post("/api/records/ticket", {"subject": "Sneaky", "company": portal["other"]["id"]})
    assert status in (403, 422)
    assert not [t for t in apps.list("ticket") if t["subject"] == "Sneaky"]


def test_each_person_gets_the_apps_and_entities_their_role_opens(portal: dict[str, Any]) -> None:
    apps: Apps = portal["apps"]
    status, body = apps.admin.get("/api/apps")
    assert status == 200, body
    everything = {item["key"]: item for item in body["items"]}
    assert list(everything) == ["crm", "projects", "crm_projects"]
    crm = everything["crm"]
    assert crm["title"] == {"en": "CRM", "zh-CN": "客户关系管理"} and crm["version"] == "1.0.0"
    deal = next(e for e in crm["entities"] if e["key"] == "deal")
    assert deal["default_view"] == "deals" and deal["label"]["zh-CN"] == "商机"
    assert deal["form"] == "deal_form"  # its records open in the template's form
    company = next(e for e in crm["entities"] if e["key"] == "company")
    assert company["form"] == "company"  # no form defined: the generated one
    assert {"deal_board", "deal_close_calendar"} <= {v["key"] for v in crm["views"]}
    assert [d["key"] for d in crm["dashboards"]] == ["sales"]

    rep = apps.person("rep@example.com", ["sales_rep"])
    theirs = {item["key"]: item for item in rep.api.get("/api/apps")[1]["items"]}
    assert "lead" in {e["key"] for e in theirs["crm"]["entities"]}
    assert {e["key"] for e in theirs["projects"]["entities"]} == {"project", "milestone"}  # read, by the bridge

    customer = portal["customer"]
    seen = {item["key"]: {e["key"] for e in item["entities"]} for item in customer.api.get("/api/apps")[1]["items"]}
    assert seen == {
        "crm": {"company", "ticket"},
        "projects": {"project", "milestone", "task", "document"},
        "crm_projects": {"nps_response"},
    }
    assert portal["apps"].admin.client.get("/api/apps").status_code == 401  # no credentials, no apps
