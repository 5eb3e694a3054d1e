"""The contract approval of the issue, end to end through the API: two sales managers must
both approve (会签), legal is copied in, a send-back, and an overdue step escalated to the
approver's manager by the worker's timer; with notifications and the record's history."""

from __future__ import annotations

from datetime import timedelta

from loomworks.core.sqltypes import utcnow
from loomworks.workflows import deadlines
from workflow_world import People, review_workflow


def submitted(people: People) -> dict:
    contract = people.contract()
    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 5000}, "comment": "ready"})
    assert status == 200, body
    assert body["status"] == "in_review" and body["amount"] == 5000
    return contract


def test_both_managers_must_approve_then_the_contract_is_signed(people: People) -> None:
    people.workflow(review_workflow())
    contract = submitted(people)

    status, body = people.take(people.rep, contract, "sign", {"comment": "please sign"})
    assert status == 202, body
    approval = body["approval"]
    assert approval["status"] == "pending" and approval["steps"][0]["mode"] == "all"
    assert {t["user"]["email"] for t in approval["steps"][0]["tasks"]} == {"mgr1@example.com", "mgr2@example.com"}
    assert people.state(contract) == "in_review"  # nothing moves before the approvals

    # Each manager has it in their to-do list and their inbox; legal is copied in.
    for manager in (people.mgr1, people.mgr2):
        status, todo = manager.get("/api/approvals?mine=1")
        assert status == 200 and [a["id"] for a in todo["items"]] == [approval["id"]]
        assert todo["items"][0]["my_task"] is not None and todo["items"][0]["record_title"] == "C-1"
        assert any(n["title"] == "Approval needed: Sign of C-1" for n in people.inbox(manager))
    assert any(n["title"].startswith("For your information: Sign") for n in people.inbox(people.legal))
    assert people.rep.get("/api/approvals?mine=1")[1]["items"] == []

    # While it waits, no other transition is open, and the state field cannot be forced.
    status, listed = people.rep.get(f"/api/records/contract/{contract['id']}/transitions")
    assert status == 200 and listed["items"] == [] and listed["workflows"][0]["approval"]["id"] == approval["id"]
    assert people.take(people.rep, contract, "cancel", {"comment": "changed my mind"})[0] == 409
    assert people.world.patch("contract", contract["id"], {"status": "signed"})[0] == 422

    status, after_one = people.decide(people.mgr1, approval["id"], "approve", comment="fine by me")
    assert status == 200 and after_one["status"] == "pending", after_one
    assert people.state(contract) == "in_review"
    # Deciding twice counts once; the requester and the admin cannot approve for a manager.
    assert people.decide(people.mgr1, approval["id"], "approve")[0] == 409
    assert people.decide(people.rep, approval["id"], "approve")[0] == 403
    assert people.decide(people.api, approval["id"], "approve")[0] == 403

    status, done = people.decide(people.mgr2, approval["id"], "approve", comment="ok")
    assert status == 200 and done["status"] == "approved", done
    assert people.state(contract) == "signed"
    assert any(n["title"] == "Approved: Sign of C-1" and "Mgr2" in n["body"] for n in people.inbox(people.rep))
    assert people.mgr1.get("/api/approvals?mine=1")[1]["items"] == []

    events = [(e["event"], e["user"]["email"] if e["user"] else None) for e in people.history(contract)]
    assert events == [
        ("transitioned", "rep@example.com"),
        ("requested", "rep@example.com"),
        ("approve", "mgr1@example.com"),
        ("approve", "mgr2@example.com"),
        ("approval_approved", "mgr2@example.com"),
        ("transitioned", "mgr2@example.com"),
    ]
    history = people.history(contract)
    assert history[2]["comment"] == "fine by me" and history[-1]["approval"] == approval["id"]
    # A final state has no way out.
    assert people.rep.get(f"/api/records/contract/{contract['id']}/transitions")[1]["items"] == []


def test_a_rejection_moves_the_contract_back_to_draft(people: People) -> None:
    people.workflow(review_workflow())
    contract = submitted(people)
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    status, body = people.decide(people.mgr1, approval["id"], "reject", comment="price too low")
    assert status == 200 and body["status"] == "rejected"
    assert people.state(contract) == "draft"
    assert any(n["title"] == "Rejected: Sign of C-1" for n in people.inbox(people.rep))
    assert people.decide(people.mgr2, approval["id"], "approve")[0] == 409  # the request is over


def two_steps(**step: object) -> dict:
    return {
        "mode": "any",
        "steps": [
            {"key": "manager", "approvers": [{"role": "sales_manager"}]},
            {"key": "director", "approvers": [{"role": "director"}], **step},
        ],
    }


def test_send_back_to_the_previous_step_then_to_the_requester(people: People) -> None:
    people.workflow(review_workflow(two_steps()))
    contract = submitted(people)
    approval = people.take(people.rep, contract, "sign")[1]["approval"]

    # 或签: one manager's approval decides the first step; the other is no longer asked.
    status, body = people.decide(people.mgr2, approval["id"], "approve")
    assert status == 200 and [s["open"] for s in body["steps"]] == [False, True]
    assert people.decide(people.mgr1, approval["id"], "approve")[0] == 409
    assert any(n["title"] == "待你审批：C-1「签署」" for n in people.inbox(people.director))  # in their language

    status, body = people.decide(people.director, approval["id"], "send_back", comment="check the discount")
    assert status == 200 and body["status"] == "pending" and [s["open"] for s in body["steps"]] == [True, False]
    assert {t["status"] for t in body["steps"][0]["tasks"]} == {"pending"}  # the managers are asked again

    status, body = people.decide(people.mgr1, approval["id"], "approve", comment="discount checked")
    assert status == 200 and body["steps"][1]["open"]
    status, body = people.decide(people.director, approval["id"], "send_back", back_to="requester", comment="redo")
    assert status == 200 and body["status"] == "sent_back"
    assert people.state(contract) == "in_review"
    assert any(n["title"] == "Sent back to you: Sign of C-1" for n in people.inbox(people.rep))

    # The requester may ask again, and this time it goes through.
    approval = people.take(people.rep, contract, "sign", {"comment": "redone"})[1]["approval"]
    people.decide(people.mgr1, approval["id"], "approve")
    status, body = people.decide(people.director, approval["id"], "approve")
    assert status == 200 and body["status"] == "approved"
    assert people.state(contract) == "signed"
    events = [e["event"] for e in people.history(contract)]
    assert events.count("send_back") == 2 and events.count("requested") == 2


def test_an_overdue_step_is_escalated_to_the_approvers_manager(people: People) -> None:
    approval_policy = {
        "mode": "all",
        "steps": [
            {
                "approvers": [{"role": "sales_manager"}],
                "due": {"amount": 4, "unit": "hours"},
                "remind_before": {"amount": 1, "unit": "hours"},
                "on_due": "escalate",
            }
        ],
    }
    people.workflow(review_workflow(approval_policy))
    contract = submitted(people)
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    people.decide(people.mgr1, approval["id"], "approve")

    runtime = people.world.runtime
    assert deadlines.tick(runtime, utcnow() + timedelta(hours=1)) == 0  # nothing is due yet
    assert deadlines.tick(runtime, utcnow() + timedelta(hours=3, minutes=5)) == 1  # mgr2's reminder
    assert any(n["title"].startswith("Reminder: approval due") for n in people.inbox(people.mgr2))
    assert deadlines.tick(runtime, utcnow() + timedelta(hours=3, minutes=10)) == 0  # once only

    assert deadlines.tick(runtime, utcnow() + timedelta(hours=5)) == 1
    status, body = people.api.get(f"/api/approvals/{approval['id']}")
    tasks = {t["user"]["email"]: t for t in body["steps"][0]["tasks"]}
    assert tasks["mgr2@example.com"]["status"] == "escalated"
    assert tasks["director@example.com"]["status"] == "pending"
    assert tasks["director@example.com"]["origin"] == "escalated"
    assert any(n["title"] == "逾期审批已升级给你：C-1「签署」" for n in people.inbox(people.director))
    assert people.decide(people.mgr2, approval["id"], "approve")[0] == 409  # it is no longer theirs

    status, body = people.decide(people.director, approval["id"], "approve")
    assert status == 200 and body["status"] == "approved"
    assert people.state(contract) == "signed"
    escalations = [e for e in people.history(contract) if e["event"] == "escalate"]
    assert escalations[0]["data"] == {"from": people.mgr2_id, "to": [people.director_id]}
    assert escalations[0]["user"] is None  # the system did it


def test_an_overdue_step_can_decide_by_itself(people: People) -> None:
    people.workflow(
        review_workflow(
            {
                "steps": [
                    {"approvers": [{"role": "sales_manager"}], "due": {"amount": 1, "unit": "days"}, "on_due": "reject"}
                ],
                "on_reject": "draft",
            }
        )
    )
    contract = submitted(people)
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    assert deadlines.tick(people.world.runtime, utcnow() + timedelta(days=2)) == 2
    assert people.api.get(f"/api/approvals/{approval['id']}")[1]["status"] == "rejected"
    assert people.state(contract) == "draft"
    events = [e["event"] for e in people.history(contract)]
    assert events[-4:] == ["auto_reject", "auto_reject", "approval_rejected", "returned"], events


def test_the_whole_story_in_one_request_cycle(people: People) -> None:
    """Both managers must approve; one sends it back; asked again, one approves and the other
    lets it run late, so the worker escalates it to their director, who approves."""
    policy = {
        "mode": "all",
        "cc": [{"role": "legal"}],
        "steps": [
            {"approvers": [{"role": "sales_manager"}], "due": {"amount": 1, "unit": "days"}, "on_due": "escalate"}
        ],
    }
    people.workflow(review_workflow(policy))
    contract = submitted(people)
    first = people.take(people.rep, contract, "sign", {"comment": "please sign"})[1]["approval"]
    status, body = people.decide(people.mgr2, first["id"], "send_back", comment="add the discount terms")
    assert status == 200 and body["status"] == "sent_back"
    assert any(n["title"] == "Sent back to you: Sign of C-1" for n in people.inbox(people.rep))
    assert people.mgr1.get("/api/approvals?mine=1")[1]["items"] == []  # nothing left to decide

    second = people.take(people.rep, contract, "sign", {"comment": "discount terms added"})[1]["approval"]
    assert people.decide(people.mgr1, second["id"], "approve", comment="ok")[1]["status"] == "pending"
    assert deadlines.tick(people.world.runtime, utcnow() + timedelta(days=1, minutes=1)) == 1
    assert people.director.get("/api/approvals?mine=1")[1]["items"][0]["id"] == second["id"]
    status, body = people.decide(people.director, second["id"], "approve", comment="同意")
    assert status == 200 and body["status"] == "approved"
    assert people.state(contract) == "signed"

    assert any(n["title"] == "Approved: Sign of C-1" for n in people.inbox(people.rep))
    assert sum(n["title"].startswith("For your information: Sign") for n in people.inbox(people.legal)) >= 2
    events = [(e["event"], e["user"]["email"] if e["user"] else None, e["comment"]) for e in people.history(contract)]
    assert events[1:] == [
        ("requested", "rep@example.com", "please sign"),
        ("send_back", "mgr2@example.com", "add the discount terms"),
        ("approval_sent_back", "mgr2@example.com", "add the discount terms"),
        ("requested", "rep@example.com", "discount terms added"),
        ("approve", "mgr1@example.com", "ok"),
        ("escalate", None, None),
        ("approve", "director@example.com", "同意"),
        ("approval_approved", "director@example.com", None),
        ("transitioned", "director@example.com", None),
    ]
