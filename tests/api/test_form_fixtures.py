"""The shared form fixtures, run against the server.

``tests/fixtures/forms/*.json`` each hold entities, a form and cases (values and the
fields expected in error). The browser suite (``frontend/e2e``) runs the same cases
through the rendered form in Chromium; both must name exactly the same fields, so a
rule cannot be enforced by one engine and forgotten by the other. See docs/forms.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api_client import Api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
SUITES = sorted(FIXTURES.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_fixture_suite_is_there() -> None:
    assert len(SUITES) >= 2
    for path in SUITES:
        suite = _load(path)
        assert suite["cases"] and any(case["errors"] for case in suite["cases"]), path.name


@pytest.mark.parametrize("path", SUITES, ids=[p.stem for p in SUITES])
def test_the_server_rejects_exactly_the_expected_fields(api: Api, path: Path) -> None:
    suite = _load(path)
    for entity in suite["entities"]:
        status, body = api.post("/api/meta/entities", entity)
        assert status == 201, body
    status, body = api.post("/api/meta/forms", suite["form"])
    assert status == 201, body
    key = suite["form"]["key"]
    for case in suite["cases"]:
        status, body = api.post(f"/api/forms/{key}/submit", {"values": case["values"]})
        if case["errors"]:
            assert status == 422, (case["name"], body)
            assert sorted(d["field"] for d in body["error"]["details"]) == sorted(case["errors"]), case["name"]
        else:
            assert status == 201, (case["name"], body)
