"""Fuzzing the meta, records, forms, automation and approval endpoints from the OpenAPI document: no input
may cause a 500.

Schemathesis generates valid and invalid requests for every operation the document
describes, including the concrete per-entity record paths compiled from a definition
with many field types, on each configured database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from api_client import Api

#: Examples per operation; every operation of the document is fuzzed on every database.
EXAMPLES = 25

FUZZ_ENTITY = {
    "key": "gadget",
    "label": {"en": "Gadget", "zh-CN": "小工具"},
    "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": {"en": "Name"}, "required": True, "unique": True},
        {"key": "price", "type": "currency", "label": {"en": "Price"}},
        {"key": "count", "type": "integer", "label": {"en": "Count"}, "indexed": True},
        {"key": "ratio", "type": "percent", "label": {"en": "Ratio"}},
        {"key": "released", "type": "date", "label": {"en": "Released"}},
        {"key": "checked_at", "type": "datetime", "label": {"en": "Checked"}},
        {"key": "active", "type": "boolean", "label": {"en": "Active"}},
        {
            "key": "kind",
            "type": "select",
            "label": {"en": "Kind"},
            "options": {"choices": [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}]},
        },
        {"key": "labels", "type": "tags", "label": {"en": "Labels"}},
        {"key": "parent", "type": "relation", "label": {"en": "Parent"}, "options": {"target": "gadget"}},
        {
            "key": "parts",
            "type": "sub_table",
            "label": {"en": "Parts"},
            "options": {"fields": [{"key": "part", "type": "text", "label": {"en": "Part"}}]},
        },
        {"key": "code", "type": "auto_number", "label": {"en": "Code"}, "options": {"pattern": "G-{000}"}},
    ],
}

#: Guards ``kind``, so the transition paths are fuzzed against a live workflow.
FUZZ_WORKFLOW = {
    "key": "gadget_flow",
    "label": {"en": "Gadget flow"},
    "entity": "gadget",
    "field": "kind",
    "initial": "a",
    "states": [{"key": "a", "category": "open"}, {"key": "b", "category": "done"}],
    "transitions": [
        {"key": "finish", "from": "a", "to": "b", "fields": [{"key": "count", "required": False}]},
        {
            "key": "approve_finish",
            "from": "a",
            "to": "b",
            "approval": {"steps": [{"approvers": [{"role": "admin"}]}], "self_approval": True},
        },
    ],
}


@pytest.mark.slow
def test_no_server_errors(app: Flask, api: Api, admin_token: str) -> None:
    status, body = api.post("/api/meta/entities", FUZZ_ENTITY)
    assert status == 201, body
    status, body = api.post("/api/meta/workflows", FUZZ_WORKFLOW)
    assert status == 201, body
    assert api.post("/api/records/gadget", {"name": "seed", "count": 1})[0] == 201
    headers = {"Authorization": f"Bearer {admin_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, headers=headers).include(
        path_regex=r"^/api/(meta|records|forms|automation|outbox|notifications|hooks|approvals|templates|views|dashboards)(/|$)"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(op.path == "/api/records/gadget" for op in operations)  # per-entity paths are fuzzed too

    statuses: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def no_500(case: Any) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]

        no_500()
    print(f"fuzzed {len(operations)} operations: {dict(sorted(statuses.items()))}")
    # The fuzzer must get past validation, not only bounce off it.
    assert statuses[200] + statuses[201] + statuses[204] > len(operations)
