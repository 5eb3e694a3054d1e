"""Operators that receive unevaluated rules: comparisons, branching, iteration, ``try``.

Being lazy is part of their meaning, not an optimisation: ``{"and": [false, X]}`` must not
fail because ``X`` would, ``{"<": [3, 2, X]}`` stops at the first false pair, and the
iterators evaluate their rule once per item against that item (see
:meth:`~loomworks.logic.operators.Scope.iteration`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loomworks.logic.errors import LogicError
from loomworks.logic.jsvalues import compare, js_type, loose_equals, strict_equals, truthy
from loomworks.logic.operators import ArgForm, Context, Operator, collect

_LAZY: list[Operator] = []
_op = collect(_LAZY)

# --- comparisons: chained pairwise, left to right, stopping at the first false pair -------


def _chain(test: Callable[[Any, Any], bool]) -> Callable[[list[Any], Context], bool]:
    def run(args: list[Any], ctx: Context) -> bool:
        if len(args) < 2:
            raise ctx.fail("needs at least two arguments to compare")
        left = ctx.eval(args[0])
        for rule in args[1:]:
            right = ctx.eval(rule)
            if not test(left, right):
                return False
            left = right
        return True

    return run


_COMPARISONS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "==": (loose_equals, "Loose equality with JS coercion (null equals only null)."),
    "!=": (lambda a, b: not loose_equals(a, b), "Loose inequality with JS coercion."),
    "===": (strict_equals, "Strict equality: same JSON type and value."),
    "!==": (lambda a, b: not strict_equals(a, b), "Strict inequality."),
    "<": (lambda a, b: compare(a, b) < 0, "Less than; three arguments test a < b < c."),
    "<=": (lambda a, b: compare(a, b) <= 0, "At most; three arguments test a <= b <= c."),
    ">": (lambda a, b: compare(a, b) > 0, "Greater than (chained like <)."),
    ">=": (lambda a, b: compare(a, b) >= 0, "At least (chained like <=)."),
}
for _name, (_test, _summary) in _COMPARISONS.items():
    _op(_name, form=ArgForm.LIST, summary=_summary)(_chain(_test))

# --- logic and branching -----------------------------------------------------------------


@_op("and", form=ArgForm.LIST, summary="First falsy operand, else the last (false if none).")
def _and(args: list[Any], ctx: Context) -> Any:
    value: Any = False
    for rule in args:
        value = ctx.eval(rule)
        if not truthy(value):
            return value
    return value


@_op("or", form=ArgForm.LIST, summary="First truthy operand, else the last (false if none).")
def _or(args: list[Any], ctx: Context) -> Any:
    value: Any = False
    for rule in args:
        value = ctx.eval(rule)
        if truthy(value):
            return value
    return value


@_op("if", "?:", form=ArgForm.LIST, summary="if/then, elif/then ..., else; null if no branch.")
def _if(args: list[Any], ctx: Context) -> Any:
    index = 0
    while index + 1 < len(args):
        if truthy(ctx.eval(args[index])):
            return ctx.eval(args[index + 1])
        index += 2
    return ctx.eval(args[index]) if index < len(args) else None


@_op("??", form=ArgForm.WRAP, summary="First operand that is not null (later ones unevaluated).")
def _coalesce(args: list[Any], ctx: Context) -> Any:
    for rule in args:
        value = ctx.eval(rule)
        if value is not None:
            return value
    return None


@_op("preserve", form=ArgForm.RAW, summary="Its argument as written, never evaluated.")
def _preserve(args: list[Any], ctx: Context) -> Any:
    return args[0]


@_op("try", form=ArgForm.WRAP, summary="First operand that does not fail; handlers see the error.")
def _try(args: list[Any], ctx: Context) -> Any:
    """Each handler after the first runs with the previous error's payload as its data
    (``{"val": "type"}``); ``{"val": [[2], ...]}`` reaches the data around the ``try``.

    Errors about the rule's shape (unknown operator, nesting too deep) are not caught:
    a fallback must never mask a rule that cannot work.
    """
    if not args:
        return None
    try:
        return ctx.eval(args[0])
    except LogicError as exc:
        if not exc.recoverable:
            raise
        error = exc
    for handler in args[1:]:
        try:
            return ctx.eval(handler, ctx.scope.nest(error.payload, {}))
        except LogicError as exc:
            if not exc.recoverable:
                raise
            error = exc
    raise error


# --- iteration ---------------------------------------------------------------------------


def _items(args: list[Any], ctx: Context, *, null_is_empty: bool) -> list[Any] | None:
    """The array to iterate; ``None`` when it is null and the operator treats that as empty.

    Only data can be null-as-empty (a missing field): a null or other scalar written into
    the rule itself can never be iterated, so it is reported as the mistake it is.
    """
    if len(args) < 2:
        raise ctx.fail("needs an array and a rule")
    if not isinstance(args[0], dict | list):
        raise ctx.fail(f"needs an array to iterate over, got {js_type(args[0])} in the rule")
    items = ctx.eval(args[0])
    if isinstance(items, list):
        return items
    if items is None and null_is_empty:
        return None
    raise ctx.fail(f"needs an array to iterate over, got {js_type(items)}")


def _body(args: list[Any], ctx: Context) -> Any:
    if args[1] is None:
        raise ctx.fail("needs a rule to apply to each item, got null")
    return args[1]


@_op("map", form=ArgForm.LIST, summary="The rule's value for each item (null array: []).")
def _map(args: list[Any], ctx: Context) -> list[Any]:
    items = _items(args, ctx, null_is_empty=True)
    body = _body(args, ctx)
    if items is None:
        return []
    return [ctx.eval(body, ctx.scope.iteration(i, item)) for i, item in enumerate(items)]


@_op("filter", form=ArgForm.LIST, summary="The items for which the rule is truthy.")
def _filter(args: list[Any], ctx: Context) -> list[Any]:
    items = _items(args, ctx, null_is_empty=True)
    body = _body(args, ctx)
    if items is None:
        return []
    return [item for i, item in enumerate(items) if truthy(ctx.eval(body, ctx.scope.iteration(i, item)))]


@_op("reduce", form=ArgForm.LIST, summary="Fold with {current, accumulator}; optional initial.")
def _reduce(args: list[Any], ctx: Context) -> Any:
    """Without an initial value the first item starts the fold, as ``Array.reduce`` does."""
    items = _items(args, ctx, null_is_empty=True)
    body = _body(args, ctx)
    has_initial = len(args) > 2
    accumulator = ctx.eval(args[2]) if has_initial else None
    if items is None:
        return accumulator
    start = 0
    if not has_initial and items:
        accumulator, start = items[0], 1
    for index in range(start, len(items)):
        frame = {"current": items[index], "accumulator": accumulator}
        accumulator = ctx.eval(body, ctx.scope.iteration(index, frame))
    return accumulator


def _any_item(args: list[Any], ctx: Context, wanted: bool) -> bool | None:
    """Whether some item's rule value has truthiness ``wanted``; None for an empty array."""
    items = _items(args, ctx, null_is_empty=False)
    if not items:
        return None
    return any(truthy(ctx.eval(args[1], ctx.scope.iteration(i, item))) is wanted for i, item in enumerate(items))


@_op("all", form=ArgForm.LIST, summary="Whether the rule is truthy for every item ([] is false).")
def _all(args: list[Any], ctx: Context) -> bool:
    found_false = _any_item(args, ctx, False)
    return found_false is False


@_op("some", form=ArgForm.LIST, summary="Whether the rule is truthy for some item.")
def _some(args: list[Any], ctx: Context) -> bool:
    return _any_item(args, ctx, True) is True


@_op("none", form=ArgForm.LIST, summary="Whether the rule is truthy for no item.")
def _none(args: list[Any], ctx: Context) -> bool:
    return _any_item(args, ctx, True) is not True


BUILTINS: tuple[Operator, ...] = tuple(_LAZY)
