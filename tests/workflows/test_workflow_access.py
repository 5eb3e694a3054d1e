"""The attacker suite for workflows and approvals: nobody approves in someone else's place,
records one cannot read stay invisible through every workflow path, and field rules hold
in the workflow history as in the record's own."""

from __future__ import annotations

from typing import Any

import pytest

from api_client import Api
from automation_world import label, user_api
from workflow_world import People, review_workflow

ALL_MANAGERS = {"mode": "all", "steps": [{"approvers": [{"role": "sales_manager"}]}]}


def pending_request(people: People) -> tuple[dict[str, Any], dict[str, Any]]:
    people.workflow(review_workflow(ALL_MANAGERS))
    contract = people.contract()
    assert people.take(people.rep, contract, "submit", {"fields": {"amount": 800}, "comment": "ready"})[0] == 200
    status, body = people.take(people.rep, contract, "sign")
    assert status == 202, body
    return contract, body["approval"]


def probes(people: People, contract: dict[str, Any], approval: dict[str, Any]) -> list[tuple[str, str, Any]]:
    base = f"/api/records/contract/{contract['id']}"
    return [
        ("GET", f"{base}/transitions", None),
        ("POST", f"{base}/transitions/cancel", {"comment": "mine now"}),
        ("GET", f"{base}/workflow", None),
        ("GET", f"/api/approvals/{approval['id']}", None),
        ("POST", f"/api/approvals/{approval['id']}", {"decision": "approve"}),
        ("POST", f"/api/approvals/{approval['id']}", {"decision": "withdraw"}),
        ("POST", f"/api/approvals/{approval['id']}", {"decision": "cc", "users": [people.outsider_id]}),
    ]


def test_a_record_outside_ones_scope_is_not_found_on_any_workflow_path(people: People) -> None:
    own_only = {
        "key": "own_contracts",
        "label": label("Own contracts", "自己的合同"),
        "grants": [
            {
                "entity": "contract",
                "actions": ["read", "create", "update"],
                "scope": {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
            }
        ],
    }
    assert people.api.post("/api/meta/roles", own_only)[0] == 201
    # Holds the role the transitions name, but the contract is someone else's.
    stranger, _ = user_api(
        people.world.app, people.world.runtime, "stranger@example.com", ["own_contracts", "sales_rep"]
    )
    assert (
        people.api.patch(
            "/api/meta/roles/sales_rep",
            {
                "grants": [
                    {
                        "entity": "contract",
                        "actions": ["read", "create", "update"],
                        "scope": {"==": [{"var": "_owner"}, {"var": "$user.id"}]},
                    },
                    {"entity": "company", "actions": ["read"]},
                ]
            },
        )[0]
        == 200
    )
    contract, approval = pending_request(people)
    for method, path, body in probes(people, contract, approval):
        status, answer = stranger.call(method, path, body)
        assert status == 404, (method, path, answer)
    # An id that does not exist looks the same as one that is not theirs.
    assert stranger.get("/api/approvals/999999")[0] == 404
    for query in ("", "?mine=1", "?status=pending", f"?entity=contract&record_id={contract['id']}"):
        status, listed = stranger.get(f"/api/approvals{query}")
        assert status == 200 and listed["items"] == [], query
    assert people.state(contract) == "in_review"


def test_someone_with_no_grant_on_the_entity_gets_nothing(people: People) -> None:
    contract, approval = pending_request(people)
    for method, path, body in probes(people, contract, approval):
        status, answer = people.outsider.call(method, path, body)
        # The entity as a whole is refused (403, as on its records); a request is not found.
        assert status == (403 if path.startswith("/api/records/") else 404), (method, path, answer)
    assert people.outsider.get("/api/approvals")[1]["items"] == []


def test_nobody_decides_in_an_approvers_place(people: People) -> None:
    contract, approval = pending_request(people)
    aid = approval["id"]
    mgr2_task = next(t for t in approval["steps"][0]["tasks"] if t["user"]["id"] == people.mgr2_id)
    # The requester, a reader of the record, the admin: none is an approver.
    for who in (people.rep, people.legal, people.api):
        for decision in ("approve", "reject", "send_back"):
            assert people.decide(who, aid, decision)[0] == 403, decision
    # Legal reads the contract, so sees the request, but may not steer it.
    assert people.legal.get(f"/api/approvals/{aid}")[0] == 200
    assert people.decide(people.legal, aid, "delegate", to=people.legal_id)[0] == 403
    assert people.decide(people.legal, aid, "add_approver", users=[people.legal_id])[0] == 403
    assert people.decide(people.legal, aid, "withdraw")[0] == 403
    # An approver cannot move a colleague's task by naming it, nor approve twice to count double.
    status, body = people.decide(people.mgr1, aid, "delegate", to=people.legal_id, task=mgr2_task["id"])
    assert status == 200
    theirs = [t for t in body["steps"][0]["tasks"] if t["user"]["id"] == people.legal_id]
    assert len(theirs) == 1 and theirs[0]["origin"] == "delegated"  # mgr1's own task went to legal ...
    assert next(t for t in body["steps"][0]["tasks"] if t["id"] == mgr2_task["id"])["status"] == "pending"
    assert people.decide(people.legal, aid, "approve")[1]["status"] == "pending"  # ... who decides only that one
    assert people.state(contract) == "in_review"
    assert people.decide(people.mgr2, aid, "approve")[1]["status"] == "approved"


def test_without_signing_in_every_workflow_path_is_a_401(people: People, anonymous: Api) -> None:
    contract, approval = pending_request(people)
    base = f"/api/records/contract/{contract['id']}"
    for method, path in (
        ("GET", f"{base}/transitions"),
        ("POST", f"{base}/transitions/cancel"),
        ("GET", f"{base}/workflow"),
        ("GET", "/api/approvals?mine=1"),
        ("GET", f"/api/approvals/{approval['id']}"),
        ("POST", f"/api/approvals/{approval['id']}"),
    ):
        assert anonymous.call(method, path, {} if method == "POST" else None)[0] == 401, path


def reader_not_seeing(people: People, field: str) -> Api:
    """Someone who may read contracts, except ``field``."""
    role = {
        "key": f"no_{field}",
        "label": label(f"Contracts without {field}", f"合同（不含 {field}）"),
        "grants": [{"entity": "contract", "actions": ["read"], "hidden_fields": [field]}],
    }
    assert people.api.post("/api/meta/roles", role)[0] == 201
    reader, _ = user_api(people.world.app, people.world.runtime, f"no-{field}@example.com", [f"no_{field}"])
    return reader


def test_the_workflow_history_hides_fields_the_reader_may_not_see(people: People) -> None:
    auditor = reader_not_seeing(people, "amount")
    contract, _approval = pending_request(people)

    status, body = auditor.get(f"/api/records/contract/{contract['id']}/workflow")
    assert status == 200
    submitted = next(e for e in body["items"] if e["transition"] == "submit")
    assert submitted["data"] == {"fields": {}} and submitted["to"] == "in_review"
    assert "800" not in str(body)
    # The rep, who may see the amount, sees what the form wrote.
    status, body = people.rep.get(f"/api/records/contract/{contract['id']}/workflow")
    assert next(e for e in body["items"] if e["transition"] == "submit")["data"] == {"fields": {"amount": 800}}


def test_a_state_field_hidden_from_a_reader_stays_hidden_on_the_workflow_paths(people: People) -> None:
    reader = reader_not_seeing(people, "status")
    contract, approval = pending_request(people)
    status, body = reader.get(f"/api/records/contract/{contract['id']}/workflow")
    assert status == 200 and body["items"]
    assert all(e["from"] is None and e["to"] is None for e in body["items"])
    status, body = reader.get(f"/api/records/contract/{contract['id']}/transitions")
    assert status == 200 and body["workflows"][0]["state"] is None
    status, body = reader.get(f"/api/approvals/{approval['id']}")
    assert status == 200 and body["from"] is None and body["to"] is None and "in_review" not in str(body)
    assert body["record_title"] == "C-1"  # the number is not hidden from them
    hidden_title = reader_not_seeing(people, "number")
    assert hidden_title.get(f"/api/approvals/{approval['id']}")[1]["record_title"] is None
    # The approvers, who are asked to decide the move, see it.
    assert people.mgr1.get(f"/api/approvals/{approval['id']}")[1]["to"] == "signed"


@pytest.mark.parametrize("decision", ["approve", "reject", "send_back"])
def test_a_decided_request_takes_no_more_decisions(people: People, decision: str) -> None:
    _contract, approval = pending_request(people)
    assert people.decide(people.mgr1, approval["id"], "reject")[0] == 200
    status, body = people.decide(people.mgr2, approval["id"], decision)
    assert status == 409 and body["error"]["status"] == "rejected"


ANY_MANAGER = {"mode": "any", "steps": [{"approvers": [{"role": "sales_manager"}]}]}


@pytest.mark.parametrize("handing", ["delegate", "add_approver"])
def test_nobody_can_hand_the_requester_their_own_request(people: People, handing: str) -> None:
    people.workflow(review_workflow(ANY_MANAGER))
    contract = people.contract()
    people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    body = {"to": people.rep_id} if handing == "delegate" else {"users": [people.rep_id]}
    status, answer = people.decide(people.mgr1, approval["id"], handing, **body)
    assert status == 422 and answer["error"]["details"][0]["field"] == ("to" if handing == "delegate" else "users")
    assert people.decide(people.rep, approval["id"], "approve")[0] == 403
    assert people.state(contract) == "in_review"


def test_an_admin_cannot_transfer_a_task_to_themselves(people: People) -> None:
    _contract, approval = pending_request(people)
    task = next(t for t in approval["steps"][0]["tasks"] if t["user"]["id"] == people.mgr1_id)
    status, body = people.decide(people.api, approval["id"], "delegate", task=task["id"], to=people.admin_id)
    assert status == 422 and body["error"]["details"] == [{"field": "to", "message": "is you"}]
    assert people.decide(people.api, approval["id"], "approve")[0] == 403


def test_someone_who_already_approved_cannot_be_given_a_second_vote(people: People) -> None:
    _contract, approval = pending_request(people)  # all must approve: mgr1 and mgr2
    assert people.decide(people.mgr1, approval["id"], "approve")[0] == 200
    status, _ = people.decide(people.mgr2, approval["id"], "delegate", to=people.mgr1_id)
    assert status == 409
    status, _ = people.decide(people.mgr2, approval["id"], "add_approver", users=[people.mgr1_id])
    assert status == 422
    assert people.api.get(f"/api/approvals/{approval['id']}")[1]["status"] == "pending"


def test_a_caller_who_may_not_take_a_transition_learns_nothing_of_the_state(people: People) -> None:
    reader = reader_not_seeing(people, "status")
    people.workflow(review_workflow(ALL_MANAGERS))
    contract = people.contract()
    people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
    status, body = reader.post(f"/api/records/contract/{contract['id']}/transitions/submit", {})
    assert status == 403 and "in_review" not in str(body)


@pytest.mark.parametrize(
    ("decision", "body"),
    [
        ("delegate", {"to": [1]}),
        ("delegate", {"to": {"id": 1}}),
        ("delegate", {"to": 10**30}),
        ("add_approver", {"users": [[1]]}),
        ("add_approver", {"users": [10**30]}),
        ("cc", {"users": [{"id": 1}]}),
        ("cc", {"users": [-1]}),
    ],
)
def test_malformed_people_are_a_422_naming_the_field(people: People, decision: str, body: dict[str, Any]) -> None:
    _contract, approval = pending_request(people)
    status, answer = people.decide(people.mgr1, approval["id"], decision, **body)
    assert status == 422, answer
    assert answer["error"]["details"][0]["field"] == next(iter(body))


def test_a_malformed_task_id_is_a_422(people: People) -> None:
    _contract, approval = pending_request(people)
    for task in (10**30, "1", True, 0):
        status, body = people.decide(people.api, approval["id"], "delegate", task=task, to=people.legal_id)
        assert status == 422 and body["error"]["details"][0]["field"] == "task", task
