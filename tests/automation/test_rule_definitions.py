"""Rule definitions through ``/api/meta/rules``: every mistake refused with its exact path;
saved rules versioned, audited, patched, disabled, deleted and restored like definitions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect

from api_client import Api
from automation_world import World, label, user_api

VALID: dict[str, Any] = {
    "key": "big_win",
    "label": label("Big win", "大单赢单"),
    "trigger": {"type": "field_changed", "entity": "deal", "field": "stage", "to": "won"},
    "condition": {">": [{"var": "amount"}, 100000]},
    "actions": [
        {"type": "set_fields", "values": {"priority": "high"}},
        {"type": "notify", "to": {"roles": ["sales_rep"]}, "title": label("Won {{ name }}", "赢单 {{ name }}")},
    ],
}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown trigger", with_(VALID, trigger={"type": "sometimes", "entity": "deal"}), "trigger.type"),
    ("unknown entity", with_(VALID, trigger={"type": "record_created", "entity": "nope"}), "trigger.entity"),
    (
        "unknown field",
        with_(VALID, trigger={"type": "field_changed", "entity": "deal", "field": "colour"}),
        "trigger.field",
    ),
    (
        "to is not a choice",
        with_(VALID, trigger={"type": "field_changed", "entity": "deal", "field": "stage", "to": "wonn"}),
        "trigger.to",
    ),
    (
        "extra trigger property",
        with_(VALID, trigger={"type": "record_created", "entity": "deal", "fiield": "x"}),
        "trigger.fiield",
    ),
    ("condition names no field", with_(VALID, condition={">": [{"var": "amuont"}, 1]}), "condition"),
    ("condition operator", with_(VALID, condition={"bigger": [1, 2]}), "condition"),
    (
        "set_fields unknown field",
        with_(VALID, actions=[{"type": "set_fields", "values": {"priorty": "high"}}]),
        "actions.0.values.priorty",
    ),
    (
        "set_fields computed field",
        with_(
            VALID,
            key="x",
            trigger={"type": "record_created", "entity": "project"},
            actions=[{"type": "set_fields", "values": {"progress": 5}}],
        ),
        "actions.0.values.progress",
    ),
    ("unknown action", with_(VALID, actions=[{"type": "teleport"}]), "actions.0.type"),
    (
        "action property",
        with_(VALID, actions=[{"type": "set_fields", "values": {"note": "x"}, "when": 1}]),
        "actions.0.when",
    ),
    (
        "notify unknown role",
        with_(VALID, actions=[{"type": "notify", "to": {"roles": ["wizard"]}, "title": label("x")}]),
        "actions.0.to.roles.0",
    ),
    (
        "notify field is no user field",
        with_(VALID, actions=[{"type": "notify", "to": {"fields": ["amount"]}, "title": label("x")}]),
        "actions.0.to.fields.0",
    ),
    (
        "template syntax",
        with_(VALID, actions=[{"type": "notify", "to": {"users": [1]}, "title": label("Won {{ name ")}]),
        "actions.0.title.en",
    ),
    (
        "create_record child via",
        with_(
            VALID,
            actions=[
                {
                    "type": "create_record",
                    "entity": "project",
                    "values": {"name": "p"},
                    "children": [{"entity": "milestone", "via": "name", "rows": [{"name": "m"}]}],
                }
            ],
        ),
        "actions.0.children.0.via",
    ),
    (
        "update_related relation",
        with_(VALID, actions=[{"type": "update_related", "relation": "owner", "values": {"name": "x"}}]),
        "actions.0.relation",
    ),
    (
        "webhook url",
        with_(VALID, actions=[{"type": "webhook", "url": "ftp://example.com/x"}]),
        "actions.0.url",
    ),
    (
        "webhook url that does not parse",
        with_(VALID, actions=[{"type": "webhook", "url": "http://[::1"}]),
        "actions.0.url",
    ),
    ("webhook port", with_(VALID, actions=[{"type": "webhook", "url": "http://example.com:99999/"}]), "actions.0.url"),
    (
        "cron",
        with_(
            VALID,
            run_as={"type": "system"},
            trigger={"type": "schedule", "cron": "61 * * * *"},
            condition=None,
            actions=[{"type": "notify", "to": {"users": [1]}, "title": label("x")}],
        ),
        "trigger.cron",
    ),
    (
        "time zone",
        with_(
            VALID,
            run_as={"type": "system"},
            trigger={"type": "schedule", "cron": "0 9 * * *", "timezone": "Mars/Base"},
            condition=None,
            actions=[{"type": "notify", "to": {"users": [1]}, "title": label("x")}],
        ),
        "trigger.timezone",
    ),
    (
        "nobody triggers a schedule",
        with_(
            VALID,
            trigger={"type": "schedule", "cron": "0 9 * * *"},
            condition=None,
            actions=[{"type": "notify", "to": {"users": [1]}, "title": label("x")}],
        ),
        "run_as",
    ),
    (
        "set_fields without a record",
        with_(
            VALID,
            run_as={"type": "system"},
            trigger={"type": "webhook"},
            condition=None,
            actions=[{"type": "set_fields", "values": {"note": "x"}}],
        ),
        "actions.0.type",
    ),
    (
        "set_fields on a deleted record",
        with_(
            VALID,
            trigger={"type": "record_deleted", "entity": "deal"},
            condition=None,
            actions=[{"type": "set_fields", "values": {"note": "x"}}],
        ),
        "actions.0.type",
    ),
    (
        "date field that is not a date",
        with_(
            VALID,
            run_as={"type": "system"},
            condition=None,
            trigger={
                "type": "date_relative",
                "entity": "task",
                "field": "name",
                "amount": 3,
                "unit": "days",
                "direction": "before",
            },
            actions=[{"type": "notify", "to": {"fields": ["assignee"]}, "title": label("x")}],
        ),
        "trigger.field",
    ),
    (
        "schedule filter names no field",
        with_(
            VALID,
            run_as={"type": "system"},
            condition=None,
            trigger={
                "type": "schedule",
                "cron": "0 9 * * *",
                "entity": "project",
                "where": {"==": [{"var": "state"}, 1]},
            },
            actions=[{"type": "notify", "to": {"users": [1]}, "title": label("x")}],
        ),
        "trigger.where",
    ),
    (
        "system grant on an unknown entity",
        with_(VALID, run_as={"type": "system", "grants": [{"entity": "ghost", "actions": ["create"]}]}),
        "run_as.grants.0.entity",
    ),
    (
        "a step no earlier action made",
        with_(VALID, actions=[{"type": "set_fields", "values": {"note": {"var": "$steps.project.name"}}}]),
        "actions.0",
    ),
    ("label missing", {k: v for k, v in VALID.items() if k != "label"}, "label"),
]


@pytest.mark.parametrize(("case", "doc", "path"), BAD, ids=[c[0] for c in BAD])
def test_invalid_rules_are_refused_with_the_path_of_the_problem(
    world: World, case: str, doc: dict[str, Any], path: str
) -> None:
    doc = {k: v for k, v in doc.items() if v is not None}
    status, body = world.api.post("/api/meta/rules", doc)
    assert status == 422, (case, body)
    assert path in [d["field"] for d in body["error"]["details"]], (case, body)
    assert world.api.get(f"/api/meta/rules/{doc['key']}")[0] == 404  # nothing half-saved


def test_a_rule_is_versioned_patched_disabled_deleted_and_restored(world: World) -> None:
    api = world.api
    created = world.rule(VALID)
    assert created["version"] == 1 and "enabled" not in created  # defaults stay out of the document

    status, body = api.call("PUT", "/api/meta/rules/big_win", {**VALID, "version": 7})
    assert status == 409 and body["error"]["details"][0]["field"] == "version"

    status, patched = api.patch("/api/meta/rules/big_win", {"enabled": False, "version": 1})
    assert status == 200 and patched["enabled"] is False and patched["version"] == 2
    company = world.create("company", {"name": "Acme"})
    deal = world.create("deal", {"name": "D", "company": company["id"], "stage": "new", "amount": 200000})
    world.patch("deal", deal["id"], {"stage": "won"})
    assert world.get("deal", deal["id"])["priority"] is None  # a disabled rule does nothing
    assert world.runs(rule="big_win") == []

    api.patch("/api/meta/rules/big_win", {"enabled": True})
    assert api.delete("/api/meta/rules/big_win")[0] == 200
    world.patch("deal", deal["id"], {"stage": "new"})
    world.patch("deal", deal["id"], {"stage": "won"})
    assert world.get("deal", deal["id"])["priority"] is None  # a deleted rule does nothing
    assert api.get("/api/meta/rules/big_win")[0] == 404
    assert [r["key"] for r in api.get("/api/meta/rules?include_deleted=1")[1]["items"]] == ["big_win"]

    status, restored = api.post("/api/meta/rules/big_win/restore")
    assert status == 200 and restored["deleted"] is False
    world.patch("deal", deal["id"], {"stage": "new"})
    world.patch("deal", deal["id"], {"stage": "won"})
    assert world.get("deal", deal["id"])["priority"] == "high"

    revisions = api.get("/api/meta/revisions?kind=rule&key=big_win")[1]["items"]
    assert [r["action"] for r in revisions][::-1] == ["create", "update", "update", "delete", "restore"]
    audit = api.get("/api/audit?limit=50")[1]["items"]
    assert {"rule.create", "rule.update", "rule.delete"} <= {entry["action"] for entry in audit}


def test_only_builders_and_admins_see_or_change_rules(world: World) -> None:
    world.rule(VALID)
    member, _ = user_api(world.app, world.runtime, "member@example.com", ["member"])
    rep, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    builder, _ = user_api(world.app, world.runtime, "builder@example.com", ["builder"])
    for caller in (member, rep):
        assert caller.get("/api/meta/rules")[0] == 403
        assert caller.get("/api/meta/rules/big_win")[0] == 403
        assert caller.post("/api/meta/rules", {**VALID, "key": "mine"})[0] == 403
        assert caller.patch("/api/meta/rules/big_win", {"enabled": False})[0] == 403
        assert caller.post("/api/meta/rules/big_win/test", {"record": {}})[0] == 403
        assert caller.get("/api/meta/rule-types")[0] == 403
    assert builder.patch("/api/meta/rules/big_win", {"enabled": False})[0] == 200
    assert Api(world.app.test_client()).get("/api/meta/rules")[0] == 401


def test_rule_types_describe_every_trigger_and_action(world: World) -> None:
    status, body = world.api.get("/api/meta/rule-types")
    assert status == 200
    assert {t["type"] for t in body["triggers"]} >= {
        "record_created",
        "record_updated",
        "record_deleted",
        "field_changed",
        "schedule",
        "date_relative",
        "manual",
        "webhook",
    }
    actions = {a["type"]: a for a in body["actions"]}
    assert set(actions) >= {"set_fields", "create_record", "update_related", "assign", "notify", "webhook", "recompute"}
    assert actions["set_fields"]["changes_data"] is True and actions["notify"]["changes_data"] is False


def test_a_date_relative_rule_makes_its_date_field_indexed(world: World) -> None:
    world.rule(
        {
            "key": "due_soon",
            "run_as": {"type": "system"},
            "trigger": {
                "type": "date_relative",
                "entity": "task",
                "field": "due_date",
                "amount": 3,
                "unit": "days",
                "direction": "before",
            },
            "actions": [{"type": "notify", "to": {"fields": ["assignee"]}, "title": label("Due soon")}],
        }
    )
    with world.runtime.engine.connect() as conn:
        indexes = inspect(conn).get_indexes("e_task")
    assert any(index["column_names"] == ["due_date"] for index in indexes)
    fields = {f["key"]: f for f in world.api.get("/api/meta/entities/task")[1]["fields"]}
    assert fields["due_date"].get("indexed") is True


def test_entity_changes_that_would_break_an_enabled_rule_are_refused(world: World) -> None:
    world.rule(
        {
            "key": "close_tasks",
            "trigger": {"type": "field_changed", "entity": "project", "field": "status", "to": "completed"},
            "actions": [{"type": "update_related", "relation": "task.project", "values": {"status": "done"}}],
        }
    )
    status, body = world.api.delete("/api/meta/entities/project/fields/status")
    assert status == 409, body
    assert "rules.close_tasks.trigger.field" in [d["field"] for d in body["error"]["details"]]
    status, body = world.api.delete("/api/meta/entities/task/fields/status")
    assert status == 409 and "rules.close_tasks.actions.0.values.status" in [
        d["field"] for d in body["error"]["details"]
    ]
    assert world.api.delete("/api/meta/entities/task/fields/due_at")[0] == 200  # unused by the rule

    world.api.patch("/api/meta/rules/close_tasks", {"enabled": False})
    assert world.api.delete("/api/meta/entities/project/fields/status")[0] == 200
    status, body = world.api.patch("/api/meta/rules/close_tasks", {"enabled": True})
    assert status == 422 and body["error"]["details"][0]["field"] == "trigger.field"  # checked again
