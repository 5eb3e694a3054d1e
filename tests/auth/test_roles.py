"""Role definitions: validation, inheritance, fixed built-ins, soft delete, audit and revisions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from factories import Services, error_fields, label
from loomworks.auth import admin as user_admin
from loomworks.auth import casbin_rules, roles
from loomworks.auth.models import audit_log
from loomworks.auth.permissions import RECORD_ACTIONS
from loomworks.core.context import Actor
from loomworks.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from loomworks.meta import store

OWN = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}
REP_GRANT = {
    "entity": "deal",
    "actions": ["read", "create", "update"],
    "scope": OWN,
    "hidden_fields": ["margin"],
    "readonly_fields": ["stage"],
}


def rep(make_role: Any, **extra: Any) -> dict[str, Any]:
    return {**make_role("sales_rep", REP_GRANT), **extra}


def audit_actions(run: Services) -> list[tuple[str, str]]:
    rows = run.sql(select(audit_log.c.action, audit_log.c.target).order_by(audit_log.c.id))
    return [(r.action, r.target) for r in rows if r.action.startswith("role.")]


# --- creating and reading --------------------------------------------------------------------


def test_a_role_is_stored_with_its_casbin_rows_revision_and_audit_entry(crm: Services, make_role: Any) -> None:
    created = crm(roles.create_role, rep(make_role, inherits=["member"]))

    assert created["version"] == 1 and created["grants"] == [REP_GRANT] and created["inherits"] == ["member"]
    rules = crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep"))
    assert rules == [
        ("p", "sales_rep", "deal", "read"),
        ("p", "sales_rep", "deal", "create"),
        ("p", "sales_rep", "deal", "update"),
        ("g", "sales_rep", "member"),
    ]
    revisions = crm(lambda tx: store.list_revisions(tx.conn, "role", "sales_rep"))
    assert [r["action"] for r in revisions] == ["create"] and revisions[0]["author_id"] == crm.actor.id
    assert audit_actions(crm) == [("role.create", "role:sales_rep")]


def test_defaults_are_left_out_of_the_stored_document(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, make_role("viewer", {"entity": "deal", "actions": ["read"], "hidden_fields": []}))

    stored = crm(lambda tx: store.get_definition(tx.conn, "role", "viewer"))
    assert stored is not None and stored.effective == {
        "key": "viewer",
        "label": label("Viewer"),
        "grants": [{"entity": "deal", "actions": ["read"]}],
    }
    assert crm(roles.get_role, "viewer")["inherits"] == []  # but answers carry every property


def test_built_in_roles_are_listed_first_then_defined_ones(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, make_role("auditor"))

    listed = crm(roles.list_roles)
    assert [(r["key"], r["builtin"], r["fixed"]) for r in listed] == [
        ("admin", True, True),
        ("builder", True, True),
        ("member", True, False),
        ("auditor", False, False),
    ]
    assert crm(roles.get_role, "admin")["label"]["zh-CN"] == "管理员"
    with pytest.raises(NotFound):
        crm(roles.get_role, "nobody")


BAD_ROLES = [
    pytest.param({"key": "Sales"}, "key", id="key-pattern"),
    pytest.param({"label": {}}, "label", id="empty-label"),
    pytest.param({"colour": "red"}, "colour", id="unknown-property"),
    pytest.param({"grants": [{"entity": "deal", "actions": ["fly"]}]}, "grants.0.actions.0", id="unknown-action"),
    pytest.param({"grants": [{"entity": "deal", "actions": []}]}, "grants.0.actions", id="no-actions"),
    pytest.param({"grants": [{"entity": "deal"}]}, "grants.0.actions", id="missing-actions"),
    pytest.param({"grants": [{"entity": "ghost", "actions": ["read"]}]}, "grants.0.entity", id="unknown-entity"),
    pytest.param(
        {"grants": [{"entity": "deal", "actions": ["read"], "hidden_fields": ["nope"]}]},
        "grants.0.hidden_fields",
        id="unknown-hidden-field",
    ),
    pytest.param(
        {"grants": [{"entity": "deal", "actions": ["read"], "readonly_fields": ["industry"]}]},
        "grants.0.readonly_fields",
        id="readonly-field-of-another-entity",
    ),
    pytest.param({"inherits": ["ghost"]}, "inherits.0", id="unknown-inherited-role"),
    pytest.param({"inherits": ["sales_rep"]}, "inherits.0", id="inherits-itself"),
    pytest.param({"inherits": ["member", "member"]}, "inherits", id="duplicate-inherited-role"),
]


@pytest.mark.parametrize("change, path", BAD_ROLES)
def test_an_invalid_role_names_the_offending_path(
    crm: Services, make_role: Any, change: dict[str, Any], path: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        crm(roles.create_role, {**rep(make_role), **change})
    assert path in error_fields(caught.value)
    assert crm(lambda tx: store.get_definition(tx.conn, "role", "sales_rep")) is None


def scoped(scope: Any) -> dict[str, Any]:
    return {"grants": [{"entity": "deal", "actions": ["read"], "scope": scope}]}


GOOD_SCOPES = [
    pytest.param(OWN, id="own-records"),
    pytest.param({"==": [{"var": "company"}, {"var": "$user.link.company"}]}, id="portal-link"),
    pytest.param({"==": [{"var": "company.industry"}, "retail"]}, id="one-relation-hop"),
    pytest.param({"<": [{"var": "_created_at"}, {"var": "$now"}]}, id="now-and-system-field"),
    pytest.param({"or": [{"==": [{"var": "stage"}, "won"]}, {"in": ["boss", {"var": "$user.roles"}]}]}, id="roles"),
    pytest.param({"!!": [{"var": ["margin", 0]}]}, id="var-with-default"),
]


@pytest.mark.parametrize("scope", GOOD_SCOPES)
def test_scopes_over_fields_relations_and_the_user_are_accepted(crm: Services, make_role: Any, scope: Any) -> None:
    assert crm(roles.create_role, {**make_role("scoped"), **scoped(scope)})["grants"][0]["scope"] == scope


BAD_SCOPES = [
    pytest.param({"frobnicate": [1]}, "unknown operator", id="unknown-operator"),
    pytest.param({"==": [{"var": "nope"}, 1]}, "not a field", id="unknown-field"),
    pytest.param({"==": [{"var": "lines"}, 1]}, "not a field", id="field-without-column"),
    pytest.param({"==": [{"var": "company.nope"}, 1]}, "not a field of company", id="unknown-hop-field"),
    pytest.param({"==": [{"var": "name.first"}, 1]}, "not a single relation", id="hop-through-text"),
    pytest.param({"==": [{"var": "company.name.x"}, 1]}, "not a field of company", id="two-hops"),
    pytest.param({"==": [{"var": "$user.password"}, 1]}, "unknown variable", id="unknown-user-variable"),
    pytest.param({"==": [{"var": "$user.link.ghost"}, 1]}, "unknown variable", id="link-to-unknown-entity"),
    pytest.param({"==": [{"var": "$old.stage"}, 1]}, "unknown variable", id="dollar-variable"),
    pytest.param({"==": [{"var": {"cat": ["na", "me"]}}, 1]}, "literally", id="computed-variable-name"),
    pytest.param({"==": [{"var": ""}, 1]}, "literally", id="whole-record"),
    pytest.param({"and": [{"a": 1, "b": 2}]}, "exactly one operator", id="two-operators"),
    pytest.param({">": [{"+": [{"var": "amount"}, 1]}, 5]}, "cannot be used in a filter", id="sql-refuses"),
]


@pytest.mark.parametrize("scope, message", BAD_SCOPES)
def test_a_scope_enforcement_could_not_apply_is_refused(
    crm: Services, make_role: Any, scope: Any, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        crm(roles.create_role, {**make_role("scoped"), **scoped(scope)})
    details = [d for d in caught.value.details if d.field == "grants.0.scope"]
    assert details and message in details[0].message, caught.value.details


def test_every_problem_is_reported_at_once(crm: Services, make_role: Any) -> None:
    doc = make_role(
        "messy",
        {"entity": "ghost", "actions": ["read"]},
        {"entity": "deal", "actions": ["read"], "hidden_fields": ["x"], "scope": {"==": [{"var": "y"}, 1]}},
        inherits=["nobody"],
    )
    with pytest.raises(ValidationFailed) as caught:
        crm(roles.create_role, doc)
    assert error_fields(caught.value) == {"inherits.0", "grants.0.entity", "grants.1.hidden_fields", "grants.1.scope"}


def test_the_meta_schema_lists_exactly_the_record_actions() -> None:
    path = Path(roles.__file__).parent.parent / "meta" / "schemas" / "role.json"
    assert tuple(json.loads(path.read_text())["$defs"]["action"]["enum"]) == RECORD_ACTIONS


# --- inheritance -----------------------------------------------------------------------------


def test_inheritance_cycles_are_refused_with_the_cycle_named(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, make_role("a"))
    crm(roles.create_role, make_role("b", inherits=["a"]))
    crm(roles.create_role, make_role("c", inherits=["b", "member"]))

    with pytest.raises(ValidationFailed) as caught:
        crm(roles.patch_role, "a", {"inherits": ["member", "c"]})
    assert [(d.field, d.message) for d in caught.value.details] == [
        ("inherits.1", "inheriting 'c' makes a cycle: a → c → b → a")
    ]
    with pytest.raises(ValidationFailed):
        crm(roles.replace_role, "b", make_role("b", inherits=["c"]))
    assert crm(roles.get_role, "a")["inherits"] == []


def test_member_may_be_defined_and_inherit_but_not_through_a_cycle(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, make_role("staff"))
    member = crm(roles.replace_role, "member", make_role("member", {"entity": "company", "actions": ["read"]}))
    assert member["version"] == 1 and member["builtin"] and not member["fixed"]
    crm(roles.patch_role, "member", {"inherits": ["staff"]})
    with pytest.raises(ValidationFailed):
        crm(roles.patch_role, "staff", {"inherits": ["member"]})


@pytest.mark.parametrize("key", ["admin", "builder"])
def test_admin_and_builder_cannot_be_defined_or_deleted(crm: Services, make_role: Any, key: str) -> None:
    for call, args in [
        (roles.create_role, (make_role(key),)),
        (roles.replace_role, (key, make_role(key))),
        (roles.patch_role, (key, {"label": label("Boss")})),
        (roles.delete_role, (key,)),
    ]:
        with pytest.raises(Conflict):
            crm(call, *args)


# --- changing --------------------------------------------------------------------------------


def test_put_replaces_patch_merges_and_both_rewrite_casbin(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, rep(make_role))
    replaced = crm(roles.replace_role, "sales_rep", make_role("sales_rep", {"entity": "company", "actions": ["read"]}))
    assert replaced["version"] == 2 and replaced["grants"] == [{"entity": "company", "actions": ["read"]}]
    crm(roles.patch_role, "sales_rep", {"inherits": ["member"], "description": label("Sells")})
    patched = crm(roles.patch_role, "sales_rep", {"description": None})

    assert "description" not in patched and patched["inherits"] == ["member"] and patched["version"] == 4
    assert crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep")) == [
        ("p", "sales_rep", "company", "read"),
        ("g", "sales_rep", "member"),
    ]
    assert [a for a, _ in audit_actions(crm)] == ["role.create"] + ["role.update"] * 3


def test_changes_check_key_and_version(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, rep(make_role))
    with pytest.raises(ValidationFailed):
        crm(roles.replace_role, "sales_rep", make_role("other"))
    with pytest.raises(Conflict):
        crm(roles.patch_role, "sales_rep", {"version": 7, "label": label("X")})
    assert crm(roles.patch_role, "sales_rep", {"version": 1, "label": label("X")})["version"] == 2
    with pytest.raises(Conflict):
        crm(roles.create_role, rep(make_role))
    with pytest.raises(NotFound):
        crm(roles.replace_role, "ghost", make_role("ghost"))
    with pytest.raises(BadRequest):
        crm(roles.patch_role, "sales_rep", ["not", "an", "object"])


def test_a_failed_change_leaves_definition_and_casbin_as_they_were(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, rep(make_role))
    before = crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep"))

    def change_then_fail(tx: Any) -> None:
        roles.patch_role(tx, "sales_rep", {"grants": [{"entity": "company", "actions": ["read"]}]})
        raise RuntimeError("a later step of the same request fails")

    with pytest.raises(RuntimeError):
        crm(change_then_fail)
    assert crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep")) == before
    assert crm(roles.get_role, "sales_rep")["version"] == 1


# --- deleting --------------------------------------------------------------------------------


def test_a_role_in_use_cannot_be_deleted(crm: Services, make_role: Any, admin: Actor) -> None:
    crm(roles.create_role, rep(make_role))
    crm(roles.create_role, make_role("sales_manager", inherits=["sales_rep"]))
    user = crm(lambda tx: user_admin.create_user(tx.conn, admin, {"email": "r@example.com", "roles": ["sales_rep"]}))

    with pytest.raises(Conflict) as caught:
        crm(roles.delete_role, "sales_rep")
    assert {d.field for d in caught.value.details} == {"users", "inherits"}
    assert str(user["id"]) in str(caught.value)

    crm(lambda tx: user_admin.update_user(tx.conn, admin, user["id"], {"roles": ["member"]}))
    crm(roles.patch_role, "sales_manager", {"inherits": None})
    deleted = crm(roles.delete_role, "sales_rep")
    assert deleted["deleted"] and crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep")) == []
    assert [r["key"] for r in crm(roles.list_roles)] == ["admin", "builder", "member", "sales_manager"]
    assert crm(roles.get_role, "sales_rep", include_deleted=True)["deleted"]
    with pytest.raises(NotFound):
        crm(roles.get_role, "sales_rep")
    assert ("role.delete", "role:sales_rep") in audit_actions(crm)


def test_a_deleted_role_is_restored_with_its_rules_and_revalidated(crm: Services, make_role: Any) -> None:
    crm(roles.create_role, make_role("base"))
    crm(roles.create_role, rep(make_role, inherits=["base"]))
    crm(roles.delete_role, "sales_rep")
    with pytest.raises(Conflict) as caught:
        crm(roles.create_role, rep(make_role))
    assert "restore" in caught.value.message

    restored = crm(roles.restore_role, "sales_rep")
    assert not restored["deleted"] and restored["grants"] == [REP_GRANT]
    assert ("g", "sales_rep", "base") in crm(lambda tx: casbin_rules.rules_of(tx.conn, "sales_rep"))
    with pytest.raises(Conflict):
        crm(roles.restore_role, "sales_rep")

    crm(roles.delete_role, "sales_rep")
    crm(roles.delete_role, "base")
    with pytest.raises(ValidationFailed) as invalid:
        crm(roles.restore_role, "sales_rep")
    assert error_fields(invalid.value) == {"inherits.0"}


def test_deleting_the_member_definition_keeps_the_role(crm: Services, make_role: Any, member: Actor) -> None:
    crm(roles.replace_role, "member", make_role("member", {"entity": "deal", "actions": ["read"]}))
    crm(roles.delete_role, "member")

    assert crm(lambda tx: casbin_rules.rules_of(tx.conn, "member")) == []
    assert crm(roles.get_role, "member")["version"] == 0  # back to the built-in, without grants
    redefined = crm(roles.patch_role, "member", {"grants": [{"entity": "company", "actions": ["read"]}]})
    assert redefined["grants"] == [{"entity": "company", "actions": ["read"]}] and not redefined["deleted"]


# --- who may -------------------------------------------------------------------------------


def test_only_admins_change_roles_and_builders_may_read_them(
    crm: Services, make_role: Any, member: Actor, builder: Actor
) -> None:
    crm(roles.create_role, rep(make_role))
    for actor in (member, builder):
        for call, args in [
            (roles.create_role, (make_role("x"),)),
            (roles.replace_role, ("sales_rep", rep(make_role))),
            (roles.patch_role, ("sales_rep", {"label": label("X")})),
            (roles.delete_role, ("sales_rep",)),
            (roles.restore_role, ("sales_rep",)),
        ]:
            with pytest.raises(Forbidden):
                crm.as_(actor)(call, *args)
    assert [r["key"] for r in crm.as_(builder)(roles.list_roles)][-1] == "sales_rep"
    with pytest.raises(Forbidden):
        crm.as_(member)(roles.list_roles)
    with pytest.raises(Forbidden):
        crm.as_(member)(roles.get_role, "sales_rep")
