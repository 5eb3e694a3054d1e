"""JavaScript value semantics over JSON-like Python values.

JsonLogic rules are written against json-logic-js, so their meaning is JavaScript's:
truthiness, ``==`` coercion, number parsing and number printing. This module is that
meaning and nothing else: it knows no operators and no rules, so the evaluator and a
SQL compiler can share it.

One deliberate departure from JavaScript: where JS would quietly produce ``NaN`` (a
non-numeric string in arithmetic, an array compared with a number), these functions
raise :class:`CoercionError` instead. A rule that compares a number with ``"abc"`` is
a broken rule, and a silent ``false`` would hide that. The community JsonLogic suites
ask for the same (errors of type ``"NaN"``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Final

#: Largest integer a JS number holds exactly; beyond it ints behave as doubles.
MAX_SAFE_INTEGER: Final = 2**53

_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_BASES: Final = {"x": 16, "o": 8, "b": 2}
_INDEX = re.compile(r"0|[1-9]\d*")


class CoercionError(Exception):
    """A value has no sensible JS conversion; the evaluator reports it as a ``NaN`` error.

    Deliberately not a :class:`~loomworks.logic.errors.LogicError`: this module does not
    know which operator asked, and the evaluator adds that before anything escapes.
    """


class _Missing:
    """JavaScript's ``undefined``: a property that is not there (distinct from null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def js_type(value: Any) -> str:
    """The JSON type of ``value``; ``Decimal`` counts as a number (database numerics)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def truthy(value: Any) -> bool:
    """JsonLogic truthiness: JS rules, except that an empty array is falsy too.

    So ``0``, ``""``, ``null``, ``false`` and ``[]`` are falsy, while ``"0"`` and ``{}``
    are truthy. Never raises, whatever the value.
    """
    if value is None or value is False:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, Decimal):
        return not value.is_nan() and value != 0
    if isinstance(value, int | float):
        return value != 0 and value == value  # NaN is falsy
    if isinstance(value, str | list):
        return len(value) > 0
    return True


def to_number(value: Any) -> float:
    """JS ``Number(value)`` for JSON values, raising :class:`CoercionError` instead of NaN."""
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, float):
        if math.isnan(value):
            raise CoercionError("NaN is not a number")
        return value
    if isinstance(value, int | Decimal):
        return _float_of(value)
    if isinstance(value, str):
        return _parse_number(value)
    raise CoercionError(f"cannot convert {js_type(value)} to a number")


def _float_of(value: int | Decimal) -> float:
    if isinstance(value, Decimal) and value.is_nan():
        raise CoercionError("NaN is not a number")
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _parse_number(text: str) -> float:
    stripped = text.strip(_JS_SPACE)
    if not stripped:
        return 0.0
    if _DECIMAL.fullmatch(stripped):
        return float(stripped.replace("Infinity", "inf"))
    if _RADIX.fullmatch(stripped):
        return _float_of(int(stripped[2:], _BASES[stripped[1].lower()]))
    raise CoercionError(f"cannot convert string {_preview(text)} to a number")


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def normalize_number(value: float) -> int | float:
    """A finite arithmetic result as JSON would carry it: integral values become ints.

    Raises :class:`CoercionError` for infinities and NaN, which JSON cannot hold and
    which only arise from division by zero or overflow.
    """
    if not math.isfinite(value):
        raise CoercionError("the result is not a finite number")
    if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return int(value)
    return value


def number_to_string(value: int | float | Decimal) -> str:
    """JS ``Number.prototype.toString()``: ``1.0`` is ``"1"``, ``1e21`` is ``"1e+21"``."""
    if isinstance(value, int) and abs(value) < MAX_SAFE_INTEGER:
        return str(value)
    number = value if isinstance(value, float) else _float_of(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits, point = _shortest_digits(abs(number))
    return sign + _layout(digits, point)


def _shortest_digits(number: float) -> tuple[str, int]:
    """Shortest round-trip digits and the decimal point position: value = 0.DIGITS x 10^point."""
    mantissa, _, exponent = repr(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    stripped = digits.lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(digits) - len(stripped))
    return stripped.rstrip("0"), point


def _layout(digits: str, point: int) -> str:
    """ECMAScript's Number::toString layout for digits ``s`` (length ``k``) and ``n``."""
    k = len(digits)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(exponent)}"


def to_js_string(value: Any) -> str:
    """JS ``String(value)``; arrays join like JS (null elements become empty strings)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return number_to_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join("" if item is None else to_js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    raise CoercionError(f"cannot convert {js_type(value)} to a string")


def to_text(value: Any) -> str:
    """String conversion for text operators (``cat``, ``substr``, ``in``): null is ``""``.

    JS would print ``"null"``, which is never what a rule concatenating an empty field
    wants; the community suites agree (``cat`` of null is empty).
    """
    return "" if value is None else to_js_string(value)


def strict_equals(left: Any, right: Any) -> bool:
    """JS ``===``, except arrays and objects compare by content (JSON has no identity)."""
    left_type, right_type = js_type(left), js_type(right)
    if left_type != right_type:
        return False
    if left_type == "number":
        return to_number(left) == to_number(right)
    if left_type == "array":
        return len(left) == len(right) and all(map(strict_equals, left, right))
    if left_type == "object":
        same_keys = left.keys() == right.keys()
        return same_keys and all(strict_equals(v, right[k]) for k, v in left.items())
    return bool(left == right)


def loose_equals(left: Any, right: Any) -> bool:
    """JS ``==``: null equals only null; otherwise mixed types compare as numbers.

    Arrays and objects raise :class:`CoercionError` unless compared with null: JS would
    compare their identity, which a JSON rule cannot mean.
    """
    if left is None or right is None:
        return left is None and right is None
    left_type, right_type = js_type(left), js_type(right)
    if "array" in (left_type, right_type) or "object" in (left_type, right_type):
        raise CoercionError(f"cannot compare {left_type} with {right_type}")
    if left_type == right_type and left_type != "number":
        return bool(left == right)
    return to_number(left) == to_number(right)


def compare(left: Any, right: Any) -> int:
    """Order two values as JS relational operators do: -1, 0 or 1.

    Two strings compare by UTF-16 code units (so dates in ISO form order correctly);
    anything else compares as numbers, with null as 0 and booleans as 0 and 1. Unpaired
    surrogates (``"\\ud800"``) are legal JS strings and order as the code unit they are.
    """
    if isinstance(left, str) and isinstance(right, str):
        if not left.isascii() or not right.isascii():
            # surrogatepass writes a lone surrogate as its own code unit, as JS holds it.
            left_key = left.encode("utf-16-be", "surrogatepass")
            right_key = right.encode("utf-16-be", "surrogatepass")
            return (left_key > right_key) - (left_key < right_key)
        return (left > right) - (left < right)
    left_number, right_number = to_number(left), to_number(right)
    return (left_number > right_number) - (left_number < right_number)


def get_property(container: Any, key: Any) -> Any:
    """JS ``container[key]`` on JSON data; returns :data:`MISSING` where JS gives undefined.

    Lists and strings take canonical index strings (``"0"``, ``"12"``) and ``"length"``;
    objects take any key, with numbers converted as JS converts them (``1`` is ``"1"``).
    """
    if isinstance(container, dict):
        name = key if isinstance(key, str) else _key_string(key)
        return container.get(name, MISSING) if name is not None else MISSING
    if isinstance(container, list | str):
        index = _index_of(key)
        if index is not None:
            return container[index] if index < len(container) else MISSING
        return len(container) if key == "length" else MISSING
    return MISSING


def _key_string(key: Any) -> str | None:
    try:
        return to_js_string(key)
    except CoercionError:
        return None


def _index_of(key: Any) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key if key >= 0 else None
    if isinstance(key, float) and key.is_integer() and key >= 0:
        return int(key)
    if isinstance(key, str) and len(key) < 16 and _INDEX.fullmatch(key):
        return int(key)
    return None
