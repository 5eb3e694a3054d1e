"""The outbox delivered by a worker: webhooks (signed, idempotent, address policy, retries,
dead letters, replay) and email through a local SMTP server, in each recipient's language."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from typing import Any

from automation_world import World, label, user_api
from loomworks.automation.worker import Worker
from loomworks.runtime import Runtime
from receivers import MailReceiver, WebhookReceiver

SECRET = "a-shared-secret-of-length"


def hook_rule(url: str, **action: Any) -> dict[str, Any]:
    return {
        "key": "tell",
        "trigger": {"type": "record_created", "entity": "deal"},
        "actions": [{"type": "webhook", "url": url, "secret": SECRET, **action}],
    }


def outbox(world: World, status: str | None = None) -> list[dict[str, Any]]:
    status_query = f"?status={status}" if status else ""
    code, page = world.api.get(f"/api/outbox{status_query}")
    assert code == 200, page
    return list(page["items"])


def test_webhooks_are_delivered_signed_with_their_idempotency_key(
    world: World, outside: Runtime, receiver: WebhookReceiver, worker: Worker
) -> None:
    world.rule(hook_rule(f"{receiver.url}/in?source=crm"))
    deal = world.create("deal", {"name": "Signed"})
    assert receiver.received == []  # nothing leaves during the user's write
    assert worker.deliver_due() == 1

    (call,) = receiver.received
    assert call.method == "POST" and call.path == "/in?source=crm"
    assert call.json()["record"]["name"] == "Signed" and call.json()["rule"] == "tell"
    key = call.headers["idempotency-key"]
    assert key == outbox(world)[0]["idempotency_key"]
    timestamp, mac = (part.split("=", 1)[1] for part in call.headers["x-loomworks-signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(mac, expected)
    assert outbox(world)[0]["status"] == "delivered"
    assert worker.deliver_due() == 0  # delivered once
    assert deal["id"]


def test_private_addresses_are_refused_unless_allowed(
    world: World, runtime: Runtime, receiver: WebhookReceiver
) -> None:
    worker = Worker(runtime)
    world.rule(hook_rule(f"{receiver.url}/in"))
    world.create("deal", {"name": "To loopback"})
    worker.deliver_due()
    (entry,) = outbox(world)
    assert entry["status"] == "dead" and "LOOMWORKS_WEBHOOK_ALLOW" in entry["last_error"]  # refused for good
    assert receiver.received == []

    runtime.settings = dataclasses.replace(runtime.settings, webhook_allow=("127.0.0.1/32",))
    status, replayed = world.api.post(f"/api/outbox/{entry['id']}/replay")
    assert status == 200 and replayed["status"] == "pending"
    worker.deliver_due()
    assert len(receiver.received) == 1 and outbox(world)[0]["status"] == "delivered"
    history = world.api.get(f"/api/outbox/{entry['id']}")[1]["history"]
    assert [h["ok"] for h in history] == [False, True]


def test_metadata_and_link_local_addresses_are_never_a_target(world: World, outside: Runtime, worker: Worker) -> None:
    world.rule(hook_rule("http://169.254.169.254/latest/meta-data/"))
    world.create("deal", {"name": "Probe"})
    worker.deliver_due()
    assert outbox(world)[0]["status"] == "dead"


def test_failures_are_retried_with_backoff_then_dead(
    world: World, outside: Runtime, receiver: WebhookReceiver, worker: Worker
) -> None:
    outside.settings = dataclasses.replace(outside.settings, outbox_max_attempts=3, outbox_backoff_s=0.0)
    receiver.script = [503, 500, 502, 200]
    world.rule(hook_rule(f"{receiver.url}/in"))
    world.create("deal", {"name": "Flaky"})
    worker.deliver_due()
    entry = outbox(world)[0]
    assert entry["status"] == "failed" and entry["attempts"] == 1 and "503" in entry["last_error"]
    worker.deliver_due()
    worker.deliver_due()
    entry = outbox(world)[0]
    assert entry["status"] == "dead" and entry["attempts"] == 3
    assert [e["id"] for e in outbox(world, "dead")] == [entry["id"]]
    world.api.post(f"/api/outbox/{entry['id']}/replay")
    worker.deliver_due()
    assert outbox(world)[0]["status"] == "delivered"
    assert len(receiver.received) == 4 and len(receiver.processed) == 1


def test_a_rejected_request_is_not_retried(
    world: World, outside: Runtime, receiver: WebhookReceiver, worker: Worker
) -> None:
    receiver.script = [400]
    world.rule(hook_rule(f"{receiver.url}/in"))
    world.create("deal", {"name": "Bad body"})
    worker.deliver_due()
    entry = outbox(world)[0]
    assert entry["status"] == "dead" and entry["attempts"] == 1


def test_backoff_waits_before_the_next_attempt(world: World, outside: Runtime, receiver: WebhookReceiver) -> None:
    outside.settings = dataclasses.replace(outside.settings, outbox_backoff_s=600.0)
    worker = Worker(outside)
    receiver.script = [500]
    world.rule(hook_rule(f"{receiver.url}/in"))
    world.create("deal", {"name": "Later"})
    assert worker.deliver_due() == 1
    assert worker.deliver_due() == 0  # not due for about ten minutes
    entry = outbox(world)[0]
    assert entry["status"] == "failed" and entry["next_attempt_at"] > entry["created_at"]


def test_a_failing_receiver_never_breaks_the_write(world: World, runtime: Runtime) -> None:
    world.rule(hook_rule("https://nowhere.invalid/hook"))
    status, deal = world.api.post("/api/records/deal", {"name": "Still saved"})
    assert status == 201
    Worker(runtime).deliver_due()
    assert world.get("deal", deal["id"])["name"] == "Still saved"
    assert outbox(world)[0]["status"] == "failed"


def test_only_admins_see_and_replay_deliveries(world: World, outside: Runtime) -> None:
    builder, _ = user_api(world.app, world.runtime, "builder@example.com", ["builder"])
    member, _ = user_api(world.app, world.runtime, "member@example.com", ["member"])
    for caller in (builder, member):
        assert caller.get("/api/outbox")[0] == 403
        assert caller.post("/api/outbox/1/replay")[0] == 403
    assert world.api.get("/api/outbox?status=lost")[0] == 400
    assert world.api.get("/api/outbox/987654")[0] == 404


def test_emails_go_through_smtp_in_each_recipients_language(
    world: World, outside: Runtime, mailbox: MailReceiver, worker: Worker
) -> None:
    _, en = user_api(world.app, world.runtime, "manager@example.com", ["sales_rep"])
    _, zh = user_api(world.app, world.runtime, "jingli@example.com", ["sales_rep"], locale="zh-CN")
    world.rule(
        {
            "key": "won_mail",
            "trigger": {"type": "field_changed", "entity": "deal", "field": "stage", "to": "won"},
            "actions": [
                {
                    "type": "notify",
                    "to": {"roles": ["sales_rep"], "emails": ["boss@example.com", "Manager@example.com"]},
                    "channels": ["in_app", "email"],
                    "title": label("Won: {{ name }}", "赢单：{{ name }}"),
                    "body": label("Amount {{ amount }}", "金额 {{ amount }}"),
                }
            ],
        }
    )
    world.create("deal", {"name": "Harbor", "stage": "won", "amount": 1200})
    assert mailbox.messages == []
    worker.deliver_due()
    assert mailbox.to("manager@example.com")[0]["Subject"] == "Won: Harbor"
    chinese = mailbox.to("jingli@example.com")[0]
    assert chinese["Subject"] == "赢单：Harbor"
    assert chinese.get_content().strip() == "金额 1200"
    assert mailbox.to("boss@example.com")[0]["From"] == "crm@loomworks.test"
    keys = {m["X-Loomworks-Idempotency-Key"] for m in mailbox.messages}
    assert len(keys) == 3 and len(mailbox.messages) == 3  # the manager, listed twice, gets one
    assert {e["status"] for e in outbox(world)} == {"delivered"}
    assert en["id"] != zh["id"]


def test_without_a_mail_server_emails_wait(world: World, runtime: Runtime) -> None:
    world.rule(
        {
            "key": "mail",
            "trigger": {"type": "record_created", "entity": "deal"},
            "actions": [
                {"type": "notify", "to": {"emails": ["x@example.com"]}, "channels": ["email"], "title": label("Hi")}
            ],
        }
    )
    world.create("deal", {"name": "D"})
    Worker(runtime).deliver_due()
    entry = outbox(world)[0]
    assert entry["status"] == "failed" and "LOOMWORKS_SMTP_URL" in entry["last_error"]


def test_a_delivery_whose_worker_dies_on_every_attempt_ends_dead(
    world: World, outside: Runtime, worker: Worker
) -> None:
    from sqlalchemy import update

    from loomworks.automation.models import outbox as outbox_table
    from loomworks.core.sqltypes import utcnow

    world.rule(hook_rule("https://erp.example.com/in"))
    world.create("deal", {"name": "Cursed"})
    with outside.engine.begin() as conn:  # as a worker killed mid-delivery on its last allowed attempt leaves it
        conn.execute(
            update(outbox_table).values(status="processing", attempts=8, lease_until=utcnow(), claimed_by="gone")
        )
    worker.deliver_due()
    entry = outbox(world)[0]
    assert entry["status"] == "dead" and "abandoned" in entry["last_error"]
