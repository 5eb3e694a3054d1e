"""Scale-out: the worker's jobs as Celery tasks over Redis (``LOOMWORKS_BROKER_URL``).

Web processes queue ``loomworks.deliver(<outbox id>)`` when deliveries commit; any number
of ``loomworks worker`` processes consume them. The database, not the broker, decides who
delivers: a task first claims its row (the outbox's conditional UPDATE), so a task
delivered twice by the broker, or raced by another worker's sweep, is a no-op. Each
worker also runs the ordinary loop (scheduler ticks, and a sweep of due rows for retries
and for tasks that were never queued because the broker was down), so nothing depends on
a message arriving. Tasks are acknowledged late: a worker killed mid-task leaves the
message to be redelivered, and the row to be re-claimed when its lease ends.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

from .worker import Worker

DEFAULT_QUEUE = "loomworks"
DELIVER_TASK = "loomworks.deliver"


def queue_name() -> str:
    return os.environ.get("LOOMWORKS_CELERY_QUEUE", DEFAULT_QUEUE)


def make_celery(runtime: Any) -> Celery:
    """A Celery app bound to ``runtime`` (its engine and settings serve the tasks)."""
    app = Celery("loomworks", broker=runtime.settings.broker_url)
    app.conf.update(
        task_default_queue=queue_name(),
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    worker = Worker(runtime, mode="celery")

    @app.task(name=DELIVER_TASK)  # type: ignore[untyped-decorator]
    def deliver(outbox_id: int) -> str | None:
        return worker.deliver(outbox_id)

    app.loomworks_worker = worker
    return app


def publisher(app: Celery) -> Any:
    """What web processes call once deliveries committed: one task per outbox id."""

    def publish(outbox_ids: list[int]) -> None:
        for outbox_id in outbox_ids:
            app.send_task(DELIVER_TASK, args=[outbox_id], queue=queue_name())

    return publish


def run_celery_worker(runtime: Any, concurrency: int) -> None:
    """``loomworks worker`` with a broker: the loop in a thread, Celery in the foreground.

    Threads, not forked processes: the runtime's connection pool must not cross a fork.
    """
    app = make_celery(runtime)
    runtime.automation.publish = publisher(app)
    _thread, stop = app.loomworks_worker.start_thread()
    try:
        app.worker_main(
            argv=[
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=threads",
                "--without-mingle",  # workers coordinate through the database, not through each other
                "--without-gossip",
                "-Q",
                queue_name(),
            ]
        )
    finally:
        stop.set()
