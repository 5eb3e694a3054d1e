"""The workflows of one process, by key and by the entity field they guard.

Read on every write of an entity (is its state field guarded?), so built once per
definition generation like the rule index.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ..meta import store
from ..meta.generation_cache import GenerationCache
from .definition import KIND, Workflow


class WorkflowIndex:
    def __init__(self, workflows: list[Workflow]) -> None:
        self.workflows = {w.key: w for w in workflows}
        self._active: dict[str, list[Workflow]] = {}
        for workflow in sorted(workflows, key=lambda w: w.key):
            if workflow.active:
                self._active.setdefault(workflow.entity, []).append(workflow)

    def active_on(self, entity: str) -> list[Workflow]:
        """Active workflows of ``entity`` (one per guarded field), in key order."""
        return self._active.get(entity, [])

    def get(self, key: str) -> Workflow | None:
        return self.workflows.get(key)


def load_workflows(conn: Connection) -> list[Workflow]:
    return [Workflow(d.key, d.version, d.effective) for d in store.list_definitions(conn, KIND)]


class WorkflowCache(GenerationCache[WorkflowIndex]):
    def __init__(self) -> None:
        super().__init__(lambda conn: WorkflowIndex(load_workflows(conn)), "workflow_index")
