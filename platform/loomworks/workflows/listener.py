"""Approval requests follow their record: one whose record is deleted is cancelled.

Deletes are soft, but a request on a record that is gone would sit in the approvers' to-do
lists with nothing to look at, and approving it could move nothing. It is cancelled in the
delete's transaction (the requester and those copied in are told); restoring the record does
not reopen it: the requester asks again.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.context import Tx
from ..records.events import RecordEvent
from .approvals import finish
from .models import approvals


class ApprovalsFollowRecords:
    def listening(self, tx: Tx, entity: str) -> bool:
        return bool(tx.runtime.workflows.get(tx).active_on(entity))

    def on_record_event(self, tx: Tx, event: RecordEvent) -> None:
        if event.kind != "deleted":
            return
        pending = tx.conn.execute(
            select(approvals).where(
                approvals.c.entity == event.entity,
                approvals.c.record_id == event.record_id,
                approvals.c.status == "pending",
            )
        ).mappings()
        for row in [dict(r) for r in pending]:
            finish(tx, row, "cancelled", "the record was deleted")
