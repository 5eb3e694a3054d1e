"""Workflows in automation rules: a ``transition`` trigger fires when a record moves (and
only for the transitions and states it names); a ``transition`` action moves a record with
the same checks a person meets."""

from __future__ import annotations

from typing import Any

from automation_world import label
from workflow_world import People, review_workflow


def errors(body: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in body["error"]["details"]}


OPEN_PROJECT_ON_SIGN: dict[str, Any] = {
    "key": "project_on_sign",
    "run_as": {
        "type": "system",
        "grants": [
            {"entity": "project", "actions": ["read", "create"]},
            {"entity": "contract", "actions": ["read"]},
        ],
    },
    "trigger": {"type": "transition", "entity": "contract", "workflow": "contract_review", "to": "signed"},
    "condition": {"==": [{"var": "$transition.key"}, "sign"]},
    "actions": [
        {
            "type": "create_record",
            "entity": "project",
            "values": {"name": {"cat": ["Delivery ", {"var": "number"}]}, "contract": {"var": "id"}},
        }
    ],
}


def test_a_transition_trigger_runs_when_the_record_reaches_the_state(people: People) -> None:
    people.workflow(review_workflow({"steps": [{"approvers": [{"user": people.mgr1_id}]}]}))
    people.world.rule(OPEN_PROJECT_ON_SIGN)
    contract = people.contract()
    people.take(people.rep, contract, "submit", {"fields": {"amount": 10}})
    assert people.world.list("project") == []  # submit reaches in_review: not this rule's
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    assert people.world.list("project") == []  # waiting for approval is not a move
    people.decide(people.mgr1, approval["id"], "approve")
    (project,) = people.world.list("project")
    assert project["name"] == "Delivery C-1" and project["contract"] == contract["id"]
    (run,) = people.world.runs(rule="project_on_sign")
    assert run["status"] == "success"


def test_the_trigger_is_checked_against_the_workflows_of_the_entity(people: People) -> None:
    people.workflow(review_workflow())
    bad = {
        **OPEN_PROJECT_ON_SIGN,
        "label": label("bad"),
        "trigger": {"type": "transition", "entity": "contract", "transition": "sgin", "to": ["signed", "done"]},
    }
    status, body = people.api.post("/api/meta/rules", bad)
    assert status == 422 and errors(body) == {
        "trigger.transition": "no transition 'sgin' in the workflows of 'contract'",
        "trigger.to": "no state 'done' in the workflows of 'contract'",
    }
    status, body = people.api.post(
        "/api/meta/rules", {**bad, "trigger": {"type": "transition", "entity": "contract", "workflow": "nope"}}
    )
    assert status == 422 and errors(body) == {"trigger.workflow": "no workflow 'nope' on 'contract'"}


SUBMIT_WHEN_PRICED: dict[str, Any] = {
    "key": "submit_when_priced",
    "label": label("Priced contracts go to review", "有金额的合同自动提交审核"),
    "run_as": {"type": "system", "grants": [{"entity": "contract", "actions": ["read", "update"]}]},
    "trigger": {"type": "record_created", "entity": "contract"},
    "actions": [
        {
            "type": "transition",
            "transition": "submit",
            "comment": "priced at creation",
            "fields": {"amount": {"var": "amount"}},
        }
    ],
}


def test_a_transition_action_moves_the_record_with_the_checks_a_person_meets(people: People) -> None:
    people.workflow(review_workflow())
    people.world.rule(SUBMIT_WHEN_PRICED)
    priced = people.contract(amount=250)
    assert people.state(priced) == "in_review"
    (moved,) = people.history(priced)
    assert moved["transition"] == "submit" and moved["comment"] == "priced at creation"

    # Without an amount the transition's form is incomplete: by default the rule's failure
    # fails the write, naming the rule and the field ...
    status, body = people.rep.post("/api/records/contract", {"number": "C-2"})
    assert status == 422 and body["error"]["rule"] == "submit_when_priced"
    assert "rules.submit_when_priced.actions.0.fields.amount" in errors(body)
    # ... and with on_error: continue the contract is saved in draft and the run says why.
    assert people.api.patch("/api/meta/rules/submit_when_priced", {"on_error": "continue"})[0] == 200
    unpriced = people.world.create("contract", {"number": "C-2"}, as_=people.rep)
    assert people.state(unpriced) == "draft"
    failed = [r for r in people.world.runs(rule="submit_when_priced") if r["status"] != "success"]
    assert [r["rule_version"] for r in failed] == [2, 1]  # the refused write's run is logged too
    assert all("is required to take this transition" in str(r) for r in failed)


def test_a_transition_action_names_a_real_transition(people: People) -> None:
    people.workflow(review_workflow())
    status, body = people.api.post(
        "/api/meta/rules",
        {**SUBMIT_WHEN_PRICED, "actions": [{"type": "transition", "transition": "approve_all"}]},
    )
    assert status == 422 and errors(body) == {"actions.0.transition": "no transition 'approve_all' on 'contract'"}


def test_a_rule_set_off_by_a_transition_cannot_write_the_state_itself(people: People) -> None:
    people.workflow(review_workflow())
    people.world.rule(
        {
            "key": "skip_review",
            "run_as": {"type": "system", "grants": [{"entity": "contract", "actions": ["read", "update"]}]},
            "trigger": {"type": "field_changed", "entity": "contract", "field": "status", "to": "in_review"},
            "actions": [{"type": "set_fields", "values": {"status": "signed"}}],
        }
    )
    contract = people.contract()
    status, body = people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
    assert status == 422 and body["error"]["rule"] == "skip_review", body
    assert "changes only through a transition" in str(body)
    assert people.state(contract) == "draft" and people.history(contract) == []


def test_a_rejection_back_to_draft_is_not_the_transition_that_was_asked_for(people: People) -> None:
    people.workflow(review_workflow({"steps": [{"approvers": [{"user": people.mgr1_id}]}], "on_reject": "draft"}))
    people.world.rule(
        OPEN_PROJECT_ON_SIGN | {"trigger": {"type": "transition", "entity": "contract", "transition": "sign"}}
    )
    back_in_draft = {
        "key": "tell_on_draft",
        "label": label("Back in draft"),
        "trigger": {"type": "transition", "entity": "contract", "to": "draft"},
        "condition": {"==": [{"var": "$transition.key"}, None]},
        "actions": [{"type": "notify", "to": {"fields": ["_owner"]}, "title": {"en": "{{ number }} is back in draft"}}],
    }
    people.world.rule(back_in_draft)
    contract = people.contract()
    people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    assert people.decide(people.mgr1, approval["id"], "reject", comment="no")[0] == 200
    assert people.state(contract) == "draft"
    assert people.world.list("project") == []  # the sign rule did not fire
    assert any(n["title"] == "C-1 is back in draft" for n in people.inbox(people.rep))
    returned = people.history(contract)[-1]
    assert returned["event"] == "returned" and returned["transition"] is None and returned["to"] == "draft"
