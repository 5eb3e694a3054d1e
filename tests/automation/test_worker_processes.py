"""Real worker processes: a standalone worker killed with SIGKILL mid-delivery loses nothing,
and Celery workers on the local Redis share the outbox without delivering a claimed job twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from automation_world import World
from loomworks.automation.models import outbox, outbox_attempts
from receivers import WebhookReceiver

REDIS_URL = os.environ.get("LOOMWORKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DELIVERIES = 40


def worker_env(world: World, **extra: str) -> dict[str, str]:
    settings = world.runtime.settings
    return {
        **os.environ,
        "LOOMWORKS_DATABASE_URL": settings.database_url,
        "LOOMWORKS_INSTANCE": str(settings.instance),
        "LOOMWORKS_SECRET_KEY": settings.secret_key,
        "LOOMWORKS_WEBHOOK_ALLOW": "127.0.0.1/32",
        "LOOMWORKS_OUTBOX_LEASE_SECONDS": "2",
        "LOOMWORKS_OUTBOX_BACKOFF_SECONDS": "0.2",
        "LOOMWORKS_WORKER_POLL_SECONDS": "0.2",
        **extra,
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "loomworks.cli", "worker"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def rows(world: World) -> list[Any]:
    with world.runtime.engine.connect() as conn:
        return list(conn.execute(select(outbox.c.id, outbox.c.status, outbox.c.idempotency_key, outbox.c.attempts)))


def make_deliveries(world: World, receiver: WebhookReceiver) -> set[str]:
    world.rule(
        {
            "key": "notify_erp",
            "trigger": {"type": "record_created", "entity": "deal"},
            "actions": [{"type": "webhook", "url": f"{receiver.url}/deals"}],
        }
    )
    for index in range(DELIVERIES):
        world.create("deal", {"name": f"Deal {index}"})
    keys = {row.idempotency_key for row in rows(world)}
    assert len(keys) == DELIVERIES
    return keys


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_killing_a_worker_mid_delivery_loses_nothing(
    world: World, receiver: WebhookReceiver, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    receiver.delay_s = 0.05
    keys = make_deliveries(world, receiver)
    env = worker_env(world)
    processes.append(start_worker(env, tmp_path / "worker1.log"))
    wait_for(lambda: len(receiver.received) >= 8, 30, "the first deliveries")
    processes[0].send_signal(signal.SIGKILL)  # kill -9, in the middle of the batch
    processes[0].wait(timeout=10)
    undelivered = [r for r in rows(world) if r.status != "delivered"]
    assert undelivered, "the worker finished before it was killed; the test proves nothing"

    processes.append(start_worker(env, tmp_path / "worker2.log"))
    wait_for(lambda: all(r.status == "delivered" for r in rows(world)), 60, "every delivery")
    assert set(receiver.keys()) == keys  # every entry reached the receiver
    assert set(receiver.processed) == keys and set(receiver.processed.values()) == {1}  # each processed once
    assert len(receiver.received) >= DELIVERIES  # (at least once: a cut-off call may have come twice)


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not redis_answers(), reason="no Redis answers at LOOMWORKS_TEST_REDIS_URL / 127.0.0.1:6379")
def test_celery_workers_share_the_outbox_without_double_delivery(
    world: World,
    receiver: WebhookReceiver,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from loomworks.automation.celery_app import make_celery, publisher

    queue = f"loomworks-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("LOOMWORKS_CELERY_QUEUE", queue)
    # The workers' own sweep waits a minute between passes: what gets delivered here came as tasks.
    env = worker_env(
        world,
        LOOMWORKS_BROKER_URL=REDIS_URL,
        LOOMWORKS_CELERY_QUEUE=queue,
        LOOMWORKS_OUTBOX_LEASE_SECONDS="60",
        LOOMWORKS_WORKER_POLL_SECONDS="60",
    )
    logs = [tmp_path / f"celery{number}.log" for number in (1, 2)]
    for log in logs:
        processes.append(start_worker(env, log))
    wait_for(lambda: all(b"ready." in log.read_bytes() for log in logs if log.exists()), 60, "Celery workers")
    broker_settings = world.runtime.settings.__class__(**{**world.runtime.settings.__dict__, "broker_url": REDIS_URL})
    world.runtime.settings = broker_settings
    world.runtime.automation.publish = publisher(make_celery(world.runtime))
    receiver.delay_s = 0.02
    keys = make_deliveries(world, receiver)
    wait_for(lambda: all(r.status == "delivered" for r in rows(world)), 90, "every delivery through Celery")
    assert sorted(receiver.keys()) == sorted(keys)  # each exactly once: nothing was delivered twice
    assert {r.attempts for r in rows(world)} == {1}
    with world.runtime.engine.connect() as conn:
        workers = {row[0] for row in conn.execute(select(outbox_attempts.c.worker))}
    assert {w.split(":")[1] for w in workers} == {str(p.pid) for p in processes}  # both took a share
