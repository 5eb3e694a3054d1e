"""Real tables with typed columns, changed by DDL inside the definition's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Numeric, Text, inspect

from factories import Services, columns, field, has_table, label
from loomworks.meta import entities

SYSTEM = {"id", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "version", "deleted_at"}


def storage_identity(run: Services, table: str) -> Any:
    """Changes when a table is rewritten (copy-and-move or a PostgreSQL table rewrite)."""
    if run.runtime.engine.dialect.name == "postgresql":
        return run.sql("SELECT pg_relation_filenode(:t)", t=table)[0][0]
    return run.sql("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = :t", t=table)[0][0]


@pytest.fixture
def company(run: Services) -> Services:
    run.entity("company", [field("name")])
    return run


def test_each_scalar_field_is_a_typed_column(company: Services) -> None:
    company.entity(
        "deal",
        [
            field("name"),
            field("amount", "currency", options={"currency": "EUR", "scale": 2}),
            field("seats", "integer"),
            field("won", "boolean"),
            field("close_date", "date"),
            field("closed_at", "datetime"),
            field("tags", "tags"),
            field("company", "relation", options={"target": "company"}),
            field("due_in", "formula", options={"expression": 1}),
        ],
    )

    cols = columns(company.runtime, "e_deal")

    assert set(cols) == SYSTEM | {
        "name",
        "amount",
        "seats",
        "won",
        "close_date",
        "closed_at",
        "tags",
        "company",
        "due_in",
    }
    expected = {
        "name": Text,
        "seats": BigInteger,
        "won": Boolean,
        "close_date": Date,
        "closed_at": DateTime,
        "tags": JSON,
        "company": BigInteger,
    }
    for name, type_ in expected.items():
        assert isinstance(cols[name]["type"], type_), (name, cols[name]["type"])
    assert isinstance(cols["amount"]["type"], Numeric)
    assert (cols["amount"]["type"].precision, cols["amount"]["type"].scale) == (20, 2)
    assert all(c["nullable"] for n, c in cols.items() if n not in SYSTEM)


def test_relations_are_foreign_keys_and_link_tables(company: Services) -> None:
    company.entity(
        "deal",
        [
            field("company", "relation", options={"target": "company"}),
            field("partners", "relation", options={"target": "company", "many": True}),
        ],
    )

    with company.runtime.engine.connect() as conn:
        fks = inspect(conn).get_foreign_keys("e_deal")
        link_fks = inspect(conn).get_foreign_keys("l_deal__partners")
    assert [(fk["constrained_columns"], fk["referred_table"]) for fk in fks] == [(["company"], "e_company")]
    assert {(tuple(fk["constrained_columns"]), fk["referred_table"]) for fk in link_fks} == {
        (("source_id",), "e_deal"),
        (("target_id",), "e_company"),
    }
    assert "partners" not in columns(company.runtime, "e_deal")


def test_sub_table_rows_live_in_a_child_table(run: Services) -> None:
    lines = field("lines", "sub_table", options={"fields": [field("qty", "integer"), field("sku")]})
    run.entity("quote", [field("name"), lines])

    assert {"id", "parent_id", "position", "qty", "sku"} == set(columns(run.runtime, "e_quote__lines"))
    run(
        entities.update_field,
        "quote",
        "lines",
        {
            "options": {
                "fields": [
                    field("qty", "integer"),
                    field("sku"),
                    field("price", "decimal"),
                ]
            }
        },
    )
    assert "price" in columns(run.runtime, "e_quote__lines")


def test_adding_fields_never_rewrites_the_table(company: Services) -> None:
    company.entity("deal", [field("name")])
    record = company.create("deal", {"name": "Acme"})
    identity = storage_identity(company, "e_deal")

    for new in [
        field("amount", "decimal"),
        field("company", "relation", options={"target": "company"}),
        field("stage", "select", options={"choices": [{"value": "new"}]}, indexed=True),
        field("code", unique=True),
    ]:
        company(entities.add_field, "deal", new)

    assert storage_identity(company, "e_deal") == identity
    assert company.get("deal", record["id"])["name"] == "Acme"


def test_ddl_rolls_back_with_the_definition(company: Services) -> None:
    company.entity("deal", [field("name")])

    with pytest.raises(RuntimeError), company.runtime.transaction(company.actor) as tx:
        entities.add_field(tx, "deal", field("amount", "decimal"))
        entities.add_field(tx, "deal", field("partners", "relation", options={"target": "company", "many": True}))
        entities.create_entity(tx, {"key": "quote", "label": label("Quote"), "fields": [field("name")]})
        # Inside the transaction the DDL is already visible...
        assert "amount" in {c["name"] for c in inspect(tx.conn).get_columns("e_deal")}
        raise RuntimeError("abort")

    # ...and after the rollback none of it exists.
    assert "amount" not in columns(company.runtime, "e_deal")
    assert not has_table(company.runtime, "l_deal__partners")
    assert not has_table(company.runtime, "e_quote")


def test_rolled_back_purge_keeps_column_and_data(company: Services) -> None:
    company.entity("deal", [field("name"), field("company", "relation", options={"target": "company"})])
    acme = company.create("company", {"name": "Acme"})
    record = company.create("deal", {"name": "Big", "company": acme["id"]})
    company(entities.remove_field, "deal", "company")

    with pytest.raises(RuntimeError), company.runtime.transaction(company.actor) as tx:
        entities.purge_field(tx, "deal", "company")
        raise RuntimeError("abort")

    company(entities.restore_field, "deal", "company")
    assert company.get("deal", record["id"])["company"] == acme["id"]


def test_table_names_are_readable_and_stable(run: Services) -> None:
    run.entity("support_ticket", [field("subject")])
    run(entities.update_field, "support_ticket", "subject", {"label": label("Title")})

    assert has_table(run.runtime, "e_support_ticket")
    assert "subject" in columns(run.runtime, "e_support_ticket")
    row = run.sql("SELECT subject FROM e_support_ticket")
    assert row == []
    run.create("support_ticket", {"subject": "Printer on fire"})
    assert run.sql("SELECT subject FROM e_support_ticket") == [("Printer on fire",)]


def test_long_keys_fit_database_identifier_limits(run: Services) -> None:
    key = "a" + "b" * 62
    run.entity(key, [field(key, "sub_table", options={"fields": [field("qty", "integer")]})])

    record = run.create(key, {key: [{"qty": 1}]})

    assert run.get(key, record["id"])[key][0]["qty"] == 1


def test_system_columns_are_filled_on_write(run: Services) -> None:
    run.entity("deal", [field("name")])
    record = run.create("deal", {"name": "Acme"})

    (row,) = run.sql("SELECT created_by, updated_by, owner_id, version, deleted_at FROM e_deal")

    assert tuple(row) == (run.actor.id, run.actor.id, run.actor.id, 1, None)
    assert record["_created_at"] == record["_updated_at"]
