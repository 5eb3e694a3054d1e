"""Fixtures for roles and policies: a small CRM (company, deal) and real users by role."""

from __future__ import annotations

from typing import Any

import pytest

from factories import Services, field, label, make_user
from loomworks.core.context import Actor
from loomworks.runtime import Runtime

STAGES = {"choices": [{"value": "new", "label": label("New")}, {"value": "won", "label": label("Won")}]}


@pytest.fixture
def crm(run: Services) -> Services:
    """``company`` (name, industry) and ``deal`` (name, amount, margin, stage, company, lines)."""
    run.entity("company", [field("name"), field("industry")], title_field="name")
    run.entity(
        "deal",
        [
            field("name"),
            field("amount", "decimal"),
            field("margin", "decimal"),
            field("stage", "select", options=STAGES),
            field("company", "relation", options={"target": "company"}),
            field("lines", "sub_table", options={"fields": [field("qty", "integer")]}),
        ],
        title_field="name",
    )
    return run


@pytest.fixture
def builder(runtime: Runtime) -> Actor:
    return make_user(runtime, "builder@example.com", roles=("builder",), name="Bo Builder")


def role_doc(key: str, *grants: dict[str, Any], inherits: list[str] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"key": key, "label": label(key.replace("_", " ").title()), "grants": list(grants)}
    if inherits is not None:
        doc["inherits"] = inherits
    return doc


@pytest.fixture
def make_role() -> Any:
    """``make_role(key, *grants, inherits=[...])``: a role document (fixtures cannot be imported)."""
    return role_doc
