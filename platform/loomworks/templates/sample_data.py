"""A bundle's sample rows (``data/<entity>.json``), written through the records service.

Rows are plain values as a user would type them. A relation may name its target by title
(``"company": "Harbor Foods"``): the target is looked up among the rows loaded before it,
so entities are loaded targets first. Each row is checked like any record a user saves.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Tx
from ..errors import ValidationFailed, field_error
from ..records import service
from .bundle import Bundle


def load_sample_data(tx: Tx, bundle: Bundle) -> dict[str, int]:
    specs = tx.runtime.entities.specs(tx.conn)
    order = _targets_first(bundle.data, specs)
    ids: dict[tuple[str, str], Any] = {}
    loaded = {}
    for entity in order:
        spec = specs[entity]
        relations = {f.key: f.options.get("target") for f in spec.live_fields.values() if f.type == "relation"}
        for index, row in enumerate(bundle.data[entity]):
            values = dict(row)
            for name, target in relations.items():
                if isinstance(values.get(name), str):
                    found = ids.get((target, values[name]))
                    if found is None:
                        raise ValidationFailed(
                            "a sample row names a record that is not in the sample data",
                            [field_error(f"data/{entity}.json:{index}.{name}", f"no {target} titled {values[name]!r}")],
                        )
                    values[name] = found
            record = service.create_record(tx, entity, values, answer=False)
            if spec.title_field and row.get(spec.title_field) is not None:
                ids[(entity, str(row[spec.title_field]))] = record["id"]
        loaded[entity] = len(bundle.data[entity])
    return loaded


def _targets_first(data: dict[str, list[dict[str, Any]]], specs: dict[str, Any]) -> list[str]:
    unknown = [name for name in data if name not in specs]
    if unknown:
        raise ValidationFailed(
            "sample data for entities the template does not define",
            [field_error(f"data/{name}.json", "no such entity") for name in unknown],
        )
    pending = list(data)
    ordered: list[str] = []
    while pending:
        ready = [
            name
            for name in pending
            if all(
                f.options.get("target") not in pending or f.options.get("target") == name
                for f in specs[name].live_fields.values()
                if f.type == "relation"
            )
        ] or pending[:1]
        ordered.extend(ready)
        pending = [name for name in pending if name not in ready]
    return ordered
