"""Every kind of bad input gets a 4xx with API.md's error body, never a 500 or a half-done change."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask

from api_client import Api
from loomworks.runtime import Runtime

ENTITY = {
    "key": "ticket",
    "label": {"en": "Ticket", "zh-CN": "工单"},
    "fields": [
        {"key": "title", "type": "text", "label": {"en": "Title"}, "required": True},
        {"key": "priority", "type": "integer", "label": {"en": "Priority"}, "options": {"min": 1, "max": 5}},
        {"key": "due", "type": "date", "label": {"en": "Due"}},
    ],
}


@pytest.fixture
def ticket(api: Api) -> dict[str, Any]:
    status, body = api.post("/api/meta/entities", ENTITY)
    assert status == 201, body
    return body  # type: ignore[no-any-return]


def assert_error(status: int, body: Any, expected_status: int, code: str | None = None) -> None:
    assert status == expected_status, body
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code


@pytest.mark.parametrize(
    "raw", ["{", "[1,", "NaN", '{"title": NaN}', '{"title": Infinity}', "\xff\xfe", "[" * 5000 + "]" * 5000]
)
def test_malformed_json_is_a_400(api: Api, ticket: dict[str, Any], raw: str) -> None:
    status, body = api.call(
        "POST", "/api/records/ticket", data=raw.encode("utf-8", "surrogateescape"), content_type="application/json"
    )
    assert_error(status, body, 400, "bad_request")


def test_all_field_errors_are_reported_at_once(api: Api, ticket: dict[str, Any]) -> None:
    status, body = api.post("/api/records/ticket", {"priority": "high", "due": "31/12/2026", "colour": "red"})
    assert_error(status, body, 422, "validation_failed")
    fields = {d["field"] for d in body["error"]["details"]}
    assert {"title", "priority", "due", "colour"} <= fields


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        5,
        None,
        {"title": {"nested": True}},
        {"priority": 10**30},
        {"priority": 9},
        {"title": "x" * 2_000_000},
    ],
)
def test_wrong_shapes_and_values_are_refused(api: Api, ticket: dict[str, Any], body: Any) -> None:
    status, payload = api.call("POST", "/api/records/ticket", data=json.dumps(body), content_type="application/json")
    assert 400 <= status < 500, payload
    assert "error" in payload


@pytest.mark.parametrize(
    "key",
    [
        "__proto__",
        "constructor",
        "$where",
        "a.b",
        "../../etc",
        "'; DROP TABLE x;--",
        "名字",
        "x" * 10_000,
        "",
        "id",
        "_version",
    ],
)
def test_hostile_keys_never_reach_the_database(api: Api, ticket: dict[str, Any], key: str) -> None:
    status, body = api.post("/api/records/ticket", {"title": "ok", key: "value"})
    if key in ("id", "_version"):
        assert status == 201  # system keys a client echoes back are ignored on write
        return
    assert_error(status, body, 422, "validation_failed")
    assert [d["field"] for d in body["error"]["details"]] == [key[:100]]
    status, body = api.post("/api/meta/entities", {**ENTITY, "key": key})
    if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", key):
        assert status == 201  # an ordinary key, however it reads in JavaScript
    else:
        assert_error(status, body, 422, "validation_failed")
        assert body["error"]["details"][0]["field"] == "key"


def test_unknown_entities_records_and_fields_are_404(api: Api, ticket: dict[str, Any]) -> None:
    for path in [
        "/api/records/nope",
        "/api/records/ticket/999999",
        "/api/records/ticket/abc",
        "/api/records/ticket/99999999999999999999999",
        "/api/records/ticket/-1",
        "/api/meta/entities/nope",
        "/api/meta/revisions/999999",
        "/api/files/0123",
    ]:
        status, body = api.get(path)
        assert_error(status, body, 404, "not_found")
    status, body = api.patch("/api/meta/entities/ticket/fields/nope", {"label": {"en": "X"}})
    assert_error(status, body, 404, "not_found")


@pytest.mark.parametrize(
    "query",
    [
        "where=%7Bbad",
        "where=%7B%22map%22%3A%5B%5D%7D",
        "sort=nope",
        "limit=0",
        "limit=abc",
        "limit=100000",
        "cursor=garbage",
        "fields=nope",
        "deleted=maybe",
        "where=" + "%5B" * 200,
    ],
)
def test_bad_query_parameters_are_400(api: Api, ticket: dict[str, Any], query: str) -> None:
    status, body = api.get(f"/api/records/ticket?{query}")
    assert_error(status, body, 400)
    assert body["error"].get("details") or body["error"]["message"]


def test_oversize_bodies_are_413(app: Flask, runtime: Runtime, api: Api, ticket: dict[str, Any]) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    status, body = api.call(
        "POST", "/api/records/ticket", data=b'{"title": "' + b"x" * 2000 + b'"}', content_type="application/json"
    )
    assert_error(status, body, 413, "payload_too_large")


def test_unknown_routes_and_methods_use_the_error_shape(api: Api) -> None:
    status, body = api.get("/api/nowhere")
    assert_error(status, body, 404, "not_found")
    status, body = api.call("PUT", "/api/records/ticket")
    assert_error(status, body, 405, "method_not_allowed")


def test_a_refused_definition_change_leaves_nothing_behind(api: Api, ticket: dict[str, Any]) -> None:
    assert api.post("/api/records/ticket", {"title": "first"})[0] == 201
    assert api.post("/api/records/ticket", {"title": "first"})[0] == 201
    status, body = api.patch("/api/meta/entities/ticket/fields/title", {"unique": True})
    assert_error(status, body, 409)
    status, body = api.post(
        "/api/meta/entities/ticket/fields", {"key": "code", "type": "text", "label": {"en": "Code"}, "required": True}
    )
    assert_error(status, body, 422)
    assert "2" in body["error"]["message"]  # the count of rows that would break the rule
    status, entity = api.get("/api/meta/entities/ticket")
    assert entity["version"] == ticket["version"]
    assert [f["key"] for f in entity["fields"]] == ["title", "priority", "due"]
    status, revisions = api.get("/api/meta/revisions?kind=entity&key=ticket")
    assert len(revisions["items"]) == 1


@pytest.mark.parametrize("raw", ['{"title": "a\\u0000b"}', '{"title": "a\\ud800b"}', '{"a\\u0000": "x"}'])
def test_text_no_database_can_store_is_refused(api: Api, ticket: dict[str, Any], raw: str) -> None:
    status, body = api.call("POST", "/api/records/ticket", data=raw, content_type="application/json")
    assert_error(status, body, 400, "bad_request")
    assert "NUL" in body["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/records/ticket?q=a%00b",
        "/api/meta/entities/a%00b",
        "/api/records/ticket?where=%7B%22%3D%3D%22%3A%5B%7B%22var%22%3A%22title%22%7D%2C%22%5Cu0000%22%5D%7D",
    ],
)
def test_nul_in_urls_is_refused(api: Api, ticket: dict[str, Any], path: str) -> None:
    status, body = api.get(path)
    assert_error(status, body, 400, "bad_request")


@pytest.mark.parametrize(
    "path",
    [
        "/api/audit?before=99999999999999999999999",
        "/api/audit?actor=-99999999999999999999",
        "/api/auth/explain?entity=ticket&action=read&id=99999999999999999999",
        "/api/records/ticket?limit=99999999999999999999999",
    ],
)
def test_huge_numbers_in_query_parameters_are_400(api: Api, ticket: dict[str, Any], path: str) -> None:
    status, body = api.get(path)
    assert_error(status, body, 400, "bad_request")
