"""Per-type samples for contract tests: a minimal definition, a good value, a bad value.

Each entry of ``SAMPLES`` is the smallest valid definition of one field type, a value to
write, what reading it back must give, and a value the type must refuse. The storage
contract (add, write, read, refuse, convert, CSV) and the query contract (filter) both
loop over it; a registered type without an entry fails both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from sqlalchemy import insert

from factories import Services, field
from loomworks.core.sqltypes import utcnow
from loomworks.records.models import files

KEY = "sample"
FILE_ID = "0123456789abcdef0123456789abcdef"
CHOICES = {"choices": [{"value": "new", "label": {"en": "New", "zh-CN": "新"}}, {"value": "won"}]}


@dataclass
class Refs:
    """Ids a sample may point at, known only once the database exists."""

    user_id: int
    target_id: int
    record: dict[str, Any] = dc_field(default_factory=dict)


Value = Any | Callable[[Refs], Any]


@dataclass
class Sample:
    options: dict[str, Any] | None
    good: Value  # written as the field's value; None for computed types
    expected: Value  # read back; a callable gets the refs, including the written record
    bad: Value  # refused with an error naming the field
    siblings: list[dict[str, Any]] = dc_field(default_factory=list)
    body: dict[str, Any] = dc_field(default_factory=dict)


def _(value: Value, refs: Refs) -> Any:
    return value(refs) if callable(value) else value


SAMPLES: dict[str, Sample] = {
    "text": Sample(None, "hello", "hello", 5),
    "long_text": Sample(None, "line 1\nline 2", "line 1\nline 2", ["x"]),
    "rich_text": Sample(None, "<p>Hi <b>you</b><script>x()</script></p>", "<p>Hi <b>you</b></p>", 5),
    "email": Sample(None, "ada@example.com", "ada@example.com", "ada@"),
    "phone": Sample(None, "+49 30 1234567", "+49 30 1234567", "call me"),
    "url": Sample(None, "https://example.com/a?b=c", "https://example.com/a?b=c", "javascript:x()"),
    "integer": Sample(None, 42, 42, 4.5),
    "decimal": Sample(None, 1234.56, 1234.56, 1.234),
    "currency": Sample({"currency": "EUR"}, 99.95, 99.95, "ten"),
    "percent": Sample(None, 12.5, 12.5, "half"),
    "rating": Sample({"max": 5}, 4, 4, 6),
    "duration": Sample(None, 5400, 5400, -5),
    "boolean": Sample(None, True, True, "yes"),
    "date": Sample(None, "2026-03-01", "2026-03-01", "2026-02-30"),
    "datetime": Sample(None, "2026-03-01T10:30:00+02:00", "2026-03-01T08:30:00+00:00", "next tuesday"),
    "select": Sample(CHOICES, "won", "won", "lost"),
    "multi_select": Sample(CHOICES, ["won", "new"], ["won", "new"], ["lost"]),
    "tags": Sample(None, ["vip", "eu"], ["vip", "eu"], "vip"),
    "user": Sample(None, lambda r: r.user_id, lambda r: r.user_id, 424242),
    "relation": Sample({"target": "contact"}, lambda r: r.target_id, lambda r: r.target_id, 424242),
    "sub_table": Sample(
        {"fields": [field("qty", "integer"), field("note")]},
        [{"qty": 2, "note": "x"}, {"qty": 3}],
        lambda r: [
            {"id": r.record[KEY][0]["id"], "qty": 2, "note": "x"},
            {"id": r.record[KEY][1]["id"], "qty": 3, "note": None},
        ],
        [{"qty": "two"}],
    ),
    "attachment": Sample(
        None,
        [FILE_ID],
        [{"id": FILE_ID, "name": "offer.pdf", "size": 3, "content_type": "application/pdf"}],
        ["f" * 32],
    ),
    "auto_number": Sample({"pattern": "T-{0000}"}, None, "T-0001", "T-9999"),
    "formula": Sample(
        {"expression": {"cat": [{"var": "title"}, "!"]}, "result_type": "text"},
        None,
        "Hi!",
        "Bye!",
        body={"title": "Hi"},
    ),
    "rollup": Sample(
        {"sub_table": "lines", "aggregate": "sum", "field": "qty"},
        None,
        5,
        1,
        siblings=[field("lines", "sub_table", options={"fields": [field("qty", "integer")]})],
        body={"lines": [{"qty": 2}, {"qty": 3}]},
    ),
    "created_at": Sample(None, None, lambda r: r.record["_created_at"], "2020-01-01T00:00:00+00:00"),
    "updated_at": Sample(None, None, lambda r: r.record["_updated_at"], "2020-01-01T00:00:00+00:00"),
    "created_by": Sample(None, None, lambda r: r.user_id, 424242),
    "updated_by": Sample(None, None, lambda r: r.user_id, 424242),
}


def definition(type_key: str) -> dict[str, Any]:
    sample = SAMPLES[type_key]
    return field(KEY, type_key, **({"options": sample.options} if sample.options else {}))


def make_refs(run: Services) -> Refs:
    """The records and files samples point at: a ``contact`` and an uploaded file."""
    run.entity("contact", [field("name")])
    target = run.create("contact", {"name": "Grace"})
    with run.runtime.engine.begin() as conn:
        conn.execute(
            insert(files).values(
                id=FILE_ID,
                name="offer.pdf",
                content_type="application/pdf",
                size=3,
                sha256="0" * 64,
                created_by=run.actor.id,
                created_at=utcnow(),
            )
        )
    assert run.actor.id is not None
    return Refs(user_id=run.actor.id, target_id=target["id"])
