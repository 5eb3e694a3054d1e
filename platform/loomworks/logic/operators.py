"""The operator contract, and the operators that take evaluated arguments.

An :class:`Operator` says how its arguments arrive (:class:`ArgForm`) and holds one plain
function ``fn(args, ctx)``. Eager operators (here) get their arguments already evaluated;
lazy ones (:mod:`loomworks.logic.control`) get the rules and evaluate what they need,
which is how ``and``, ``if`` and ``try`` short-circuit and how iterators rebind data.

The set of operators is closed on purpose: the SQL compiler and the docs must cover every
operator a stored rule may use, so a new one is added here, not registered at run time.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from loomworks.logic.errors import INVALID_ARGUMENTS, LogicError
from loomworks.logic.jsvalues import (
    MISSING,
    CoercionError,
    get_property,
    js_type,
    normalize_number,
    strict_equals,
    to_js_string,
    to_number,
    to_text,
    truthy,
)


class ArgForm(Enum):
    """How the value written after an operator name becomes its argument list."""

    #: Evaluated; a non-array argument whose value is an array becomes the argument list,
    #: so ``{"max": {"var": "prices"}}`` works (the community suites' "chained" form).
    SPREAD = "spread"
    #: Evaluated; a non-array argument is always exactly one argument.
    SINGLE = "single"
    #: Unevaluated, and must be written as an array (iterators, comparisons, and/or/if).
    LIST = "list"
    #: Unevaluated; a non-array argument is one argument.
    WRAP = "wrap"
    #: Unevaluated and untouched: the single argument is the value as written.
    RAW = "raw"

    @property
    def lazy(self) -> bool:
        return self not in (ArgForm.SPREAD, ArgForm.SINGLE)


class Scope:
    """The data a rule sees, chained to the enclosing data that ``val`` can climb back to.

    Iterators add two levels per item, ``{"index": i}`` and then the item itself, so
    ``{"val": [[1], "index"]}`` is the position and ``{"val": [[2], "x"]}`` the outer data.
    ``try`` handlers nest the same way (an empty level, then the error payload).
    """

    __slots__ = ("data", "parent")

    def __init__(self, data: Any, parent: Scope | None = None) -> None:
        self.data = data
        self.parent = parent

    def nest(self, data: Any, meta: Any) -> Scope:
        """Two levels down: ``meta`` (what ``[[1]]`` sees), then ``data`` itself."""
        return Scope(data, Scope(meta, self))

    def iteration(self, index: int, item: Any) -> Scope:
        return self.nest(item, {"index": index})

    def up(self, levels: int) -> Scope | None:
        scope: Scope | None = self
        for _ in range(levels):
            if scope is None:
                return None
            scope = scope.parent
        return scope


class Context:
    """What an operator function may use: its name, the scope, and rule evaluation."""

    __slots__ = ("operator", "scope", "_evaluate")

    def __init__(self, operator: str, scope: Scope, evaluate: Callable[[Any, Scope], Any]) -> None:
        self.operator = operator
        self.scope = scope
        self._evaluate = evaluate

    def eval(self, rule: Any, scope: Scope | None = None) -> Any:
        """Evaluate a sub-rule, in this operator's scope unless another is given."""
        return self._evaluate(rule, self.scope if scope is None else scope)

    def fail(self, reason: str) -> LogicError:
        """An ``Invalid Arguments`` error naming this operator, for the caller to raise."""
        return LogicError(self.operator, reason, kind=INVALID_ARGUMENTS)


OperatorFn = Callable[[list[Any], Context], Any]


@dataclass(frozen=True)
class Operator:
    """One JsonLogic operator: its name, argument form, implementation and a summary."""

    name: str
    form: ArgForm
    fn: OperatorFn
    summary: str


class Define(Protocol):
    """The decorator :func:`collect` returns: ``@define("if", "?:", form=..., summary=...)``."""

    def __call__(self, *names: str, form: ArgForm, summary: str) -> Callable[[OperatorFn], OperatorFn]: ...


def collect(target: list[Operator]) -> Define:
    """A decorator that appends operators to ``target`` (one function, one or more names)."""

    def define(*names: str, form: ArgForm, summary: str) -> Callable[[OperatorFn], OperatorFn]:
        def register(fn: OperatorFn) -> OperatorFn:
            target.extend(Operator(name, form, fn, summary) for name in names)
            return fn

        return register

    return define


_EAGER: list[Operator] = []
_op = collect(_EAGER)

# --- data access -------------------------------------------------------------------------


@_op("var", form=ArgForm.SPREAD, summary="Value at a dotted path into the data, or a default.")
def _var(args: list[Any], ctx: Context) -> Any:
    path = args[0] if args else None
    default = args[1] if len(args) > 1 else None
    node = ctx.scope.data
    if path is None or path == "":
        return node
    for part in to_js_string(path).split("."):
        if node is None:
            return default
        node = get_property(node, part)
        if node is MISSING:
            return default
    return node


def _resolve(args: list[Any], ctx: Context) -> Any:
    """``val``'s lookup: path segments (no dot splitting), after an optional ``[n]`` jump."""
    scope: Scope | None = ctx.scope
    path: Iterable[Any] = args
    if args and isinstance(args[0], list):
        scope = ctx.scope.up(_scope_levels(args[0], ctx))
        path = args[1:]
    if scope is None:
        return MISSING
    node = scope.data
    for key in path:
        if node is None:
            return MISSING
        node = get_property(node, key)
        if node is MISSING:
            return MISSING
    return node


def _scope_levels(marker: list[Any], ctx: Context) -> int:
    if len(marker) != 1 or js_type(marker[0]) != "number":
        raise ctx.fail("a scope jump must be written as [number]")
    levels = abs(to_number(marker[0]))
    return int(levels) if math.isfinite(levels) else sys.maxsize


@_op("val", form=ArgForm.SPREAD, summary="Value at a path of keys; [[n], ...] climbs n scopes.")
def _val(args: list[Any], ctx: Context) -> Any:
    found = _resolve(args, ctx)
    return None if found is MISSING else found


@_op("exists", form=ArgForm.SPREAD, summary="Whether a path of keys is present (null counts).")
def _exists(args: list[Any], ctx: Context) -> bool:
    return _resolve(args, ctx) is not MISSING


@_op("missing", form=ArgForm.SPREAD, summary="Which of the given var paths are null or empty.")
def _missing(args: list[Any], ctx: Context) -> list[Any]:
    keys = args[0] if args and isinstance(args[0], list) else args
    absent = []
    for key in keys:
        value = _var([key], ctx)
        if value is None or (isinstance(value, str) and not value):
            absent.append(key)
    return absent


@_op("missing_some", form=ArgForm.SPREAD, summary="The missing paths, unless enough are there.")
def _missing_some(args: list[Any], ctx: Context) -> list[Any]:
    if len(args) < 2 or not isinstance(args[1], list):
        raise ctx.fail("needs a count and an array of paths")
    need = to_number(args[0])
    absent = _missing([args[1]], ctx)
    return [] if len(args[1]) - len(absent) >= need else absent


# --- arithmetic --------------------------------------------------------------------------
# Sums and products run left to right in doubles, as JS does; math.fsum or the compensated
# sum() of newer Pythons would give different (more exact, but not JS) answers.


def _numbers(args: list[Any]) -> list[float]:
    return [to_number(arg) for arg in args]


@_op("+", form=ArgForm.SPREAD, summary="Sum; with one argument, converts it to a number.")
def _plus(args: list[Any], ctx: Context) -> int | float:
    total = 0.0
    for number in _numbers(args):
        total += number
    return normalize_number(total)


@_op("*", form=ArgForm.SPREAD, summary="Product of the arguments.")
def _times(args: list[Any], ctx: Context) -> int | float:
    product = 1.0
    for number in _numbers(args):
        product *= number
    return normalize_number(product)


@_op("-", form=ArgForm.SPREAD, summary="Difference; with one argument, its negation.")
def _minus(args: list[Any], ctx: Context) -> int | float:
    numbers = _numbers(args)
    if not numbers:
        raise ctx.fail("needs at least one argument")
    if len(numbers) == 1:
        return normalize_number(-numbers[0])
    result = numbers[0]
    for number in numbers[1:]:
        result -= number
    return normalize_number(result)


@_op("/", form=ArgForm.SPREAD, summary="Quotient; with one argument, its reciprocal.")
def _divide(args: list[Any], ctx: Context) -> int | float:
    numbers = _numbers(args)
    if not numbers:
        raise ctx.fail("needs at least one argument")
    if len(numbers) == 1:
        numbers.insert(0, 1.0)
    result = numbers[0]
    for number in numbers[1:]:
        if number == 0:
            raise CoercionError("division by zero has no numeric result")
        result /= number
    return normalize_number(result)


@_op("%", form=ArgForm.SPREAD, summary="Remainder, with the sign of the dividend (JS %).")
def _modulo(args: list[Any], ctx: Context) -> int | float:
    if len(args) < 2:
        raise ctx.fail("needs at least two arguments")
    numbers = _numbers(args)
    result = numbers[0]
    for number in numbers[1:]:
        if number == 0 or not math.isfinite(result):
            raise CoercionError("the remainder has no numeric result")
        result = math.fmod(result, number)
    return normalize_number(result)


@_op("min", form=ArgForm.SPREAD, summary="Smallest of the arguments, as a number.")
def _min(args: list[Any], ctx: Context) -> int | float:
    if not args:
        raise ctx.fail("needs at least one argument")
    return normalize_number(min(_numbers(args)))


@_op("max", form=ArgForm.SPREAD, summary="Largest of the arguments, as a number.")
def _max(args: list[Any], ctx: Context) -> int | float:
    if not args:
        raise ctx.fail("needs at least one argument")
    return normalize_number(max(_numbers(args)))


# --- strings and arrays ------------------------------------------------------------------


@_op("cat", form=ArgForm.SPREAD, summary="Concatenation; numbers print as JS prints them.")
def _cat(args: list[Any], ctx: Context) -> str:
    return "".join(to_text(arg) for arg in args)


def _integer(value: Any) -> int:
    """JS ToIntegerOrInfinity, with infinities clamped to sizes a slice accepts."""
    number = to_number(value)
    if math.isinf(number):
        return sys.maxsize if number > 0 else -sys.maxsize
    return int(number)


@_op("substr", form=ArgForm.SPREAD, summary="Substring by start and length; negatives count back.")
def _substr(args: list[Any], ctx: Context) -> str:
    if not args:
        raise ctx.fail("needs a string")
    text = to_text(args[0])
    start = _integer(args[1]) if len(args) > 1 else 0
    if start < 0:
        start = max(len(text) + start, 0)
    tail = text[start:]
    if len(args) < 3:
        return tail
    length = _integer(args[2])
    return tail[:length] if length >= 0 else tail[: max(len(tail) + length, 0)]


@_op("in", form=ArgForm.SPREAD, summary="Substring test on strings, membership (===) on arrays.")
def _in(args: list[Any], ctx: Context) -> bool:
    if len(args) < 2:
        raise ctx.fail("needs a value and a string or array to look in")
    needle, haystack = args[0], args[1]
    if isinstance(haystack, str):
        return to_js_string(needle) in haystack
    if isinstance(haystack, list):
        return any(strict_equals(needle, item) for item in haystack)
    if haystack is None:
        return False
    raise ctx.fail(f"cannot look inside {js_type(haystack)}")


@_op("merge", form=ArgForm.SINGLE, summary="Arrays flattened one level; other values appended.")
def _merge(args: list[Any], ctx: Context) -> list[Any]:
    merged: list[Any] = []
    for arg in args:
        if isinstance(arg, list):
            merged.extend(arg)
        else:
            merged.append(arg)
    return merged


# --- truthiness, debugging and errors ----------------------------------------------------


@_op("!", form=ArgForm.SINGLE, summary="Logical not of the first argument's truthiness.")
def _not(args: list[Any], ctx: Context) -> bool:
    return not truthy(args[0]) if args else True


@_op("!!", form=ArgForm.SINGLE, summary="The first argument's truthiness as a boolean.")
def _truthy(args: list[Any], ctx: Context) -> bool:
    return truthy(args[0]) if args else False


@_op("log", form=ArgForm.SINGLE, summary="Returns its first argument (nothing is printed).")
def _log(args: list[Any], ctx: Context) -> Any:
    return args[0] if args else None


@_op("throw", form=ArgForm.SINGLE, summary="Raises an error; a string becomes {'type': it}.")
def _throw(args: list[Any], ctx: Context) -> Any:
    value = args[0] if args else None
    payload = value if isinstance(value, dict) else {"type": value}
    label = payload.get("type")
    kind = label if isinstance(label, str) else "Error"
    shown = kind if len(kind) <= 80 else kind[:77] + "..."
    raise LogicError(ctx.operator, f"the rule threw {shown!r}", kind=kind, payload=payload)


BUILTINS: tuple[Operator, ...] = tuple(_EAGER)
