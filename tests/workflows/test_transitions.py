"""Taking transitions through the API: the guarded state field, what is offered to whom, the
transition's small form, its guard, and the record's workflow history."""

from __future__ import annotations

from typing import Any

from automation_world import user_api
from workflow_world import People, review_workflow


def errors(body: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


def offered(people: People, who: Any, contract: dict[str, Any]) -> list[str]:
    status, body = who.get(f"/api/records/contract/{contract['id']}/transitions")
    assert status == 200, body
    return [item["key"] for item in body["items"]]


def test_records_start_in_the_initial_state_and_the_field_moves_only_by_transitions(people: People) -> None:
    people.workflow(review_workflow())
    contract = people.contract()
    assert contract["status"] == "draft"

    status, body = people.rep.post("/api/records/contract", {"number": "C-2", "status": "signed"})
    assert status == 422 and errors(body) == {"status": "must be 'draft' (the initial state) or left out"}

    status, body = people.world.patch("contract", contract["id"], {"status": "signed"}, people.rep)
    assert status == 422, body
    assert body["error"]["transitions"] == ["submit", "cancel"]
    assert "take one of: submit, cancel" in errors(body)["status"]
    # Other fields are written as ever.
    assert people.world.patch("contract", contract["id"], {"amount": 10}, people.rep)[0] == 200
    assert people.state(contract) == "draft"


def test_the_listing_offers_what_the_caller_may_take_from_the_current_state(people: People) -> None:
    people.workflow(review_workflow())
    contract = people.contract()
    status, body = people.rep.get(f"/api/records/contract/{contract['id']}/transitions")
    assert status == 200
    (workflow,) = body["workflows"]
    assert workflow["state"] == {
        "key": "draft",
        "label": {"en": "Draft", "zh-CN": "草稿"},
        "color": "#999999",
        "category": "open",
    }
    submit, cancel = body["items"]
    # No amount yet: the guard fails, but the transition's own form asks for the amount.
    assert submit["key"] == "submit" and submit["guard_met"] is False
    assert submit["fields"] == [{"key": "amount", "required": True}] and submit["to"]["key"] == "in_review"
    assert cancel["comment"] == "required" and cancel["guard_met"] is True
    # Legal may read the contract but holds none of the roles; a manager may only cancel.
    assert offered(people, people.legal, contract) == []
    assert offered(people, people.mgr1, contract) == ["cancel"]


def test_a_record_without_a_workflow_offers_nothing_rather_than_a_404(people: People) -> None:
    contract = people.contract()  # no workflow defined on contracts yet
    status, body = people.rep.get(f"/api/records/contract/{contract['id']}/transitions")
    assert status == 200 and body == {"items": [], "workflows": []}
    assert people.take(people.rep, contract, "submit", {})[0] == 404  # taking one still names the problem
    assert people.rep.get("/api/records/contract/999999/transitions")[0] == 404


def test_the_form_guard_and_state_are_checked_with_errors_that_name_the_field(people: People) -> None:
    people.workflow(review_workflow())
    contract = people.contract()
    cid = contract["id"]

    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 0}})
    assert status == 422 and errors(body) == {"guard": "is not met"}
    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": "lots"}})
    assert status == 422 and list(errors(body)) == ["fields.amount"]
    status, body = people.take(people.rep, contract, "submit", {"fields": {"number": "X", "amount": 5}})
    assert status == 422 and errors(body) == {"fields.number": "is not asked by this transition"}
    status, body = people.take(people.rep, contract, "submit", {"fields": {}})
    assert status == 422 and errors(body) == {"fields.amount": "is required to take this transition"}
    status, body = people.take(people.rep, contract, "cancel", {"comment": "   "})
    assert status == 422 and errors(body) == {"comment": "is required to take this transition"}
    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 5}, "colour": "red"})
    assert status == 422 and errors(body) == {"colour": "unknown property"}
    assert people.take(people.rep, contract, "fly", {})[0] == 404
    # Nothing was half-written by the refused attempts.
    assert people.world.get("contract", cid)["amount"] is None and people.state(contract) == "draft"

    status, body = people.take(people.rep, contract, "sign", {})
    assert status == 409 and body["error"]["transitions"] == ["submit", "cancel"]
    assert people.take(people.legal, contract, "submit", {"fields": {"amount": 5}})[0] == 403
    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 5}, "_version": 99})
    assert status == 409 and errors(body) == {"_version": "is stale"}

    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 5}, "_version": 1})
    assert status == 200 and body["status"] == "in_review" and body["amount"] == 5
    # From here, submit no longer applies.
    assert people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})[0] == 409


def test_user_fields_let_the_people_named_on_the_record_take_a_transition(people: People) -> None:
    doc = review_workflow()
    doc["transitions"][2] = {
        "key": "cancel",
        "from": "*",
        "to": "cancelled",
        "user_fields": ["_owner"],
    }
    people.workflow(doc)
    mine = people.contract()
    assert offered(people, people.rep, mine) == ["submit", "cancel"]
    # The other rep may update contracts but is not the owner.
    colleague, _ = user_api(people.world.app, people.world.runtime, "rep2@example.com", ["sales_rep"])
    other = people.world.create("contract", {"number": "C-9"}, as_=colleague)
    assert offered(people, people.rep, other) == ["submit"]
    assert people.take(people.rep, other, "cancel", {})[0] == 403
    assert people.take(people.rep, mine, "cancel", {})[0] == 200


def test_the_workflow_history_says_who_when_and_why(people: People) -> None:
    people.workflow(review_workflow())
    contract = people.contract()
    assert people.take(people.rep, contract, "submit", {"fields": {"amount": 7}, "comment": "ready"})[0] == 200
    assert people.take(people.mgr1, contract, "cancel", {"comment": "customer withdrew"})[0] == 200
    submitted, cancelled = people.history(contract)
    assert submitted["event"] == "transitioned" and submitted["transition"] == "submit"
    assert submitted["from"] == "draft" and submitted["to"] == "in_review" and submitted["comment"] == "ready"
    assert submitted["user"]["name"] == "Rep" and submitted["data"] == {"fields": {"amount": 7}}
    assert cancelled["user"]["name"] == "Mgr1" and cancelled["comment"] == "customer withdrew"
    assert submitted["at"] <= cancelled["at"]
    # The record's ordinary history has the same writes, attributed to the takers.
    status, body = people.api.get(f"/api/records/contract/{contract['id']}/history")
    assert [item["user"]["name"] for item in body["items"][:2]] == ["Mgr1", "Rep"]
    # Final states offer nothing.
    assert offered(people, people.rep, contract) == []
