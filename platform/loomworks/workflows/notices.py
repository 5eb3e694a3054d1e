"""What people are told about approvals: in their inbox, and by email when SMTP is set up.

Each text exists in English and Chinese and is rendered in the recipient's language when
the event happens. Emails go through the outbox (written in the same transaction, so a
request that fails tells nobody), keyed so a retried delivery is recognised downstream.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..automation.notifications import deliver_in_app
from ..automation.outbox import enqueue
from ..automation.people import people
from ..automation.templating import localized
from ..core.context import Tx

TEXTS: dict[str, dict[str, str]] = {
    "requested": {"en": "Approval needed: {action} of {record}", "zh-CN": "待你审批：{record}「{action}」"},
    "delegated": {"en": "Approval passed to you: {action} of {record}", "zh-CN": "转交给你审批：{record}「{action}」"},
    "added": {
        "en": "You were added as an approver: {action} of {record}",
        "zh-CN": "你被加为审批人：{record}「{action}」",
    },
    "escalated": {
        "en": "Overdue approval escalated to you: {action} of {record}",
        "zh-CN": "逾期审批已升级给你：{record}「{action}」",
    },
    "reminder": {
        "en": "Reminder: approval due {due}: {action} of {record}",
        "zh-CN": "提醒：审批将于 {due} 到期：{record}「{action}」",
    },
    "overdue": {
        "en": "Overdue: approval was due {due}: {action} of {record}",
        "zh-CN": "已逾期：审批应于 {due} 完成：{record}「{action}」",
    },
    "cc": {"en": "For your information: {action} of {record}", "zh-CN": "抄送给你：{record}「{action}」"},
    "approved": {"en": "Approved: {action} of {record}", "zh-CN": "已通过：{record}「{action}」"},
    "rejected": {"en": "Rejected: {action} of {record}", "zh-CN": "已驳回：{record}「{action}」"},
    "sent_back": {"en": "Sent back to you: {action} of {record}", "zh-CN": "已退回给你：{record}「{action}」"},
    "withdrawn": {"en": "Withdrawn: {action} of {record}", "zh-CN": "已撤回：{record}「{action}」"},
    "cancelled": {"en": "Cancelled: {action} of {record}", "zh-CN": "已取消：{record}「{action}」"},
}
BY = {"en": "{who}: {comment}", "zh-CN": "{who}：{comment}"}
BY_ONLY = {"en": "By {who}", "zh-CN": "操作人：{who}"}


def tell(
    tx: Tx,
    user_ids: Iterable[int | None],
    what: str,
    *,
    subject: dict[str, Any],
    comment: str | None = None,
    by: str | None = None,
    due: str | None = None,
    key: str,
) -> None:
    """Notify each active user in ``user_ids`` once, in their language.

    ``subject`` is ``{entity, record_id, record (title), action (bilingual label)}``; ``key``
    makes the email's idempotency key unique to this event.
    """
    for person in people(tx.conn, {u for u in user_ids if u is not None}):
        values = {
            "action": localized(subject["action"], person.locale),
            "record": subject["record"],
            "due": due or "",
        }
        title = localized(TEXTS[what], person.locale).format(**values)
        if by:
            body = localized(BY if comment else BY_ONLY, person.locale).format(who=by, comment=comment)
        else:
            body = comment or ""
        deliver_in_app(tx, person.id, title, body, entity=subject["entity"], record_id=subject["record_id"], rule=None)
        if tx.runtime.settings.smtp_url:
            payload = {"to": person.email, "subject": title[:300], "text": body or title}
            enqueue(tx, "email", payload, f"approval:{key}:{what}:{person.id}")
