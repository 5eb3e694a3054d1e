"""Local peers for delivery tests: an HTTP webhook receiver and an SMTP server.

The webhook receiver behaves like a careful integration: it processes each
``Idempotency-Key`` once and acknowledges repeats without processing them again, so tests
can tell "delivered at least once" (``received``) from "processed once" (``processed``).
It can answer with scripted statuses and be slowed down, to exercise retries and crashes.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class WebhookReceiver:
    #: Statuses to answer with, in order; once used up, 200.
    script: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    processed: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                entry = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    receiver.received.append(entry)
                    status = receiver.script.pop(0) if receiver.script else 200
                    key = entry.headers.get("idempotency-key", "")
                    if status < 300 and key and key not in receiver.processed:
                        receiver.processed[key] += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def keys(self) -> list[str]:
        return [r.headers.get("idempotency-key", "") for r in self.received]


class MailReceiver:
    """An SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.port = _free_port()
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                receiver.messages.append(
                    message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
                )  # type: ignore[arg-type]
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
