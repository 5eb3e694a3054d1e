"""What an install did (or, for a plan, would do): a readable diff per definition.

``creates`` are definitions that did not exist (or were hidden and come back), ``changes``
those whose effective document moves (each with the JSON diff of revisions), ``removes``
those the new version no longer brings (hidden, data kept), ``conflicts`` the places where
the template and the customer changed the same property (with the resolution applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.jsondiff import diff
from .merge import MINE, Conflict


@dataclass
class Report:
    template: str
    version: str
    installed_version: str | None
    action: str
    creates: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    removes: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, int] = field(default_factory=dict)

    def written(
        self,
        kind: str,
        key: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        conflicts: list[Conflict],
        resolutions: dict[str, str],
    ) -> None:
        entry = {"kind": kind, "key": key, "label": after.get("label")}
        if before is None:
            self.creates.append(entry)
        else:
            changes = diff(before, after)
            if changes:
                self.changes.append({**entry, "changes": changes})
            else:
                self.unchanged.append({"kind": kind, "key": key})
        self.conflicts.extend(c.to_json(resolutions.get(c.id, MINE)) for c in conflicts)

    def removed(self, kind: str, key: str, label: Any) -> None:
        self.removes.append({"kind": kind, "key": key, "label": label})

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "version": self.version,
            "installed_version": self.installed_version,
            "action": self.action,
            "creates": self.creates,
            "changes": self.changes,
            "removes": self.removes,
            "kept": self.kept,
            "conflicts": self.conflicts,
            "unchanged": self.unchanged,
            "data": self.data,
        }


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The report as a person reads it in a terminal (``loomworks template plan``)."""
    since = f" (installed: {report['installed_version']})" if report.get("installed_version") else ""
    lines = [f"{report['template']} {report['version']}: {report['action']}{since}"]
    if report["action"] == "none":
        return [*lines, "  nothing to do: this version is installed"]
    for title, name in (("create", "creates"), ("remove", "removes")):
        lines += [f"  {title} {item['kind']} {item['key']}" for item in report[name]]
    for item in report["changes"]:
        paths = ", ".join(change["path"] for change in item["changes"][:6])
        more = f" and {len(item['changes']) - 6} more" if len(item["changes"]) > 6 else ""
        lines.append(f"  change {item['kind']} {item['key']}: {paths}{more}")
    lines += [f"  keep {item['kind']} {item['key']}: {item['reason']}" for item in report["kept"]]
    for conflict in report["conflicts"]:
        lines.append(f"  conflict {conflict['id']}: keeping {conflict['resolution']} value")
    lines += [f"  sample data: {count} {entity} records" for entity, count in report["data"].items()]
    return lines
