"""Forms beyond rules: layout, defaults, sub-tables, pickers and public (anonymous) forms.

A ``project`` with milestones edited inside it (a sub_table), an owner picked among
users and a customer picked among companies; a ``lead`` with a public web-to-lead form.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import Api
from loomworks.auth import users
from loomworks.runtime import Runtime

ZH = {"Accept-Language": "zh-CN"}


def L(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh} if zh else {"en": en}


COMPANY = {
    "key": "company",
    "label": L("Company", "公司"),
    "title_field": "name",
    "fields": [{"key": "name", "type": "text", "label": L("Name", "名称"), "required": True}],
}
PROJECT = {
    "key": "project",
    "label": L("Project", "项目"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": L("Name", "名称"), "required": True},
        {
            "key": "status",
            "type": "select",
            "label": L("Status", "状态"),
            "options": {
                "choices": [
                    {"value": "planning", "label": L("Planning", "规划中"), "color": "blue"},
                    {"value": "active", "label": L("Active", "进行中")},
                ]
            },
        },
        {"key": "owner", "type": "user", "label": L("Owner", "负责人")},
        {"key": "customer", "type": "relation", "label": L("Customer", "客户"), "options": {"target": "company"}},
        {"key": "budget", "type": "currency", "label": L("Budget", "预算"), "options": {"currency": "CNY"}},
        {
            "key": "milestones",
            "type": "sub_table",
            "label": L("Milestones", "里程碑"),
            "options": {
                "fields": [
                    {"key": "title", "type": "text", "label": L("Title", "标题"), "required": True},
                    {"key": "due", "type": "date", "label": L("Due", "截止")},
                    {"key": "weight", "type": "integer", "label": L("Weight", "权重")},
                ]
            },
        },
    ],
}
PROJECT_FORM = {
    "key": "project_form",
    "label": L("Project", "项目"),
    "entity": "project",
    "fields": [
        "name",
        {"key": "status", "default": "planning"},
        {"key": "owner", "default_logic": {"var": "$user.id"}},
        "customer",
        "budget",
        "milestones",
    ],
    "layout": {
        "tabs": [
            {
                "key": "main",
                "label": L("Main", "基本信息"),
                "sections": [{"label": L("Basics", "概要"), "columns": 2, "fields": ["name", "status", "owner"]}],
            },
            {"key": "plan", "label": L("Plan", "计划"), "sections": [{"fields": ["milestones"]}]},
        ]
    },
    "validations": [
        {
            "field": "milestones",
            "rule": {
                "<=": [
                    {"reduce": [{"var": "milestones"}, {"+": [{"var": "accumulator"}, {"var": "current.weight"}]}, 0]},
                    100,
                ]
            },
            "message": L("Weights add up to at most 100", "权重合计不超过 100"),
        }
    ],
}
LEAD = {
    "key": "lead",
    "label": L("Lead", "线索"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": L("Name", "姓名"), "required": True},
        {"key": "email", "type": "email", "label": L("Email", "邮箱"), "required": True},
        {"key": "source", "type": "text", "label": L("Source", "来源")},
        {"key": "notes", "type": "rich_text", "label": L("Notes", "备注")},
    ],
}
WEB_TO_LEAD = {
    "key": "web_lead",
    "label": L("Contact us", "联系我们"),
    "entity": "lead",
    "public": True,
    "fields": ["name", "email", {"key": "source", "default": "web"}, "notes"],
}


@pytest.fixture
def projects(api: Api) -> Api:
    for entity in (COMPANY, PROJECT):
        assert api.post("/api/meta/entities", entity)[0] == 201
    status, body = api.post("/api/meta/forms", PROJECT_FORM)
    assert status == 201, body
    return api


@pytest.fixture
def leads(api: Api) -> Api:
    assert api.post("/api/meta/entities", LEAD)[0] == 201
    status, body = api.post("/api/meta/forms", WEB_TO_LEAD)
    assert status == 201, body
    return api


def _fields(body: dict[str, Any]) -> set[str]:
    return {d["field"] for d in body["error"]["details"]}


def test_layout_widgets_and_defaults_are_rendered_for_the_browser(projects: Api) -> None:
    status, form = projects.get("/api/forms/project_form", headers=ZH)
    assert status == 200, form
    tab = form["layout"]["tabs"][0]
    assert tab["title"] == "基本信息" and tab["sections"][0] == {
        "title": "概要",
        "columns": 2,
        "fields": ["name", "status", "owner"],
    }
    status_ui = form["uiSchema"]["status"]["ui:options"]
    assert status_ui["field_type"] == "select"
    assert status_ui["choices"] == [
        {"value": "planning", "label": "规划中", "color": "blue"},
        {"value": "active", "label": "进行中"},
    ]
    assert form["uiSchema"]["customer"]["ui:options"] == {"field_type": "relation", "target": "company", "many": False}
    assert form["uiSchema"]["budget"]["ui:options"]["currency"] == "CNY"
    # Plain value schemas (no "or null" choice for rjsf to render); sub-table rows have their columns.
    assert form["schema"]["properties"]["status"]["enum"] == ["planning", "active"]
    rows = form["schema"]["properties"]["milestones"]
    assert rows["type"] == "array" and rows["items"]["required"] == ["title"]
    assert rows["items"]["properties"]["due"]["title"] == "截止"
    assert form["uiSchema"]["milestones"]["items"]["weight"]["ui:options"]["field_type"] == "integer"
    assert form["defaults"] == {"static": {"status": "planning"}, "logic": {"owner": {"var": "$user.id"}}}
    assert form["context"]["$user"]["id"] is not None


def test_defaults_apply_on_create_when_the_submission_leaves_the_field_out(projects: Api) -> None:
    me = projects.get("/api/auth/me")[1]
    status, record = projects.post("/api/forms/project_form/submit", {"values": {"name": "Rollout"}})
    assert status == 201, record
    assert record["status"] == "planning" and record["owner"] == me["id"]
    # A value the user chose (even empty) is theirs, not the default's.
    status, record = projects.post("/api/forms/project_form/submit", {"values": {"name": "B", "status": "active"}})
    assert status == 201 and record["status"] == "active"
    # Defaults never apply on update.
    status, updated = projects.post(
        "/api/forms/project_form/submit", {"id": record["id"], "values": {"status": None, "owner": None}}
    )
    assert status == 200 and updated["status"] is None and updated["owner"] is None


def test_sub_table_rows_are_edited_with_the_form_and_errors_name_the_cell(projects: Api) -> None:
    values = {"name": "P", "milestones": [{"title": "Kick-off", "weight": 30}, {"title": "Go-live", "weight": 70}]}
    status, record = projects.post("/api/forms/project_form/submit", {"values": values})
    assert status == 201, record
    assert [row["title"] for row in record["milestones"]] == ["Kick-off", "Go-live"]
    rows = [{**row, "weight": 40} for row in record["milestones"]] + [{"title": "Extra", "weight": 30}]
    status, body = projects.post("/api/forms/project_form/submit", {"id": record["id"], "values": {"milestones": rows}})
    assert status == 422 and _fields(body) == {"milestones"}, body
    assert body["error"]["details"][0]["message"] == "Weights add up to at most 100"
    # A row error and a form error come back together, each on its own path.
    bad = {"name": "", "milestones": [{"weight": 120}, {"title": "x", "due": "someday"}]}
    status, body = projects.post("/api/forms/project_form/submit", {"values": bad})
    assert status == 422
    assert {"name", "milestones", "milestones.0.title", "milestones.1.due"} <= _fields(body), body


def test_pickers_offer_users_and_readable_records(projects: Api) -> None:
    assert projects.post("/api/records/company", {"name": "Acme 100%"})[0] == 201
    assert projects.post("/api/records/company", {"name": "Globex"})[0] == 201
    status, page = projects.get("/api/forms/project_form/fields/customer/options?q=acme")
    assert status == 200 and [item["title"] for item in page["items"]] == ["Acme 100%"]
    status, page = projects.get("/api/forms/project_form/fields/owner/options")
    assert status == 200 and page["entity"] == "user" and page["items"]
    assert all(set(item) == {"id", "title"} for item in page["items"])  # names, never emails
    assert projects.get("/api/forms/project_form/fields/owner/options?q=%25")[1]["items"] == []
    assert projects.get("/api/forms/project_form/fields/budget/options")[0] == 404


def test_definitions_with_bad_layout_or_defaults_are_refused(projects: Api) -> None:
    bad = {
        **PROJECT_FORM,
        "key": "project_bad",
        "fields": [
            "name",
            {"key": "status", "default": "archived"},
            {"key": "budget", "default_logic": {"var": "nope"}},
        ],
        "layout": {"sections": [{"fields": ["name", "name"]}, {"fields": ["milestones"]}]},
        "validations": [],
    }
    status, body = projects.post("/api/meta/forms", bad)
    assert status == 422, body
    assert _fields(body) == {
        "fields.1.default",
        "fields.2.default_logic",
        "layout.sections.0.fields.1",
        "layout.sections.1.fields.0",
    }


def test_a_public_form_takes_anonymous_submissions(leads: Api, anonymous: Api) -> None:
    status, form = anonymous.get("/api/forms/web_lead", headers=ZH)
    assert status == 200 and form["public"] is True and form["title"] == "联系我们"
    assert form["context"]["$user"]["id"] is None
    values = {"name": "Wang", "email": "wang@example.com", "notes": '<p onclick="x()">Hi<script>alert(1)</script></p>'}
    status, body = anonymous.post("/api/forms/web_lead/submit", {"values": values, "_hp": ""})
    assert status == 201 and body == {"status": "received"}  # never the record
    stored = leads.get("/api/records/lead")[1]["items"]
    assert len(stored) == 1 and stored[0]["source"] == "web"
    assert "script" not in stored[0]["notes"] and "onclick" not in stored[0]["notes"]
    audit = leads.get("/api/audit?action=form.public_submit")[1]["items"]
    assert audit[0]["target"] == "form:web_lead" and audit[0]["data"] == {"record_id": stored[0]["id"]}
    # Rules are enforced for strangers too, and they can only create.
    status, body = anonymous.post("/api/forms/web_lead/submit", {"values": {"name": "No email"}})
    assert status == 422 and _fields(body) == {"email"}
    status, body = anonymous.post("/api/forms/web_lead/submit", {"id": stored[0]["id"], "values": {"name": "X"}})
    assert status == 422 and _fields(body) == {"id"}


def test_the_honeypot_stores_nothing_but_answers_like_a_success(leads: Api, anonymous: Api) -> None:
    values = {"name": "Bot", "email": "bot@example.com"}
    status, body = anonymous.post("/api/forms/web_lead/submit", {"values": values, "_hp": "http://spam.example"})
    assert status == 201 and body == {"status": "received"}
    assert leads.get("/api/records/lead")[1]["items"] == []
    assert leads.get("/api/audit?action=form.public_honeypot")[1]["items"][0]["target"] == "form:web_lead"


def test_public_submissions_are_rate_limited_and_size_limited(leads: Api, anonymous: Api) -> None:
    here = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    values = {"name": "Lee", "email": "lee@example.com"}
    for _ in range(20):
        assert anonymous.post("/api/forms/web_lead/submit", {"values": values}, **here)[0] == 201
    status, body = anonymous.post("/api/forms/web_lead/submit", {"values": values}, **here)
    assert status == 429 and body["error"]["code"]
    elsewhere = {"environ_base": {"REMOTE_ADDR": "198.51.100.1"}}
    assert anonymous.post("/api/forms/web_lead/submit", {"values": values}, **elsewhere)[0] == 201
    huge = {"values": {**values, "notes": "x" * 70_000}}
    assert anonymous.post("/api/forms/web_lead/submit", huge, **elsewhere)[0] == 413


def test_forms_that_are_not_public_stay_closed_to_strangers(projects: Api, leads: Api, anonymous: Api) -> None:
    assert anonymous.get("/api/forms/project_form")[0] == 401
    assert anonymous.get("/api/forms/lead")[0] == 401  # the entity's default form is never public
    assert anonymous.post("/api/forms/project_form/submit", {"values": {"name": "x"}})[0] == 401
    assert anonymous.get("/api/forms/web_lead/fields/name/options")[0] == 401
    # Strangers cannot tell a missing form from a closed one: the answers list nothing.
    assert anonymous.get("/api/forms/nope")[0] == 401
    assert anonymous.post("/api/forms/nope/submit", {"values": {}})[0] == 401
    # A public form may not show pickers or uploads: strangers cannot browse records or users.
    leaky = {"key": "leaky", "label": L("Leaky"), "entity": "project", "public": True, "fields": ["name", "customer"]}
    status, body = projects.post("/api/meta/forms", leaky)
    assert status == 422 and _fields(body) == {"fields.1"}


def test_validations_read_user_and_now_and_read_only_fields_keep_their_defaults(api: Api) -> None:
    task = {
        "key": "task",
        "label": L("Task"),
        "fields": [
            {"key": "title", "type": "text", "label": L("Title")},
            {"key": "due", "type": "datetime", "label": L("Due")},
            {"key": "channel", "type": "text", "label": L("Channel")},
        ],
    }
    form = {
        "key": "task_form",
        "label": L("Task"),
        "entity": "task",
        "fields": ["title", "due", {"key": "channel", "default": "desk"}],
        "rules": [{"field": "channel", "readonly": True}],
        "validations": [
            {
                "field": "due",
                "rule": {"or": [{"!": {"var": "due"}}, {">": [{"var": "due"}, {"var": "$now"}]}]},
                "message": L("must be in the future"),
            },
            {
                "field": "title",
                "rule": {"!=": [{"var": "title"}, {"var": "$user.name"}]},
                "message": L("not your name"),
            },
        ],
    }
    assert api.post("/api/meta/entities", task)[0] == 201
    status, body = api.post("/api/meta/forms", form)
    assert status == 201, body
    me = api.get("/api/auth/me")[1]
    status, body = api.post(
        "/api/forms/task_form/submit", {"values": {"title": me["name"], "due": "2001-01-01T00:00:00Z"}}
    )
    assert status == 422 and _fields(body) == {"title", "due"}, body
    # The browser sends the read-only field's default back: that is the form's value, not a change.
    status, record = api.post("/api/forms/task_form/submit", {"values": {"title": "Call", "channel": "desk"}})
    assert status == 201 and record["channel"] == "desk", record
    status, body = api.post("/api/forms/task_form/submit", {"values": {"title": "Call", "channel": "phone"}})
    assert status == 422 and _fields(body) == {"channel"}


def test_a_relation_column_in_a_sub_table_has_its_own_picker(api: Api) -> None:
    product = {
        "key": "product",
        "label": L("Product"),
        "title_field": "name",
        "fields": [{"key": "name", "type": "text", "label": L("Name")}],
    }
    quote = {
        "key": "quote",
        "label": L("Quote"),
        "fields": [
            {
                "key": "lines",
                "type": "sub_table",
                "label": L("Lines"),
                "options": {
                    "fields": [
                        {"key": "product", "type": "relation", "label": L("Product"), "options": {"target": "product"}},
                        {"key": "qty", "type": "integer", "label": L("Qty")},
                    ]
                },
            },
        ],
    }
    for entity in (product, quote):
        assert api.post("/api/meta/entities", entity)[0] == 201
    assert api.post("/api/records/product", {"name": "Widget"})[0] == 201
    status, page = api.get("/api/forms/quote/fields/lines.product/options?q=wid")
    assert status == 200 and [item["title"] for item in page["items"]] == ["Widget"], page
    assert api.get("/api/forms/quote/fields/lines.qty/options")[0] == 404
    assert api.get("/api/forms/quote/fields/lines.nope/options")[0] == 404


def test_the_records_service_messages_follow_the_form_language(api: Api) -> None:
    entity = {
        "key": "badge",
        "label": L("Badge"),
        "fields": [{"key": "code", "type": "text", "label": L("Code"), "unique": True, "required": True}],
    }
    assert api.post("/api/meta/entities", entity)[0] == 201
    assert api.post("/api/forms/badge/submit", {"values": {"code": "B-1"}})[0] == 201
    status, body = api.post("/api/forms/badge/submit", {"values": {"code": "B-1"}}, headers=ZH)
    assert status == 409 and body["error"]["details"] == [{"field": "code", "message": "该值已被其他记录使用"}]
    status, body = api.post("/api/forms/badge/submit", {"values": {"code": "B-1"}})
    assert status == 409 and body["error"]["details"][0]["message"] == "this value is already used by another record"


def test_refused_public_submissions_count_toward_the_limit(leads: Api, anonymous: Api) -> None:
    here = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    for _ in range(20):  # probing with invalid submissions is not free
        assert anonymous.post("/api/forms/web_lead/submit", {"values": {"name": "x"}}, **here)[0] == 422
    valid = {"values": {"name": "Lee", "email": "lee@example.com"}}
    assert anonymous.post("/api/forms/web_lead/submit", valid, **here)[0] == 429
    assert leads.get("/api/records/lead")[1]["items"] == []


def test_pickers_answer_only_callers_who_may_fill_the_field(app: Flask, runtime: Runtime, projects: Api) -> None:
    with runtime.engine.begin() as conn:
        member = users.create_user(conn, "nobody@example.com", "password-123", name="No Grants", roles=["member"])
        token = users.create_token(conn, member["id"], "t")["token"]
    member_api = Api(app.test_client(), {"Authorization": f"Bearer {token}"})
    assert member_api.get("/api/forms/project_form/fields/owner/options")[0] == 404
    assert member_api.get("/api/forms/project_form/fields/customer/options")[0] == 404
