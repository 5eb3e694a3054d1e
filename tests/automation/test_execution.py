"""Execution semantics: run-as permissions, failures and the write they belong to, chains and
loops, dry runs and replays."""

from __future__ import annotations

from typing import Any

from automation_world import World, label, user_api


def project_for_deal(run_as: Any = "trigger_user", **extra: Any) -> dict[str, Any]:
    return {
        "key": "deal_project",
        "run_as": run_as,
        "trigger": {"type": "field_changed", "entity": "deal", "field": "stage", "to": "won"},
        "actions": [
            {"type": "set_fields", "values": {"note": "project requested"}},
            {"type": "create_record", "entity": "project", "values": {"name": {"var": "name"}}},
        ],
        **extra,
    }


def test_a_data_action_the_run_as_user_may_not_do_fails_the_write_with_the_rule_named(world: World) -> None:
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    world.rule(project_for_deal())
    deal = world.create("deal", {"name": "Won deal", "stage": "new"}, rep_api)
    status, body = world.patch("deal", deal["id"], {"stage": "won"}, rep_api)
    assert status == 422, body
    assert "deal_project" in body["error"]["message"] and "create record" in body["error"]["message"]
    assert body["error"]["details"][0]["field"] == "rules.deal_project.actions.1"
    stored = world.get("deal", deal["id"])
    assert stored["stage"] == "new" and stored["note"] is None  # nothing of the write, nothing of the rule
    assert world.list("project") == []
    run = world.runs(rule="deal_project")[0]  # ... but the failed run is in the log
    assert run["status"] == "failed" and run["actions"][1]["status"] == "failed"
    assert run["actions"][0]["status"] == "success"  # it had done this much before it was undone


def test_with_on_error_continue_the_write_goes_on_and_the_rule_is_undone(world: World) -> None:
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    world.rule(project_for_deal(on_error="continue"))
    deal = world.create("deal", {"name": "Won deal", "stage": "new"}, rep_api)
    status, body = world.patch("deal", deal["id"], {"stage": "won"}, rep_api)
    assert status == 200, body
    stored = world.get("deal", deal["id"])
    assert stored["stage"] == "won" and stored["note"] is None  # the rule's first action was undone too
    assert world.runs(rule="deal_project")[0]["status"] == "failed"


def test_system_run_as_does_what_its_grants_say_and_no_more(world: World) -> None:
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    system = {"type": "system", "grants": [{"entity": "project", "actions": ["create"]}]}
    world.rule(project_for_deal(run_as=system))  # set_fields on the deal is not granted
    deal = world.create("deal", {"name": "Won deal", "stage": "new"}, rep_api)
    status, body = world.patch("deal", deal["id"], {"stage": "won"}, rep_api)
    assert status == 422 and "set fields" in body["error"]["message"]

    grants = [{"entity": "project", "actions": ["create"]}, {"entity": "deal", "actions": ["read", "update"]}]
    world.api.patch("/api/meta/rules/deal_project", {"run_as": {"type": "system", "grants": grants}})
    status, body = world.patch("deal", deal["id"], {"stage": "won"}, rep_api)
    assert status == 200, body
    assert [p["name"] for p in world.list("project")] == ["Won deal"]


def test_record_owner_run_as_acts_as_the_owner(world: World) -> None:
    pm_api, pm = user_api(world.app, world.runtime, "pm@example.com", ["project_manager"])
    world.rule(
        {
            "key": "as_owner",
            "run_as": "record_owner",
            "trigger": {"type": "record_updated", "entity": "project"},
            "condition": {"==": [{"var": "status"}, "completed"]},
            "actions": [{"type": "create_record", "entity": "task", "values": {"name": "Retrospective"}}],
        }
    )
    project = world.create("project", {"name": "P", "_owner": pm["id"]})
    world.patch("project", project["id"], {"status": "completed"})  # the admin edits; the owner acts
    task = world.list("task")[0]
    assert task["name"] == "Retrospective" and task["_created_by"] == pm["id"]
    assert pm_api.get(f"/api/records/task/{task['id']}")[0] == 200


def test_chains_stop_at_depth_eight(world: World) -> None:
    """Each task creates the next one: a runaway chain that must end, with the write kept."""
    world.rule(
        {
            "key": "next_task",
            "trigger": {"type": "record_created", "entity": "task"},
            "actions": [
                {"type": "create_record", "entity": "task", "values": {"name": {"cat": [{"var": "name"}, "+"]}}}
            ],
        }
    )
    status, first = world.api.post("/api/records/task", {"name": "t"})
    assert status == 201, first
    names = sorted((t["name"] for t in world.list("task")), key=len)
    assert names == ["t" + "+" * n for n in range(9)]  # the original and eight generations
    runs = world.runs(rule="next_task")
    assert sorted(r["depth"] for r in runs) == list(range(9))
    assert [r["status"] for r in runs if r["depth"] == 8] == ["stopped"]


def test_a_rule_never_runs_twice_on_one_record_in_a_chain(world: World) -> None:
    """Two rules feeding each other through the same record stop after one round each."""
    world.rule(
        {
            "key": "ping",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "note"},
            "actions": [{"type": "set_fields", "values": {"touches": {"+": [{"var": "touches"}, 1]}}}],
        }
    )
    world.rule(
        {
            "key": "pong",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "touches"},
            "actions": [{"type": "set_fields", "values": {"note": {"cat": ["touched ", {"var": "touches"}]}}}],
        }
    )
    deal = world.create("deal", {"name": "D"})
    status, _ = world.patch("deal", deal["id"], {"note": "go"})
    assert status == 200
    stored = world.get("deal", deal["id"])
    assert stored["touches"] == 1 and stored["note"] == "touched 1"
    assert "skipped" in {r["status"] for r in world.runs(rule="ping")}


def test_a_rule_triggered_by_an_anonymous_visitor_fails_alone(world: World) -> None:
    """Public forms have no signed-in user: a trigger_user rule cannot act, the submission stands."""
    world.rule(
        {
            "key": "greet",
            "trigger": {"type": "record_created", "entity": "company"},
            "actions": [{"type": "set_fields", "values": {"risk_level": "low"}}],
        }
    )
    form = {"key": "signup", "label": label("Sign up"), "entity": "company", "fields": ["name"], "public": True}
    assert world.api.post("/api/meta/forms", form)[0] == 201
    anonymous = type(world.api)(world.app.test_client())
    status, body = anonymous.post("/api/forms/signup/submit", {"values": {"name": "Stranger Ltd"}})
    assert status == 201, body
    assert [c["name"] for c in world.list("company")] == ["Stranger Ltd"]
    run = world.runs(rule="greet")[0]
    assert run["status"] == "failed" and "nobody signed in" in run["error"]


def test_the_test_endpoint_shows_what_would_happen_and_does_nothing(world: World) -> None:
    # The nested rule runs as whoever triggered it: here deal_project's own user, so it needs update.
    world.rule(
        project_for_deal(
            run_as={
                "type": "system",
                "grants": [
                    {"entity": "project", "actions": ["read", "create", "update"]},
                    {"entity": "deal", "actions": ["read", "update"]},
                ],
            }
        )
    )
    world.rule(
        {
            "key": "project_note",
            "trigger": {"type": "record_created", "entity": "project"},
            "actions": [{"type": "set_fields", "values": {"flag": "new"}}],
        }
    )
    deal = world.create("deal", {"name": "What if", "stage": "new"})
    status, body = world.api.post("/api/meta/rules/deal_project/test", {"record": {"id": deal["id"], "stage": "won"}})
    assert status == 200, body
    assert body["status"] == "success", (body["error"], body["actions"])
    assert body["condition"] is True and body["write_would_fail"] is None
    created = body["actions"][1]["result"]
    assert created["entity"] == "project" and created["values"] == {"name": "What if"}
    assert [(n["rule"], n["status"]) for n in body["nested"]] == [("project_note", "success")]
    assert world.list("project") == [] and world.get("deal", deal["id"])["note"] is None
    assert world.runs() == []  # a test run is not a run

    status, body = world.api.post(
        "/api/meta/rules/deal_project/test",
        {"record": {"id": deal["id"]}, "definition": {**project_for_deal({"type": "system"}), "label": label("draft")}},
    )  # an unsaved draft whose own user has no grants at all
    assert status == 200 and body["write_would_fail"] and "set fields" in body["write_would_fail"]
    status, body = world.api.post("/api/meta/rules/deal_project/test", {"recrod": {}})
    assert status == 400 and body["error"]["details"][0]["field"] == "recrod"


def test_a_failed_run_can_be_replayed_once_the_cause_is_fixed(world: World) -> None:
    world.rule(project_for_deal(on_error="continue"))
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    deal = world.create("deal", {"name": "Later", "stage": "new"}, rep_api)
    world.patch("deal", deal["id"], {"stage": "won"}, rep_api)
    failed = world.runs(rule="deal_project", status="failed")[0]
    status, body = world.api.post(f"/api/automation/runs/{failed['id']}/replay")
    assert status == 201 and body["status"] == "failed"  # still not allowed: it fails the same way
    world.api.patch(
        "/api/meta/rules/deal_project",
        {
            "run_as": {
                "type": "system",
                "grants": [
                    {"entity": "project", "actions": ["create"]},
                    {"entity": "deal", "actions": ["read", "update"]},
                ],
            }
        },
    )
    status, body = world.api.post(f"/api/automation/runs/{failed['id']}/replay")
    assert status == 201, body
    assert body["status"] == "success" and body["replay_of"] == failed["id"]
    assert [p["name"] for p in world.list("project")] == ["Later"]


def test_naming_someone_else_the_owner_does_not_lend_their_authority(world: World) -> None:
    """A record_owner rule acts with what both the owner and whoever named them owner may do."""
    rep_api, rep = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    _, boss = user_api(world.app, world.runtime, "boss@example.com", ["admin"])
    world.rule(
        {
            "key": "vip_on_contract",
            "run_as": "record_owner",
            "on_error": "continue",
            "trigger": {"type": "record_created", "entity": "contract"},
            "actions": [{"type": "update_related", "relation": "company", "values": {"vip": True}}],
        }
    )
    company = world.create("company", {"name": "Target"})
    status, _ = rep_api.post("/api/records/contract", {"number": "C-1", "company": company["id"], "_owner": boss["id"]})
    assert status == 201
    assert world.get("company", company["id"])["vip"] is None  # the rep may not update companies: nor may the rule
    run = world.runs(rule="vip_on_contract")[0]
    assert run["status"] == "failed" and "update company" in run["error"]

    status, _ = world.api.post(
        "/api/records/contract", {"number": "C-2", "company": company["id"], "_owner": boss["id"]}
    )
    assert status == 201  # an admin handing the record to the boss lends nothing it does not have
    assert world.get("company", company["id"])["vip"] is True
    assert rep["id"] != boss["id"]


def test_bounded_grants_keep_the_setters_row_scope_for_the_setter() -> None:
    """The setter's scope ("own deals") is read with the setter as $user, not with the owner."""
    from loomworks.auth.permissions import Grant, Permissions
    from loomworks.automation.run_as import intersect
    from loomworks.core.context import Actor
    from loomworks.logic.evaluator import evaluate

    admin = Permissions(user_id=1, roles=frozenset({"admin"}))
    own = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}
    rep_grant = Grant("sales_rep", "deal", frozenset({"read", "update"}), own, frozenset({"amount"}))
    rep = Permissions(user_id=7, roles=frozenset({"sales_rep"}), grants=(rep_grant,), by_entity={"deal": (rep_grant,)})
    bounded = intersect(admin, rep, Actor(id=7, roles=("sales_rep",)), ["deal", "company"])
    (update,) = bounded.grants_for("deal", "update")
    assert update.hidden_fields == {"amount"} and not bounded.is_admin
    as_owner = {"$user": {"id": 1}}
    assert evaluate(update.scope, {"_owner": 7, **as_owner}) and not evaluate(update.scope, {"_owner": 1, **as_owner})
    assert bounded.grants_for("company", "update") == ()  # the rep has nothing there, so neither has the rule
