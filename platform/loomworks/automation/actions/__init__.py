"""The action registry: every built-in action type registers here as an extension would."""

from __future__ import annotations

from ...core.registry import Registry
from .assign import Assign
from .base import ActionContext, ActionType
from .messages import Notify, Webhook
from .records import CreateRecord, Recompute, SetFields, UpdateRelated

ACTIONS: Registry[ActionType] = Registry("action types")


def register(action: ActionType) -> ActionType:
    """Register an action type; a duplicate ``type`` fails at start-up."""
    return ACTIONS.register(action.type, action)


for _builtin in (SetFields(), CreateRecord(), UpdateRelated(), Assign(), Notify(), Webhook(), Recompute()):
    register(_builtin)

__all__ = ["ACTIONS", "ActionContext", "ActionType", "register"]
