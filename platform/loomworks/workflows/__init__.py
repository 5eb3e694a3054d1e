"""Workflows and approvals: state machines over select fields, guarded on every write.

Importing the package registers the ``transition`` trigger and action with automation.
"""

from . import automation as _automation  # noqa: F401
