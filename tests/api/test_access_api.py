"""Row scopes and field rules on every record path, from an attacker's point of view.

Two sales reps share a role that lets each see and change only their own deals, with
``margin`` and ``secret`` hidden and ``stage`` read-only; a manager role sees every deal
including margins; a portal customer sees only their own company's deals. Every probe
below is something a curious or hostile user would try.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from api_client import Api
from loomworks.auth import users
from loomworks.runtime import Runtime


def L(en: str) -> dict[str, str]:
    return {"en": en}


ENTITIES = [
    {
        "key": "company",
        "label": L("Company"),
        "title_field": "name",
        "fields": [{"key": "name", "type": "text", "label": L("Name")}],
    },
    {
        "key": "deal",
        "label": L("Deal"),
        "title_field": "name",
        "fields": [
            {"key": "name", "type": "text", "label": L("Name")},
            {"key": "amount", "type": "currency", "label": L("Amount")},
            {"key": "margin", "type": "decimal", "label": L("Margin")},
            {"key": "secret", "type": "text", "label": L("Secret")},
            {
                "key": "stage",
                "type": "select",
                "label": L("Stage"),
                "options": {"choices": [{"value": "new", "label": L("New")}, {"value": "won", "label": L("Won")}]},
            },
            {"key": "company", "type": "relation", "label": L("Company"), "options": {"target": "company"}},
        ],
    },
]
OWN = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}
ROLES = [
    {
        "key": "sales_rep",
        "label": L("Sales rep"),
        "grants": [
            {
                "entity": "deal",
                "actions": ["read", "create", "update", "delete"],
                "scope": OWN,
                "hidden_fields": ["margin", "secret"],
                "readonly_fields": ["stage"],
            },
            {"entity": "company", "actions": ["read"]},
        ],
    },
    {
        "key": "sales_manager",
        "label": L("Sales manager"),
        "grants": [{"entity": "deal", "actions": ["read", "update"]}, {"entity": "company", "actions": ["read"]}],
    },
    {
        "key": "customer",
        "label": L("Customer"),
        "grants": [
            {
                "entity": "deal",
                "actions": ["read"],
                "scope": {"==": [{"var": "company"}, {"var": "$user.link.company"}]},
                "hidden_fields": ["margin", "secret"],
            }
        ],
    },
]


class World:
    def __init__(self, app: Flask, runtime: Runtime, api: Api) -> None:
        self.app, self.runtime, self.admin = app, runtime, api
        for entity in ENTITIES:
            assert api.post("/api/meta/entities", entity)[0] == 201
        for role in ROLES:
            status, body = api.post("/api/meta/roles", role)
            assert status == 201, body
        self.acme = api.post("/api/records/company", {"name": "Acme"})[1]
        self.globex = api.post("/api/records/company", {"name": "Globex"})[1]
        self.rep1, self.rep1_id = self.user("rep1@example.com", ["sales_rep"])
        self.rep2, _ = self.user("rep2@example.com", ["sales_rep"])
        self.manager, _ = self.user("boss@example.com", ["sales_manager"])
        self.member, _ = self.user("plain@example.com", ["member"])
        self.customer, _ = self.user(
            "buyer@example.com", ["customer"], link={"entity": "company", "id": self.acme["id"]}
        )
        status, self.deal = self.rep1.post(
            "/api/records/deal", {"name": "Rep1 deal", "amount": 100, "company": self.acme["id"]}
        )
        assert status == 201, self.deal
        # Admin fills in the hidden fields and another company's deal.
        api.patch(f"/api/records/deal/{self.deal['id']}", {"margin": 0.35, "secret": "zebra-42", "stage": "new"})
        self.other = api.post(
            "/api/records/deal",
            {"name": "Globex deal", "company": self.globex["id"], "margin": 0.5, "secret": "lion-7"},
        )[1]

    def user(self, email: str, roles: list[str], link: dict[str, Any] | None = None) -> tuple[Api, int]:
        body: dict[str, Any] = {"email": email, "password": "password-123", "roles": roles}
        if link:
            body["link"] = link
        status, created = self.admin.post("/api/users", body)
        assert status == 201, created
        with self.runtime.engine.begin() as conn:
            token = users.create_token(conn, created["id"], "t")["token"]
        return Api(self.app.test_client(), {"Authorization": f"Bearer {token}"}), created["id"]


@pytest.fixture
def world(app: Flask, runtime: Runtime, api: Api) -> World:
    return World(app, runtime, api)


def _where(rule: Any) -> str:
    return quote(json.dumps(rule))


def test_another_users_record_by_id_is_not_found_on_every_path(world: World) -> None:
    path = f"/api/records/deal/{world.deal['id']}"
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"name": "mine now"}),
        ("DELETE", "", None),
        ("GET", "/history", None),
        ("POST", "/restore", None),
    ]:
        status, payload = world.rep2.call(method, path + suffix, body)
        assert status == 404, (method, suffix, payload)
    assert world.admin.get(path)[1]["name"] == "Rep1 deal"


def test_lists_search_and_totals_only_cover_own_rows(world: World) -> None:
    status, page = world.rep1.get("/api/records/deal")
    assert status == 200 and [d["id"] for d in page["items"]] == [world.deal["id"]] and page["total"] == 1
    assert world.rep2.get("/api/records/deal")[1]["total"] == 0
    assert world.manager.get("/api/records/deal")[1]["total"] == 2
    status, agg = world.rep2.get("/api/records/deal/aggregate?metrics=count,sum:amount")
    assert agg["groups"][0]["count"] == 0


def test_hidden_fields_never_leave_the_server(world: World) -> None:
    record = world.rep1.get(f"/api/records/deal/{world.deal['id']}")[1]
    assert "margin" not in record and "secret" not in record and record["amount"] == 100
    assert "margin" not in world.rep1.get("/api/records/deal")[1]["items"][0]
    history = world.rep1.get(f"/api/records/deal/{world.deal['id']}/history")[1]["items"]
    assert "zebra-42" not in json.dumps(history) and "0.35" not in json.dumps(history)
    assert world.manager.get(f"/api/records/deal/{world.deal['id']}")[1]["margin"] == 0.35


@pytest.mark.parametrize(
    "probe",
    [
        f"where={_where({'>': [{'var': 'margin'}, 0.3]})}",
        f"where={_where({'in': ['zebra', {'var': 'secret'}]})}",
        "sort=-margin",
        "fields=name,margin",
    ],
)
def test_probing_hidden_fields_is_refused_like_unknown_fields(world: World, probe: str) -> None:
    status, body = world.rep1.get(f"/api/records/deal?{probe}")
    unknown = probe.replace("margin", "nosuch").replace("secret", "nosuch")
    status_unknown, body_unknown = world.rep1.get(f"/api/records/deal?{unknown}")
    assert status == status_unknown == 400
    assert (
        body["error"]["message"].replace("margin", "nosuch").replace("secret", "nosuch")
        == body_unknown["error"]["message"]
    )


def test_search_and_aggregates_do_not_reach_hidden_fields(world: World) -> None:
    assert world.rep1.get("/api/records/deal?q=zebra")[1]["total"] == 0
    assert world.manager.get("/api/records/deal?q=zebra")[1]["total"] == 1  # visible to the manager
    for query in ["group_by=margin", "metrics=sum:margin", "metrics=max:margin", "group_by=secret"]:
        status, _ = world.rep1.get(f"/api/records/deal/aggregate?{query}")
        assert status == 400, query


def test_read_only_fields_are_a_403_naming_the_field(world: World) -> None:
    status, body = world.rep1.patch(f"/api/records/deal/{world.deal['id']}", {"stage": "won"})
    assert status == 403 and [d["field"] for d in body["error"]["details"]] == ["stage"]
    status, body = world.rep1.patch(f"/api/records/deal/{world.deal['id']}", {"name": "renamed"})
    assert status == 200 and body["name"] == "renamed"
    status, body = world.rep1.post("/api/records/deal", {"name": "x", "stage": "won"})
    assert status == 403 and body["error"]["details"][0]["field"] == "stage"


def test_writing_a_hidden_field_looks_like_an_unknown_field(world: World) -> None:
    status, body = world.rep1.patch(f"/api/records/deal/{world.deal['id']}", {"margin": 0.9})
    assert status == 422 and body["error"]["details"] == [{"field": "margin", "message": "unknown field"}]
    assert world.admin.get(f"/api/records/deal/{world.deal['id']}")[1]["margin"] == 0.35


def test_a_record_cannot_be_moved_or_created_outside_ones_scope(world: World) -> None:
    status, _ = world.rep1.patch(f"/api/records/deal/{world.deal['id']}", {"_owner": world.rep1_id + 1000})
    assert status in (403, 422)
    status, body = world.rep1.post("/api/records/deal", {"name": "for someone else", "_owner": world.rep1_id + 1})
    assert status in (403, 422), body
    assert world.admin.get("/api/records/deal")[1]["total"] == 2


def test_users_without_a_grant_get_nothing(world: World) -> None:
    for method, path in [
        ("GET", "/api/records/deal"),
        ("GET", f"/api/records/deal/{world.deal['id']}"),
        ("POST", "/api/records/deal"),
        ("GET", "/api/records/deal/aggregate"),
    ]:
        status, _ = world.member.call(method, path, {"name": "x"} if method == "POST" else None)
        assert status == 403, (method, path)
    assert world.manager.post("/api/records/deal", {"name": "no create grant"})[0] == 403
    assert world.manager.delete(f"/api/records/deal/{world.deal['id']}")[0] == 403


def test_portal_customers_see_only_their_company(world: World) -> None:
    status, page = world.customer.get("/api/records/deal")
    assert status == 200 and [d["name"] for d in page["items"]] == ["Rep1 deal"]
    assert world.customer.get(f"/api/records/deal/{world.other['id']}")[0] == 404
    assert world.customer.patch(f"/api/records/deal/{world.deal['id']}", {"name": "x"})[0] == 403


def test_relation_titles_and_hops_respect_the_target_scope(world: World) -> None:
    # The customer may not read companies at all: the id stays, the title does not leak.
    deal = world.customer.get(f"/api/records/deal/{world.deal['id']}")[1]
    assert deal["company"] == world.acme["id"] and deal.get("_refs", {}).get("company", {}).get("title") is None
    status, _ = world.customer.get(f"/api/records/deal?where={_where({'==': [{'var': 'company.name'}, 'Acme']})}")
    assert status == 400
    assert world.rep1.get(f"/api/records/deal/{world.deal['id']}")[1]["_refs"]["company"]["title"] == "Acme"


def test_definitions_are_changed_only_by_admins_and_builders(world: World) -> None:
    field = {"key": "extra", "type": "text", "label": L("Extra")}
    assert world.rep1.post("/api/meta/entities/deal/fields", field)[0] == 403
    assert world.rep1.get("/api/meta/revisions")[0] == 403
    builder, _ = world.user("builder@example.com", ["builder"])
    assert builder.post("/api/meta/entities/deal/fields", field)[0] == 201
    assert builder.delete("/api/meta/entities/deal?purge=true")[0] == 403


def test_a_field_a_role_scope_reads_cannot_be_removed_from_under_it(world: World) -> None:
    status, body = world.admin.delete("/api/meta/entities/deal/fields/company")
    assert status == 409 and "role customer" in body["error"]["details"][0]["field"]
    assert world.customer.get("/api/records/deal")[0] == 200  # the portal keeps working
    assert world.admin.delete("/api/meta/entities/deal/fields/secret")[0] == 200


def test_explain_says_which_scope_covers_a_record(world: World) -> None:
    deal = world.deal["id"]
    status, answer = world.admin.get(f"/api/auth/explain?user={world.rep1_id}&entity=deal&action=update&id={deal}")
    assert status == 200 and answer["allowed"] is True and answer["record"]["covered_by"] == ["sales_rep"]
    other = world.other["id"]
    status, answer = world.admin.get(f"/api/auth/explain?user={world.rep1_id}&entity=deal&action=update&id={other}")
    assert answer["allowed"] is False and "outside every scope" in answer["reason"]
    assert world.rep1.get(f"/api/auth/explain?entity=deal&action=read&id={deal}")[0] == 403


def test_a_formula_over_a_hidden_field_is_hidden_too(world: World) -> None:
    formula = {
        "key": "margin_value",
        "type": "formula",
        "label": L("Margin value"),
        "options": {"expression": {"*": [{"var": "amount"}, {"var": "margin"}]}},
    }
    assert world.admin.post("/api/meta/entities/deal/fields", formula)[0] == 201
    assert world.admin.get(f"/api/records/deal/{world.deal['id']}")[1]["margin_value"] == 35
    record = world.rep1.get(f"/api/records/deal/{world.deal['id']}")[1]
    assert "margin_value" not in record and "margin" not in record
    status, _ = world.rep1.get(f"/api/records/deal?where={_where({'>': [{'var': 'margin_value'}, 10]})}")
    assert status == 400


def test_formulas_cannot_read_hidden_fields_by_any_path(world: World) -> None:
    expressions = {
        "f_val": {"val": ["secret"]},
        "f_default": {"var": ["company.nothing", {"var": "secret"}]},
        "f_root": {"var": ""},
        "f_missing": {"missing": ["margin"]},
    }
    for key, expression in expressions.items():
        body = {
            "key": key,
            "type": "formula",
            "label": L(key),
            "options": {"expression": expression, "result_type": "text"},
        }
        status, answer = world.admin.post("/api/meta/entities/deal/fields", body)
        assert status == 201, (key, answer)
    record = world.rep1.get(f"/api/records/deal/{world.deal['id']}")[1]
    assert not set(expressions) & set(record)
    assert world.rep1.get(f"/api/records/deal?where={_where({'==': [{'var': 'f_val'}, 'zebra-42']})}")[0] == 400
    definition = world.rep1.get("/api/meta/entities/deal")[1]
    assert not set(expressions) & {f["key"] for f in definition["fields"]}


def test_rollups_do_not_reveal_rows_or_fields_outside_ones_grants(world: World) -> None:
    for field in (
        {
            "key": "deal_count",
            "type": "rollup",
            "label": L("Deals"),
            "options": {"entity": "deal", "via": "company", "aggregate": "count"},
        },
        {
            "key": "margin_sum",
            "type": "rollup",
            "label": L("Margins"),
            "options": {"entity": "deal", "via": "company", "aggregate": "sum", "field": "margin"},
        },
    ):
        assert world.admin.post("/api/meta/entities/company/fields", field)[0] == 201
    seen_by_rep = world.rep2.get(f"/api/records/company/{world.globex['id']}")[1]
    assert "deal_count" not in seen_by_rep and "margin_sum" not in seen_by_rep  # reps read own deals only
    seen_by_manager = world.manager.get(f"/api/records/company/{world.globex['id']}")[1]
    assert seen_by_manager["deal_count"] == 1 and seen_by_manager["margin_sum"] == 0.5


def test_a_grant_may_disclose_a_summary_without_the_rows(world: World) -> None:
    """A customer sees the project's progress, not the tasks: the builder discloses the rollup by name."""
    count = {"entity": "deal", "via": "company", "aggregate": "count"}
    margins = {"entity": "deal", "via": "company", "aggregate": "sum", "field": "margin"}
    for field in (
        {"key": "deal_count", "type": "rollup", "label": L("Deals"), "options": count},
        {"key": "margin_sum", "type": "rollup", "label": L("Margins"), "options": margins},
    ):
        assert world.admin.post("/api/meta/entities/company/fields", field)[0] == 201
    role = {
        "key": "account_viewer",
        "label": L("Account viewer"),
        "grants": [{"entity": "company", "actions": ["read"], "disclosed_fields": ["deal_count"]}],
    }
    assert world.admin.post("/api/meta/roles", role)[0] == 201
    viewer, _ = world.user("viewer@example.com", ["account_viewer"])

    company = viewer.get(f"/api/records/company/{world.globex['id']}")[1]
    assert company["deal_count"] == 1 and "margin_sum" not in company
    assert viewer.get("/api/records/deal")[0] == 403  # the rows stay out of reach
    assert "deal_count" in {f["key"] for f in viewer.get("/api/meta/entities/company")[1]["fields"]}

    for disclosed, hidden, reason in (
        (["name"], [], "only rollups and formulas"),
        (["deal_count"], ["deal_count"], "also in hidden_fields"),
    ):
        bad = {
            **role,
            "key": "bad_viewer",
            "grants": [{**role["grants"][0], "disclosed_fields": disclosed, "hidden_fields": hidden}],
        }
        status, body = world.admin.post("/api/meta/roles", bad)
        assert status == 422, body
        assert [(d["field"], reason in d["message"]) for d in body["error"]["details"]] == [
            ("grants.0.disclosed_fields", True)
        ]


def test_a_portal_user_without_a_link_sees_nothing(world: World) -> None:
    assert world.admin.post("/api/records/deal", {"name": "Orphan deal"})[0] == 201
    unlinked, user_id = world.user("nolink@example.com", ["customer"])
    page = unlinked.get("/api/records/deal")[1]
    assert page["items"] == [] and page["total"] == 0
    assert world.admin.patch(f"/api/users/{user_id}", {"link": {"entity": "deal", "id": 1}})[0] == 200
    assert unlinked.get("/api/records/deal")[1]["total"] == 0


def test_revision_ids_reveal_nothing_to_members(world: World) -> None:
    assert world.member.get("/api/meta/revisions/1")[0] == world.member.get("/api/meta/revisions/999999")[0] == 403
    assert world.member.post("/api/meta/revisions/999999/revert", {})[0] == 403


def test_files_are_readable_only_through_records_one_can_read(world: World) -> None:
    def upload(client: Api) -> str:
        response = client.client.post(
            "/api/files",
            headers=client.headers,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(b"board minutes"), "minutes.txt")},
        )
        assert response.status_code == 201
        return str(response.get_json()["id"])

    field = {"key": "files", "type": "attachment", "label": L("Files")}
    assert world.admin.post("/api/meta/entities/deal/fields", field)[0] == 201
    secret_file, shared_file = upload(world.admin), upload(world.admin)
    world.admin.patch(f"/api/records/deal/{world.deal['id']}", {"files": [shared_file]})
    world.admin.patch(f"/api/records/deal/{world.other['id']}", {"files": [secret_file]})

    def download(client: Api, file_id: str) -> int:
        return client.client.get(f"/api/files/{file_id}", headers=client.headers).status_code

    assert download(world.rep1, shared_file) == 200  # on rep1's own deal
    assert download(world.rep1, secret_file) == 404  # only on a deal rep1 cannot read
    assert download(world.member, shared_file) == 404
    own = upload(world.rep1)
    assert download(world.rep1, own) == 200
    status, body = world.rep1.patch(f"/api/records/deal/{world.deal['id']}", {"files": [shared_file, secret_file]})
    assert status == 422 and body["error"]["details"][0]["field"] == "files"


def test_writes_do_not_reveal_which_unreadable_records_exist(world: World) -> None:
    intake = {
        "key": "intake",
        "label": L("Intake"),
        "grants": [{"entity": "deal", "actions": ["read", "create", "update"], "scope": OWN}],
    }
    assert world.admin.post("/api/meta/roles", intake)[0] == 201
    clerk, _ = world.user("intake@example.com", ["intake"])
    real = clerk.post("/api/records/deal", {"name": "x", "company": world.globex["id"]})
    fake = clerk.post("/api/records/deal", {"name": "y", "company": 99999})
    assert real[0] == fake[0] == 422
    assert real[1]["error"]["details"][0]["message"].replace(str(world.globex["id"]), "N") == fake[1]["error"][
        "details"
    ][0]["message"].replace("99999", "N")
    # A reference the record already has stays editable around it.
    status, deal = world.admin.post(
        "/api/records/deal",
        {"name": "z", "company": world.globex["id"], "_owner": clerk_id(world, "intake@example.com")},
    )
    assert status == 201
    assert clerk.patch(f"/api/records/deal/{deal['id']}", {"name": "renamed", "company": world.globex["id"]})[0] == 200


def clerk_id(world: World, email: str) -> int:
    users_list = world.admin.get("/api/users")[1]["items"]
    return int(next(u["id"] for u in users_list if u["email"] == email))


def test_relation_pickers_offer_only_readable_records(world: World) -> None:
    status, options = world.rep1.get("/api/forms/deal/fields/company/options?q=acm")
    assert status == 200 and options["items"] == [{"id": world.acme["id"], "title": "Acme"}]
    assert len(world.rep1.get("/api/forms/deal/fields/company/options")[1]["items"]) == 2
    assert world.customer.get("/api/forms/deal/fields/company/options")[0] == 404  # may not fill it in
    assert world.rep1.get("/api/forms/deal/fields/name/options")[0] == 404  # not a relation
    scoped = {
        "key": "north",
        "label": L("North"),
        "grants": [
            {"entity": "company", "actions": ["read"], "scope": {"==": [{"var": "name"}, "Globex"]}},
            {"entity": "deal", "actions": ["read", "create"]},
        ],
    }
    assert world.admin.post("/api/meta/roles", scoped)[0] == 201
    north, _ = world.user("north@example.com", ["north"])
    titles = [item["title"] for item in north.get("/api/forms/deal/fields/company/options")[1]["items"]]
    assert titles == ["Globex"]
