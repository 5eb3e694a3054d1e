"""A template that extends another (the bridge pattern), and exporting an app to install it
on a fresh instance with identical effective definitions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from api_client import Api
from automation_world import label
from template_bundles import app_files, write_folder
from templates.app_versions import v1, v2
from templates.test_install import customize, entity, install, publish

JOB = {
    "key": "job",
    "label": label("Job", "工单"),
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": label("Name", "名称"), "required": True},
        {"key": "account", "type": "relation", "label": label("Account", "客户"), "options": {"target": "account"}},
    ],
}
ACCOUNT_EXTENSION = {
    "key": "account",
    "extend": True,
    "fields": [
        {
            "key": "job_count",
            "type": "rollup",
            "label": label("Jobs", "工单数"),
            "options": {"entity": "job", "via": "account", "aggregate": "count"},
        }
    ],
}


def publish_bridge(library: Path) -> None:
    docs = {"entities/job.json": JOB, "entities/account.json": ACCOUNT_EXTENSION}
    write_folder(library / "delivery", app_files("delivery", "1.0.0", docs, requires={"sales": ">=1.0,<3"}))


def field_keys(api: Api, key: str) -> list[str]:
    return [f["key"] for f in entity(api, key)["fields"] if not f.get("removed")]


def test_a_bridge_needs_what_it_extends_and_its_fields_survive_the_other_apps_upgrade(api: Api, library: Path) -> None:
    publish(library, "1.0.0", v1())
    publish_bridge(library)
    status, body = api.post("/api/templates/delivery/install", {})
    assert status == 409 and body["error"]["details"][0]["field"] == "requires.sales", body

    install(api, "sales", version="1.0.0")
    report = install(api, "delivery")
    assert ("entity", "account") in {(c["kind"], c["key"]) for c in report["changes"]}
    assert entity(api, "account")["template"] == "sales"  # extended, still sales' own
    status, acme = api.post("/api/records/account", {"name": "Acme"})
    assert api.post("/api/records/job", {"name": "Install", "account": acme["id"]})[0] == 201
    assert api.get(f"/api/records/account/{acme['id']}")[1]["job_count"] == 1

    customize(api)
    publish(library, "2.0.0", v2())
    install(api, "sales")
    assert field_keys(api, "account") == ["name", "website", "tier", "pipeline", "job_count", "region"]
    assert api.get(f"/api/records/account/{acme['id']}")[1]["job_count"] == 1

    status, body = api.post("/api/templates/sales/uninstall", {})
    assert status == 409 and "delivery" in body["error"]["message"]

    status, report = api.post("/api/templates/delivery/uninstall", {})
    assert status == 200, report
    assert "job_count" not in field_keys(api, "account")  # removed, its values kept
    assert api.get("/api/meta/entities/job")[0] == 404
    install(api, "delivery")
    assert "job_count" in field_keys(api, "account")  # the template took it away, so it comes back
    assert api.get(f"/api/records/account/{acme['id']}")[1]["job_count"] == 1


def definitions(api: Api) -> dict[str, Any]:
    """Every live definition's effective document, without what says where and when it was stored."""
    found = {}
    for kind, path in (("entity", "entities"), ("role", "roles"), ("form", "forms"), ("rule", "rules")):
        status, body = api.get(f"/api/meta/{path}")
        assert status == 200, body
        for doc in body["items"]:
            if doc.get("builtin"):
                continue
            found[f"{kind}:{doc['key']}"] = {
                k: v for k, v in doc.items() if k not in ("version", "updated_at", "template", "deleted")
            }
    return found


def test_an_exported_app_installs_on_a_fresh_instance_with_identical_definitions(
    api: Api, fresh_api: Api, library: Path
) -> None:
    publish(library, "1.0.0", v1())
    install(api, "sales")
    customize(api)
    assert api.delete("/api/meta/entities/account/fields/tier")[0] == 200  # removed, kept

    response = api.client.get("/api/templates/export?app=sales", headers=api.headers)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "sales-1.0.0+export." in response.headers["Content-Disposition"]
    bundle = response.data

    sent = fresh_api.client.post(
        "/api/templates/upload",
        data={"file": (io.BytesIO(bundle), "sales.zip")},
        headers=fresh_api.headers,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, sent.get_json()
    version = sent.get_json()["version"]
    status, report = fresh_api.post("/api/templates/sales/install", {"version": version})
    assert status == 200, report
    here = definitions(api)
    assert set(here) >= {"entity:account", "rule:big_deal", "form:quick_opportunity", "role:seller"}
    assert definitions(fresh_api) == here
    assert api.get("/api/templates/export?app=nope")[0] == 404
    assert api.get("/api/templates/export")[0] == 400
