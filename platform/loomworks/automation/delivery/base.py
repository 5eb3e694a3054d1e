"""What a delivery kind must do, and how it says that an attempt failed.

A deliverer gets the worker's settings, the payload written when the rule ran and the
delivery's idempotency key, and either returns a short description of the success
(``HTTP 200``) or raises ``DeliveryFailed``; ``permanent`` failures (an address policy
forbids, the receiver rejected the request itself) go straight to ``dead`` instead of
being retried.
"""

from __future__ import annotations

from typing import Any, Protocol

from ...config import Settings


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Deliverer(Protocol):
    def __call__(self, settings: Settings, payload: dict[str, Any], key: str) -> str: ...
