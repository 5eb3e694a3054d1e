"""The worker: ticks the scheduler and delivers the outbox.

The same loop runs as a thread of the web process (``loomworks run`` on SQLite, the
default), as ``loomworks worker`` on its own, and inside each Celery worker (where
deliveries also arrive as tasks). Each delivery is claimed in a short transaction of its
own, sent outside any transaction (a slow receiver holds no lock), and finished in
another; a worker killed between claim and finish leaves the row to be taken up again
when its lease ends, which is what makes delivery at-least-once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from ..core.context import SYSTEM_ACTOR
from ..core.db import unit_of_work, upsert, write_connection
from ..core.sqltypes import utcnow
from . import outbox, scheduler
from .delivery import DELIVERIES, DeliveryFailed
from .models import workers
from .runs import prune_runs

log = logging.getLogger(__name__)
BATCH = 50
HEARTBEAT_S = 10.0
PRUNE_EVERY_S = 3600.0


class Worker:
    def __init__(self, runtime: Any, mode: str = "standalone") -> None:
        self.runtime = runtime
        self.mode = mode
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._beat = 0.0
        self._pruned = 0.0

    def run_once(self) -> int:
        """One pass: heartbeat, due schedules, due deliveries. Returns deliveries attempted."""
        self._heartbeat()
        for timer in (scheduler.tick, *self.runtime.timers):
            try:
                timer(self.runtime)
            except Exception:
                log.exception("timer %s failed", getattr(timer, "__module__", timer))
        delivered = self.deliver_due()
        self._prune()
        return delivered

    def deliver_due(self, limit: int = BATCH) -> int:
        with self.runtime.engine.connect() as conn:
            abandoned = outbox.has_abandoned(conn, utcnow())
        if abandoned:  # a write only when there is something to bury (SQLite has one writer)
            with write_connection(self.runtime.engine) as conn, unit_of_work(conn):
                outbox.bury_abandoned(conn, utcnow())
        with self.runtime.engine.connect() as conn:
            ids = outbox.due_ids(conn, utcnow(), limit)
        for outbox_id in ids:
            self.deliver(outbox_id)
        return len(ids)

    def deliver(self, outbox_id: int) -> str | None:
        """Claim, send and record one delivery; None if another worker has it."""
        settings = self.runtime.settings
        with write_connection(self.runtime.engine) as conn, unit_of_work(conn):
            row = outbox.claim(conn, outbox_id, self.id, utcnow(), settings.outbox_lease_s)
        if row is None:
            return None
        clock = time.perf_counter()
        try:
            detail = DELIVERIES.get(row["kind"])(settings, row["payload"], row["idempotency_key"])
            ok, permanent = True, False
        except DeliveryFailed as exc:
            detail, ok, permanent = exc.message, False, exc.permanent
        except Exception as exc:  # a bug in a deliverer: retried like any failure, and logged
            log.exception("delivery %s crashed", outbox_id)
            detail, ok, permanent = f"internal error: {type(exc).__name__}: {exc}", False, False
        elapsed = int((time.perf_counter() - clock) * 1000)
        with write_connection(self.runtime.engine) as conn, unit_of_work(conn):
            return outbox.finish(
                conn,
                row,
                self.id,
                ok=ok,
                detail=detail,
                permanent=permanent,
                backoff_s=settings.outbox_backoff_s,
                duration_ms=elapsed,
            )

    def run_forever(self, stop: threading.Event) -> None:
        wakeup = self.runtime.automation.wakeup
        log.info("worker %s (%s) started", self.id, self.mode)
        while not stop.is_set():
            wakeup.clear()
            try:
                busy = self.run_once() >= BATCH
            except Exception:  # the database may be restarting: wait and try again
                log.exception("worker pass failed")
                busy = False
            if not busy:
                wakeup.wait(self.runtime.settings.worker_poll_s)
        log.info("worker %s stopped", self.id)

    def start_thread(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self.run_forever, args=(stop,), name="loomworks-worker", daemon=True)
        thread.start()
        return thread, stop

    def _heartbeat(self) -> None:
        now_s = time.monotonic()
        if now_s - self._beat < HEARTBEAT_S:
            return
        self._beat = now_s
        now = utcnow()
        with write_connection(self.runtime.engine) as conn, unit_of_work(conn):
            values = {"id": self.id, "mode": self.mode, "started_at": now, "seen_at": now}
            conn.execute(upsert(conn, workers, values, ["id"], {"seen_at": now}))

    def _prune(self) -> None:
        now_s = time.monotonic()
        if now_s - self._pruned < PRUNE_EVERY_S:
            return
        self._pruned = now_s
        with self.runtime.transaction(SYSTEM_ACTOR) as tx:
            prune_runs(tx.conn, self.runtime.settings.run_retention_days)
