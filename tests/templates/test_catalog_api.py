"""The template catalog through the API: the library's bundles and uploaded ones, each
template once at its newest version with a preview; uploads checked, versions immutable."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from flask import Flask

from api_client import Api
from automation_world import user_api
from loomworks.runtime import Runtime
from template_bundles import files_of, write_folder, zipped


def send(api: Api, content: bytes, name: str = "bundle.zip") -> tuple[int, Any]:
    response = api.client.post(
        "/api/templates/upload",
        data={"file": (io.BytesIO(content), name)},
        headers=api.headers,
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_json(silent=True)


def test_the_catalog_lists_library_and_uploaded_bundles_with_a_preview(api: Api, library: Path) -> None:
    write_folder(library / "tiny_crm", files_of())
    status, body = send(api, zipped(files_of(version="1.1.0")))
    assert status == 201, body
    assert send(api, zipped(files_of(key="helpdesk", version="0.9")))[0] == 201

    status, body = api.get("/api/templates")
    assert status == 200
    assert [item["key"] for item in body["items"]] == ["helpdesk", "tiny_crm"]
    crm = body["items"][1]
    assert crm["version"] == "1.1.0" and crm["source"] == "upload"
    assert crm["versions"] == [{"version": "1.1.0", "source": "upload"}, {"version": "1.0.0", "source": "library"}]
    assert crm["title"] == {"en": "Tiny CRM", "zh-CN": "迷你客户管理"} and crm["requires"] == {"base": ">=1.0"}
    assert crm["compatible"] is True and crm["problems"] is None
    assert crm["preview"]["entities"] == [{"key": "company", "label": {"en": "Company", "zh-CN": "公司"}, "fields": 1}]
    assert crm["preview"]["data"] == {"company": 2}
    assert api.get("/api/templates/tiny_crm")[1]["version"] == "1.1.0"
    assert api.get("/api/templates/nope")[0] == 404


def test_a_broken_library_bundle_is_listed_with_its_problems(api: Api, library: Path) -> None:
    files = files_of()
    files["entities/company.json"] = b'{"key": "company", "tampered": true}'
    write_folder(library / "tiny_crm", files)
    (library / "notes").mkdir()  # a folder without a manifest is not a bundle
    (item,) = api.get("/api/templates")[1]["items"]
    assert item["key"] == "tiny_crm" and item["version"] is None
    assert item["problems"] == [
        {"field": "entities/company.json", "message": "does not match its checksum: the file was changed or damaged"}
    ]


def test_a_version_means_one_thing(api: Api, library: Path) -> None:
    write_folder(library / "tiny_crm", files_of())
    status, body = send(api, zipped(files_of()))  # the library's own version
    assert status == 409 and body["error"]["version"] == "1.0.0"
    first = zipped(files_of(version="2.0"))
    assert send(api, first)[0] == 201
    assert send(api, first)[0] == 200  # the same bundle again changes nothing
    other = files_of(version="2.0", **{"data/company.json": json.dumps([{"name": "Other"}]).encode()})
    status, body = send(api, zipped(other))
    assert status == 409 and "new version" in body["error"]["message"]
    assert api.get("/api/templates")[1]["items"][0]["preview"]["data"] == {"company": 2}


def test_uploads_are_checked_and_only_builders_use_the_catalog(
    api: Api, anonymous: Api, app: Flask, runtime: Runtime, library: Path
) -> None:
    status, body = send(api, zipped({**files_of(), "../../etc/cron.d/x.json": b"{}"}))
    assert status == 422 and body["error"]["details"] == [
        {"field": "../../etc/cron.d/x.json", "message": "leaves the bundle's folder"}
    ]
    status, body = send(api, b"PK\x03\x04 not really")
    assert status == 422 and body["error"]["details"][0]["field"] == "file"
    status, body = api.post("/api/templates/upload", {"file": "x"})
    assert status == 400 and body["error"]["details"] == [{"field": "file", "message": "is required"}]
    assert api.get("/api/templates")[1]["items"] == []  # nothing was stored

    member, _ = user_api(app, runtime, "member@example.com", ["member"])
    builder, _ = user_api(app, runtime, "builder@example.com", ["builder"])
    assert member.get("/api/templates")[0] == 403
    assert send(member, zipped(files_of()))[0] == 403
    assert anonymous.get("/api/templates")[0] == 401
    assert send(builder, zipped(files_of()))[0] == 201
