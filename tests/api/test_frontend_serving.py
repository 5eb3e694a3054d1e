"""Flask serves the built browser app: files, client-side routes, caching, and the API untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from api_client import Api


@pytest.fixture
def dist(app: Flask, tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    app.config["LOOMWORKS_FRONTEND_DIR"] = str(tmp_path)
    return tmp_path


def test_client_routes_answer_the_app_and_assets_are_cached_forever(app: Flask, dist: Path) -> None:
    client = app.test_client()
    for path in ("/", "/forms/deal", "/public/forms/web_lead", "/forms/deal/records/3"):
        response = client.get(path)
        assert response.status_code == 200 and b"id=root" in response.data, path
        assert response.headers["Cache-Control"] == "no-cache"
    assert client.get("/index.html").headers["Cache-Control"] == "no-cache"
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/assets/../index.html").status_code == 404


def test_the_api_keeps_its_json_answers(app: Flask, dist: Path, api: Api) -> None:
    status, body = api.get("/api/no-such-thing")
    assert status == 404 and body["error"]["code"]
    assert api.get("/api/health")[0] == 200


def test_an_unbuilt_app_says_how_to_build_it(app: Flask, tmp_path: Path) -> None:
    app.config["LOOMWORKS_FRONTEND_DIR"] = str(tmp_path / "nothing")
    response = app.test_client().get("/forms/deal")
    assert response.status_code == 503 and b"npm run build" in response.data
