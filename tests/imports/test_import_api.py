"""``POST /api/records/{entity}/import`` into the CRM: mapping, coercion, relations by title,
upsert, per-row errors that never block the other rows, dry runs, XLSX, and a large messy
export whose dashboard figures match sums computed straight from the file."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask

import sales_export
from api_client import Api
from loomworks.runtime import Runtime
from templates.shipped import Apps, build_apps


@pytest.fixture
def apps(api: Api, app: Flask, runtime: Runtime) -> Apps:
    return build_apps(api, app, runtime)


def send(api: Api, entity: str, content: bytes, options: dict[str, Any], name: str = "deals.csv") -> tuple[int, Any]:
    response = api.client.post(
        f"/api/records/{entity}/import",
        data={"file": (io.BytesIO(content), name), "options": json.dumps(options)},
        headers=api.headers,
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_json(silent=True)


CSV = """Deal,Account,Owner,Stage,Value,Expected close
Big rollout,Harbor Foods,Rep One,Needs analysis,"¥120,000.00",2026/6/30
Renewal,harbor foods ,rep@example.com,qualification,"$8,500",7/15/2026
Bad value,Jade Tea,Rep One,qualification,lots,2026-05-01
Unknown owner,Jade Tea,Nobody Here,qualification,100,2026-05-01
""".encode()


def test_rows_import_with_relations_by_title_and_bad_rows_reported_one_by_one(apps: Apps) -> None:
    rep = apps.person("rep@example.com", ["sales_rep"], name="Rep One")
    apps.create("company", {"name": "Harbor Foods"})
    options = {
        "mapping": {
            "Deal": "name",
            "Account": "company",
            "Owner": "owner",
            "Stage": "stage",
            "Value": "amount",
            "Expected close": "expected_close",
        },
        "keep_workflow_states": True,
        "create_missing": ["company"],
    }
    status, report = send(apps.admin, "deal", CSV, options)
    assert status == 200, report
    assert (report["total"], report["inserted"], report["failed"]) == (4, 2, 2)
    assert report["created_targets"] == {}  # Jade Tea's rows failed, so nothing was created for them
    assert report["errors"] == [
        {"row": 4, "column": "Value", "field": "amount", "message": "'lots' is not a number"},
        {"row": 5, "column": "Owner", "field": "owner", "message": "nobody here is 'Nobody Here' (by email or name)"},
    ]
    deals = {d["name"]: d for d in apps.list("deal")}
    harbor = apps.list("company", {"==": [{"var": "name"}, "Harbor Foods"]})[0]
    assert deals["Big rollout"]["amount"] == 120000 and deals["Big rollout"]["stage"] == "needs_analysis"
    assert deals["Big rollout"]["company"] == harbor["id"] and deals["Renewal"]["company"] == harbor["id"]
    assert deals["Renewal"]["owner"] == rep.id and deals["Renewal"]["expected_close"] == "2026-07-15"
    assert deals["Big rollout"]["probability"] == 25  # formulas run as for any write
    assert apps.get("company", harbor["id"])["name"] == "Harbor Foods"


def test_a_dry_run_reports_and_writes_nothing_and_upsert_updates_by_key(apps: Apps) -> None:
    content = b"name,amount\nAlpha,100\nBeta,200\n"
    status, report = send(apps.admin, "deal", content, {"dry_run": True})
    assert status == 200 and report["inserted"] == 2 and report["dry_run"] is True
    assert report["mapping"] == {"name": "name", "amount": "amount"}  # matched by key
    assert apps.list("deal") == []
    assert send(apps.admin, "deal", content, {"key": "name"})[1]["inserted"] == 2
    status, report = send(apps.admin, "deal", b"Name,Amount\nAlpha,150\nBeta,200\nGamma,1\n", {"key": "name"})
    assert (report["inserted"], report["updated"], report["unchanged"]) == (1, 1, 1), report  # matched by label
    assert {d["name"]: d["amount"] for d in apps.list("deal")} == {"Alpha": 150, "Beta": 200, "Gamma": 1}


def test_workflow_states_need_a_builder_and_the_flag(apps: Apps) -> None:
    content = b"name,stage\nWon one,Won\n"
    status, report = send(apps.admin, "deal", content, {})
    assert status == 200 and report["failed"] == 1
    assert "initial state" in report["errors"][0]["message"]
    rep = apps.person("rep@example.com", ["sales_rep"])
    status, body = send(rep.api, "deal", content, {"keep_workflow_states": True})
    assert status == 403, body
    assert send(apps.admin, "deal", content, {"keep_workflow_states": True})[1]["inserted"] == 1
    assert apps.list("deal")[0]["stage"] == "won"


def test_options_and_files_are_checked(apps: Apps) -> None:
    status, body = send(apps.admin, "deal", b"name\nx\n", {"mapping": {"Nope": "name"}, "bogus": 1, "day_first": "y"})
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {"bogus", "day_first"}
    status, body = send(apps.admin, "deal", b"name\nx\n", {"mapping": {"Nope": "name"}})
    assert status == 422 and body["error"]["details"][0]["field"] == "mapping.Nope"
    status, body = send(apps.admin, "deal", b"name\nx\n", {"mapping": {"name": "probability"}})
    assert status == 422  # a formula cannot be imported into
    assert send(apps.admin, "deal", b"", {})[0] == 422
    assert send(apps.admin, "nope", b"name\nx\n", {})[0] == 404
    response = apps.admin.client.post("/api/records/deal/import", headers=apps.admin.headers)
    assert response.status_code == 400


def test_an_xlsx_sheet_imports_like_a_csv(apps: Apps) -> None:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Amount", "Expected close"])
    sheet.append(["From Excel", 1234.5, date(2026, 8, 1)])
    out = io.BytesIO()
    book.save(out)
    status, report = send(apps.admin, "deal", out.getvalue(), {}, name="deals.xlsx")
    assert status == 200 and report["inserted"] == 1, report
    (deal,) = apps.list("deal")
    assert deal["amount"] == 1234.5 and deal["expected_close"] == "2026-08-01"


def test_a_large_messy_export_imports_cleanly_and_the_dashboards_match_the_file(apps: Apps) -> None:
    for name in sales_export.agents():
        apps.person(f"{name.split()[0].lower()}.{name.split()[1].lower()}@example.com", ["sales_rep"], name=name)
    facts = sales_export.rows(3000)
    status, report = send(apps.admin, "deal", sales_export.to_csv(facts), sales_export.import_options())
    assert status == 200, report
    assert (report["inserted"], report["failed"]) == (3000, 0), report["errors"][:5]
    assert report["created_targets"] == {"company": len({f["account"] for f in facts})}
    status, board = apps.admin.get("/api/dashboards/sales")
    assert status == 200, board
    widgets = {w["key"]: w for w in board["widgets"]}
    by_quarter = {g["key"]["closed_date"]: g["value"] for g in widgets["won_by_quarter"]["groups"]}
    assert by_quarter == sales_export.won_by_quarter(facts)
    assert widgets["win_rate"]["value"] == sales_export.win_rate(facts)
    again = send(apps.admin, "deal", sales_export.to_csv(facts), sales_export.import_options())[1]
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3000)  # re-import: nothing moves


def post_form(api: Api, entity: str, content: bytes, name: str = "deals.csv", **fields: str) -> tuple[int, Any]:
    response = api.client.post(
        f"/api/records/{entity}/import",
        data={"file": (io.BytesIO(content), name), **fields},
        headers=api.headers,
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_json(silent=True)


def test_the_api_md_form_mapping_per_column_mode_and_key_field(apps: Apps) -> None:
    content = b"Opportunity,Phase,Closes\nAlpha,Angebot,31.12.2026\n"
    mapping = {
        "Opportunity": "name",
        "Phase": {"field": "stage", "values": {"Angebot": "proposal"}},
        "Closes": {"field": "expected_close", "format": "%d.%m.%Y"},
    }
    status, report = post_form(
        apps.admin,
        "deal",
        content,
        mapping=json.dumps(mapping),
        mode="insert",
        options=json.dumps({"keep_workflow_states": True}),
    )
    assert status == 200 and report["inserted"] == 1, report
    (deal,) = apps.list("deal")
    assert deal["stage"] == "proposal" and deal["expected_close"] == "2026-12-31"
    again = b"Opportunity,Phase,Closes\nAlpha,Angebot,01.01.2027\n"
    status, report = post_form(
        apps.admin,
        "deal",
        again,
        mapping=json.dumps(mapping),
        mode="upsert",
        key_field="name",
        options=json.dumps({"keep_workflow_states": True}),
    )
    assert (report["inserted"], report["updated"]) == (0, 1), report
    assert apps.list("deal")[0]["expected_close"] == "2027-01-01"
    assert post_form(apps.admin, "deal", content, mode="upsert")[0] == 400  # which field finds the record?
    assert post_form(apps.admin, "deal", content, mode="merge")[0] == 400
    status, body = post_form(
        apps.admin, "deal", content, mapping=json.dumps({"Closes": {"field": "expected_close", "format": 5}})
    )
    assert status == 422 and body["error"]["details"][0]["field"] == "mapping.Closes.format"


def test_importing_needs_the_import_grant(apps: Apps) -> None:
    creator = {
        "key": "deal_clerk",
        "label": {"en": "Deal clerk"},
        "grants": [{"entity": "deal", "actions": ["read", "create"]}],
    }
    assert apps.admin.post("/api/meta/roles", creator)[0] == 201
    clerk = apps.person("clerk@example.com", ["deal_clerk"])
    assert post_form(clerk.api, "deal", b"name\nx\n")[0] == 403
    manager = apps.person("boss@example.com", ["sales_manager"])  # the CRM's managers may import
    assert post_form(manager.api, "deal", b"name\nx\n")[1]["inserted"] == 1


@pytest.mark.parametrize(
    ("content", "name", "options"),
    [
        (b"name\nx\n", "deals.csv", {"mapping": {"name": 5}}),
        (b"name\nx\n", "deals.csv", {"mapping": {"name": {"column": "x"}}}),
        (b"name\nx\n", "deals.csv", {"create_missing": [{}]}),
        (b"name\n" + b'"' + b"x" * 140_000 + b'"\n', "deals.csv", {}),
        (b"PK\x03\x04 not really a workbook", "deals.xlsx", {}),
    ],
    ids=["mapping-number", "mapping-object-without-field", "create-missing-object", "huge-cell", "broken-xlsx"],
)
def test_odd_options_and_files_are_4xx_not_500(apps: Apps, content: bytes, name: str, options: dict[str, Any]) -> None:
    status, body = send(apps.admin, "deal", content, options, name=name)
    assert 400 <= status < 500, body
