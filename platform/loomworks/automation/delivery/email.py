"""Email over SMTP, from ``LOOMWORKS_SMTP_URL``.

``smtp://user:password@host:587?starttls=1&from=crm@example.com`` (``smtps://`` for TLS from
the first byte; port defaults 25 and 465). Each message carries the delivery's idempotency
key as its ``Message-ID`` (and in ``X-Loomworks-Idempotency-Key``), so a message retried after
a lost answer can be recognised by the receiving side. A 5xx answer for the message or its
recipient is permanent; connection problems and 4xx answers are retried.
"""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ...config import Settings
from .base import DeliveryFailed

TIMEOUT_S = 20


def send_email(settings: Settings, payload: dict[str, Any], key: str) -> str:
    if not settings.smtp_url:
        raise DeliveryFailed("no mail server: set LOOMWORKS_SMTP_URL (the delivery is kept and retried)")
    parts = urlsplit(settings.smtp_url)
    query = parse_qs(parts.query)
    sender = query.get("from", [f"loomworks@{socket.getfqdn()}"])[0]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = make_msgid(idstring=key.replace(":", "."), domain="loomworks")
    message["X-Loomworks-Idempotency-Key"] = key
    message.set_content(payload.get("text") or "")
    try:
        with _client(parts.scheme, parts.hostname or "localhost", parts.port) as client:
            if query.get("starttls", ["0"])[0] in ("1", "true", "yes"):
                client.starttls()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryFailed(f"recipient refused: {exc.recipients}", permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    return f"sent to {payload['to']}"


def _client(scheme: str, host: str, port: int | None) -> smtplib.SMTP:
    if scheme == "smtps":
        return smtplib.SMTP_SSL(host, port or 465, timeout=TIMEOUT_S)
    return smtplib.SMTP(host, port or 25, timeout=TIMEOUT_S)
