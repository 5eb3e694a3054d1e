"""JsonLogic for Loomworks: the evaluator (and, alongside it, the SQL compiler)."""

from loomworks.logic.evaluator import OPERATORS, LogicError, UnknownOperator, evaluate, truthy

__all__ = ["OPERATORS", "LogicError", "UnknownOperator", "evaluate", "truthy"]
