"""Prints the JsonLogic conformance pass counts at the end of every run, xdist or not."""

from __future__ import annotations

from typing import Any

import pytest

COUNTS_PROPERTY = "jsonlogic_pass_counts"
_collected: dict[str, list[int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in getattr(report, "user_properties", []):
        if name == COUNTS_PROPERTY and isinstance(value, dict):
            _collected.update(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _collected:
        return
    terminalreporter.section("JsonLogic conformance (passed/total per suite)")
    width = max(map(len, _collected))
    for name, (passed, total) in _collected.items():
        terminalreporter.write_line(f"{name:<{width}}  {passed}/{total}")
    compat = [v for k, v in _collected.items() if k != "tests.json"]
    terminalreporter.write_line(f"{'compat TOTAL':<{width}}  {sum(p for p, _ in compat)}/{sum(t for _, t in compat)}")
