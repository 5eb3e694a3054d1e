"""Installing and upgrading a template through the API: atomic, idempotent, and the
customer's changes survive an upgrade (the customer's value wins a conflict unless they
choose the template's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api_client import Api
from template_bundles import app_files, write_folder
from templates.app_versions import v1, v2


def publish(library: Path, version: str, docs: dict[str, Any], **manifest: Any) -> None:
    write_folder(library / f"sales-{version}", app_files("sales", version, docs, **manifest))


def install(api: Api, key: str = "sales", **options: Any) -> dict[str, Any]:
    status, body = api.post(f"/api/templates/{key}/install", options)
    assert status == 200, body
    return dict(body)


def entity(api: Api, key: str) -> dict[str, Any]:
    status, body = api.get(f"/api/meta/entities/{key}")
    assert status == 200, body
    return dict(body)


def field(api: Api, entity_key: str, field_key: str) -> dict[str, Any]:
    return next(f for f in entity(api, entity_key)["fields"] if f["key"] == field_key)


def revision_count(api: Api) -> int:
    status, body = api.get("/api/meta/revisions?limit=1000")
    assert status == 200, body
    return len(body["items"])


def test_a_fresh_install_creates_every_definition_and_its_tables(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    report = install(api, version="1.0.0")
    assert report["action"] == "install" and report["installed_version"] is None
    assert sorted((c["kind"], c["key"]) for c in report["creates"]) == [
        ("entity", "account"),
        ("entity", "opportunity"),
        ("form", "quick_opportunity"),
        ("role", "seller"),
        ("rule", "tell_on_win"),
        ("rule", "welcome"),
    ]
    assert report["conflicts"] == [] and report["changes"] == []
    account = entity(api, "account")
    assert account["template"] == "sales" and [f["key"] for f in account["fields"]] == ["name", "tier", "pipeline"]
    status, acme = api.post("/api/records/account", {"name": "Acme"})
    assert status == 201, acme
    status, _ = api.post("/api/records/opportunity", {"name": "Big one", "account": acme["id"], "amount": 1200})
    assert status == 201
    assert api.get(f"/api/records/account/{acme['id']}")[1]["pipeline"] == 1200
    (item,) = api.get("/api/templates")[1]["items"]
    assert item["installed_version"] == "1.0.0"


def test_installing_the_installed_version_again_changes_nothing(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    install(api)
    before = revision_count(api)
    again = install(api)
    assert again["action"] == "none" and again["creates"] == again["changes"] == []
    assert revision_count(api) == before


def test_a_failing_install_leaves_nothing_behind(api: Api, library: Path) -> None:
    docs = v1()
    docs["rules/welcome.json"] = {**docs["rules/welcome.json"], "trigger": {"type": "record_created", "entity": "nope"}}
    publish(library, "1.0.0", docs)
    status, body = api.post("/api/templates/sales/install", {})
    assert status == 422, body
    assert any(d["field"].startswith("rules/welcome.json:") for d in body["error"]["details"]), body
    assert api.get("/api/meta/entities/account")[0] == 404
    assert api.get("/api/templates")[1]["items"][0]["installed_version"] is None
    status, body = api.post("/api/templates/sales/plan", {})
    assert status == 422  # the plan meets the same refusal


def customize(api: Api) -> None:
    """What a builder does to v1: a field of their own, a relabel, a new option, an extra rule."""
    region = {"key": "region", "type": "text", "label": {"en": "Region", "zh-CN": "区域"}}
    assert api.post("/api/meta/entities/account/fields", region)[0] == 201
    relabel = {"label": {"en": "Company name", "zh-CN": "公司名称"}}
    assert api.patch("/api/meta/entities/account/fields/name", relabel)[0] == 200
    tier = field(api, "account", "tier")
    tier["options"]["choices"].append({"value": "platinum", "label": {"en": "Platinum", "zh-CN": "铂金"}})
    assert api.patch("/api/meta/entities/account/fields/tier", {"options": tier["options"]})[0] == 200
    mine = {"en": "Deal size", "zh-CN": "交易规模"}
    assert api.patch("/api/meta/entities/opportunity/fields/amount", {"label": mine})[0] == 200
    extra = {
        "key": "big_deal",
        "label": {"en": "Big deal", "zh-CN": "大单"},
        "trigger": {"type": "record_created", "entity": "opportunity"},
        "condition": {">": [{"var": "amount"}, 10000]},
        "actions": [{"type": "notify", "to": {"fields": ["_owner"]}, "title": {"en": "Big", "zh-CN": "大单"}}],
    }
    assert api.post("/api/meta/rules", extra)[0] == 201


def test_an_upgrade_keeps_every_customization_and_shows_the_conflicts(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    install(api, version="1.0.0")
    customize(api)
    status, acme = api.post("/api/records/account", {"name": "Acme", "region": "East", "tier": "platinum"})
    assert status == 201, acme
    publish(library, "2.0.0", v2())

    status, plan = api.post("/api/templates/sales/plan", {})
    assert status == 200, plan
    assert plan["action"] == "upgrade" and plan["installed_version"] == "1.0.0" and plan["version"] == "2.0.0"
    conflicts = {c["id"]: c for c in plan["conflicts"]}
    assert set(conflicts) == {"entity:account:fields.tier.options", "entity:opportunity:fields.amount.label"}
    amount = conflicts["entity:opportunity:fields.amount.label"]
    assert amount["template_before"]["en"] == "Amount" and amount["template_after"]["en"] == "Value"
    assert amount["yours"]["en"] == "Deal size" and amount["resolution"] == "mine"
    assert sorted((r["kind"], r["key"]) for r in plan["removes"]) == [
        ("form", "quick_opportunity"),
        ("rule", "welcome"),
    ]
    changed = {(c["kind"], c["key"]) for c in plan["changes"]}
    assert ("entity", "account") in changed and ("rule", "tell_on_win") in changed
    assert field(api, "account", "name")["label"]["en"] == "Company name"  # the plan wrote nothing
    assert api.get("/api/meta/entities/account")[1]["label"]["en"] == "Account"

    report = install(api)
    assert report["action"] == "upgrade" and len(report["conflicts"]) == 2
    account = entity(api, "account")
    assert account["label"]["en"] == "Customer account"  # the template's change, untouched by the customer
    assert [f["key"] for f in account["fields"]] == ["name", "website", "tier", "pipeline", "region"]
    assert field(api, "account", "name")["label"]["en"] == "Company name"
    tier_values = [c["value"] for c in field(api, "account", "tier")["options"]["choices"]]
    assert tier_values == ["gold", "silver", "platinum"]  # the customer's options win the conflict
    assert field(api, "opportunity", "amount")["label"]["en"] == "Deal size"
    stages = [c["value"] for c in field(api, "opportunity", "stage")["options"]["choices"]]
    assert stages == ["open", "won", "lost"]
    assert api.get("/api/meta/rules/big_deal")[0] == 200
    assert api.get("/api/meta/rules/tell_on_win")[1]["label"]["en"] == "Celebrate a win"
    assert api.get("/api/meta/rules/welcome")[0] == 404
    hidden = {r["key"]: r["deleted"] for r in api.get("/api/meta/rules?include_deleted=1")[1]["items"]}
    assert hidden["welcome"] is True  # hidden, recoverable
    record = api.get(f"/api/records/account/{acme['id']}")[1]
    assert record["region"] == "East" and record["tier"] == "platinum"
    assert api.get("/api/templates")[1]["items"][0]["installed_version"] == "2.0.0"


def test_a_conflict_resolved_for_the_template_takes_its_value(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    install(api, version="1.0.0")
    customize(api)
    publish(library, "2.0.0", v2())
    report = install(api, resolutions={"entity:opportunity:fields.amount.label": "template"})
    chosen = {c["id"]: c["resolution"] for c in report["conflicts"]}
    assert chosen == {
        "entity:opportunity:fields.amount.label": "template",
        "entity:account:fields.tier.options": "mine",
    }
    assert field(api, "opportunity", "amount")["label"]["en"] == "Value"
    assert field(api, "account", "name")["label"]["en"] == "Company name"


def test_install_options_are_checked(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    status, body = api.post("/api/templates/sales/install", {"confirm": "yes", "resolutions": {"x": "theirs"}, "y": 1})
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {"confirm", "resolutions.x", "y"}
    assert api.post("/api/templates/nope/install", {})[0] == 404
    assert api.post("/api/templates/sales/install", {"version": "9.9"})[0] == 404


def test_uninstall_hides_the_app_and_installing_again_brings_it_back_with_its_data(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    install(api)
    customize(api)
    status, acme = api.post("/api/records/account", {"name": "Acme", "region": "East"})
    assert status == 201

    status, body = api.post("/api/templates/sales/uninstall", {})
    assert status == 409  # the builder's own rule reads the app's entities: they decide about it first
    assert any(d["field"].startswith("rules.big_deal.") for d in body["error"]["details"]), body
    assert api.get("/api/meta/entities/account")[0] == 200  # nothing was hidden
    assert api.delete("/api/meta/rules/big_deal")[0] == 200
    status, report = api.post("/api/templates/sales/uninstall", {})
    assert status == 200, report
    assert {(r["kind"], r["key"]) for r in report["removes"]} >= {("entity", "account"), ("rule", "welcome")}
    assert api.get("/api/meta/entities/account")[0] == 404
    assert api.get("/api/records/account")[0] == 404
    assert api.get("/api/templates")[1]["items"][0]["installed_version"] is None
    assert api.post("/api/templates/sales/uninstall", {})[0] == 404

    again = install(api)
    assert again["action"] == "reinstall"
    assert api.get(f"/api/records/account/{acme['id']}")[1]["region"] == "East"
    assert field(api, "account", "name")["label"]["en"] == "Company name"  # customizations come back too


def test_a_role_people_hold_stays_when_the_app_is_uninstalled(api: Api, library: Path, app: Any, runtime: Any) -> None:
    from automation_world import user_api

    publish(library, "1.0.0", v1())
    install(api)
    user_api(app, runtime, "seller@example.com", ["seller"])
    status, report = api.post("/api/templates/sales/uninstall", {})
    assert status == 200, report
    assert [k["key"] for k in report["kept"]] == ["seller"] and "hold" in report["kept"][0]["reason"]
    assert api.get("/api/meta/roles/seller")[0] == 200


def test_a_template_with_roles_is_an_admins_to_install(api: Api, library: Path, app: Any, runtime: Any) -> None:
    from automation_world import user_api

    builder, _ = user_api(app, runtime, "builder@example.com", ["builder"])
    publish(library, "1.0.0", v1())
    status, body = builder.post("/api/templates/sales/install", {})
    assert status == 403 and body["error"]["roles"] == ["seller"], body
    assert api.get("/api/meta/entities/account")[0] == 404
    docs = {k: v for k, v in v1().items() if not k.startswith("roles/")}
    write_folder(library / "sales-1.1.0", app_files("sales", "1.1.0", docs))
    status, body = builder.post("/api/templates/sales/install", {"version": "1.1.0"})
    assert status == 200 and body["action"] == "install", body
    member, _ = user_api(app, runtime, "member@example.com", ["member"])
    assert member.post("/api/templates/sales/install", {})[0] == 403
    assert member.post("/api/templates/sales/plan", {})[0] == 403
    assert member.get("/api/templates/export?app=sales")[0] == 403


def test_a_definition_made_by_hand_before_the_template_is_adopted_with_the_templates_fields(
    api: Api, library: Path
) -> None:
    mine = {
        "key": "account",
        "label": {"en": "Client", "zh-CN": "客户"},
        "fields": [{"key": "name", "type": "text", "label": {"en": "Client name", "zh-CN": "客户名称"}}],
    }
    assert api.post("/api/meta/entities", mine)[0] == 201
    assert api.post("/api/records/account", {"name": "Acme"})[0] == 201
    publish(library, "1.0.0", v1())
    report = install(api)
    assert [f["key"] for f in entity(api, "account")["fields"]] == ["name", "tier", "pipeline"]
    assert entity(api, "account")["label"]["en"] == "Client"  # what the customer had stays theirs
    assert field(api, "account", "name")["label"]["en"] == "Client name"
    assert {c["id"] for c in report["conflicts"]} == {
        "entity:account:label",
        "entity:account:fields.name.label",
        "entity:account:fields.name.required",  # the template's name is required; the customer's was not
    }
    assert api.get("/api/records/account")[1]["items"][0]["name"] == "Acme"


def test_sample_data_loads_on_request_with_relations_by_title(api: Api, library: Path) -> None:
    docs = {
        **v1(),
        "data/account.json": [{"name": "Harbor Foods", "tier": "gold"}, {"name": "海港食品"}],
        "data/opportunity.json": [{"name": "Rollout", "account": "Harbor Foods", "amount": 900}],
    }
    publish(library, "1.0.0", docs)
    report = install(api, sample_data=True)
    assert report["data"] == {"account": 2, "opportunity": 1}
    (harbor,) = [a for a in api.get("/api/records/account")[1]["items"] if a["name"] == "Harbor Foods"]
    assert harbor["pipeline"] == 900
    (deal,) = api.get("/api/records/opportunity")[1]["items"]
    assert deal["account"] == harbor["id"]
    assert install(api, sample_data=True)["action"] == "none"  # loaded once, with the first install
