"""Anonymous submissions of public forms (web-to-lead): limited, audited, create-only.

Every attempt leaves an audit entry with the sender's address before it is validated (and
its outcome another: stored, or caught by the honeypot); the attempts are the rate
limit's memory, so several web processes share one limit and an administrator sees
exactly what was counted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from ..auth import audit
from ..auth.models import audit_log
from ..core.sqltypes import utcnow
from ..errors import TooManyRequests

WINDOW = timedelta(minutes=10)
ADDRESS_LIMIT = 20
#: Largest anonymous request body: a lead, not a document.
MAX_BODY_BYTES = 64 * 1024
ATTEMPTED = "form.public_attempt"
SUBMITTED = "form.public_submit"
TRAPPED = "form.public_honeypot"


def admit(conn: Connection, form_key: str, address: str) -> None:
    """Count this attempt, or refuse it (429 with ``retry_after``) once ``address`` made
    ``ADDRESS_LIMIT`` attempts in ``WINDOW``. Run in its own committed unit of work, before the
    submission is validated: refused submissions (a unique value taken, a rule broken) count
    too, so the form cannot be used to probe stored values at will."""
    since = utcnow() - WINDOW
    count, oldest = conn.execute(
        select(func.count(), func.min(audit_log.c.at)).where(
            audit_log.c.action == ATTEMPTED, audit_log.c.address == address, audit_log.c.at > since
        )
    ).one()
    if count >= ADDRESS_LIMIT:
        retry = max(1, int((oldest + WINDOW - utcnow()).total_seconds()))
        raise TooManyRequests("too many submissions from your address; try again later", data={"retry_after": retry})
    audit.record(conn, None, ATTEMPTED, f"form:{form_key}", None, address)


def record_submission(conn: Connection, form_key: str, record: dict[str, Any] | None, address: str) -> None:
    """Audit one anonymous submission (``record`` None: the honeypot caught it, nothing stored)."""
    if record is None:
        audit.record(conn, None, TRAPPED, f"form:{form_key}", None, address)
    else:
        audit.record(conn, None, SUBMITTED, f"form:{form_key}", {"record_id": record["id"]}, address)
