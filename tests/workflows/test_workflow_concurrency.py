"""People acting on one record or one request at the same moment, through the API, in
threads: one transition wins and the other is a 409; a decision counts once however often
it is sent; the last two approvals of an all-approve step sign the contract exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from api_client import Api
from workflow_world import People, review_workflow

ALL_MANAGERS = {"mode": "all", "steps": [{"approvers": [{"role": "sales_manager"}]}]}


def own_client(people: People, who: Api) -> Api:
    """A second connection for the same person (a test client is not shared between threads)."""
    return Api(people.world.app.test_client(), who.headers)


def race(attempts: list[Callable[[], tuple[int, Any]]]) -> list[int]:
    start = threading.Barrier(len(attempts))

    def one(attempt: Callable[[], tuple[int, Any]]) -> int:
        start.wait(timeout=30)
        return attempt()[0]

    with ThreadPoolExecutor(len(attempts)) as pool:
        return sorted(pool.map(one, attempts))


def test_two_people_taking_transitions_on_one_record_one_wins(people: People) -> None:
    doc = review_workflow(ALL_MANAGERS)
    doc["transitions"][2]["from"] = "draft"  # submit and cancel both leave draft, and only draft
    people.workflow(doc)
    for round_ in range(3):
        contract = people.world.create("contract", {"number": f"R-{round_}", "amount": 5}, as_=people.rep)
        rep, manager = own_client(people, people.rep), own_client(people, people.mgr1)
        statuses = race(
            [
                partial(people.take, rep, contract, "submit", {"fields": {"amount": 5}}),
                partial(people.take, manager, contract, "cancel", {"comment": "not needed"}),
            ]
        )
        assert statuses == [200, 409], statuses
        moves = [e for e in people.history(contract) if e["event"] == "transitioned"]
        assert len(moves) == 1 and people.state(contract) == moves[0]["to"]


def test_a_decision_sent_twice_at_once_counts_once(people: People) -> None:
    people.workflow(review_workflow(ALL_MANAGERS))
    contract = people.contract(amount=5)
    people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
    approval = people.take(people.rep, contract, "sign")[1]["approval"]
    clients = [own_client(people, people.mgr1) for _ in range(4)]
    statuses = race([partial(people.decide, c, approval["id"], "approve") for c in clients])
    assert statuses == [200, 409, 409, 409], statuses
    approvals = [e for e in people.history(contract) if e["event"] == "approve"]
    assert len(approvals) == 1
    assert people.api.get(f"/api/approvals/{approval['id']}")[1]["status"] == "pending"  # mgr2 still to decide


def test_the_last_two_approvals_at_once_sign_the_contract_exactly_once(people: People) -> None:
    people.workflow(review_workflow(ALL_MANAGERS))
    for round_ in range(3):
        contract = people.world.create("contract", {"number": f"S-{round_}"}, as_=people.rep)
        people.take(people.rep, contract, "submit", {"fields": {"amount": 5}})
        approval = people.take(people.rep, contract, "sign")[1]["approval"]
        first, second = own_client(people, people.mgr1), own_client(people, people.mgr2)
        statuses = race(
            [
                partial(people.decide, first, approval["id"], "approve"),
                partial(people.decide, second, approval["id"], "approve"),
            ]
        )
        assert statuses == [200, 200], statuses
        assert people.state(contract) == "signed"
        events = [e["event"] for e in people.history(contract)]
        assert events.count("approval_approved") == 1 and events[-1] == "transitioned"
        assert events.count("transitioned") == 2  # submit, then sign
