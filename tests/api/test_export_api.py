"""CSV export (``GET /api/records/{entity}/export``) and the caller's permissions on an entity:
the list's rows, hidden fields and masks, readable cells in the caller's language, a
streamed body in batches, formula-safe cells, and refusals as JSON errors."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import quote

from flask import Flask

from api_client import Api
from automation_world import build_world, user_api
from loomworks.records import export
from loomworks.runtime import Runtime

EXPORTER = {
    "key": "exporter",
    "label": {"en": "Exporter"},
    "grants": [
        {
            "entity": "deal",
            "actions": ["read", "export"],
            "scope": {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
            "hidden_fields": ["note"],
        },
        {"entity": "deal", "actions": ["create"]},
        {"entity": "company", "actions": ["read"]},
    ],
}


def _download(client: Api, path: str, language: str = "en") -> tuple[int, Any, list[list[str]]]:
    response = client.client.get(path, headers={**client.headers, "Accept-Language": language})
    body = response.data
    rows = []
    if response.status_code == 200:
        assert body.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return response.status_code, response, rows


def _setup(api: Api, app: Flask, runtime: Runtime) -> tuple[Api, Any]:
    world = build_world(api, app, runtime)
    status, body = api.post("/api/meta/roles", EXPORTER)
    assert status == 201, body
    exporter, row = user_api(app, runtime, "exporter@example.com", ["exporter"], name="Erin Export")
    company = world.create("company", {"name": "海港食品", "vip": True})
    world.create(
        "deal",
        {"name": "=HYPERLINK(1)", "company": company["id"], "stage": "won", "amount": -5, "note": "secret"},
        as_=exporter,
    )
    world.create("deal", {"name": "Plain", "stage": "new", "assignee": row["id"]}, as_=exporter)
    world.create("deal", {"name": "Someone else's", "stage": "new"})  # the admin owns it: out of scope
    return exporter, world


def test_export_is_the_readers_list_as_people_read_it(api: Api, app: Flask, runtime: Runtime) -> None:
    exporter, _ = _setup(api, app, runtime)
    status, response, rows = _download(exporter, "/api/records/deal/export?format=csv&sort=name")
    assert status == 200, response.data
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="deal-') and "filename*=UTF-8''Deal-" in disposition
    header, *data = rows
    assert "Note" not in header  # hidden from the exporter
    assert header[:4] == ["Name", "Company", "Stage", "Amount"]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in data}
    assert set(by_name) == {"'=HYPERLINK(1)", "Plain"}  # formula guarded; only the exporter's own rows
    first = by_name["'=HYPERLINK(1)"]
    assert first["Company"] == "海港食品" and first["Stage"] == "Won" and first["Amount"] == "-5"
    assert by_name["Plain"]["Assignee"] == "Erin Export"


def test_export_speaks_the_callers_language(api: Api, app: Flask, runtime: Runtime) -> None:
    exporter, _ = _setup(api, app, runtime)
    where = quote(json.dumps({"==": [{"var": "stage"}, "won"]}))
    status, response, rows = _download(
        exporter, f"/api/records/deal/export?where={where}&fields=id,name,company", "zh-CN,zh;q=0.9"
    )
    assert status == 200
    assert rows[0] == ["ID", "Name", "Company"]  # the world's field labels are English only
    assert len(rows) == 2 and rows[1][2] == "海港食品"
    assert "filename*=UTF-8''%E5%95%86%E6%9C%BA-" in response.headers["Content-Disposition"]  # 商机


def test_export_streams_in_batches(api: Api, app: Flask, runtime: Runtime, monkeypatch: Any) -> None:
    exporter, world = _setup(api, app, runtime)
    for index in range(5):
        world.create("deal", {"name": f"Batch {index}", "stage": "new"}, as_=exporter)
    monkeypatch.setattr(export, "BATCH_SIZE", 2)
    status, _, rows = _download(exporter, "/api/records/deal/export?sort=-name&fields=name")
    assert status == 200
    names = [r[0] for r in rows[1:]]
    assert len(names) == 7 and len(set(names)) == 7
    assert names == sorted(names, reverse=True)


def test_export_refusals_are_json_errors(api: Api, app: Flask, runtime: Runtime) -> None:
    exporter, _ = _setup(api, app, runtime)
    status, body = exporter.get("/api/records/deal/export?format=xlsx")
    assert status == 400 and body["error"]["details"][0]["field"] == "format"
    status, body = exporter.get("/api/records/deal/export?fields=note")  # hidden reads as unknown
    assert status == 400 and body["error"]["details"][0]["field"] == "fields"
    status, body = exporter.get("/api/records/company/export")  # read but no export grant
    assert status == 403
    status, body = exporter.get("/api/records/deal/export?where=notjson")
    assert status == 400 and body["error"]["details"][0]["field"] == "where"
    status, body = Api(app.test_client()).get("/api/records/deal/export")
    assert status == 401


def test_entity_definition_tells_the_callers_permissions(api: Api, app: Flask, runtime: Runtime) -> None:
    exporter, _ = _setup(api, app, runtime)
    status, body = exporter.get("/api/meta/entities/deal")
    assert status == 200
    assert body["permissions"] == {
        "create": True,
        "update": False,
        "delete": False,
        "export": True,
        "import": False,
        "transition": False,
    }
    status, body = exporter.get("/api/meta/entities")
    listed = {item["key"]: item["permissions"] for item in body["items"]}
    assert set(listed) == {"deal", "company"} and listed["company"]["export"] is False
    status, body = api.get("/api/meta/entities/deal")
    assert all(body["permissions"].values())  # the admin may do everything
