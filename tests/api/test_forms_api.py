"""Forms over HTTP: rendered for rjsf per caller and locale, and enforced again on submit.

A ``deal`` entity with a conditional ``lost_reason`` (shown and required only when the
stage is ``lost``) and a cross-field check (``end_date`` after ``start_date``); a sales
rep role that cannot see ``margin`` and cannot change ``stage``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import Api
from loomworks.auth import users
from loomworks.runtime import Runtime

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def L(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh} if zh else {"en": en}


DEAL = {
    "key": "deal",
    "label": L("Deal", "商机"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": L("Name", "名称"), "required": True},
        {
            "key": "stage",
            "type": "select",
            "label": L("Stage", "阶段"),
            "options": {"choices": [{"value": "open", "label": L("Open")}, {"value": "lost", "label": L("Lost")}]},
        },
        {"key": "lost_reason", "type": "text", "label": L("Lost reason", "丢单原因")},
        {"key": "start_date", "type": "date", "label": L("Start")},
        {"key": "end_date", "type": "date", "label": L("End")},
        {"key": "margin", "type": "decimal", "label": L("Margin")},
    ],
}
IS_LOST = {"==": [{"var": "stage"}, "lost"]}
END_AFTER_START = {
    "or": [
        {"!": [{"var": "start_date"}]},
        {"!": [{"var": "end_date"}]},
        {">": [{"var": "end_date"}, {"var": "start_date"}]},
    ]
}
FORM = {
    "key": "deal_quick",
    "label": L("Quick deal", "快速商机"),
    "entity": "deal",
    "fields": [
        "name",
        {"key": "stage", "help": L("Where the deal is", "商机所处阶段")},
        "lost_reason",
        "start_date",
        "end_date",
        "margin",
    ],
    "layout": {
        "tabs": [
            {
                "key": "main",
                "label": L("Main", "基本"),
                "sections": [{"columns": 2, "fields": ["name", "stage", "margin"]}],
            },
            {"key": "dates", "sections": [{"label": L("Dates", "日期"), "fields": ["start_date", "end_date"]}]},
        ]
    },
    "rules": [{"field": "lost_reason", "visible": IS_LOST, "required": IS_LOST}],
    "validations": [
        {
            "rule": END_AFTER_START,
            "field": "end_date",
            "message": L("End must be after start", "结束日期须晚于开始日期"),
        }
    ],
}
REP = {
    "key": "sales_rep",
    "label": L("Sales rep"),
    "grants": [
        {
            "entity": "deal",
            "actions": ["read", "create", "update"],
            "hidden_fields": ["margin"],
            "readonly_fields": ["stage"],
        }
    ],
}


@pytest.fixture
def api_with_form(api: Api) -> Api:
    assert api.post("/api/meta/entities", DEAL)[0] == 201
    status, body = api.post("/api/meta/forms", FORM)
    assert status == 201, body
    return api


def _user(app: Flask, runtime: Runtime, api: Api, email: str, roles: list[str]) -> Api:
    status, created = api.post("/api/users", {"email": email, "password": "password-123", "roles": roles})
    assert status == 201, created
    with runtime.engine.begin() as conn:
        token = users.create_token(conn, created["id"], "t")["token"]
    return Api(app.test_client(), {"Authorization": f"Bearer {token}"})


def _errors(body: dict[str, Any]) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


def test_every_entity_has_a_default_form_with_its_key(api: Api) -> None:
    assert api.post("/api/meta/entities", DEAL)[0] == 201
    status, form = api.get("/api/forms/deal")
    assert status == 200, form
    assert form["entity"] == "deal"
    assert list(form["schema"]["properties"]) == [f["key"] for f in DEAL["fields"]]
    assert form["schema"]["required"] == ["name"]
    assert form["schema"]["properties"]["stage"]["title"] == "Stage"
    assert form["uiSchema"]["ui:order"][:2] == ["name", "stage"]
    assert form["rules"] == [] and form["validations"] == []
    assert api.get("/api/meta/forms/deal")[1]["default"] is True


def test_labels_and_messages_follow_accept_language(api_with_form: Api) -> None:
    en = api_with_form.get("/api/forms/deal_quick")[1]
    zh = api_with_form.get("/api/forms/deal_quick", headers=ZH)[1]
    assert en["schema"]["title"] == "Quick deal" and zh["schema"]["title"] == "快速商机"
    assert zh["schema"]["properties"]["lost_reason"]["title"] == "丢单原因"
    assert zh["schema"]["properties"]["stage"]["description"] == "商机所处阶段"
    assert zh["schema"]["properties"]["start_date"]["title"] == "Start"  # falls back to English
    assert zh["validations"][0]["message"] == "结束日期须晚于开始日期"
    assert en["rules"] == FORM["rules"]


def test_submit_drops_values_of_invisible_fields(api_with_form: Api) -> None:
    body = {"values": {"name": "Acme", "stage": "open", "lost_reason": "price"}}
    status, record = api_with_form.post("/api/forms/deal_quick/submit", body)
    assert status == 201, record
    assert record["name"] == "Acme" and record["lost_reason"] is None


def test_submit_enforces_conditional_required_and_cross_field_checks(api_with_form: Api) -> None:
    values = {"name": "Acme", "stage": "lost", "start_date": "2026-03-01", "end_date": "2026-02-01"}
    status, body = api_with_form.post("/api/forms/deal_quick/submit", {"values": values}, headers=ZH)
    assert status == 422, body
    assert _errors(body) == {"lost_reason": "必填", "end_date": "结束日期须晚于开始日期"}
    status, body = api_with_form.post("/api/forms/deal_quick/submit", {"values": {"stage": "lost"}})
    assert status == 422
    assert _errors(body) == {"name": "is required", "lost_reason": "is required"}
    values = {**values, "lost_reason": "price", "end_date": "2026-04-01"}
    status, record = api_with_form.post("/api/forms/deal_quick/submit", {"values": values})
    assert status == 201, record
    assert record["lost_reason"] == "price"


def test_submit_with_id_updates_and_rules_see_the_stored_values(api_with_form: Api) -> None:
    created = api_with_form.post(
        "/api/forms/deal_quick/submit", {"values": {"name": "A", "stage": "lost", "lost_reason": "x"}}
    )[1]
    path = "/api/forms/deal_quick/submit"
    status, body = api_with_form.post(path, {"id": created["id"], "values": {"lost_reason": ""}})
    assert status == 422 and _errors(body) == {"lost_reason": "is required"}
    status, body = api_with_form.post(
        path, {"id": created["id"], "_version": created["_version"], "values": {"name": "B"}}
    )
    assert status == 200, body
    status, form = api_with_form.get(f"/api/forms/deal_quick/records/{created['id']}")
    assert status == 200 and form["formData"]["name"] == "B"
    status, body = api_with_form.post(
        path, {"id": created["id"], "_version": created["_version"], "values": {"name": "C"}}
    )
    assert status == 409, body


def test_hidden_fields_are_removed_and_readonly_fields_marked(app: Flask, runtime: Runtime, api_with_form: Api) -> None:
    assert api_with_form.post("/api/meta/roles", REP)[0] == 201
    rep = _user(app, runtime, api_with_form, "rep@example.com", ["sales_rep"])
    status, form = rep.get("/api/forms/deal_quick")
    assert status == 200, form
    assert "margin" not in form["schema"]["properties"] and "margin" not in form["uiSchema"]
    assert form["layout"]["tabs"][0]["sections"][0]["fields"] == ["name", "stage"]
    assert form["uiSchema"]["stage"]["ui:readonly"] is True
    assert "ui:readonly" not in form["uiSchema"]["name"]
    admin_form = api_with_form.get("/api/forms/deal_quick")[1]
    assert "margin" in admin_form["schema"]["properties"] and "ui:readonly" not in admin_form["uiSchema"]["stage"]
    # The form's whole data comes back unchanged for read-only fields: no change, no refusal.
    status, record = rep.post("/api/forms/deal_quick/submit", {"values": {"name": "Mine", "stage": None}})
    assert status == 201, record
    status, body = rep.post("/api/forms/deal_quick/submit", {"values": {"name": "Mine", "stage": "open"}})
    assert status == 403, body
    assert rep.get("/api/meta/forms")[0] == 403
    assert rep.post("/api/meta/forms", {**FORM, "key": "other"})[0] == 403


def test_bad_input_is_refused_clearly(api_with_form: Api, anonymous: Api) -> None:
    assert api_with_form.get("/api/forms/nope")[0] == 404
    assert api_with_form.post("/api/forms/nope/submit", {"values": {}})[0] == 404
    assert api_with_form.post("/api/forms/deal_quick/submit", [1, 2])[0] == 400
    assert api_with_form.post("/api/forms/deal_quick/submit", {"id": 10**30, "values": {}})[0] == 404
    status, body = api_with_form.post("/api/forms/deal_quick/submit", {"values": "x"})
    assert status == 422 and _errors(body) == {"values": "must be an object"}
    status, body = api_with_form.post("/api/forms/deal_quick/submit", {"values": {"name": "A", "secret": 1}})
    assert status == 422 and _errors(body) == {"secret": "unknown field"}
    status, body = api_with_form.post("/api/forms/deal_quick/submit", {"values": {"name": "A", "start_date": "soon"}})
    assert status == 422 and "start_date" in _errors(body)  # the records service still validates
    assert anonymous.get("/api/forms/deal_quick")[0] == 401
    assert anonymous.post("/api/forms/deal_quick/submit", {"values": {"name": "A"}})[0] == 401


def test_form_definitions_are_validated_against_the_entity(api_with_form: Api) -> None:
    bad = {
        **FORM,
        "key": "deal_bad",
        "fields": ["name", "nope"],
        "layout": {},
        "rules": [{"field": "name", "visible": {"bogus": [1]}}, {"field": "name", "required": {"var": "ghost"}}],
    }
    status, body = api_with_form.post("/api/meta/forms", bad)
    assert status == 422, body
    fields = [d["field"] for d in body["error"]["details"]]
    assert fields == ["fields.1", "rules.0.visible", "rules.1.required", "validations.0.field"]
    status, body = api_with_form.post("/api/meta/forms", {**FORM, "key": "deal_x", "entity": "ghost"})
    assert status == 422 and _errors(body) == {"entity": "no entity 'ghost'"}
    status, body = api_with_form.post("/api/meta/forms", {**FORM, "key": "deal_y", "extra": 1})
    assert status == 422
    assert api_with_form.post("/api/meta/forms", FORM)[0] == 409


def test_form_definition_lifecycle(api_with_form: Api) -> None:
    status, form = api_with_form.get("/api/meta/forms/deal_quick")
    assert status == 200 and form["version"] == 1
    changed = {**FORM, "label": L("Fast deal"), "version": 1}
    status, form = api_with_form.call("PUT", "/api/meta/forms/deal_quick", changed)
    assert status == 200 and form["version"] == 2
    assert api_with_form.get("/api/forms/deal_quick")[1]["schema"]["title"] == "Fast deal"
    assert api_with_form.call("PUT", "/api/meta/forms/deal_quick", changed)[0] == 409
    assert [f["key"] for f in api_with_form.get("/api/meta/forms")[1]["items"]] == ["deal_quick"]
    assert api_with_form.delete("/api/meta/forms/deal_quick")[0] == 200
    assert api_with_form.get("/api/forms/deal_quick")[0] == 404
    # A defined form with an entity's key replaces its default form.
    own = {**FORM, "key": "deal", "fields": ["name"], "layout": {}, "rules": [], "validations": []}
    assert api_with_form.post("/api/meta/forms", own)[0] == 201
    assert list(api_with_form.get("/api/forms/deal")[1]["schema"]["properties"]) == ["name"]
