"""The crm_projects bridge end to end through the API, each rule proven by what people see:
a signed contract opens a project, 80% progress reaches the account owner, a completed
project mails the survey, a low score raises the customer's risk, overdue tasks and the daily
digest reach their people, and a VIP customer's overloaded assignee is flagged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask

from api_client import Api
from loomworks.automation import scheduler
from loomworks.runtime import Runtime
from templates.shipped import Apps, Person, build_apps

MILESTONES = ["Requirements / 需求确认", "Development / 开发", "Testing / 测试", "Go-live / 上线"]


@pytest.fixture
def apps(api: Api, app: Flask, runtime: Runtime) -> Apps:
    return build_apps(api, app, runtime)


def signed_contract(apps: Apps, rep: Person, manager: Person, company: dict[str, Any], **values: Any) -> dict[str, Any]:
    """The contract review as people do it: the rep submits and signs, a sales manager approves."""
    contract = apps.create("contract", {"company": company["id"], "owner": rep.id, **values}, as_=rep)
    status, body = apps.take(
        rep, "contract", contract["id"], "submit", fields={"amount": 120000, "start_date": "2026-03-02"}
    )
    assert status == 200, body
    status, body = apps.take(rep, "contract", contract["id"], "sign", fields={"signed_date": "2026-03-01"})
    assert status == 202, body
    status, body = manager.api.post(f"/api/approvals/{body['approval']['id']}", {"decision": "approve"})
    assert status == 200, body
    contract = apps.get("contract", contract["id"])
    assert contract["status"] == "signed"
    return contract


def test_a_signed_contract_opens_the_delivery_project_and_tells_its_people(apps: Apps) -> None:
    rep = apps.person("rep@example.com", ["sales_rep"])
    manager = apps.person("boss@example.com", ["sales_manager"])
    pm = apps.person("pm@example.com", ["project_manager"], locale="zh-CN")
    company = apps.create("company", {"name": "Harbor Foods", "vip_tier": "gold"})
    contact = apps.create("contact", {"name": "Li Na", "email": "li.na@harbor.example", "company": company["id"]})
    contract = signed_contract(apps, rep, manager, company, contact=contact["id"])
    assert re.fullmatch(r"HT-\d{4}-0001", contract["number"])

    (project,) = apps.list("project")
    assert project["customer"] == company["id"] and project["contract"] == contract["id"]
    assert project["customer_contact"] == contact["id"] and project["sales_owner"] == rep.id
    assert project["start_date"] == "2026-03-02" and project["due_date"] == "2026-05-31"
    assert project["manager"] == pm.id  # the only project manager, so the least loaded
    assert project["status"] == "planning"
    milestones = sorted(apps.list("milestone"), key=lambda m: m["sequence"])
    assert [(m["name"], m["due_date"]) for m in milestones] == [
        (MILESTONES[0], "2026-03-16"),
        (MILESTONES[1], "2026-04-16"),
        (MILESTONES[2], "2026-05-16"),
        (MILESTONES[3], "2026-05-31"),
    ]
    assert all(m["visible_to_customer"] for m in milestones)
    # A starter plan of five tasks, spread over the project, so progress moves from day one.
    plan = sorted(apps.list("task"), key=lambda t: t["start_date"])
    assert [(t["start_date"], t["due_date"]) for t in plan] == [
        ("2026-03-02", "2026-03-12"),
        ("2026-03-12", "2026-03-22"),
        ("2026-03-22", "2026-04-16"),
        ("2026-04-16", "2026-05-16"),
        ("2026-05-16", "2026-05-31"),
    ]
    assert all(t["project"] == project["id"] and t["status"] == "todo" for t in plan)
    assert apps.get("project", project["id"])["progress"] == 0
    (told_rep,) = [n for n in apps.inbox(rep) if "Delivery project opened" in n["title"]]
    assert told_rep["link"] == {"entity": "project", "id": project["id"]}
    assert any(n["title"] == f"您负责项目：{project['name']}" for n in apps.inbox(pm))
    assert apps.get("company", company["id"])["project_count"] == 1
    # The sales rep sees the project (without its budget); the manager of sales sees it too.
    seen = rep.api.get(f"/api/records/project/{project['id']}")[1]
    assert seen["name"] == project["name"] and "budget" not in seen


def test_progress_reaching_80_percent_tells_the_account_owner_and_gives_them_a_task(apps: Apps) -> None:
    rep = apps.person("rep@example.com", ["sales_rep"])
    pm = apps.person("pm@example.com", ["project_manager"])
    company = apps.create("company", {"name": "Harbor Foods"})
    project = apps.create("project", {"name": "Rollout", "customer": company["id"], "sales_owner": rep.id}, as_=pm)
    tasks = [apps.create("task", {"project": project["id"], "name": f"Step {n}"}, as_=pm) for n in range(5)]
    for task in tasks[:3]:
        apps.patch("task", task["id"], {"status": "done"}, as_=pm)
    assert apps.get("project", project["id"])["progress"] == 60
    assert not [n for n in apps.inbox(rep) if "done" in n["title"]]
    apps.patch("task", tasks[3]["id"], {"status": "done"}, as_=pm)
    assert apps.get("project", project["id"])["progress"] == 80
    (note,) = [n for n in apps.inbox(rep) if n["title"] == "Rollout is 80% done"]
    assert note["link"] == {"entity": "project", "id": project["id"]}
    (activity,) = apps.list("activity", as_=rep)
    assert activity["assignee"] == rep.id and activity["type"] == "task" and activity["company"] == company["id"]
    assert activity["subject"].endswith("Rollout")
    apps.patch("task", tasks[4]["id"], {"status": "done"}, as_=pm)  # 100%: it does not fire again
    assert len(apps.list("activity", as_=rep)) == 1


def survey_token(email: dict[str, Any]) -> tuple[str, str]:
    link = re.search(r"https?://\S+/public/forms/nps_survey\?prefill=\S+", email["text"])
    assert link is not None, email["text"]
    url = urlparse(link.group(0))
    return url.path.rsplit("/", 1)[1], parse_qs(url.query)["prefill"][0]


def test_a_completed_project_mails_the_survey_and_a_low_score_raises_the_customers_risk(
    apps: Apps, anonymous: Api
) -> None:
    pm = apps.person("pm@example.com", ["project_manager"])
    company = apps.create("company", {"name": "Harbor Foods", "risk_level": "low"})
    contact = apps.create("contact", {"name": "Li Na", "email": "li.na@harbor.example", "company": company["id"]})
    project = apps.create(
        "project",
        {
            "name": "Rollout",
            "customer": company["id"],
            "customer_contact": contact["id"],
            "start_date": "2026-01-05",
            "manager": pm.id,
        },
        as_=pm,
    )
    apps.patch("project", project["id"], {"status": "in_progress"}, as_=pm)
    apps.patch("project", project["id"], {"status": "completed", "completed_date": "2026-03-06"}, as_=pm)
    done = apps.get("project", project["id"])
    assert done["delivery_days"] == 60
    assert apps.get("company", company["id"])["avg_delivery_days"] == 60
    (email,) = [e for e in apps.emails() if e["to"] == "li.na@harbor.example"]
    assert "Rollout" in email["subject"]
    form, token = survey_token(email)

    status, body = anonymous.post(f"/api/forms/{form}/submit", {"values": {"score": 9}})
    assert status == 422 and body["error"]["details"][0]["field"] == "_prefill"  # only from the link
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert anonymous.post(f"/api/forms/{form}/submit", {"values": {"score": 9}, "_prefill": forged})[0] == 422
    status, body = anonymous.post(
        f"/api/forms/{form}/submit", {"values": {"score": 4, "comment": "Late go-live"}, "_prefill": token}
    )
    assert status == 201 and body == {"status": "received"}, body
    (response,) = apps.list("nps_response")
    assert response["company"] == company["id"] and response["project"] == project["id"]
    assert response["category"] == "detractor"
    assert apps.get("company", company["id"])["risk_level"] == "high"
    (review,) = [t for t in apps.list("task") if t["name"].startswith("Review customer feedback")]
    assert review["assignee"] == pm.id and review["project"] == project["id"] and review["priority"] == "high"
    assert any(n["title"] == "A customer scored us 4" for n in apps.inbox(pm))


def test_a_good_score_changes_no_risk(apps: Apps, anonymous: Api) -> None:
    pm = apps.person("pm@example.com", ["project_manager"])
    company = apps.create("company", {"name": "Harbor Foods", "risk_level": "low"})
    contact = apps.create("contact", {"name": "Li Na", "email": "li.na@harbor.example", "company": company["id"]})
    project = apps.create(
        "project", {"name": "Rollout", "customer": company["id"], "customer_contact": contact["id"], "manager": pm.id}
    )
    apps.patch("project", project["id"], {"status": "completed"})
    form, token = survey_token(apps.emails()[0])
    assert anonymous.post(f"/api/forms/{form}/submit", {"values": {"score": 10}, "_prefill": token})[0] == 201
    assert apps.get("company", company["id"])["risk_level"] == "low"
    assert apps.get("company", company["id"])["nps_average"] == 10
    assert not [t for t in apps.list("task") if t["name"].startswith("Review")]


def test_overdue_tasks_and_the_daily_digest_reach_their_people(apps: Apps) -> None:
    pm = apps.person("pm@example.com", ["project_manager"])
    dev = apps.person("dev@example.com", ["team_member"])
    today = datetime.now(UTC)
    project = apps.create("project", {"name": "Rollout", "manager": pm.id, "status": "in_progress"})
    apps.create("project", {"name": "Archived", "manager": pm.id, "status": "cancelled"})
    due = today.date().isoformat()
    late = apps.create("task", {"project": project["id"], "name": "Late one", "assignee": dev.id, "due_date": due})
    finished = apps.create("task", {"project": project["id"], "name": "Done one", "assignee": dev.id, "due_date": due})
    apps.patch("task", finished["id"], {"status": "done"})
    scheduler.tick(apps.runtime, today)
    fired = scheduler.tick(apps.runtime, today + timedelta(days=2, hours=1))
    assert fired >= 2
    assert [n["title"] for n in apps.inbox(dev)] == ["Overdue: Late one"]
    titles = [n["title"] for n in apps.inbox(pm)]
    assert "Overdue: Late one" in titles and "Overdue: Done one" not in titles
    digests = [t for t in titles if t.startswith("Rollout:") or t.startswith("Archived:")]
    assert digests == [
        "Rollout: 50% done"
    ]  # one done task of two; once for the active project, none for the cancelled one
    assert late["id"] != finished["id"]


def test_a_vip_customers_task_given_to_an_overloaded_person_warns_the_manager(apps: Apps) -> None:
    pm = apps.person("pm@example.com", ["project_manager"])
    dev = apps.person("dev@example.com", ["team_member"])
    soon = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    later = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    vip = apps.create("company", {"name": "Harbor Foods", "vip_tier": "gold"})
    plain = apps.create("company", {"name": "Corner Shop"})
    vip_project = apps.create("project", {"name": "VIP rollout", "customer": vip["id"], "manager": pm.id})
    plain_project = apps.create("project", {"name": "Small job", "customer": plain["id"], "manager": pm.id})
    for hours, due in ((30, soon), (15, soon), (80, later)):  # 45 open hours in the next two weeks
        apps.create(
            "task",
            {
                "project": plain_project["id"],
                "name": f"{hours}h",
                "assignee": dev.id,
                "estimate_hours": hours,
                "due_date": due,
            },
        )
    assert not [n for n in apps.inbox(pm) if n["title"].startswith("Resource conflict")]
    apps.create("task", {"project": plain_project["id"], "name": "Not VIP", "assignee": dev.id, "due_date": soon})
    assert not [n for n in apps.inbox(pm) if n["title"].startswith("Resource conflict")]
    apps.create("task", {"project": vip_project["id"], "name": "VIP task", "assignee": dev.id, "due_date": soon})
    (warning,) = [n for n in apps.inbox(pm) if n["title"].startswith("Resource conflict")]
    assert warning["title"] == "Resource conflict on VIP rollout" and "45" in warning["body"]


def test_a_survey_link_gives_the_anonymous_visitor_no_one_elses_authority(apps: Apps, anonymous: Api) -> None:
    pm = apps.person("pm@example.com", ["project_manager"])
    company = apps.create("company", {"name": "Harbor Foods"})
    contact = apps.create("contact", {"name": "Li Na", "email": "li.na@harbor.example", "company": company["id"]})
    project = apps.create(
        "project", {"name": "Rollout", "customer": company["id"], "customer_contact": contact["id"], "manager": pm.id}
    )
    status, body = apps.admin.post(
        "/api/meta/rules",
        {
            "key": "as_the_visitor",
            "label": {"en": "Runs as whoever answered"},
            "trigger": {"type": "record_created", "entity": "nps_response"},
            "on_error": "continue",
            "actions": [{"type": "update_related", "relation": "company", "values": {"vip_tier": "platinum"}}],
        },
    )
    assert status == 201, body
    apps.patch("project", project["id"], {"status": "completed"})
    form, token = survey_token(apps.emails()[0])
    assert anonymous.post(f"/api/forms/{form}/submit", {"values": {"score": 8}, "_prefill": token})[0] == 201
    (run,) = [r for r in apps.admin.get("/api/automation/runs?rule=as_the_visitor")[1]["items"]]
    assert run["status"] == "failed" and "nobody signed in" in run["error"], run
    assert apps.get("company", company["id"])["vip_tier"] == "none"
    (response,) = apps.list("nps_response")
    assert response["_created_by"] is None and response["project"] == project["id"]
