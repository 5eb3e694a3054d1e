"""Import benchmark: rows per second of a messy sales export into the CRM's deals.

The file is ``tests/sales_export.py``'s pipeline export (thousands separators, currency
symbols, two date styles, stray case and spaces). Two runs, each on a fresh instance with
the ``crm`` template installed and the sales agents as users:

* **import**: ``import_table`` as the API runs it: coercion, accounts resolved by title
  (created the first time), owners by name, upsert by the opportunity id, and every row
  through the records service (validation, the probability formula, history, rules);
* **baseline**: hand-written code doing the minimum for the same result rows: the csv
  module, the same number and date parsing done inline, dictionaries for accounts and
  owners, and one executemany INSERT into the same table (no validation, history or rules).

The ratio is what the import's guarantees cost per row.

    .venv/bin/python bench/import.py                    # SQLite in a temporary folder
    .venv/bin/python bench/import.py --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import sales_export  # noqa: E402
from loomworks.auth import users  # noqa: E402
from loomworks.core.context import SYSTEM_ACTOR  # noqa: E402
from loomworks.core.sqltypes import utcnow  # noqa: E402
from loomworks.imports.files import read_table  # noqa: E402
from loomworks.imports.importer import import_table, options_from  # noqa: E402
from loomworks.runtime import Runtime  # noqa: E402
from loomworks.templates.install import Options, install  # noqa: E402
from records import bench_runtime  # noqa: E402


def prepared(runtime: Runtime) -> dict[str, int]:
    """The CRM installed and the sales agents as users: name → user id."""
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        install(tx, "crm", Options())
        return {
            name: users.create_user(tx.conn, f"agent{i}@example.com", None, name=name, roles=["sales_rep"])["id"]
            for i, name in enumerate(sales_export.agents())
        }


def run_import(runtime: Runtime, content: bytes) -> dict[str, Any]:
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        return import_table(tx, "deal", read_table(content, "deals.csv"), options_from(sales_export.import_options()))


MONEY = re.compile(r"[^0-9.]")


def run_baseline(runtime: Runtime, content: bytes, owners: dict[str, int]) -> int:
    """The same rows written by hand: parse, look up, one bulk INSERT."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        companies_table = runtime.tables_for(runtime.entities.get(tx.conn, "company")).main
        deals_table = runtime.tables_for(runtime.entities.get(tx.conn, "deal")).main
        by_name = {_folded(n): i for i, n in tx.conn.execute(select(companies_table.c.id, companies_table.c.name))}
        owner_ids = {_folded(n): i for n, i in owners.items()}
        now = utcnow()
        system = {"created_at": now, "updated_at": now, "version": 1, "owner_id": None}
        rows = []
        for line in reader:
            account = _folded(line["account"])
            if account not in by_name:
                result = tx.conn.execute(insert(companies_table).values(name=line["account"].strip(), **system))
                by_name[account] = result.inserted_primary_key[0]
            rows.append(
                {
                    "name": line["opportunity_id"],
                    "company": by_name[account],
                    "owner": owner_ids[_folded(line["sales_agent"])],
                    "stage": sales_export.STAGES[line["deal_stage"]],
                    "amount": _amount(line["close_value"]),
                    "closed_date": _date(line["close_date"]),
                    **system,
                }
            )
        tx.conn.execute(insert(deals_table), rows)
    return len(rows)


def _amount(text: str) -> float | None:
    """The export's money: ``1,234``, ``$1,234``, ``¥1,234.00`` or ``1234``."""
    digits = MONEY.sub("", text)
    return float(digits) if digits else None


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _date(text: str) -> date | None:
    if not text:
        return None
    if "/" in text:
        month, day, year = (int(p) for p in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (a scratch database is created and dropped)")
    parser.add_argument("--rows", type=int, default=3000)
    args = parser.parse_args()
    content = sales_export.to_csv(sales_export.rows(args.rows))

    with bench_runtime(args.database) as runtime:
        prepared(runtime)
        start = time.perf_counter()
        report = run_import(runtime, content)
        imported = time.perf_counter() - start
    assert report["inserted"] == args.rows and report["failed"] == 0, report["errors"][:3]

    with bench_runtime(args.database) as runtime:
        owners = prepared(runtime)
        start = time.perf_counter()
        written = run_baseline(runtime, content, owners)
        baseline = time.perf_counter() - start
    assert written == args.rows

    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"import of {args.rows} deals ({backend})")
    print(f"  import:   {args.rows / imported:8.0f} rows/s  ({imported:.2f} s)")
    print(f"  baseline: {args.rows / baseline:8.0f} rows/s  ({baseline:.2f} s)")
    print(f"  ratio:    {imported / baseline:8.1f}x")


if __name__ == "__main__":
    main()
