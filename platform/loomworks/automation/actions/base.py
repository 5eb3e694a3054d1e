"""The contract of an action type, and what an action sees while it runs.

An action type owns the JSON Schema of its configuration, the checks made when a rule is
saved (paths like ``actions.2.values.amount``) and ``run``. Data actions (``changes_data``)
write through the records service as the rule's run-as user, inside the transaction of
the write that triggered the rule; side-effect actions write outbox rows in that same
transaction and leave delivery to a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from jsonschema import Draft202012Validator

from ...core.context import Tx
from ...errors import ErrorDetail, ValidationFailed, field_error
from ...fields.entity import EntitySpec
from ...logic.evaluator import LogicError, evaluate
from ..triggers import RuleWorld, TriggerInput

if TYPE_CHECKING:
    from ..rules import Rule

LABEL = {
    "type": "object",
    "properties": {"en": {"type": "string", "maxLength": 2000}, "zh-CN": {"type": "string", "maxLength": 2000}},
    "additionalProperties": False,
    "minProperties": 1,
}
KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
VALUES = {"type": "object", "propertyNames": {"pattern": "^(_owner|[a-z][a-z0-9_]{0,62})$"}, "maxProperties": 200}


@dataclass
class ActionContext:
    """One action of one rule run."""

    #: The transaction, acting as the rule's run-as user.
    tx: Tx
    rule: Rule
    trigger: TriggerInput
    #: JsonLogic data: the record's fields plus ``$old``, ``$user``, ``$now``, ``$steps``...
    data: dict[str, Any]
    run_uid: str
    index: int

    @property
    def path(self) -> str:
        return f"actions.{self.index}"

    def compute(self, logic: Any, path: str, extra: dict[str, Any] | None = None) -> Any:
        """Evaluate one JsonLogic value; a failure is a 422 naming the action's property."""
        try:
            return evaluate(logic, {**self.data, **extra} if extra else self.data)
        except LogicError as exc:
            raise ValidationFailed(
                "a value could not be computed", [field_error(f"{self.path}.{path}", exc.message)]
            ) from None

    def compute_values(self, values: dict[str, Any], path: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        return {key: self.compute(logic, f"{path}.{key}", extra) for key, logic in values.items()}

    def record_id(self) -> int:
        record_id = self.trigger.record_id
        if record_id is None:
            raise ValidationFailed("this action needs a record", [field_error(self.path, "the trigger has no record")])
        return record_id


class ActionType:
    type: ClassVar[str]
    #: Writes records (a failure then fails the write that triggered the rule).
    changes_data: ClassVar[bool] = True
    #: Acts on the trigger record (refused for triggers without one, and on deletes).
    needs_record: ClassVar[bool] = False
    #: May run when the trigger record was deleted (``update_related`` may; ``set_fields`` may not).
    acts_on_deleted: ClassVar[bool] = False
    properties: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()

    def schema(self) -> Draft202012Validator:
        return Draft202012Validator(
            {
                "type": "object",
                "required": ["type", *self.required],
                "properties": {"type": {"const": self.type}, "name": KEY, **self.properties},
                "additionalProperties": False,
            }
        )

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        return ()

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError
