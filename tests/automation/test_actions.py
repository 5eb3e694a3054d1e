"""Each action type through the API: what it writes, as whom, and what the next action sees."""

from __future__ import annotations

from typing import Any

from automation_world import World, label, user_api

MILESTONES = [
    ("Requirements", "需求确认", 0),
    ("Development", "开发", 30),
    ("Testing", "测试", 60),
    ("Go-live", "上线", 75),
]

OPEN_PROJECT: dict[str, Any] = {
    "key": "open_project",
    "label": label("Signed contract opens a project", "合同签订后创建项目"),
    # The rule's own user: it may create projects and milestones, and must read what they point at.
    "run_as": {
        "type": "system",
        "grants": [
            {"entity": "project", "actions": ["read", "create"]},
            {"entity": "milestone", "actions": ["create"]},
            {"entity": "company", "actions": ["read"]},
            {"entity": "contract", "actions": ["read"]},
        ],
    },
    "trigger": {"type": "field_changed", "entity": "contract", "field": "status", "to": "signed"},
    "actions": [
        {
            "type": "create_record",
            "name": "project",
            "entity": "project",
            "values": {
                "name": {"cat": ["Delivery ", {"var": "number"}]},
                "customer": {"var": "company"},
                "contract": {"var": "id"},
                "start_date": {"var": "start_date"},
                "status": "planning",
            },
            "children": [
                {
                    "entity": "milestone",
                    "via": "project",
                    "rows": [
                        {
                            "name": name,
                            "sequence": index + 1,
                            "due_date": {"date_add": [{"var": "$created.start_date"}, days, "days"]},
                        }
                        for index, (name, _zh, days) in enumerate(MILESTONES)
                    ],
                }
            ],
        },
        {
            "type": "notify",
            "to": {"fields": ["_owner"], "roles": ["project_manager"]},
            "link": "project",
            "title": label("Project for {{ number }} opened", "合同 {{ number }} 的项目已创建"),
            "body": label(
                "{{ titles.company }}: starts {{ start_date }}", "{{ titles.company }}：{{ start_date }} 开始"
            ),
        },
    ],
}


def test_a_signed_contract_opens_a_project_with_milestones_and_tells_the_people(world: World) -> None:
    rep_api, rep = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    pm_api, pm = user_api(world.app, world.runtime, "pm@example.com", ["project_manager"], locale="zh-CN")
    world.rule(OPEN_PROJECT)
    company = world.create("company", {"name": "Harbor Foods"})
    contract = world.create(
        "contract", {"number": "C-7", "company": company["id"], "status": "draft", "start_date": "2026-03-02"}, rep_api
    )
    status, body = world.patch("contract", contract["id"], {"status": "signed"}, rep_api)
    assert status == 200, body

    projects = world.list("project")
    assert len(projects) == 1
    project = projects[0]
    assert project["name"] == "Delivery C-7" and project["customer"] == company["id"]
    assert project["contract"] == contract["id"] and project["_created_by"] is None  # made by the rule itself
    milestones = sorted(world.list("milestone"), key=lambda m: m["sequence"])
    assert [(m["name"], m["due_date"]) for m in milestones] == [
        ("Requirements", "2026-03-02"),
        ("Development", "2026-04-01"),
        ("Testing", "2026-05-01"),
        ("Go-live", "2026-05-16"),
    ]
    assert {m["project"] for m in milestones} == {project["id"]}
    # The rep may not read projects: the rule acted on its own stated grants, not the rep's.
    assert rep_api.get(f"/api/records/project/{project['id']}")[0] == 403

    rep_inbox = rep_api.get("/api/notifications")[1]
    assert rep_inbox["unread"] == 1
    assert rep_inbox["items"][0]["title"] == "Project for C-7 opened"
    assert rep_inbox["items"][0]["body"] == "Harbor Foods: starts 2026-03-02"
    assert rep_inbox["items"][0]["link"] == {"entity": "project", "id": project["id"]}
    pm_inbox = pm_api.get("/api/notifications")[1]
    assert pm_inbox["items"][0]["title"] == "合同 C-7 的项目已创建"  # in the recipient's language
    assert pm["id"] != rep["id"]


def test_update_related_through_a_relation_and_back(world: World) -> None:
    world.rule(
        {
            "key": "close_tasks",
            "trigger": {"type": "field_changed", "entity": "project", "field": "status", "to": "completed"},
            "actions": [
                {
                    "type": "update_related",
                    "relation": "task.project",
                    "where": {"!=": [{"var": "status"}, "done"]},
                    "values": {
                        "status": "done",
                        "name": {"cat": [{"var": "$target.name"}, " (closed with ", {"var": "name"}, ")"]},
                    },
                },
                {"type": "update_related", "relation": "customer", "values": {"risk_level": "low"}},
            ],
        }
    )
    company = world.create("company", {"name": "Acme", "risk_level": "high"})
    project = world.create("project", {"name": "P1", "customer": company["id"]})
    other = world.create("project", {"name": "P2"})
    open_task = world.create("task", {"name": "Open", "project": project["id"], "status": "todo"})
    done_task = world.create("task", {"name": "Done", "project": project["id"], "status": "done"})
    elsewhere = world.create("task", {"name": "Elsewhere", "project": other["id"], "status": "todo"})

    world.patch("project", project["id"], {"status": "completed"})
    assert world.get("task", open_task["id"])["name"] == "Open (closed with P1)"
    assert world.get("task", open_task["id"])["status"] == "done"
    assert world.get("task", done_task["id"])["name"] == "Done"  # not matched by where
    assert world.get("task", elsewhere["id"])["status"] == "todo"  # another project's
    assert world.get("company", company["id"])["risk_level"] == "low"


def test_assign_round_robin_and_least_loaded(world: World) -> None:
    reps = [user_api(world.app, world.runtime, f"rep{i}@example.com", ["sales_rep"])[1]["id"] for i in range(3)]
    world.rule(
        {
            "key": "deal_round_robin",
            "trigger": {"type": "record_created", "entity": "deal"},
            "condition": {"==": [{"var": "priority"}, "normal"]},
            "actions": [
                {"type": "assign", "field": "assignee", "strategy": "round_robin", "pool": {"roles": ["sales_rep"]}}
            ],
        }
    )
    turns = [world.create("deal", {"name": f"RR{i}", "priority": "normal"})["assignee"] for i in range(4)]
    assert turns == [reps[0], reps[1], reps[2], reps[0]]

    world.rule(
        {
            "key": "deal_least_loaded",
            "trigger": {"type": "record_created", "entity": "deal"},
            "condition": {"==": [{"var": "priority"}, "high"]},
            "actions": [
                {
                    "type": "assign",
                    "field": "assignee",
                    "strategy": "least_loaded",
                    "pool": {"users": reps},
                    "load_where": {"!=": [{"var": "stage"}, "lost"]},
                }
            ],
        }
    )
    # Open loads now: rep0 2, rep1 1, rep2 1. Losing rep1's deal leaves rep1 with none open.
    rep1_deal = next(d for d in world.list("deal") if d["assignee"] == reps[1])
    world.patch("deal", rep1_deal["id"], {"stage": "lost"})
    assert world.create("deal", {"name": "H1", "priority": "high"})["assignee"] == reps[1]
    assert world.create("deal", {"name": "H2", "priority": "high"})["assignee"] in (reps[1], reps[2])
    kept = world.create("deal", {"name": "Mine", "priority": "high", "assignee": reps[0]})
    assert kept["assignee"] == reps[0]  # an assignee already there is kept


def test_recompute_brings_rollups_back_in_line(world: World) -> None:
    world.rule(
        {
            "key": "recount",
            "trigger": {"type": "manual", "entity": "company"},
            "actions": [{"type": "recompute", "fields": ["project_count"]}],
        }
    )
    company = world.create("company", {"name": "Acme"})
    world.create("project", {"name": "P", "customer": company["id"]})
    with world.runtime.engine.begin() as conn:  # drift, as after a restore from an old backup
        conn.exec_driver_sql("UPDATE e_company SET project_count = 42")
    assert world.get("company", company["id"])["project_count"] == 42
    status, body = world.api.post(f"/api/records/company/{company['id']}/actions/recount")
    assert status == 200, body
    assert body["record"]["project_count"] == 1


def test_a_webhook_action_writes_one_outbox_entry_with_the_rendered_request(world: World) -> None:
    world.rule(
        {
            "key": "tell_erp",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "stage", "to": "won"},
            "actions": [
                {
                    "type": "webhook",
                    "url": "https://erp.example.com/deals/{{ id }}",
                    "method": "PUT",
                    "headers": {"X-Deal": "{{ name }}"},
                    "body": {
                        "deal": {"var": "name"},
                        "amount": {"var": "amount"},
                        "was": "{{ old.stage }}",
                        "fixed": [1, 2],
                    },
                    "secret": "a-shared-secret-of-length",
                }
            ],
        }
    )
    deal = world.create("deal", {"name": "Big", "stage": "new", "amount": 99})
    world.patch("deal", deal["id"], {"stage": "won"})
    status, page = world.api.get("/api/outbox?status=pending")
    assert status == 200 and len(page["items"]) == 1
    entry = page["items"][0]
    assert entry["kind"] == "webhook" and entry["rule"] == "tell_erp"
    payload = entry["payload"]
    assert payload["url"] == f"https://erp.example.com/deals/{deal['id']}" and payload["method"] == "PUT"
    assert payload["headers"] == {"X-Deal": "Big"}
    assert payload["body"] == {"deal": "Big", "amount": 99, "was": "new", "fixed": [1, 2]}
    assert payload["secret"] == "[redacted]"  # admins see deliveries, not shared secrets
    run = world.runs(rule="tell_erp")[0]
    assert run["actions"][0]["result"]["idempotency_key"] == entry["idempotency_key"]
