"""The one place where every service operation asks "may this actor do this?".

Until roles and grants land (their own issue), any authenticated user may do
everything except actions reserved to admins (purging data for good). Each
service operation calls ``authorize`` exactly once, before touching data, so the
permission model can grow here without touching the services.
"""

from __future__ import annotations

from ..core.context import Actor
from ..errors import Forbidden, Unauthorized

ADMIN_ONLY_ACTIONS = frozenset({"purge"})


def authorize(actor: Actor, action: str, resource: str) -> None:
    """Raise unless ``actor`` may perform ``action`` on ``resource`` (e.g. ``entity:deal``)."""
    if actor.id is None and not actor.is_admin:
        raise Unauthorized("sign in first")
    if action in ADMIN_ONLY_ACTIONS and not actor.is_admin:
        raise Forbidden(f"only admins may {action} {resource}")
