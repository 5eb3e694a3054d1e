"""A sales-pipeline export in the shape CRMs produce (opportunity id, sales agent, product,
account, stage, engage and close dates, close value), generated deterministically with the
mess real files carry: thousands separators and currency symbols, two date styles, blank
values on open deals, stray spaces and case. Tests and ``bench/import.py`` share it, and the
figures a dashboard must show are computed here from the rows themselves."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

HEADER = [
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "engage_date",
    "close_date",
    "close_value",
]
STAGES = {"Prospecting": "qualification", "Engaging": "needs_analysis", "Won": "won", "Lost": "lost"}
PRODUCTS = ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"]
SECTORS = ["Foods", "Logistics", "Software", "Textiles", "Pharma", "Retail", "Energy", "Media"]
PLACES = ["Harbor", "Jade", "Summit", "Golden", "Pacific", "Lotus", "Northern", "Silk Road", "Eastern", "Riverside"]
FIRST = [
    "Moses",
    "Darcel",
    "Zane",
    "Maureen",
    "Wilburn",
    "Elease",
    "Cassey",
    "Versie",
    "Lajuana",
    "Rosalina",
    "Li",
    "Wang",
]
LAST = [
    "Frase",
    "Schlecht",
    "Levy",
    "Marcano",
    "Farren",
    "Gillum",
    "Cress",
    "Hillebrand",
    "Vanderlinde",
    "Dieter",
    "Na",
    "Fang",
]


def agents(count: int = 12) -> list[str]:
    return [f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}" for i in range(count)]


def accounts(count: int = 60) -> list[str]:
    return [f"{PLACES[i % len(PLACES)]} {SECTORS[(i // len(PLACES)) % len(SECTORS)]}" for i in range(count)]


def rows(count: int = 4000, seed: int = 7) -> list[dict[str, Any]]:
    """The clean facts of each opportunity (what the file means)."""
    rng = random.Random(seed)
    names, firms = agents(), accounts()
    found = []
    for index in range(count):
        stage = rng.choices(list(STAGES), weights=[8, 17, 48, 27])[0]
        engage = date(2025, 1, 1) + timedelta(days=rng.randrange(540))
        closed = stage in ("Won", "Lost")
        close = engage + timedelta(days=rng.randrange(5, 120)) if closed else None
        value = Decimal(rng.randrange(50, 30000)) if stage == "Won" else (Decimal(0) if closed else None)
        found.append(
            {
                "opportunity_id": f"OPP-{index + 1:05d}",
                "sales_agent": rng.choice(names),
                "product": rng.choice(PRODUCTS),
                "account": rng.choice(firms),
                "deal_stage": stage,
                "engage_date": engage,
                "close_date": close,
                "close_value": value,
            }
        )
    return found


def to_csv(facts: list[dict[str, Any]], seed: int = 11) -> bytes:
    """The facts as a messy export would write them."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for fact in facts:
        writer.writerow(
            [
                fact["opportunity_id"],
                fact["sales_agent"] if rng.random() > 0.1 else f"  {fact['sales_agent'].upper()} ",
                fact["product"],
                fact["account"] if rng.random() > 0.1 else fact["account"].lower(),
                fact["deal_stage"],
                _date(fact["engage_date"], rng),
                _date(fact["close_date"], rng),
                _money(fact["close_value"], rng),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _date(value: date | None, rng: random.Random) -> str:
    if value is None:
        return ""
    return value.isoformat() if rng.random() < 0.6 else f"{value.month}/{value.day}/{value.year}"


def _money(value: Decimal | None, rng: random.Random) -> str:
    if value is None:
        return ""
    style = rng.random()
    if style < 0.4:
        return f"{value:,}"
    if style < 0.6:
        return f"${value:,}"
    if style < 0.8:
        return f"¥{value:,.2f}"
    return str(value)


def import_options() -> dict[str, Any]:
    """How a builder maps the export onto the CRM's deal."""
    return {
        "mapping": {
            "opportunity_id": "name",
            "sales_agent": "owner",
            "account": "company",
            "deal_stage": "stage",
            "close_date": "closed_date",
            "close_value": "amount",
            "product": None,
            "engage_date": None,
        },
        "values": {"stage": dict(STAGES)},
        "key": "name",
        "create_missing": ["company"],
        "keep_workflow_states": True,
    }


def won_by_quarter(facts: list[dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for fact in facts:
        if fact["deal_stage"] == "Won":
            close = fact["close_date"]
            totals[f"{close.year}-Q{(close.month - 1) // 3 + 1}"] += fact["close_value"]
    return {quarter: int(total) for quarter, total in sorted(totals.items())}


def win_rate(facts: list[dict[str, Any]]) -> float:
    won = sum(1 for f in facts if f["deal_stage"] == "Won")
    lost = sum(1 for f in facts if f["deal_stage"] == "Lost")
    return round(won / (won + lost), 4)
