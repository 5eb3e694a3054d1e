"""What the people of a request can do besides approving: transfer it, add an approver, copy
others in, withdraw it; quorum steps, parallel steps, and who the approvers turn out to be."""

from __future__ import annotations

from typing import Any

from workflow_world import People, review_workflow


def errors(body: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


def requested(people: People, approval: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    people.workflow(review_workflow(approval))
    contract = people.contract()
    assert people.take(people.rep, contract, "submit", {"fields": {"amount": 900}})[0] == 200
    status, body = people.take(people.rep, contract, "sign", {"comment": "please"})
    assert status == 202, body
    return contract, body["approval"]


def task_of(approval: dict[str, Any], email: str) -> dict[str, Any]:
    return next(t for step in approval["steps"] for t in step["tasks"] if t["user"]["email"] == email)


def waiting_for(who: Any) -> list[int]:
    status, body = who.get("/api/approvals?mine=1")
    assert status == 200, body
    return [a["id"] for a in body["items"]]


ALL_MANAGERS = {"mode": "all", "steps": [{"approvers": [{"role": "sales_manager"}]}]}


def test_an_approver_transfers_their_task_and_the_new_one_decides(people: People) -> None:
    contract, approval = requested(people, ALL_MANAGERS)
    status, body = people.decide(people.mgr1, approval["id"], "delegate", to=people.legal_id, comment="I am away")
    assert status == 200, body
    assert task_of(body, "mgr1@example.com")["status"] == "delegated"
    assert task_of(body, "legal@example.com")["origin"] == "delegated"
    assert waiting_for(people.mgr1) == [] and waiting_for(people.legal) == [approval["id"]]
    assert any("I am away" in (n["body"] or "") for n in people.inbox(people.legal))

    assert people.decide(people.mgr1, approval["id"], "approve")[0] == 409  # no longer theirs
    status, body = people.decide(people.legal, approval["id"], "delegate", to=people.mgr2_id)
    assert status == 409 and errors(body) == {"to": "already an approver"}
    status, body = people.decide(people.legal, approval["id"], "delegate", to=424242)
    assert status == 422 and errors(body) == {"to": "no active user 424242"}

    assert people.decide(people.legal, approval["id"], "approve")[1]["status"] == "pending"
    assert people.decide(people.mgr2, approval["id"], "approve")[1]["status"] == "approved"
    assert people.state(contract) == "signed"
    delegated = next(e for e in people.history(contract) if e["event"] == "delegate")
    assert delegated["data"] == {"from": people.mgr1_id, "to": people.legal_id}


def test_an_admin_transfers_an_absent_approvers_task_but_cannot_decide_it(people: People) -> None:
    _contract, approval = requested(people, ALL_MANAGERS)
    away = task_of(approval, "mgr2@example.com")
    assert people.decide(people.api, approval["id"], "approve")[0] == 403
    # A non-admin naming someone else's task still only moves their own.
    status, body = people.decide(people.mgr1, approval["id"], "delegate", to=people.director_id, task=away["id"])
    assert status == 200 and task_of(body, "mgr1@example.com")["status"] == "delegated"
    assert task_of(body, "mgr2@example.com")["status"] == "pending"

    status, body = people.decide(people.api, approval["id"], "delegate", to=people.legal_id, task=away["id"])
    assert status == 200 and task_of(body, "mgr2@example.com")["status"] == "delegated"
    status, body = people.decide(people.api, approval["id"], "delegate", to=people.legal_id, task=away["id"])
    assert status == 422 and errors(body) == {"task": "is not a pending task of this request"}
    assert sorted(waiting_for(people.legal) + waiting_for(people.director)) == [approval["id"]] * 2


def test_an_approver_adds_someone_the_step_then_also_waits_for(people: People) -> None:
    contract, approval = requested(people, ALL_MANAGERS)
    status, body = people.decide(people.mgr1, approval["id"], "add_approver", users=[people.director_id])
    assert status == 200 and task_of(body, "director@example.com")["origin"] == "added"
    status, body = people.decide(people.mgr1, approval["id"], "add_approver", users=[people.mgr2_id])
    assert status == 422 and list(errors(body)) == ["users"]
    assert people.decide(people.rep, approval["id"], "add_approver", users=[people.legal_id])[0] == 403

    people.decide(people.mgr1, approval["id"], "approve")
    assert people.decide(people.mgr2, approval["id"], "approve")[1]["status"] == "pending"  # the director too
    assert people.decide(people.director, approval["id"], "approve")[1]["status"] == "approved"
    assert people.state(contract) == "signed"


def test_the_requester_and_approvers_copy_others_in_and_only_they_can(people: People) -> None:
    contract, approval = requested(people, ALL_MANAGERS)
    status, _ = people.decide(people.rep, approval["id"], "cc", users=[people.director_id], comment="fyi")
    assert status == 200
    assert any(n["title"] == "抄送给你：C-1「签署」" and "fyi" in n["body"] for n in people.inbox(people.director))
    assert people.decide(people.mgr2, approval["id"], "cc", users=[people.legal_id])[0] == 200
    # Legal may read the contract but is not part of the request.
    assert people.decide(people.legal, approval["id"], "cc", users=[people.outsider_id])[0] == 403
    status, body = people.decide(people.rep, approval["id"], "cc", users=[])
    assert status == 422 and list(errors(body)) == ["users"]
    assert [e["data"]["users"] for e in people.history(contract) if e["event"] == "cc"] == [
        [people.director_id],
        [people.legal_id],
    ]


def test_the_requester_withdraws_and_the_record_is_free_again(people: People) -> None:
    contract, approval = requested(people, ALL_MANAGERS)
    assert people.decide(people.mgr1, approval["id"], "withdraw")[0] == 403
    status, body = people.decide(people.rep, approval["id"], "withdraw", comment="wrong amount")
    assert status == 200 and body["status"] == "withdrawn"
    assert {t["status"] for t in body["steps"][0]["tasks"]} == {"cancelled"}
    assert waiting_for(people.mgr1) == [] and waiting_for(people.mgr2) == []
    assert any(n["title"].startswith("Withdrawn") for n in people.inbox(people.mgr1))
    assert people.state(contract) == "in_review"
    status, listed = people.rep.get(f"/api/records/contract/{contract['id']}/transitions")
    assert [t["key"] for t in listed["items"]] == ["sign", "cancel"] and listed["workflows"][0]["approval"] is None
    assert people.decide(people.mgr1, approval["id"], "approve")[0] == 409


def test_deleting_the_record_cancels_its_request(people: People) -> None:
    contract, approval = requested(people, ALL_MANAGERS)
    assert people.api.delete(f"/api/records/contract/{contract['id']}")[0] in (200, 204)
    status, body = people.api.get(f"/api/approvals/{approval['id']}")
    assert status == 200 and body["status"] == "cancelled"
    assert {t["status"] for t in body["steps"][0]["tasks"]} == {"cancelled"}
    assert waiting_for(people.mgr1) == [] and waiting_for(people.mgr2) == []
    for told in (people.rep, people.mgr1, people.mgr2):  # the requester and those who were asked
        assert any(n["title"] == "Cancelled: Sign of C-1" for n in people.inbox(told))
    # Restored, the contract is where it was and free to be asked for again.
    assert people.api.post(f"/api/records/contract/{contract['id']}/restore")[0] == 200
    assert people.state(contract) == "in_review"
    assert people.take(people.rep, contract, "sign")[0] == 202


def test_a_quorum_step_is_decided_once_enough_agree_or_enough_refuse(people: People) -> None:
    board = {
        "mode": "quorum",
        "quorum": 2,
        "steps": [{"approvers": [{"role": "sales_manager"}, {"role": "director"}]}],
    }
    contract, approval = requested(people, board)
    assert len(approval["steps"][0]["tasks"]) == 3
    assert people.decide(people.mgr1, approval["id"], "reject")[1]["status"] == "pending"  # 2 of 2 left
    assert people.decide(people.mgr2, approval["id"], "approve")[1]["status"] == "pending"
    status, body = people.decide(people.director, approval["id"], "approve")
    assert status == 200 and body["status"] == "approved"
    assert people.state(contract) == "signed"


def test_a_quorum_that_can_no_longer_be_reached_rejects(people: People) -> None:
    board = {"mode": "quorum", "quorum": 2, "steps": [{"approvers": [{"role": "sales_manager"}, {"role": "director"}]}]}
    contract, approval = requested(people, board)
    people.decide(people.mgr1, approval["id"], "reject")
    status, body = people.decide(people.director, approval["id"], "reject")
    assert status == 200 and body["status"] == "rejected"
    assert people.state(contract) == "in_review"  # no on_reject: it stays where it was
    assert people.decide(people.mgr2, approval["id"], "approve")[0] == 409


def test_parallel_steps_are_decided_together(people: People) -> None:
    both = {
        "order": "parallel",
        "steps": [
            {"key": "sales", "approvers": [{"user": people.mgr1_id}]},
            {"key": "legal", "approvers": [{"role": "legal"}]},
        ],
    }
    contract, approval = requested(people, both)
    assert [s["open"] for s in approval["steps"]] == [True, True]
    assert waiting_for(people.legal) == [approval["id"]] and waiting_for(people.mgr1) == [approval["id"]]
    assert people.decide(people.legal, approval["id"], "approve")[1]["status"] == "pending"
    assert people.decide(people.mgr1, approval["id"], "approve")[1]["status"] == "approved"
    assert people.state(contract) == "signed"


def test_the_requesters_manager_approves(people: People) -> None:
    assert people.api.patch(f"/api/users/{people.rep_id}", {"manager": people.mgr1_id})[0] == 200
    _contract, approval = requested(people, {"steps": [{"approvers": [{"manager_of": "$requester"}]}]})
    assert [t["user"]["email"] for t in approval["steps"][0]["tasks"]] == ["mgr1@example.com"]
    assert people.decide(people.mgr1, approval["id"], "approve")[1]["status"] == "approved"


def test_the_requester_never_approves_their_own_request(people: People) -> None:
    # The only approver named is the record's owner, who is the one asking: the admins step in.
    _contract, approval = requested(people, {"steps": [{"approvers": [{"field": "_owner"}]}]})
    (task,) = approval["steps"][0]["tasks"]
    assert task["origin"] == "fallback" and task["user"]["id"] == people.admin_id
    assert people.decide(people.rep, approval["id"], "approve")[0] == 403
