"""The policy store: Casbin rows in step with users and roles, permissions, caching, explain."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from factories import Services, label
from loomworks.auth import admin as user_admin
from loomworks.auth import casbin_rules, policy, roles, users
from loomworks.auth.models import casbin_rules as casbin_table
from loomworks.auth.models import users as users_table
from loomworks.auth.permissions import RECORD_ACTIONS, Permissions
from loomworks.config import load_settings
from loomworks.core.context import SYSTEM_ACTOR, Actor
from loomworks.core.db import make_engine
from loomworks.errors import Forbidden, NotFound, ValidationFailed
from loomworks.meta import store
from loomworks.runtime import Runtime

OWN = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}


def grant(entity: str, *actions: str, **rules: Any) -> dict[str, Any]:
    return {"entity": entity, "actions": list(actions), **rules}


def user_rules(run: Services, user_id: int) -> list[tuple[str, ...]]:
    return run(lambda tx: casbin_rules.rules_of(tx.conn, casbin_rules.user_subject(user_id)))


def stored_roles(run: Services, user_id: int) -> list[str]:
    return list(run.sql(select(users_table.c.roles).where(users_table.c.id == user_id))[0][0])


def perms(run: Services, actor: Actor) -> Permissions:
    return run(lambda tx: policy.permissions_for(tx.conn, actor))


def actor(run: Services, user_id: int) -> Actor:
    return run(lambda tx: users.actor_for(users.get_user(tx.conn, user_id)))


def new_user(run: Services, email: str, *roles_: str) -> Actor:
    created = run(lambda tx: user_admin.create_user(tx.conn, run.actor, {"email": email, "roles": list(roles_)}))
    return actor(run, created["id"])


@pytest.fixture
def sales(crm: Services, make_role: Any) -> Services:
    """``sales_rep`` (own deals, margin hidden, stage read-only) inherited by ``sales_manager``."""
    rep = grant("deal", "read", "create", "update", scope=OWN, hidden_fields=["margin"], readonly_fields=["stage"])
    crm(roles.create_role, make_role("sales_rep", rep, grant("company", "read"), inherits=["member"]))
    crm(roles.create_role, make_role("sales_manager", grant("deal", "read", "delete"), inherits=["sales_rep"]))
    return crm


# --- users and Casbin in step ------------------------------------------------------------------


def test_creating_and_changing_a_user_rewrites_their_g_rows(run: Services) -> None:
    created = new_user(run, "u@example.com", "member", "builder")
    subject = casbin_rules.user_subject(created.id or 0)
    assert user_rules(run, created.id or 0) == [("g", subject, "member"), ("g", subject, "builder")]

    generation = run(lambda tx: store.current_generation(tx.conn))
    run(lambda tx: user_admin.update_user(tx.conn, run.actor, created.id, {"roles": ["admin"]}))
    assert user_rules(run, created.id or 0) == [("g", subject, "admin")]
    assert run(lambda tx: store.current_generation(tx.conn)) > generation  # other processes reload

    run(lambda tx: user_admin.update_user(tx.conn, run.actor, created.id, {"name": "Only a name"}))
    assert user_rules(run, created.id or 0) == [("g", subject, "admin")]


def test_user_roles_and_g_rows_roll_back_together(run: Services) -> None:
    created = new_user(run, "u@example.com", "member")

    def change_then_fail(tx: Any) -> None:
        user_admin.update_user(tx.conn, run.actor, created.id, {"roles": ["builder"]})
        raise RuntimeError("something later in the request fails")

    with pytest.raises(RuntimeError):
        run(change_then_fail)
    with pytest.raises(ValidationFailed):
        run(lambda tx: user_admin.update_user(tx.conn, run.actor, created.id, {"roles": ["member", "wizard"]}))
    assert stored_roles(run, created.id or 0) == ["member"]
    assert [r[-1] for r in user_rules(run, created.id or 0)] == ["member"]

    def create_then_fail(tx: Any) -> None:
        users.create_user(tx.conn, "ghost@example.com", None, roles=["builder"])
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        run(create_then_fail)
    assert run.sql("SELECT count(*) FROM lw_casbin_rule WHERE v1 = 'builder'")[0][0] == 0


# --- permissions ---------------------------------------------------------------------------------


def test_permissions_include_inherited_roles_and_their_grants(sales: Services) -> None:
    manager = new_user(sales, "boss@example.com", "sales_manager")
    granted = perms(sales, manager)

    assert granted.roles == {"sales_manager", "sales_rep", "member"} and not granted.is_admin
    by_role = {(g.role, g.entity): g for g in granted.grants}
    assert by_role["sales_manager", "deal"].actions == {"read", "delete"}
    assert by_role["sales_manager", "deal"].unrestricted
    rep_deal = by_role["sales_rep", "deal"]
    assert (rep_deal.scope, rep_deal.hidden_fields, rep_deal.readonly_fields) == (OWN, {"margin"}, {"stage"})
    assert {g.role for g in granted.grants_for("deal", "read")} == {"sales_manager", "sales_rep"}
    assert [g.role for g in granted.grants_for("deal", "delete")] == ["sales_manager"]
    assert granted.grants_for("deal", "export") == () and granted.grants_for("company", "read")


def test_fixed_roles_and_the_system_actor(sales: Services, make_role: Any) -> None:
    assert perms(sales, SYSTEM_ACTOR).is_admin
    builder = new_user(sales, "b@example.com", "builder")
    assert perms(sales, builder).changes_definitions and not perms(sales, builder).is_admin
    assert perms(sales, builder).grants_for("deal", "delete")[0].unrestricted
    sales(roles.create_role, make_role("ops", inherits=["admin"]))
    assert perms(sales, new_user(sales, "ops@example.com", "ops")).is_admin  # admin through inheritance


def test_only_actions_casbin_confirms_are_granted(sales: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    with sales.runtime.engine.begin() as conn:  # a policy row lost behind the service's back
        conn.execute(delete(casbin_table).where(casbin_table.c.v0 == "sales_rep", casbin_table.c.v2 == "update"))
        store.bump_generation(conn)

    deal = next(g for g in perms(sales, rep).grants if g.entity == "deal")
    assert deal.actions == {"read", "create"}


def test_a_user_without_g_rows_falls_back_to_the_roles_on_their_row(sales: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    with sales.runtime.engine.begin() as conn:
        conn.execute(delete(casbin_table).where(casbin_table.c.v0 == casbin_rules.user_subject(rep.id or 0)))
        store.bump_generation(conn)
    assert "sales_rep" in perms(sales, rep).roles


# --- caching -------------------------------------------------------------------------------------


@pytest.fixture
def other_process(runtime: Runtime, db_url: str, tmp_path: Path) -> Iterator[Services]:
    """A second Runtime with its own engine on the same database: another process, as far as
    caches go. Acts as the admin of ``run``."""
    engine = make_engine(db_url)
    env = {"LOOMWORKS_INSTANCE": str(tmp_path / "other"), "LOOMWORKS_SECRET_KEY": "test-secret"}
    try:
        yield Services(Runtime(load_settings(env=env, database_url=db_url), engine), SYSTEM_ACTOR)
    finally:
        engine.dispose()


def test_permissions_are_computed_once_per_generation(sales: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    first = perms(sales, rep)
    assert perms(sales, rep) is first
    sales(roles.patch_role, "sales_rep", {"label": label("Rep")})
    assert perms(sales, rep) is not first and perms(sales, rep) == first


def test_a_role_change_in_another_process_reaches_this_one(sales: Services, other_process: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    assert perms(sales, rep).grants_for("deal", "export") == ()

    other_process(roles.patch_role, "sales_rep", {"grants": [grant("deal", "export")]})
    assert [g.role for g in perms(sales, rep).grants_for("deal", "export")] == ["sales_rep"]
    assert perms(sales, rep).grants_for("deal", "read") == ()


def test_a_user_role_change_in_another_process_reaches_this_one(sales: Services, other_process: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    assert perms(sales, rep).roles == {"sales_rep", "member"}

    other_process(lambda tx: user_admin.update_user(tx.conn, SYSTEM_ACTOR, rep.id, {"roles": ["sales_manager"]}))
    assert perms(sales, actor(sales, rep.id or 0)).roles == {"sales_manager", "sales_rep", "member"}
    assert perms(sales, rep).roles == {"sales_manager", "sales_rep", "member"}  # g rows decide, not a stale actor


def test_a_rolled_back_change_never_reaches_the_cache(sales: Services, other_process: Services) -> None:
    """The rolled-back transaction saw generation N+1; the change committed next is N+1 too."""
    rep = new_user(sales, "rep@example.com", "sales_rep")

    def change_look_fail(tx: Any) -> None:
        roles.patch_role(tx, "sales_rep", {"grants": [grant("deal", "import")]})
        assert policy.permissions_for(tx.conn, rep).grants_for("deal", "import")  # seen inside
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        sales(change_look_fail)
    other_process(roles.patch_role, "sales_rep", {"grants": [grant("deal", "export")]})
    assert perms(sales, rep).grants_for("deal", "import") == ()
    assert perms(sales, rep).grants_for("deal", "export")


def test_the_cache_is_bounded_and_keeps_the_recently_used(sales: Services) -> None:
    cache = policy.PolicyCache(max_entries=2)
    people = [new_user(sales, f"rep{i}@example.com", "sales_rep") for i in range(3)]
    with sales.runtime.engine.connect() as conn:
        first = cache.permissions(conn, people[0])
        cache.permissions(conn, people[1])
        assert cache.permissions(conn, people[0]) is first  # now the most recently used
        cache.permissions(conn, people[2])
        assert len(cache) == 2 and cache.permissions(conn, people[0]) is first


# --- explain -------------------------------------------------------------------------------------


def test_explain_names_the_grant_and_the_inheritance_path(sales: Services) -> None:
    manager = new_user(sales, "boss@example.com", "sales_manager")
    answer = sales(lambda tx: policy.explain(tx.conn, manager.id or 0, "deal", "update"))

    assert answer["allowed"] and answer["roles"] == ["sales_manager"]
    assert answer["effective_roles"] == ["sales_manager", "sales_rep", "member"]
    [deciding] = answer["grants"]
    assert deciding["role"] == "sales_rep" and deciding["path"] == ["sales_manager", "sales_rep"]
    assert deciding["scope"] == OWN and deciding["hidden_fields"] == ["margin"]
    assert "via sales_manager → sales_rep" in answer["reason"] and "read-only: stage" in answer["reason"]


def test_explain_says_which_roles_do_not_grant(sales: Services) -> None:
    rep = new_user(sales, "rep@example.com", "sales_rep")
    answer = sales(lambda tx: policy.explain(tx.conn, rep.id or 0, "deal", "delete"))

    assert not answer["allowed"] and answer["grants"] == []
    assert answer["reason"] == "denied: none of roles [sales_rep, member] grants delete on deal"
    assert [g["actions"] for g in answer["other_grants"]] == [["read", "create", "update"]]

    sales(lambda tx: user_admin.update_user(tx.conn, SYSTEM_ACTOR, rep.id, {"active": False}))
    answer = sales(lambda tx: policy.explain(tx.conn, rep.id or 0, "deal", "read"))
    assert answer["allowed"] and "deactivated" in answer["reason"]


def test_explain_for_admins_and_its_guard(sales: Services, member: Actor) -> None:
    answer = sales(policy.explain_access, None, "deal", "delete")
    assert answer["allowed"] and answer["reason"].startswith("allowed: role admin")
    with pytest.raises(Forbidden):
        sales.as_(member)(policy.explain_access, member.id, "deal", "read")
    with pytest.raises(ValidationFailed):
        sales(policy.explain_access, member.id, "deal", "fly")
    with pytest.raises(NotFound):
        sales(policy.explain_access, member.id, "ghost", "read")
    with pytest.raises(NotFound):
        sales(policy.explain_access, 999_999, "deal", "read")


# --- the property: cached permissions equal a naive reading of the role documents ---------------

ENTITY_FIELDS = {"deal": ["name", "amount", "margin", "stage"], "company": ["name", "industry"]}
SCOPES = [None, OWN, {"==": [{"var": "name"}, "x"]}, {"==": [{"var": "$user.email"}, "a@b.c"]}]
_examples = itertools.count()


@st.composite
def role_graphs(draw: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Up to six roles, each inheriting only earlier ones (and maybe ``member``), plus a user's roles."""
    prefix = f"x{next(_examples)}_"
    keys = [f"{prefix}r{i}" for i in range(draw(st.integers(1, 6)))]
    docs: dict[str, dict[str, Any]] = {}
    for index, key in enumerate(keys):
        parents = draw(st.lists(st.sampled_from([*keys[:index], "member"]), unique=True, max_size=3))
        grants = []
        for _ in range(draw(st.integers(0, 3))):
            entity = draw(st.sampled_from(sorted(ENTITY_FIELDS)))
            fields = st.lists(st.sampled_from(ENTITY_FIELDS[entity]), unique=True, max_size=2)
            item: dict[str, Any] = {
                "entity": entity,
                "actions": draw(st.lists(st.sampled_from(RECORD_ACTIONS), unique=True, min_size=1, max_size=4)),
            }
            scope = draw(st.sampled_from(SCOPES))
            if scope is not None:
                item["scope"] = scope
            for rule in ("hidden_fields", "readonly_fields"):
                chosen = draw(fields)
                if chosen:
                    item[rule] = chosen
            grants.append(item)
        docs[key] = {"key": key, "label": {"en": key}, "inherits": parents, "grants": grants}
    held = draw(st.lists(st.sampled_from([*keys, "member"]), unique=True, max_size=3))
    return docs, held


def naive(docs: dict[str, dict[str, Any]], held: list[str]) -> tuple[set[str], set[tuple[Any, ...]]]:
    reached: set[str] = set()
    pending = list(held)
    while pending:
        role = pending.pop()
        if role not in reached:
            reached.add(role)
            pending += docs.get(role, {}).get("inherits", [])
    grants = {
        (role, g["entity"], frozenset(g["actions"]), json.dumps(g.get("scope"), sort_keys=True))
        + (frozenset(g.get("hidden_fields", ())), frozenset(g.get("readonly_fields", ())))
        for role in reached
        for g in docs.get(role, {}).get("grants", [])
    }
    return reached, grants


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=role_graphs())
def test_permissions_equal_a_naive_reading_of_roles_and_inheritance(crm: Services, graph: Any) -> None:
    docs, held = graph

    def define(tx: Any) -> int:
        for doc in docs.values():
            roles.create_role(tx, doc)
        return int(users.create_user(tx.conn, f"{next(_examples)}@example.com", None, roles=held or ["member"])["id"])

    user_id = crm(define)
    granted = perms(crm, actor(crm, user_id))
    expected_roles, expected_grants = naive(docs, held or ["member"])

    assert granted.roles == expected_roles
    assert {
        (g.role, g.entity, g.actions, json.dumps(g.scope, sort_keys=True), g.hidden_fields, g.readonly_fields)
        for g in granted.grants
    } == expected_grants
