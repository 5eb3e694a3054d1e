"""Workflow definitions: checked with paths, turned on over existing rows without losing a
value, and kept consistent with the entity they guard."""

from __future__ import annotations

import copy
from typing import Any

from workflow_world import People, review_workflow


def errors(body: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


def test_a_broken_definition_names_every_problem(people: People) -> None:
    doc = review_workflow()
    doc["states"].append({"key": "archived", "category": "done"})  # nothing leads there
    doc["states"].append({"key": "draft", "category": "open"})  # twice
    doc["transitions"][0]["to"] = "nowhere"
    doc["transitions"][1]["roles"] = ["pilot"]
    doc["transitions"].append({"key": "reopen", "from": "signed", "to": "draft"})  # leaves a final state
    doc["transitions"].append({"key": "submit", "from": "draft", "to": "in_review"})
    doc["transitions"][2]["guard"] = {">": [{"var": "amuont"}, 0]}
    status, body = people.api.post("/api/meta/workflows", doc)
    assert status == 422, body
    found = errors(body)
    assert found["states.5.key"] == "another state is already 'draft'"
    assert found["transitions.0.to"] == "no state 'nowhere'"
    assert found["transitions.1.roles.0"] == "no role 'pilot'"
    assert found["transitions.3.from"] == "'signed' is final: nothing leaves it"
    assert found["transitions.4.key"] == "another transition is already 'submit'"
    assert found["transitions.2.guard"] == "'contract' has no field 'amuont'"
    assert "cannot be reached" in found["states.4"]


def test_the_field_must_be_a_select_and_the_states_known(people: People) -> None:
    status, body = people.api.post("/api/meta/workflows", review_workflow(field="number"))
    assert status == 422 and "needs a select field" in errors(body)["field"]
    status, body = people.api.post("/api/meta/workflows", review_workflow(initial="signed"))
    assert status == 422 and errors(body)["initial"] == "the initial state cannot be final"
    bad = review_workflow({"mode": "quorum", "steps": [{"approvers": [{"manager_of": "amount"}]}]})
    status, body = people.api.post("/api/meta/workflows", bad)
    assert status == 422
    assert errors(body) == {
        "transitions.1.approval.quorum": "is required with mode: quorum",
        "transitions.1.approval.steps.0.quorum": "is required with mode: quorum",
        "transitions.1.approval.steps.0.approvers.0.manager_of": "'amount' is not a user field of 'contract'",
    }
    assert people.rep.post("/api/meta/workflows", review_workflow())[0] == 403  # builders only


def test_turning_a_workflow_on_maps_existing_rows_and_adds_the_missing_choices(people: People) -> None:
    old = people.world.create("contract", {"number": "OLD-1", "status": "cancelled"})
    empty = people.world.create("contract", {"number": "OLD-2"})
    legacy = people.world.create("contract", {"number": "OLD-3", "status": "signed"})
    # Turning it on with values that are not states is refused until they are mapped.
    doc = review_workflow()
    doc["states"] = [s for s in doc["states"] if s["key"] != "signed"] + [{"key": "active", "category": "done"}]
    doc["transitions"][1]["to"] = "active"
    status, body = people.api.post("/api/meta/workflows", doc)
    assert status == 422 and errors(body) == {"map.signed": "1 row(s) hold 'signed': map it to a state"}
    assert people.api.get("/api/meta/workflows/contract_review")[0] == 404  # nothing was half-saved

    people.workflow({**doc, "map": {"signed": "active"}})
    assert people.world.get("contract", old["id"])["status"] == "cancelled"
    assert people.world.get("contract", empty["id"])["status"] == "draft"
    moved = people.world.get("contract", legacy["id"])
    assert moved["status"] == "active" and moved["_version"] == 2
    status, history = people.api.get(f"/api/records/contract/{legacy['id']}/history")
    assert status == 200
    latest = history["items"][0]
    assert latest["changes"] == {"status": {"before": "signed", "after": "active"}}
    assert latest["user"]["name"] == "Api Admin"  # the builder who turned it on
    choices = people.api.get("/api/meta/entities/contract")[1]["fields"]
    status_field = next(f for f in choices if f["key"] == "status")
    values = {c["value"]: c for c in status_field["options"]["choices"]}
    assert {"in_review", "active"} <= set(values) and values["in_review"]["label"]["zh-CN"] == "审核中"


def test_the_entity_cannot_take_away_what_an_active_workflow_uses(people: People) -> None:
    people.workflow(review_workflow())
    status, body = people.api.delete("/api/meta/entities/contract/fields/status")
    assert status == 409, body
    entity = people.api.get("/api/meta/entities/contract")[1]
    field = next(f for f in entity["fields"] if f["key"] == "status")
    fewer = [c for c in field["options"]["choices"] if c["value"] != "signed"]
    status, body = people.api.patch(
        "/api/meta/entities/contract/fields/status", {"options": {**field["options"], "choices": fewer}}
    )
    assert status == 409 and "workflows.contract_review.states.2" in errors(body)
    # Switched off, the field is free again.
    assert people.api.patch("/api/meta/workflows/contract_review", {"active": False})[0] == 200
    contract = people.contract()
    assert people.world.patch("contract", contract["id"], {"status": "signed"})[0] == 200


def test_one_active_workflow_per_field_and_transition_keys_unique_per_entity(people: People) -> None:
    people.workflow(review_workflow())
    twin = copy.deepcopy(review_workflow())
    twin["key"] = "contract_review_two"
    status, body = people.api.post("/api/meta/workflows", twin)
    assert status == 409 and errors(body) == {"field": "is guarded by 'contract_review'"}
    people.api.patch("/api/meta/workflows/contract_review", {"active": False})
    assert people.api.post("/api/meta/workflows", twin)[0] == 201


def test_mapping_existing_rows_keeps_formulas_and_rollups_true_and_counts_deleted_rows(people: People) -> None:
    api = people.api
    active_amount = {
        "key": "active_amount",
        "type": "formula",
        "label": {"en": "Active amount", "zh-CN": "生效金额"},
        "options": {
            "expression": {"if": [{"==": [{"var": "status"}, "active"]}, {"var": "amount"}, 0]},
            "result_type": "number",
        },
    }
    assert api.post("/api/meta/entities/contract/fields", active_amount)[0] == 201
    active_total = {
        "key": "active_total",
        "type": "rollup",
        "label": {"en": "Active contracts", "zh-CN": "生效合同"},
        "options": {"entity": "contract", "via": "company", "aggregate": "sum", "field": "active_amount"},
    }
    status, body = api.post("/api/meta/entities/company/fields", active_total)
    assert status == 201, body
    company = people.world.create("company", {"name": "Harbor"})
    live = people.world.create(
        "contract", {"number": "L-1", "status": "signed", "amount": 70, "company": company["id"]}
    )
    gone = people.world.create("contract", {"number": "L-2", "status": "signed", "amount": 5})
    assert api.delete(f"/api/records/contract/{gone['id']}")[0] in (200, 204)
    assert people.world.get("company", company["id"])["active_total"] == 0

    doc = review_workflow()
    doc["states"] = [s for s in doc["states"] if s["key"] != "signed"] + [{"key": "active", "category": "done"}]
    doc["transitions"][1]["to"] = "active"
    status, body = api.post("/api/meta/workflows", doc)
    assert status == 422 and errors(body) == {"map.signed": "2 row(s) hold 'signed': map it to a state"}  # one deleted

    people.workflow({**doc, "map": {"signed": "active"}})
    moved = people.world.get("contract", live["id"])
    assert moved["status"] == "active" and moved["active_amount"] == 70
    assert people.world.get("company", company["id"])["active_total"] == 70
    assert api.post(f"/api/records/contract/{gone['id']}/restore")[0] == 200
    assert people.world.get("contract", gone["id"])["status"] == "active"
