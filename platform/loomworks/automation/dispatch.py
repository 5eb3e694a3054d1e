"""``Automation``: the Runtime's rule engine endpoint and the link to the workers.

It listens to every record write (``records.events``) and runs the matching rules in the
write's transaction; and it is told when outbox rows have committed, which wakes the
embedded worker at once or, with a broker, queues a Celery task per delivery.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..core.context import Tx
from ..records.events import RecordEvent
from .engine import chain_root, execute
from .index import RuleCache
from .triggers import TriggerInput

log = logging.getLogger(__name__)


class Automation:
    def __init__(self) -> None:
        self.rules = RuleCache()
        #: Set when deliveries committed; the embedded worker waits on it between polls.
        self.wakeup = threading.Event()
        #: With a broker: queues a delivery task per outbox id (see ``automation.celery_app``).
        self.publish: Callable[[list[int]], None] | None = None

    # --- RecordListener --------------------------------------------------------------------

    def listening(self, tx: Tx, entity: str) -> bool:
        return self.rules.index(tx).listening(entity)

    def on_record_event(self, tx: Tx, event: RecordEvent) -> None:
        matching = self.rules.index(tx).for_event(event)
        if not matching:
            return
        with chain_root(tx) as chain:
            for rule in matching:
                # How the write came about (a rollup moving, an on_delete) goes into the run log.
                extra = {} if event.cause == "write" else {"cause": event.cause}
                trigger = TriggerInput(
                    rule.trigger["type"], event.entity, event.record, event.old, event.actor, extra=extra
                )
                execute(tx, rule, trigger, chain)

    # --- workers ---------------------------------------------------------------------------

    def outbox_committed(self, outbox_ids: list[int]) -> None:
        self.wakeup.set()
        if self.publish is not None and outbox_ids:
            try:
                self.publish(outbox_ids)
            except Exception:  # the broker being down must not fail a committed write
                log.exception("could not queue deliveries %s; the workers' sweep will find them", outbox_ids)

    def __repr__(self) -> str:
        return f"<Automation publish={self.publish is not None}>"
