"""System tables of automation: rule runs, the outbox, notifications, schedules, hook secrets."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

#: One row per rule whose trigger matched: what triggered it, what it saw, what each action did.
runs = Table(
    "lw_automation_runs",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("uid", String(32), nullable=False, unique=True),
    Column("rule", String(63), nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("trigger", String(32), nullable=False),
    Column("entity", String(63), nullable=True),
    Column("record_id", BigInteger, nullable=True),
    # success, failed, skipped (condition false, or already ran in this chain), stopped
    # (chain too deep), rolled_back (succeeded, but the write it belonged to failed).
    Column("status", String(16), nullable=False),
    Column("condition", Boolean, nullable=True),
    Column("inputs", JSON, nullable=False),
    Column("actions", JSON, nullable=False),
    Column("error", Text, nullable=True),
    Column("depth", Integer, nullable=False),
    Column("actor_id", BigInteger, nullable=True),
    Column("run_as", String(100), nullable=True),
    Column("replay_of", BigInteger, nullable=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_lw_automation_runs_rule", "rule", "id"),
    Index("ix_lw_automation_runs_record", "entity", "record_id"),
    Index("ix_lw_automation_runs_started", "started_at"),
)

#: Side effects waiting to leave the building (emails, webhooks), written in the transaction
#: of the change that caused them and delivered at least once by a worker.
outbox = Table(
    "lw_outbox",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # email, webhook
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending, processing, delivered, dead
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("lease_until", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("rule", String(63), nullable=True),
    Column("run_uid", String(32), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Index("ix_lw_outbox_due", "status", "next_attempt_at"),
)

#: Each delivery attempt, so an admin sees why an entry keeps failing.
outbox_attempts = Table(
    "lw_outbox_attempts",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("outbox_id", BigInteger, nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("worker", String(64), nullable=True),
    Column("ok", Boolean, nullable=False),
    Column("detail", Text, nullable=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("duration_ms", Integer, nullable=False),
)

notifications = Table(
    "lw_notifications",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("entity", String(63), nullable=True),
    Column("record_id", BigInteger, nullable=True),
    Column("rule", String(63), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime(), nullable=True),
    Index("ix_lw_notifications_user", "user_id", "id"),
)

#: Where each scheduled rule stands: the next cron run, or how far date-relative scans got.
#: Claimed with a conditional UPDATE, so with several workers each due run fires once.
schedules = Table(
    "lw_rule_schedules",
    SYSTEM_METADATA,
    Column("rule", String(63), primary_key=True),
    Column("signature", String(64), nullable=False),  # the trigger it was computed for
    Column("next_run_at", UtcDateTime(), nullable=True),  # cron
    Column("scanned_to", UtcDateTime(), nullable=True),  # date_relative: fire times up to here are done
    Column("last_run_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

#: Secrets of inbound webhook rules, stored as SHA-256 (the plain value is shown once).
hook_secrets = Table(
    "lw_hook_secrets",
    SYSTEM_METADATA,
    Column("rule", String(63), primary_key=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

#: The web process and standalone workers say they are alive here (for /api/health).
workers = Table(
    "lw_workers",
    SYSTEM_METADATA,
    Column("id", String(64), primary_key=True),
    Column("mode", String(16), nullable=False),  # embedded, standalone, celery
    Column("started_at", UtcDateTime(), nullable=False),
    Column("seen_at", UtcDateTime(), nullable=False),
)
