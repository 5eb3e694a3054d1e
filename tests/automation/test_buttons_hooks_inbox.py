"""Manual buttons on records, inbound webhooks with a secret, and the in-app inbox."""

from __future__ import annotations

from typing import Any

from api_client import Api
from automation_world import World, label, user_api

CONVERT: dict[str, Any] = {
    "key": "qualify",
    "label": label("Qualify", "确认商机"),
    "trigger": {"type": "manual", "entity": "deal", "roles": ["sales_rep"]},
    "condition": {"==": [{"var": "stage"}, "new"]},
    "actions": [
        {"type": "set_fields", "values": {"stage": "qualified", "note": {"cat": ["by ", {"var": "$user.name"}]}}}
    ],
}


def test_a_manual_rule_is_a_button_for_the_roles_and_records_it_names(world: World) -> None:
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    other_api, _ = user_api(world.app, world.runtime, "other@example.com", ["sales_rep"])
    member_api, _ = user_api(world.app, world.runtime, "member@example.com", ["member"])
    world.rule(CONVERT)
    deal = world.create("deal", {"name": "Lead", "stage": "new"}, rep_api)

    status, body = rep_api.get(f"/api/records/deal/{deal['id']}/actions")
    assert status == 200 and body["items"] == [{"rule": "qualify", "label": CONVERT["label"], "available": True}]
    status, body = rep_api.post(f"/api/records/deal/{deal['id']}/actions/qualify")
    assert status == 200, body
    assert body["record"]["stage"] == "qualified" and body["record"]["note"] == "by Rep"
    assert body["run"]["status"] == "success"

    assert rep_api.get(f"/api/records/deal/{deal['id']}/actions")[1]["items"][0]["available"] is False
    status, body = rep_api.post(f"/api/records/deal/{deal['id']}/actions/qualify")
    assert status == 409 and body["error"]["details"][0]["field"] == "condition"

    # Someone who may not read the deal learns nothing about it; a role outside the button may not press.
    assert other_api.post(f"/api/records/deal/{deal['id']}/actions/qualify")[0] == 404
    assert member_api.get(f"/api/records/deal/{deal['id']}/actions")[0] == 403
    world.patch("deal", deal["id"], {"stage": "new"})
    builder_api, _ = user_api(world.app, world.runtime, "builder@example.com", ["builder"])
    assert builder_api.get(f"/api/records/deal/{deal['id']}/actions")[1]["items"] == []
    assert builder_api.post(f"/api/records/deal/{deal['id']}/actions/qualify")[0] == 403
    assert rep_api.post(f"/api/records/deal/{deal['id']}/actions/nothing")[0] == 404


def test_inbound_webhooks_run_their_rule_with_the_secret_only(world: World) -> None:
    rule = {
        "key": "web_lead",
        "run_as": {
            "type": "system",
            "grants": [{"entity": "deal", "actions": ["create"]}, {"entity": "company", "actions": ["read", "create"]}],
        },
        "trigger": {"type": "webhook"},
        "condition": {"!!": [{"var": "$payload.name"}]},
        "actions": [
            {
                "type": "create_record",
                "name": "company",
                "entity": "company",
                "values": {"name": {"var": "$payload.company"}},
            },
            {
                "type": "create_record",
                "entity": "deal",
                "values": {
                    "name": {"var": "$payload.name"},
                    "amount": {"var": "$payload.budget"},
                    "company": {"var": "$steps.company.id"},
                    "stage": "new",
                },
            },
        ],
    }
    status, created = world.api.post("/api/meta/rules", {"label": label("Web lead"), **rule})
    assert status == 201 and created["secret"].startswith("whsec_")
    secret = created["secret"]
    assert "secret" not in world.api.get("/api/meta/rules/web_lead")[1]  # shown once

    stranger = Api(world.app.test_client())
    payload = {"name": "From the website", "company": "Webco", "budget": 5000}
    status, body = stranger.post("/api/hooks/web_lead", payload, headers={"X-Loomworks-Secret": secret})
    assert status == 202 and body["status"] == "success", body
    (deal,) = world.list("deal")
    assert deal["name"] == "From the website" and deal["amount"] == 5000
    assert world.get("company", deal["company"])["name"] == "Webco"

    assert stranger.post("/api/hooks/web_lead", payload, headers={"X-Loomworks-Secret": "whsec_wrong"})[0] == 401
    assert stranger.post("/api/hooks/web_lead", payload)[0] == 401
    assert stranger.post("/api/hooks/no_such_rule", payload, headers={"X-Loomworks-Secret": secret})[0] == 401
    status, body = stranger.post("/api/hooks/web_lead", {"company": "no name"}, headers={"X-Loomworks-Secret": secret})
    assert status == 202 and body["status"] == "skipped"

    status, rotated = world.api.post("/api/meta/rules/web_lead/secret")
    assert status == 200 and rotated["secret"] != secret
    assert stranger.post("/api/hooks/web_lead", payload, headers={"X-Loomworks-Secret": secret})[0] == 401
    assert stranger.post("/api/hooks/web_lead", payload, headers={"X-Loomworks-Secret": rotated["secret"]})[0] == 202
    world.api.patch("/api/meta/rules/web_lead", {"enabled": False})
    assert stranger.post("/api/hooks/web_lead", payload, headers={"X-Loomworks-Secret": rotated["secret"]})[0] == 401
    big = {"name": "x" * 300_000}
    assert stranger.post("/api/hooks/web_lead", big, headers={"X-Loomworks-Secret": rotated["secret"]})[0] == 413


def test_each_user_reads_and_marks_only_their_own_notifications(world: World) -> None:
    alice_api, alice = user_api(world.app, world.runtime, "alice@example.com", ["sales_rep"])
    bob_api, _ = user_api(world.app, world.runtime, "bob@example.com", ["sales_rep"])
    world.rule(
        {
            "key": "tell_alice",
            "trigger": {"type": "record_created", "entity": "deal"},
            "actions": [{"type": "notify", "to": {"users": [alice["id"]]}, "title": label("New deal {{ name }}")}],
        }
    )
    for name in ("A", "B", "C"):
        world.create("deal", {"name": name})
    inbox = alice_api.get("/api/notifications")[1]
    assert [n["title"] for n in inbox["items"]] == ["New deal C", "New deal B", "New deal A"] and inbox["unread"] == 3
    assert bob_api.get("/api/notifications")[1] == {"items": [], "unread": 0, "next_before": None}

    first = inbox["items"][0]["id"]
    assert bob_api.post(f"/api/notifications/{first}/read")[0] == 404  # not Bob's
    status, marked = alice_api.post(f"/api/notifications/{first}/read")
    assert status == 200 and marked["read"] is True
    assert alice_api.get("/api/notifications?unread=1")[1]["unread"] == 2
    page = alice_api.get("/api/notifications?limit=2")[1]
    older = alice_api.get(f"/api/notifications?limit=2&before={page['next_before']}")[1]
    assert [n["title"] for n in older["items"]] == ["New deal A"]
    assert alice_api.post("/api/notifications/read-all")[1] == {"marked": 2}
    assert alice_api.get("/api/notifications")[1]["unread"] == 0
    assert Api(world.app.test_client()).get("/api/notifications")[0] == 401


def test_a_deleted_webhook_rule_takes_its_secret_with_it(world: World) -> None:
    rule = {
        "key": "inbound",
        "label": label("Inbound"),
        "run_as": {"type": "system"},
        "trigger": {"type": "webhook"},
        "actions": [{"type": "notify", "to": {"users": [1]}, "title": label("ping")}],
    }
    old_secret = world.api.post("/api/meta/rules", rule)[1]["secret"]
    assert world.api.delete("/api/meta/rules/inbound")[0] == 200
    status, again = world.api.post("/api/meta/rules", rule)
    assert status == 201 and again["secret"] != old_secret  # a new rule under the old key: a new secret
    stranger = Api(world.app.test_client())
    assert stranger.post("/api/hooks/inbound", {}, headers={"X-Loomworks-Secret": old_secret})[0] == 401
    assert stranger.post("/api/hooks/inbound", {}, headers={"X-Loomworks-Secret": again["secret"]})[0] == 202


def test_buttons_reveal_nothing_of_fields_hidden_from_the_caller(world: World) -> None:
    junior_role = {
        "key": "junior",
        "label": label("Junior"),
        "grants": [{"entity": "deal", "actions": ["read", "update"], "hidden_fields": ["amount", "note"]}],
    }
    assert world.api.post("/api/meta/roles", junior_role)[0] == 201
    junior, _ = user_api(world.app, world.runtime, "junior@example.com", ["junior"])
    world.rule(
        {
            "key": "touch",
            "run_as": {"type": "system", "grants": [{"entity": "deal", "actions": ["read", "update"]}]},
            "trigger": {"type": "manual", "entity": "deal"},
            "actions": [{"type": "set_fields", "values": {"touches": 1}}],
        }
    )
    world.rule(
        {
            "key": "big_only",
            "trigger": {"type": "manual", "entity": "deal"},
            "condition": {">": [{"var": "amount"}, 100000]},
            "actions": [{"type": "set_fields", "values": {"priority": "high"}}],
        }
    )
    deal = world.create("deal", {"name": "Secret", "amount": 999999, "note": "margin 40%"})
    status, body = junior.post(f"/api/records/deal/{deal['id']}/actions/touch")
    assert status == 200, body
    assert set(body["run"]) == {"uid", "rule", "status"} and "amount" not in body["record"]
    assert "999999" not in str(body) and "margin" not in str(body)

    buttons = {b["rule"]: b["available"] for b in junior.get(f"/api/records/deal/{deal['id']}/actions")[1]["items"]}
    assert buttons == {"big_only": False, "touch": True}  # judged on what the junior sees: no amount
    assert junior.post(f"/api/records/deal/{deal['id']}/actions/big_only")[0] == 409
    admin_buttons = world.api.get(f"/api/records/deal/{deal['id']}/actions")[1]["items"]
    assert {b["rule"]: b["available"] for b in admin_buttons} == {"big_only": True, "touch": True}
