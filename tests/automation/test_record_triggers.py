"""Record triggers: created, updated, deleted, field changed (from → to), through every write
path (API, bulk, rule actions, rollup refreshes), with conditions over ``$old`` and ``$user``."""

from __future__ import annotations

from typing import Any

from automation_world import World, user_api


def note_rule(key: str, trigger: dict[str, Any], text: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "trigger": trigger, "actions": [{"type": "set_fields", "values": {"note": text}}], **extra}


def test_created_updated_and_deleted_triggers_fire_once_each(world: World) -> None:
    world.rule(note_rule("on_create", {"type": "record_created", "entity": "deal"}, "created"))
    world.rule(
        {
            "key": "count_updates",
            "trigger": {"type": "record_updated", "entity": "deal"},
            "condition": {"!=": [{"var": "note"}, {"var": "$old.note"}]},
            "actions": [{"type": "set_fields", "values": {"touches": {"+": [{"var": "touches"}, 1]}}}],
        }
    )
    world.rule(
        {
            "key": "on_delete",
            "trigger": {"type": "record_deleted", "entity": "deal"},
            "actions": [
                {"type": "update_related", "relation": "company", "values": {"risk_level": "medium"}},
            ],
        }
    )
    company = world.create("company", {"name": "Acme"})
    deal = world.create("deal", {"name": "D1", "company": company["id"], "touches": 0})
    assert deal["note"] == "created"  # the answer already shows what the rule did
    assert deal["touches"] == 1  # ... and the update the rule made fired the update rule once

    world.patch("deal", deal["id"], {"note": "hand edit"})
    assert world.get("deal", deal["id"])["touches"] == 2
    world.patch("deal", deal["id"], {"amount": 10})  # note unchanged: the condition is false
    assert world.get("deal", deal["id"])["touches"] == 2

    assert world.api.delete(f"/api/records/deal/{deal['id']}")[0] == 204
    assert world.get("company", company["id"])["risk_level"] == "medium"
    statuses = {(r["rule"], r["status"]) for r in world.runs()}
    assert ("count_updates", "skipped") in statuses and ("on_delete", "success") in statuses


def test_field_changed_from_and_to(world: World) -> None:
    world.rule(
        note_rule(
            "requalified",
            {"type": "field_changed", "entity": "deal", "field": "stage", "from": ["won", "lost"], "to": "qualified"},
            "reopened",
        )
    )
    world.rule(note_rule("any_stage", {"type": "field_changed", "entity": "deal", "field": "amount"}, "amount moved"))
    deal = world.create("deal", {"name": "D", "stage": "new"})
    assert deal["note"] is None  # amount was left empty on create: no change

    world.patch("deal", deal["id"], {"stage": "qualified"})
    assert world.get("deal", deal["id"])["note"] is None  # from new: not from won/lost
    world.patch("deal", deal["id"], {"stage": "lost"})
    world.patch("deal", deal["id"], {"stage": "qualified"})
    assert world.get("deal", deal["id"])["note"] == "reopened"
    world.patch("deal", deal["id"], {"amount": 5})
    assert world.get("deal", deal["id"])["note"] == "amount moved"


def test_a_record_created_with_the_value_counts_as_a_change_to_it(world: World) -> None:
    world.rule(note_rule("won", {"type": "field_changed", "entity": "deal", "field": "stage", "to": "won"}, "won!"))
    assert world.create("deal", {"name": "Born won", "stage": "won"})["note"] == "won!"
    assert world.create("deal", {"name": "Born new", "stage": "new"})["note"] is None


def test_conditions_read_the_acting_user(world: World) -> None:
    rep_api, rep = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    world.rule(
        note_rule(
            "reps_only",
            {"type": "record_created", "entity": "deal"},
            "by a rep",
            condition={"in": ["sales_rep", {"var": "$user.roles"}]},
        )
    )
    assert world.create("deal", {"name": "Mine"}, as_=rep_api)["note"] == "by a rep"
    assert world.create("deal", {"name": "Admin's"})["note"] is None
    run = world.runs(rule="reps_only")[-1]
    assert run["actor_id"] == rep["id"] and run["condition"] is True


def test_bulk_changes_fire_rules_for_each_record_and_report_each_failure(world: World) -> None:
    world.rule(
        {
            "key": "high_means_won",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "priority", "to": "high"},
            "actions": [{"type": "set_fields", "values": {"stage": "won"}}],
        }
    )
    ids = [world.create("deal", {"name": f"D{i}"})["id"] for i in range(3)]
    status, body = world.api.post(
        "/api/records/deal/bulk", {"action": "update", "ids": [*ids, 999999], "values": {"priority": "high"}}
    )
    assert status == 200, body
    assert body["succeeded"] == ids and body["failed"] == 1 and body["errors"][0]["id"] == 999999
    assert {world.get("deal", i)["stage"] for i in ids} == {"won"}
    assert len([r for r in world.runs(rule="high_means_won") if r["status"] == "success"]) == 3

    status, body = world.api.post("/api/records/deal/bulk", {"action": "delete", "ids": ids})
    assert status == 200 and body["succeeded"] == ids
    assert world.list("deal") == []
    status, body = world.api.post("/api/records/deal/bulk", {"action": "update", "ids": ids})
    assert status == 400 and body["error"]["details"][0]["field"] == "values"


def test_a_rollup_moving_triggers_field_changed_rules(world: World) -> None:
    """ "A project's progress reaches 80%": progress is rolled up from tasks nobody edits on the project."""
    world.rule(
        {
            "key": "nearly_done",
            "trigger": {"type": "field_changed", "entity": "project", "field": "progress"},
            "condition": {"and": [{">=": [{"var": "progress"}, 80]}, {"<": [{"var": "$old.progress"}, 80]}]},
            "actions": [{"type": "set_fields", "values": {"flag": "prepare acceptance"}}],
        }
    )
    project = world.create("project", {"name": "P"})
    tasks = [world.create("task", {"name": f"T{i}", "project": project["id"], "percent_done": 0}) for i in range(2)]
    world.patch("task", tasks[0]["id"], {"percent_done": 100})
    assert world.get("project", project["id"])["flag"] is None  # 50%
    world.patch("task", tasks[1]["id"], {"percent_done": 60})
    assert world.get("project", project["id"])["progress"] == 80
    assert world.get("project", project["id"])["flag"] == "prepare acceptance"
    world.patch("task", tasks[1]["id"], {"percent_done": 100})
    runs = world.runs(rule="nearly_done")
    # Newest first: 100% (already past 80), 80% (fired), 50%, 0% (the first task's empty start).
    assert [(r["inputs"]["record"]["progress"], r["status"]) for r in runs] == [
        (100, "skipped"),
        (80, "success"),
        (50, "skipped"),
        (0, "skipped"),
    ]


def test_a_rule_fired_by_a_rollup_names_the_related_records(world: World) -> None:
    """ "Prepare the acceptance material for Harbor Foods": the notification fired by progress
    (a rollup) fills in the customer's title as one fired by an ordinary edit would."""
    pm_api, pm = user_api(world.app, world.runtime, "pm@example.com", ["project_manager"])
    world.rule(
        {
            "key": "nearly_done",
            "trigger": {"type": "field_changed", "entity": "project", "field": "progress"},
            "condition": {">=": [{"var": "progress"}, 80]},
            "actions": [
                {
                    "type": "notify",
                    "to": {"fields": ["manager"]},
                    "title": {"en": "{{ name }} is {{ progress | int }}% done"},
                    "body": {"en": "Prepare the acceptance material for {{ titles.customer }}."},
                }
            ],
        }
    )
    company = world.create("company", {"name": "Harbor Foods"})
    project = world.create("project", {"name": "Delivery C-7", "customer": company["id"], "manager": pm["id"]})
    task = world.create("task", {"name": "Build", "project": project["id"], "percent_done": 0})
    world.patch("task", task["id"], {"percent_done": 90})
    items = pm_api.get("/api/notifications")[1]["items"]
    assert [(i["title"], i["body"]) for i in items] == [
        ("Delivery C-7 is 90% done", "Prepare the acceptance material for Harbor Foods.")
    ]


def test_runs_are_listed_by_rule_status_and_record(world: World) -> None:
    world.rule(note_rule("on_create", {"type": "record_created", "entity": "deal"}, "x"))
    first = world.create("deal", {"name": "A"})
    world.create("deal", {"name": "B"})
    assert len(world.runs(rule="on_create")) == 2
    only = world.runs(entity="deal", record=first["id"])
    assert [r["record_id"] for r in only] == [first["id"]]
    assert world.runs(status="failed") == []
    status, body = world.api.get("/api/automation/runs?status=odd")
    assert status == 400
    run_id = only[0]["id"]
    status, run = world.api.get(f"/api/automation/runs/{run_id}")
    assert status == 200 and run["inputs"]["record"]["name"] == "A" and run["actions"][0]["status"] == "success"
    member, _ = user_api(world.app, world.runtime, "m@example.com", ["member"])
    assert member.get("/api/automation/runs")[0] == 403
    assert member.get(f"/api/automation/runs/{run_id}")[0] == 403
