"""Delivery kinds of the outbox, in a registry like every extensible kind."""

from __future__ import annotations

from ...core.registry import Registry
from .base import Deliverer, DeliveryFailed
from .email import send_email
from .webhook import send_webhook

DELIVERIES: Registry[Deliverer] = Registry("delivery kinds")
DELIVERIES.register("email", send_email)
DELIVERIES.register("webhook", send_webhook)

__all__ = ["DELIVERIES", "Deliverer", "DeliveryFailed"]
