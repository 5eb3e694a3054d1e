"""System tables of workflows: the per-record log, approval requests and their tasks."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table, Text

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

#: What happened to a record's workflow, in order: transitions taken, approvals requested,
#: each decision, delegation, reminder and escalation (who, when, comment).
events = Table(
    "lw_workflow_events",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("entity", String(63), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("workflow", String(63), nullable=False),
    Column("event", String(32), nullable=False),
    Column("transition", String(63), nullable=True),
    Column("from_state", String(200), nullable=True),
    Column("to_state", String(200), nullable=True),
    Column("approval_id", BigInteger, nullable=True),
    Column("step", Integer, nullable=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("comment", Text, nullable=True),
    Column("data", JSON, nullable=True),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_lw_workflow_events_record", "entity", "record_id", "id"),
)

#: One request to take a transition that needs approval. ``open_key`` is set while it is
#: pending and is unique, so a record never has two pending requests (a second is a 409).
approvals = Table(
    "lw_approvals",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("workflow", String(63), nullable=False),
    Column("entity", String(63), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("transition", String(63), nullable=False),
    Column("from_state", String(200), nullable=False),
    Column("to_state", String(200), nullable=False),
    #: The approval policy as it was when requested: later edits do not change a running request.
    Column("policy", JSON, nullable=False),
    Column("requested_by", BigInteger, nullable=True),
    Column("comment", Text, nullable=True),
    # pending, approved, rejected, sent_back (to the requester), withdrawn, cancelled
    Column("status", String(16), nullable=False),
    #: The step being decided (sequential order); -1 once decided.
    Column("step", Integer, nullable=False),
    Column("open_key", String(100), nullable=True, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=True),
    Index("ix_lw_approvals_record", "entity", "record_id"),
    Index("ix_lw_approvals_requester", "requested_by", "status"),
)

#: One approver's part in one step. Deciding moves a ``pending`` task with a conditional
#: UPDATE, so a decision sent twice (or by two tabs) counts once.
tasks = Table(
    "lw_approval_tasks",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("approval_id", BigInteger, nullable=False),
    Column("step", Integer, nullable=False),
    #: Which opening of the step this belongs to (a step sent back to opens again).
    Column("round", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    # pending, approved, rejected, sent_back, delegated,
    # escalated, timed_out, cancelled
    Column("status", String(16), nullable=False),
    #: How the approver came to it: assigned, delegated, added, escalated, fallback (no one else).
    Column("origin", String(16), nullable=False),
    Column("origin_task", BigInteger, nullable=True),
    Column("comment", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("due_at", UtcDateTime(), nullable=True),
    Column("remind_at", UtcDateTime(), nullable=True),
    Column("reminded_at", UtcDateTime(), nullable=True),
    Column("due_handled_at", UtcDateTime(), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Index("ix_lw_approval_tasks_approval", "approval_id", "step"),
    Index("ix_lw_approval_tasks_user", "user_id", "status"),
    Index("ix_lw_approval_tasks_due", "status", "due_at"),
)
