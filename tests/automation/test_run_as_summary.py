"""The run log's one-line summary of who a rule runs as fits its column whatever the grants."""

from __future__ import annotations

from loomworks.automation.run_as import RUN_AS_SUMMARY_LIMIT, describe


def test_a_system_run_with_many_grants_is_summarised_within_the_log_column() -> None:
    grants = [{"entity": f"entity_{n}", "actions": ["read", "create", "update"]} for n in range(8)]
    summary = describe({"type": "system", "grants": grants})
    assert len(summary) == RUN_AS_SUMMARY_LIMIT and summary.startswith("system (entity_0:read/create/update")
    assert summary.endswith("…")
    assert describe({"type": "system", "grants": grants[:1]}) == "system (entity_0:read/create/update)"
    assert describe("trigger_user") == "trigger_user"
