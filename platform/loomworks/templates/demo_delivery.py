"""The demo's delivery side: the projects the signed contracts opened, carried forward to today.

Split from ``demo`` (the people, the CRM data and the loader): ``DemoData`` inherits this, and
these methods use its transaction, its seeded random numbers and its ``create``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ..core.context import Tx
from ..records import service

#: Estimated hours of the starter plan's tasks in turn (kick-off ... go-live).
PLAN_HOURS = [12, 16, 40, 24, 10]
#: Survey answers in turn: mostly promoters, some passives, and detractors that raise a customer's risk.
SCORES = [9, 4, 10, 8, 10, 3, 9, 7, 10, 5]


class DeliveryDemo:
    tx: Tx
    people: dict[str, int]
    rng: random.Random
    today: date
    counts: dict[str, int]
    create: Callable[..., dict[str, Any]]

    def _delivery(self) -> None:
        """The projects the signed contracts opened, carried forward to today: the starter plan
        the bridge rule gave each one is staffed and worked through as its dates pass (the
        latest task due still open, running late), its milestones reached as they fall due, time booked on done
        work; projects past their 90 days are completed on their go-live date."""
        devs = [self.people[e] for e in ("dev@example.com", "dev2@example.com", "dev3@example.com")]
        table = self._main("project")
        projects = [dict(row) for row in self.tx.conn.execute(select(table.c.id, table.c.start_date)).mappings()]
        for index, project in enumerate(projects):
            start = project["start_date"] if isinstance(project["start_date"], date) else self.today
            done_share = min(1.0, max(0.0, (self.today - start).days / 90))
            for task in self._work_the_plan(project["id"], index, devs, finished=done_share >= 1):
                self._book_time(project["id"], task)
            self._reach_milestones(project["id"], finished=done_share >= 1)
            for number in range(2):
                self.create(
                    "document",
                    {
                        "project": project["id"],
                        "name": ["Project plan / 项目计划", "Weekly report / 周报"][number],
                        "category": ["design", "report"][number],
                        "visible_to_customer": number == 0,
                    },
                )
            self.create(
                "risk",
                {
                    "project": project["id"],
                    "title": "Key user availability / 关键用户时间不足",
                    "probability": "medium",
                    "impact": "high",
                },
            )
            self._advance(project["id"], done_share, start + timedelta(days=90))

    def _main(self, entity: str) -> Any:
        return self.tx.runtime.tables_for(self.tx.runtime.entities.get(self.tx.conn, entity)).main

    def _rows_of(self, entity: str, project_id: int, order: Any) -> list[dict[str, Any]]:
        table = self._main(entity)
        query = select(table).where(table.c.project == project_id, table.c.deleted_at.is_(None)).order_by(order(table))
        return [dict(row) for row in self.tx.conn.execute(query).mappings()]

    def _work_the_plan(self, project_id: int, index: int, devs: list[int], finished: bool) -> list[dict[str, Any]]:
        """Staff the project's tasks and set each one's status by its dates; the done ones are returned."""
        done = []
        tasks = self._rows_of("task", project_id, lambda t: t.c.due_date)
        past_due = [t["id"] for t in tasks if t["due_date"] is not None and t["due_date"] < self.today]
        late = None if finished or not past_due else past_due[-1]  # the latest one is running late
        for number, task in enumerate(tasks):
            begins = task["start_date"]
            if finished or (task["id"] in past_due and task["id"] != late):
                status = "done"
            elif begins is not None and begins <= self.today:
                status = self.rng.choice(["in_progress", "in_progress", "review"])
            else:
                status = "todo"
            values = {
                "status": status,
                "assignee": devs[(index + number) % 3],
                "estimate_hours": PLAN_HOURS[number % len(PLAN_HOURS)],
                "priority": self.rng.choice(["normal", "normal", "high"]),
            }
            updated = service.update_record(self.tx, "task", task["id"], values)
            if status == "done":
                done.append(updated)
        return done

    def _book_time(self, project_id: int, task: dict[str, Any]) -> None:
        for _ in range(2):
            self.create(
                "time_entry",
                {
                    "task": task["id"],
                    "project": project_id,
                    "user": task["assignee"],
                    "hours": self.rng.randrange(2, 8),
                    "date": min(date.fromisoformat(task["due_date"]), self.today).isoformat(),
                    "hourly_rate": self.rng.choice([300, 450, 600]),
                    "activity": "development",
                },
            )

    def _reach_milestones(self, project_id: int, finished: bool) -> None:
        """Milestones due by today are reached (now and then missed), the next one is under way."""
        under_way = False
        for milestone in self._rows_of("milestone", project_id, lambda m: m.c.sequence):
            due = milestone["due_date"]
            if finished or (due is not None and due < self.today):
                status = "reached" if finished or self.rng.random() < 0.85 else "missed"
            elif not under_way:
                status, under_way = "in_progress", True
            else:
                continue
            service.update_record(self.tx, "milestone", milestone["id"], {"status": status})

    def _advance(self, project_id: int, done_share: float, go_live: date) -> None:
        status = "completed" if done_share >= 1 else "in_progress" if done_share > 0 else "planning"
        if status != "planning":
            service.update_record(self.tx, "project", project_id, {"status": "in_progress"})
        if status == "completed":
            completed = min(go_live, self.today).isoformat()
            service.update_record(self.tx, "project", project_id, {"status": "completed", "completed_date": completed})
            project = service.get_record(self.tx, "project", project_id)
            self.create(
                "nps_response",
                {
                    "company": project.get("customer"),
                    "project": project_id,
                    "contact": project.get("customer_contact"),
                    "project_manager": project.get("manager"),
                    "score": SCORES[self.counts.get("nps_response", 0) % len(SCORES)],
                    "comment": self.rng.choice(
                        ["Great team / 团队很专业", "Go-live slipped / 上线延期", "Smooth delivery / 交付顺利"]
                    ),
                },
            )
