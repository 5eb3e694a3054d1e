"""Template install benchmark: the three shipped templates on a fresh instance.

* **install**: ``templates.install.install`` for ``crm``, ``projects`` and ``crm_projects``, one
  transaction each (catalog lookup, checks, merge under the (empty) custom layer, three entity
  passes, every definition through its kind's service, base layers, the install record);
* **baseline**: the same documents written by hand through the same services (``create_entity``
  then ``patch_entity`` for relations and rollups, ``create_role``, ``create_document``...), in an
  order a person would pick, without plans, layers or install records.

Both build the same tables, Casbin rows, schedules and revisions; the ratio is the installer's own
cost. Each side runs ``--runs`` times on a fresh instance; the medians are printed.

    .venv/bin/python bench/templates.py                 # SQLite in temporary folders
    .venv/bin/python bench/templates.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

from loomworks.auth import roles
from loomworks.automation import definitions as rules
from loomworks.core.context import SYSTEM_ACTOR
from loomworks.forms.definitions import FORMS
from loomworks.meta import documents, entities
from loomworks.runtime import Runtime
from loomworks.templates.bundle import read_directory
from loomworks.templates.install import POINTING_TYPES, Options, install
from loomworks.views.dashboards import DASHBOARDS
from loomworks.views.definitions import VIEWS
from loomworks.workflows import definitions as workflows
from records import bench_runtime

APPS = ("crm", "projects", "crm_projects")


def by_installer(runtime: Runtime) -> None:
    for key in APPS:
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            install(tx, key, Options())


def by_hand(runtime: Runtime) -> None:
    for key in APPS:
        bundle = read_directory(runtime.settings.templates_dir / key)
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            defs = bundle.definitions
            own = {k: d for k, d in defs.get("entity", {}).items() if not d.get("extend")}
            for doc in own.values():
                fields = [f for f in doc["fields"] if f["type"] not in POINTING_TYPES]
                entities.create_entity(tx, {**doc, "fields": fields})
            stages: list[Callable[[str], bool]] = [
                lambda t: t not in POINTING_TYPES,  # an extension's plain fields
                lambda t: t in ("relation", "sub_table"),
                lambda t: t in POINTING_TYPES,  # rollups and formulas, once relations exist
            ]
            for wanted in stages:
                for name, doc in defs.get("entity", {}).items():
                    current = entities.get_entity(tx, name)["fields"]
                    have = {c["key"] for c in current}
                    batch = [f for f in doc["fields"] if f["key"] not in have and wanted(f["type"])]
                    if batch:
                        entities.patch_entity(tx, name, {"fields": current + batch})
            for name, doc in defs.get("role", {}).items():
                if doc.get("extend"):
                    existing = copy.deepcopy(roles.get_role(tx, name))
                    roles.replace_role(tx, name, _document(existing, grants=existing["grants"] + doc["grants"]))
                else:
                    roles.create_role(tx, doc)
            for kind, service in (("form", FORMS), ("view", VIEWS), ("dashboard", DASHBOARDS)):
                for doc in defs.get(kind, {}).values():
                    documents.create_document(tx, service, doc)
            for doc in defs.get("workflow", {}).values():
                workflows.create_workflow(tx, doc)
            for doc in defs.get("rule", {}).values():
                rules.create_rule(tx, doc)


def _document(described: dict[str, Any], **changes: Any) -> dict[str, Any]:
    doc = {
        k: v
        for k, v in described.items()
        if k not in ("version", "deleted", "template", "updated_at", "builtin", "fixed")
    }
    return {**doc, **changes}


def timed(database: str | None, work: Callable[[Runtime], None], runs: int) -> float:
    samples = []
    for _ in range(runs):
        with bench_runtime(database) as runtime:
            start = time.perf_counter()
            work(runtime)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (scratch databases are created and dropped)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    hand = timed(args.database, by_hand, args.runs)
    installer = timed(args.database, by_installer, args.runs)
    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"crm + projects + crm_projects on a fresh instance ({backend}, median of {args.runs})")
    print(f"  install:  {installer:6.2f} s")
    print(f"  by hand:  {hand:6.2f} s")
    print(f"  ratio:    {installer / hand:6.2f}x")


if __name__ == "__main__":
    main()
