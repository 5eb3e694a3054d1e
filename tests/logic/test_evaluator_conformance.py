"""The JsonLogic evaluator against the official and community conformance suites.

The suites are read in place from the shared conformance folder (``../shared`` next to
the repository, or ``$LOOMWORKS_CONFORMANCE_DIR``). CI always has them, so a missing
folder fails these tests rather than skipping them.

* ``tests.json`` (json-logic-js's own suite) and ``compat-suites/compatible.json`` must pass
  case by case; every case is its own test.
* Every other community suite runs in one test that prints a pass count per suite and fails
  if any count drops below the floor recorded in :data:`FLOORS`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loomworks.errors import BadRequest
from loomworks.logic.evaluator import (
    MAX_DEPTH,
    OPERATORS,
    LogicError,
    UnknownOperator,
    evaluate,
    truthy,
)

CONFORMANCE_ENV = "LOOMWORKS_CONFORMANCE_DIR"
COUNTS_PROPERTY = "jsonlogic_pass_counts"
MANDATORY_COMPAT = "compatible.json"

#: Passing cases per community suite; raise a floor when a fix makes more cases pass.
#: Where a suite is below its total, the reason is a deliberate choice noted here.
FLOORS: dict[str, int] = {
    "additional.json": 4,
    "arithmetic/divide.extra.json": 3,
    "arithmetic/divide.json": 31,
    "arithmetic/minus.extra.json": 3,
    "arithmetic/minus.json": 22,
    "arithmetic/modulo.extra.json": 2,
    "arithmetic/modulo.json": 31,
    "arithmetic/multiply.extra.json": 3,
    "arithmetic/multiply.json": 28,
    "arithmetic/plus.extra.json": 3,
    "arithmetic/plus.json": 32,
    "array/all.json": 12,
    "array/filter.json": 12,
    "array/map.json": 14,
    "array/merge.json": 8,
    "array/none.json": 13,
    "array/reduce.json": 9,
    "array/some.json": 13,
    "chained.json": 7,
    "coalesce.json": 15,
    "comparison/greaterThan.json": 35,
    "comparison/greaterThanEquals.json": 28,
    "comparison/lessThan.json": 45,
    "comparison/lessThanEquals.json": 20,
    # null == 0 is false, as in JavaScript; the suite expects true (one case each).
    "comparison/softEquals.json": 34,
    "comparison/softNotEquals.json": 33,
    "comparison/strictEquals.json": 31,
    "comparison/strictNotEquals.json": 30,
    "compatible.json": 278,
    "control/and.json": 25,
    "control/doublebang.json": 23,
    "control/if.json": 44,
    "control/not.json": 23,
    "control/or.json": 24,
    "exists.json": 8,
    "iterators.extra.json": 34,
    "scopes.json": 4,
    "string/cat.json": 9,
    "string/in.json": 8,
    "string/substr.json": 12,
    "throw.json": 3,
    "truthiness.json": 13,
    "try.extra.json": 1,
    "try.json": 18,
    "val-compat.json": 60,
    "val.extra.json": 3,
    "val.json": 13,
    "var.extra.json": 12,
}


#: Where the shared suites live when the checkout sits elsewhere (CI's clean checkouts).
WORKSPACE_SHARED = Path("/work/shared")


def conformance_dir() -> Path:
    """``$LOOMWORKS_CONFORMANCE_DIR``, else ``shared/`` beside the checkout or the workspace's."""
    configured = os.environ.get(CONFORMANCE_ENV)
    if configured:
        return Path(configured)
    repo = Path(__file__).resolve().parents[2]
    candidates = [repo.parent / "shared", WORKSPACE_SHARED]
    for shared in candidates:
        folder = shared / "conformance" / "jsonlogic"
        if (folder / "tests.json").is_file():
            return folder
    return candidates[0] / "conformance" / "jsonlogic"


def _require_dir() -> Path:
    folder = conformance_dir()
    if not (folder / "tests.json").is_file() or not (folder / "compat-suites").is_dir():
        pytest.fail(
            f"JsonLogic conformance suites not found at {folder} "
            f"(set {CONFORMANCE_ENV} to their folder); CI always has them"
        )
    return folder


_NO_ERROR = object()


@dataclass(frozen=True)
class Case:
    suite: str
    index: int
    rule: Any
    data: Any
    result: Any
    error: Any = _NO_ERROR

    @property
    def expects_error(self) -> bool:
        return self.error is not _NO_ERROR


def load_official(folder: Path) -> list[Case]:
    entries = json.loads((folder / "tests.json").read_text(encoding="utf-8"))
    rows = [entry for entry in entries if not isinstance(entry, str)]
    return [Case("tests.json", i, *row) for i, row in enumerate(rows)]


def load_compat(path: Path, name: str) -> list[Case]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for entry in (e for e in entries if isinstance(e, dict)):
        error = entry.get("error", _NO_ERROR)
        cases.append(Case(name, len(cases), entry["rule"], entry.get("data"), entry.get("result"), error))
    return cases


def compat_suites(folder: Path) -> dict[str, Path]:
    """Every community suite by its path under ``compat-suites`` (the manifest excluded)."""
    root = folder / "compat-suites"
    found = {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*.json"))}
    found.pop("index.json", None)
    return found


def json_equal(left: Any, right: Any) -> bool:
    """Equality as JSON sees it: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(v, right[k]) for k, v in left.items())
    return type(left) is type(right) and left == right


def check(case: Case) -> str | None:
    """``None`` if the evaluator meets the case, else what went wrong."""
    try:
        got = evaluate(case.rule, case.data)
    except LogicError as exc:
        if not case.expects_error:
            return f"raised {exc!r}, expected {case.result!r}"
        if not json_equal(exc.payload, case.error):
            return f"raised error {exc.payload!r}, expected error {case.error!r}"
        return None
    if case.expects_error:
        return f"returned {got!r}, expected error {case.error!r}"
    if not json_equal(got, case.result):
        return f"returned {got!r}, expected {case.result!r}"
    return None


def _mandatory_params() -> list[Any]:
    folder = conformance_dir()
    mandatory = folder / "compat-suites" / MANDATORY_COMPAT
    if not (folder / "tests.json").is_file() or not mandatory.is_file():
        return [pytest.param(None, id="conformance-suites-missing")]
    cases = load_official(folder) + load_compat(mandatory, MANDATORY_COMPAT)
    return [pytest.param(case, id=f"{case.suite}:{case.index:03d}") for case in cases]


@pytest.mark.parametrize("case", _mandatory_params())
def test_mandatory_case(case: Case | None) -> None:
    if case is None:
        _require_dir()
        pytest.fail("tests.json or compat-suites/compatible.json is missing")
    problem = check(case)
    assert problem is None, f"{json.dumps(case.rule)} with data {json.dumps(case.data)}: {problem}"


def test_compat_suites_meet_their_floors(
    capsys: pytest.CaptureFixture[str], record_property: Callable[[str, object], None]
) -> None:
    folder = _require_dir()
    suites = compat_suites(folder)
    manifest = json.loads((folder / "compat-suites" / "index.json").read_text(encoding="utf-8"))
    assert set(manifest) <= set(suites), "index.json lists suites that are not there"

    counts: dict[str, tuple[int, int]] = {}
    failures: dict[str, list[str]] = {}
    for name, path in suites.items():
        cases = load_compat(path, name)
        problems = [(case, check(case)) for case in cases]
        failed = [f"#{case.index} {json.dumps(case.rule)}: {p}" for case, p in problems if p]
        counts[name] = (len(cases) - len(failed), len(cases))
        failures[name] = failed
    official = load_official(folder)
    official_passed = sum(1 for case in official if check(case) is None)

    _report(counts, (official_passed, len(official)), capsys)
    # Carried to the controller even under pytest-xdist; tests/logic/conftest.py prints it.
    record_property(
        COUNTS_PROPERTY, {"tests.json": [official_passed, len(official)], **{k: list(v) for k, v in counts.items()}}
    )

    assert not failures[MANDATORY_COMPAT], failures[MANDATORY_COMPAT]
    below = {
        name: (counts[name][0], FLOORS.get(name, 0), failures[name])
        for name in counts
        if counts[name][0] < FLOORS.get(name, 0)
    }
    assert not below, f"suites below their floor (passed, floor, failures): {below}"
    assert set(FLOORS) <= set(counts), f"suites gone missing: {set(FLOORS) - set(counts)}"


def _report(counts: dict[str, tuple[int, int]], official: tuple[int, int], capsys: pytest.CaptureFixture[str]) -> None:
    """Print the per-suite counts past pytest's capture (when running without xdist)."""
    width = max(map(len, counts))
    passed = sum(p for p, _ in counts.values())
    total = sum(t for _, t in counts.values())
    with capsys.disabled():
        print()
        print(f"jsonlogic official  tests.json  {official[0]}/{official[1]}")
        for name, (suite_passed, suite_total) in counts.items():
            print(f"jsonlogic compat  {name:<{width}}  {suite_passed}/{suite_total}")
        print(f"jsonlogic compat  {'TOTAL':<{width}}  {passed}/{total}")


# --- behaviour the platform relies on ----------------------------------------------------

PLATFORM_DATA = {
    "owner_id": 1,
    "status": "open",
    "amount": "12.50",
    "$user": {"id": 1, "roles": ["sales", "admin"], "team": {"name": "north"}},
    "$now": "2026-01-01T00:00:00+00:00",
    "$old": {"status": "draft"},
}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"var": "$user.id"}, 1),
        ({"var": "$user.roles.1"}, "admin"),
        ({"var": "$user.team.name"}, "north"),
        ({"var": ["$user.missing", "fallback"]}, "fallback"),
        ({"val": ["$user", "id"]}, 1),
        ({"==": [{"var": "$user.id"}, {"var": "owner_id"}]}, True),
        ({"in": ["admin", {"var": "$user.roles"}]}, True),
        ({"in": ["admin", {"var": "$user.nothing"}]}, False),
        ({"!=": [{"var": "$old.status"}, {"var": "status"}]}, True),
        ({"<": ["2025-12-31", {"var": "$now"}]}, True),
        ({">": [{"var": "amount"}, 10]}, True),
        ({"missing": ["$user.id", "$user.email"]}, ["$user.email"]),
    ],
)
def test_dollar_context_keys_resolve_like_any_path(rule: Any, expected: Any) -> None:
    assert json_equal(evaluate(rule, PLATFORM_DATA), expected)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"<": [None, 5]}, True),
        ({"==": [None, 0]}, False),
        ({"==": [None, None]}, True),
        ({"==": [1, "1"]}, True),
        (
            {"cat": [1.0, "|", {"+": [0.1, 0.2]}, "|", 1e21, "|", 1.5e-7, "|", 100.0]},
            "1|0.30000000000000004|1e+21|1.5e-7|100",
        ),
        ({"substr": ["jsonlogic", -5, -2]}, "log"),
        ({"+": "3.5"}, 3.5),
        ({"+": [0.1, 0.2]}, 0.30000000000000004),
    ],
)
def test_javascript_semantics(rule: Any, expected: Any) -> None:
    assert json_equal(evaluate(rule), expected)


def test_truthiness_is_jsonlogic_truthiness() -> None:
    falsy: list[Any] = [[], "", 0, 0.0, None, False]
    truthy_values: list[Any] = [{}, "0", [0], "a", -1, True]
    assert not any(map(truthy, falsy))
    assert all(map(truthy, truthy_values))


def test_unknown_operator_is_reported_by_name() -> None:
    with pytest.raises(UnknownOperator, match="frobnicate") as caught:
        evaluate({"and": [True, {"frobnicate": [1]}]})
    assert isinstance(caught.value, LogicError)
    assert isinstance(caught.value, BadRequest)
    assert "frobnicate" not in OPERATORS


def test_try_does_not_hide_an_unknown_operator() -> None:
    with pytest.raises(UnknownOperator):
        evaluate({"try": [{"nope": []}, "fallback"]})


def test_runtime_errors_name_the_operator_and_reason() -> None:
    with pytest.raises(LogicError, match=r"'/'.*division by zero") as caught:
        evaluate({"/": [{"var": "x"}, 0]}, {"x": 1})
    assert caught.value.payload == {"type": "NaN"}
    assert caught.value.to_json()["error"]["operator"] == "/"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    rule: Any = True
    for _ in range(depth):
        rule = {"!": [rule]}
    with pytest.raises(LogicError, match="nested deeper"):
        evaluate(rule)
    nested_arrays: Any = 1
    for _ in range(depth):
        nested_arrays = [nested_arrays]
    with pytest.raises(LogicError):
        evaluate(nested_arrays)


def test_nesting_within_the_limit_evaluates() -> None:
    rule: Any = True
    for _ in range(MAX_DEPTH - 1):
        rule = {"!!": [rule]}
    assert evaluate(rule) is True


def test_deeply_nested_data_is_a_logic_error() -> None:
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(LogicError):
        evaluate({"===": [{"var": "a"}, {"var": "b"}]}, {"a": deep, "b": deep})


@pytest.mark.parametrize(
    ("rule", "data"),
    [
        ({1: 2}, None),
        ({"==": [1, 1], "!=": [1, 2]}, None),
        ({"var": object()}, None),
        ({"==": [{1, 2}, 1]}, None),
        (b"bytes", None),
        ((1, 2), None),
        (float("nan"), None),
        ({"+": [float("inf")]}, None),
        ({"+": [{"var": "x"}]}, {"x": object()}),
        ({"==": [{"var": "x"}, 1]}, {"x": {1, 2}}),
        ({"cat": [{"var": "x"}]}, {"x": object()}),
        ({"<": [{"var": "x"}, "a"]}, {"x": [1]}),
        ({"substr": []}, None),
        ({"-": []}, None),
        ({"map": 5}, None),
        ({"reduce": [[1, 2], None]}, None),
        ({"all": ["not an array", True]}, None),
        ({"missing_some": [1, "a"]}, None),
        ({"in": ["a", 5]}, None),
        ({"%": [{"+": "Infinity"}, 2]}, None),
        ({"substr": ["abc", "x"]}, None),
        ({"val": [["up"], "x"]}, None),
        ({"throw": [{"type": ["not", "a", "string"]}]}, None),
    ],
)
def test_garbage_input_is_a_logic_error(rule: Any, data: Any) -> None:
    with pytest.raises(LogicError):
        evaluate(rule, data)


_json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_rules = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(sorted(OPERATORS)), inner, min_size=1, max_size=1)
        | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=_rules, data=_rules)
def test_any_json_rule_evaluates_or_raises_logic_error(rule: Any, data: Any) -> None:
    with contextlib.suppress(LogicError):
        evaluate(rule, data)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"<": ["", "\ud800"]}, True),
        ({"<": [{"var": "x"}, "\ud800", "\ue000"]}, True),
        ({"<": ["\ud800", "\U00010000"]}, True),  # a lone high surrogate is a prefix of its pair
        ({">": ["\udc00", "\U0001f600"]}, True),  # by UTF-16 code units, not code points
        ({">": ["\udfff", "\ud800", "a"]}, True),
        ({"<": [{"cat": ["\ud83d", "\ude00"]}, "\U0001f600"]}, False),  # the pair is the emoji
    ],
)
def test_unpaired_surrogates_order_like_javascript(rule: Any, expected: Any) -> None:
    """Lone surrogates are legal JS strings, so ordering them gives JS's answer, not a crash."""
    assert evaluate(rule, {"x": ""}) is expected
