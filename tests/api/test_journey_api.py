"""The issue's "done when", through HTTP alone: define an entity with every built-in field type,
write and query records, change and remove fields without losing data, see every change as a
revision, and revert one."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

from api_client import Api
from loomworks.fields.registry import FIELD_TYPES


def L(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


CHOICES = [{"value": "new", "label": L("New", "新建")}, {"value": "won", "label": L("Won", "赢单")}]

COMPANY = {
    "key": "company",
    "label": L("Company", "公司"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": L("Name", "名称"), "required": True},
        {
            "key": "deal_total",
            "type": "rollup",
            "label": L("Deal total", "商机总额"),
            "options": {"entity": "deal", "via": "company", "aggregate": "sum", "field": "amount"},
        },
    ],
}

DEAL_FIELDS: list[dict[str, Any]] = [
    {"key": "name", "type": "text", "label": L("Name", "名称"), "required": True},
    {"key": "notes", "type": "long_text", "label": L("Notes", "备注")},
    {"key": "pitch", "type": "rich_text", "label": L("Pitch", "介绍")},
    {"key": "contact_email", "type": "email", "label": L("Email", "邮箱")},
    {"key": "phone", "type": "phone", "label": L("Phone", "电话")},
    {"key": "website", "type": "url", "label": L("Website", "网址")},
    {"key": "seats", "type": "integer", "label": L("Seats", "席位")},
    {"key": "discount", "type": "decimal", "label": L("Discount", "折扣"), "options": {"scale": 2}},
    {"key": "amount", "type": "currency", "label": L("Amount", "金额"), "options": {"currency": "CNY"}},
    {"key": "probability", "type": "percent", "label": L("Probability", "概率")},
    {"key": "stars", "type": "rating", "label": L("Stars", "评分"), "options": {"max": 5}},
    {"key": "effort", "type": "duration", "label": L("Effort", "工时")},
    {"key": "close_date", "type": "date", "label": L("Close date", "成交日期")},
    {"key": "next_call", "type": "datetime", "label": L("Next call", "下次通话")},
    {"key": "hot", "type": "boolean", "label": L("Hot", "重点")},
    {"key": "stage", "type": "select", "label": L("Stage", "阶段"), "options": {"choices": CHOICES}, "indexed": True},
    {
        "key": "channels",
        "type": "multi_select",
        "label": L("Channels", "渠道"),
        "options": {
            "choices": [{"value": "web", "label": L("Web", "网站")}, {"value": "phone", "label": L("Phone", "电话")}]
        },
    },
    {"key": "tags", "type": "tags", "label": L("Tags", "标签")},
    {"key": "rep", "type": "user", "label": L("Rep", "销售")},
    {
        "key": "company",
        "type": "relation",
        "label": L("Company", "公司"),
        "options": {"target": "company", "on_delete": "restrict"},
    },
    {
        "key": "lines",
        "type": "sub_table",
        "label": L("Lines", "明细"),
        "options": {
            "fields": [
                {"key": "item", "type": "text", "label": L("Item", "品名")},
                {"key": "qty", "type": "integer", "label": L("Qty", "数量")},
            ]
        },
    },
    {
        "key": "number",
        "type": "auto_number",
        "label": L("Number", "编号"),
        "options": {"pattern": "DEAL-{YYYY}-{0000}"},
    },
    {
        "key": "weighted",
        "type": "formula",
        "label": L("Weighted", "加权金额"),
        "options": {
            "expression": {"*": [{"var": "amount"}, {"/": [{"var": "probability"}, 100]}]},
            "result_type": "number",
        },
    },
    {
        "key": "line_count",
        "type": "rollup",
        "label": L("Line count", "明细数"),
        "options": {"sub_table": "lines", "aggregate": "count"},
    },
    {"key": "created", "type": "created_at", "label": L("Created", "创建时间")},
    {"key": "updated", "type": "updated_at", "label": L("Updated", "更新时间")},
    {"key": "creator", "type": "created_by", "label": L("Creator", "创建人")},
    {"key": "editor", "type": "updated_by", "label": L("Editor", "修改人")},
    {"key": "files", "type": "attachment", "label": L("Files", "附件")},
]


def test_definitions_cover_every_registered_field_type() -> None:
    assert {f["type"] for f in DEAL_FIELDS} == set(FIELD_TYPES.keys())


def _where(rule: Any) -> str:
    return quote(json.dumps(rule))


def test_full_journey_through_http(api: Api, admin_user: dict[str, Any]) -> None:
    status, body = api.post("/api/meta/entities", COMPANY | {"fields": COMPANY["fields"][:1]})
    assert status == 201, body
    status, body = api.post(
        "/api/meta/entities", {"key": "deal", "label": L("Deal", "商机"), "title_field": "name", "fields": DEAL_FIELDS}
    )
    assert status == 201, body
    status, body = api.post("/api/meta/entities/company/fields", COMPANY["fields"][1])
    assert status == 201, body

    status, acme = api.post("/api/records/company", {"name": "Acme 有限公司"})
    assert status == 201
    status, upload = api.call(
        "POST", "/api/files", data={"file": (io.BytesIO(b"%PDF-1.4"), "offer.pdf")}, content_type="multipart/form-data"
    )
    assert status == 201 and upload["size"] == 8

    status, deal = api.post(
        "/api/records/deal",
        {
            "name": "Big one",
            "notes": "line 1\nline 2",
            "pitch": "<p>Hi<script>x</script></p>",
            "contact_email": "Buyer@Example.com",
            "phone": "+86 10 1234 5678",
            "website": "https://example.com",
            "seats": 12,
            "discount": 0.15,
            "amount": 1000.5,
            "probability": 40,
            "stars": 4,
            "effort": 90,
            "close_date": "2026-03-31",
            "next_call": "2026-03-01T09:30:00+08:00",
            "hot": True,
            "stage": "new",
            "channels": ["web"],
            "tags": ["vip"],
            "rep": admin_user["id"],
            "company": acme["id"],
            "lines": [{"item": "License", "qty": 12}, {"item": "Support", "qty": 1}],
            "files": [upload["id"]],
        },
    )
    assert status == 201, deal
    assert deal["number"].startswith("DEAL-") and deal["number"].endswith("-0001")
    assert deal["weighted"] == 400.2
    assert deal["line_count"] == 2
    assert "<script>" not in deal["pitch"]
    assert deal["next_call"].startswith("2026-03-01T01:30:00")  # stored in UTC
    assert deal["_refs"]["company"] == {"id": acme["id"], "title": "Acme 有限公司"}
    assert deal["creator"] == admin_user["id"] and deal["files"][0]["name"] == "offer.pdf"
    assert [line["item"] for line in deal["lines"]] == ["License", "Support"]

    status, acme_now = api.get(f"/api/records/company/{acme['id']}")
    assert float(acme_now["deal_total"]) == 1000.5

    # Query: filter across one relation hop, search, sort, project.
    rule = {"and": [{"==": [{"var": "company.name"}, "Acme 有限公司"]}, {">": [{"var": "amount"}, 500]}]}
    status, page = api.get(f"/api/records/deal?where={_where(rule)}&q=big&sort=-amount&fields=name,amount")
    assert status == 200, page
    assert [item["name"] for item in page["items"]] == ["Big one"] and page["total"] == 1
    assert "notes" not in page["items"][0]
    status, agg = api.get("/api/records/deal/aggregate?group_by=stage,close_date:quarter&metrics=count,sum:amount")
    assert status == 200, agg
    assert agg["groups"][0]["key"] == {"stage": "new", "close_date": "2026-Q1"}
    assert agg["groups"][0]["count"] == 1

    # Change fields without losing data: label, lossless conversion, remove and restore.
    assert api.patch("/api/meta/entities/deal/fields/seats", {"label": L("Licences", "许可数")})[0] == 200
    status, body = api.patch("/api/meta/entities/deal/fields/seats", {"type": "decimal"})
    assert status == 200, body
    status, body = api.patch("/api/meta/entities/deal/fields/discount", {"type": "integer"})
    assert status == 409 and body["error"]["preview"], body  # 0.15 -> 0 would lose data
    assert api.get(f"/api/records/deal/{deal['id']}")[1]["discount"] == 0.15
    assert api.delete("/api/meta/entities/deal/fields/notes")[0] == 200
    status, hidden = api.get(f"/api/records/deal/{deal['id']}")
    assert "notes" not in hidden
    assert api.post("/api/meta/entities/deal/fields/notes/restore")[0] == 200
    status, back = api.get(f"/api/records/deal/{deal['id']}")
    assert back["notes"] == "line 1\nline 2" and float(back["seats"]) == 12

    # Every change is a revision; reverting the label change brings the old label back.
    status, revisions = api.get("/api/meta/revisions?kind=entity&key=deal")
    assert status == 200
    actions = [r["action"] for r in revisions["items"]]
    assert len(actions) == 5 and actions[-1] == "create"
    label_change = revisions["items"][-2]
    assert label_change["author"] == admin_user["id"]
    status, reverted = api.post(f"/api/meta/revisions/{label_change['id']}/revert", {"confirm": True})
    assert status == 200, reverted
    seats = next(f for f in reverted["fields"] if f["key"] == "seats")
    assert seats["label"]["en"] == "Seats"

    # Optimistic locking and history.
    status, body = api.patch(f"/api/records/deal/{deal['id']}", {"stage": "won", "_version": 1})
    assert status == 200 and body["_version"] == 2
    status, body = api.patch(f"/api/records/deal/{deal['id']}", {"stage": "new", "_version": 1})
    assert status == 409 and body["error"]["code"] == "conflict"
    status, history = api.get(f"/api/records/deal/{deal['id']}/history")
    assert history["items"][0]["changes"]["stage"] == {"before": "new", "after": "won"}

    # Restrict: the company cannot go while a deal points at it; soft delete and restore.
    assert api.delete(f"/api/records/company/{acme['id']}")[0] == 409
    assert api.delete(f"/api/records/deal/{deal['id']}")[0] == 204
    assert api.get(f"/api/records/deal/{deal['id']}")[0] == 404
    assert api.post(f"/api/records/deal/{deal['id']}/restore")[0] == 200
