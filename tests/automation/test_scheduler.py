"""Cron and date-relative rules: fired once per due run, caught up once after downtime, exactly
once with several workers ticking at the same moment, and scanned with an indexed range query."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from automation_world import World, label, user_api
from loomworks.automation import scheduler

START = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
SYSTEM = {"type": "system", "grants": [{"entity": "project", "actions": ["read", "update"]}]}


def at(**delta: Any) -> datetime:
    return START + timedelta(**delta)


@pytest.fixture(autouse=True)
def saved_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules in these tests are saved at START: a schedule starts when its rule is saved."""
    monkeypatch.setattr("loomworks.automation.definitions.utcnow", lambda: START)


def digest_rule(**trigger: Any) -> dict[str, Any]:
    return {
        "key": "digest",
        "run_as": SYSTEM,
        "trigger": {"type": "schedule", "cron": "0 9 * * *", "timezone": "Asia/Shanghai", **trigger},
        "actions": [{"type": "notify", "to": {"roles": ["project_manager"]}, "title": label("Digest {{ name }}")}],
    }


def test_cron_fires_at_its_time_in_its_zone_and_catches_up_once(world: World) -> None:
    world.rule(digest_rule())
    runtime = world.runtime
    assert scheduler.tick(runtime, START) == 0  # the schedule starts now: 09:00 Shanghai is 01:00 UTC
    assert scheduler.tick(runtime, at(minutes=59)) == 0
    assert scheduler.tick(runtime, at(hours=1)) == 1
    assert scheduler.tick(runtime, at(hours=1, minutes=1)) == 0
    # Down for five days: five 09:00s were missed; the rule runs once, then waits for the next.
    assert scheduler.tick(runtime, at(days=5, hours=12)) == 1
    assert scheduler.tick(runtime, at(days=5, hours=13)) == 0
    assert scheduler.tick(runtime, at(days=6, hours=1)) == 1
    runs = world.runs(rule="digest")
    assert [r["status"] for r in runs] == ["success"] * 3 and {r["trigger"] for r in runs} == {"schedule"}


def test_a_schedule_over_an_entity_runs_once_per_matching_record(world: World) -> None:
    _, pm = user_api(world.app, world.runtime, "pm@example.com", ["project_manager"])
    world.rule(digest_rule(entity="project", where={"==": [{"var": "status"}, "in_progress"]}))
    for name, status in (("Alpha", "in_progress"), ("Beta", "in_progress"), ("Gamma", "completed")):
        world.create("project", {"name": name, "status": status})
    scheduler.tick(world.runtime, START)
    scheduler.tick(world.runtime, at(hours=2))
    assert sorted(r["inputs"]["record"]["name"] for r in world.runs(rule="digest")) == ["Alpha", "Beta"]
    with world.runtime.engine.connect() as conn:
        titles = sorted(
            row[0] for row in conn.exec_driver_sql(f"SELECT title FROM lw_notifications WHERE user_id = {pm['id']}")
        )
    assert titles == ["Digest Alpha", "Digest Beta"]


def test_several_workers_ticking_at_once_fire_a_due_run_exactly_once(world: World) -> None:
    world.rule(digest_rule())
    scheduler.tick(world.runtime, START)
    fired: list[int] = []
    barrier = threading.Barrier(4)

    def tick() -> None:
        barrier.wait()
        fired.append(scheduler.tick(world.runtime, at(hours=3)))

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(fired) == [0, 0, 0, 1]
    assert len(world.runs(rule="digest")) == 1


def test_a_new_trigger_starts_the_schedule_afresh_and_other_edits_keep_its_place(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.rule(digest_rule())
    scheduler.tick(world.runtime, START)
    monkeypatch.setattr("loomworks.automation.definitions.utcnow", lambda: at(days=3))
    world.api.patch("/api/meta/rules/digest", {"trigger": {"type": "schedule", "cron": "0 12 * * *"}})  # noon UTC
    assert scheduler.tick(world.runtime, at(days=3)) == 0  # from the change on, not the old schedule's backlog
    assert scheduler.tick(world.runtime, at(days=3, hours=12)) == 1
    world.api.patch("/api/meta/rules/digest", {"label": label("Daily digest", "每日摘要")})
    assert scheduler.tick(world.runtime, at(days=4, hours=12)) == 1  # a new label changes nothing

    world.api.patch("/api/meta/rules/digest", {"enabled": False})
    assert scheduler.tick(world.runtime, at(days=5, hours=12)) == 0
    monkeypatch.setattr("loomworks.automation.definitions.utcnow", lambda: at(days=9))
    world.api.patch("/api/meta/rules/digest", {"enabled": True})
    assert scheduler.tick(world.runtime, at(days=9, hours=1)) == 0  # the days it was off are not caught up
    assert scheduler.tick(world.runtime, at(days=9, hours=12)) == 1


def reminder_rule(**trigger: Any) -> dict[str, Any]:
    return {
        "key": "reminder",
        "run_as": "record_owner",
        "trigger": {
            "type": "date_relative",
            "entity": "task",
            "field": "due_date",
            "amount": 3,
            "unit": "days",
            "direction": "before",
            "time": "09:00",
            "timezone": "Asia/Shanghai",
            **trigger,
        },
        "condition": {"!=": [{"var": "status"}, "done"]},
        "actions": [
            {"type": "notify", "to": {"fields": ["assignee"]}, "title": label("{{ name }} is due {{ due_date }}")}
        ],
    }


def test_date_relative_rules_fire_once_per_record_and_catch_up_after_downtime(world: World) -> None:
    _, assignee = user_api(world.app, world.runtime, "dev@example.com", ["project_manager"])
    world.rule(reminder_rule())
    tasks = {
        name: world.create("task", {"name": name, "due_date": due, "status": status, "assignee": assignee["id"]})
        for name, due, status in (
            ("Spec", "2030-01-10", "todo"),  # fires 2030-01-07 09:00 +08:00 = 01:00 UTC
            ("Build", "2030-01-12", "todo"),  # fires 2030-01-09
            ("Ship", "2030-01-20", "todo"),  # fires 2030-01-17
            ("Done already", "2030-01-12", "done"),
            ("Past", "2029-12-01", "todo"),  # its moment passed before the rule existed
        )
    }
    runtime = world.runtime
    scheduler.tick(runtime, START)
    scheduler.tick(runtime, at(days=6, minutes=59))
    assert world.runs(rule="reminder") == []
    scheduler.tick(runtime, at(days=6, hours=1))
    assert [r["inputs"]["record"]["name"] for r in world.runs(rule="reminder")] == ["Spec"]
    scheduler.tick(runtime, at(days=6, hours=2))
    assert len(world.runs(rule="reminder")) == 1

    scheduler.tick(runtime, at(days=17))  # down from the 7th to the 18th: one longer window
    scheduler.tick(runtime, at(days=17, hours=1))
    runs = world.runs(rule="reminder")
    by_name = {r["inputs"]["record"]["name"]: r["status"] for r in runs}
    assert by_name == {"Spec": "success", "Build": "success", "Done already": "skipped", "Ship": "success"}
    assert len(runs) == 4
    assert tasks["Past"]["id"] not in {r["record_id"] for r in runs}
    assert world.api.get("/api/notifications")[1]["items"] == []  # the admin is not the assignee
    with runtime.engine.connect() as conn:
        got = sorted(
            r[0] for r in conn.exec_driver_sql(f"SELECT title FROM lw_notifications WHERE user_id = {assignee['id']}")
        )
    assert got == ["Build is due 2030-01-12", "Ship is due 2030-01-20", "Spec is due 2030-01-10"]


def test_editing_a_date_relative_rule_keeps_what_fell_due_meanwhile(world: World) -> None:
    world.rule(reminder_rule(field="due_at", amount=0, unit="minutes", direction="after"))
    world.create("task", {"name": "Soon", "due_at": at(minutes=5).isoformat()})
    scheduler.tick(world.runtime, START)
    world.api.patch("/api/meta/rules/reminder", {"label": label("Reminder", "提醒")})
    scheduler.tick(world.runtime, at(minutes=10))
    assert [r["inputs"]["record"]["name"] for r in world.runs(rule="reminder")] == ["Soon"]


def test_date_time_fields_fire_relative_to_their_instant(world: World) -> None:
    world.rule(reminder_rule(field="due_at", amount=2, unit="hours", direction="after"))
    world.create("task", {"name": "Call", "due_at": "2030-01-02T10:00:00+08:00"})  # 02:00 UTC, fires 04:00 UTC
    scheduler.tick(world.runtime, START)
    scheduler.tick(world.runtime, at(days=1, hours=3, minutes=59))
    assert world.runs(rule="reminder") == []
    scheduler.tick(world.runtime, at(days=1, hours=4))
    assert [r["inputs"]["record"]["name"] for r in world.runs(rule="reminder")] == ["Call"]


def test_date_relative_scans_are_indexed_range_queries(world: World) -> None:
    world.rule(reminder_rule())
    world.create("task", {"name": "Spec", "due_date": "2030-01-10"})
    scheduler.tick(world.runtime, START)
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM e_task" in statement and "due_date >" in statement:
            seen.append((statement, parameters))

    engine = world.runtime.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        scheduler.tick(world.runtime, at(days=7))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(seen) == 1
    statement, parameters = seen[0]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "USING INDEX" in plan and "due_date" in plan, plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: ask whether an index can serve it
            plan = " ".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "Index" in plan and "due_date" in plan, plan
