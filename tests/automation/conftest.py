"""Automation fixtures: the API fixtures, a small CRM-and-projects world, a local webhook
receiver, a local SMTP server, and a worker the test drives by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask

from api_client import Api
from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
from automation_world import World, build_world
from loomworks.automation.worker import Worker
from loomworks.runtime import Runtime
from receivers import MailReceiver, WebhookReceiver


@pytest.fixture
def world(api: Api, app: Flask, runtime: Runtime) -> World:  # noqa: F811
    return build_world(api, app, runtime)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox() -> Iterator[MailReceiver]:
    server = MailReceiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def outside(runtime: Runtime, mailbox: MailReceiver) -> Runtime:
    """The runtime allowed to call the local receiver (loopback) and to send through the local SMTP."""
    runtime.settings = dataclasses.replace(
        runtime.settings,
        webhook_allow=("127.0.0.0/8",),
        smtp_url=f"smtp://127.0.0.1:{mailbox.port}?from=crm@loomworks.test",
        webhook_timeout_s=5.0,
        outbox_backoff_s=0.0,
    )
    return runtime


@pytest.fixture
def worker(runtime: Runtime) -> Worker:
    return Worker(runtime, mode="test")
