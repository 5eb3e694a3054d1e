"""The ``loomworks`` command as a newcomer and an operator use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from loomworks.app import create_app
from loomworks.cli import main
from loomworks.config import load_settings


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"LOOMWORKS_INSTANCE": str(tmp_path / "instance"), "LOOMWORKS_DATABASE_URL": db_url}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _can_log_in(email: str, password: str) -> bool:
    app = create_app(load_settings())
    response = app.test_client().post("/api/auth/login", json={"email": email, "password": password})
    app.extensions["loomworks"].dispose()
    return response.status_code == 200


def test_init_creates_an_admin_once_and_prints_its_password(env: dict[str, str]) -> None:
    first = _invoke("init")
    password = next(line.split()[1] for line in first.splitlines() if line.strip().startswith("admin@"))
    assert _can_log_in("admin@example.com", password)
    again = _invoke("init")
    assert "exists (password unchanged)" in again
    assert _can_log_in("admin@example.com", password)


def test_init_with_a_chosen_password(env: dict[str, str]) -> None:
    _invoke("init", "--admin-email", "boss@example.com", "--admin-password", "s3cret-enough")
    assert _can_log_in("boss@example.com", "s3cret-enough")


def test_user_and_token_create(env: dict[str, str]) -> None:
    _invoke("init")
    _invoke("user", "create", "--email", "dev@example.com", "--password", "password-123", "--role", "builder")
    assert _can_log_in("dev@example.com", "password-123")
    token = _invoke("token", "create", "--email", "dev@example.com").strip().splitlines()[-1]
    app = create_app(load_settings())
    me = app.test_client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    app.extensions["loomworks"].dispose()
    assert me.status_code == 200 and me.get_json()["roles"] == ["builder"]


def test_cli_errors_are_one_clear_line(env: dict[str, str]) -> None:
    _invoke("init")
    result = CliRunner().invoke(main, ["user", "create", "--email", "x@example.com", "--password", "short"])
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    result = CliRunner().invoke(main, ["token", "create", "--email", "nobody@example.com"])
    assert result.exit_code == 1 and "no user" in result.output


def test_demo_installs_the_apps_with_data_for_every_dashboard_and_prints_working_logins(env: dict[str, str]) -> None:
    first = _invoke("demo")
    assert "installed template crm_projects" in first and "demo data:" in first
    second = _invoke("demo")
    assert "installed template" not in second and "demo data:" not in second  # loaded once
    logins = {row[0]: row[1] for row in (line.split() for line in second.splitlines()) if "@example.com" in row[0]}
    assert {"admin@example.com", "rep@example.com", "pm@example.com", "customer@example.com"} <= set(logins)
    assert all(_can_log_in(email, password) for email, password in logins.items())

    app = create_app(load_settings())
    client = app.test_client()
    assert client.post("/api/auth/login", json={"email": "admin@example.com", "password": logins["admin@example.com"]})
    for key in ("sales", "delivery", "account_health"):
        board = client.get(f"/api/dashboards/{key}").get_json()
        empty = [w["key"] for w in board["widgets"] if not w.get("groups") and not w.get("value")]
        assert empty == [], (key, empty)
    client.post("/api/auth/logout")
    client.post("/api/auth/login", json={"email": "customer@example.com", "password": logins["customer@example.com"]})
    projects = client.get("/api/records/project").get_json()["items"]
    assert projects and {p["_refs"]["customer"]["title"] for p in projects} == {"海港食品 Harbor Foods"}
    app.extensions["loomworks"].dispose()


def test_worker_once_delivers_what_is_due_and_reports_itself_to_health(env: dict[str, str]) -> None:
    from loomworks.automation.outbox import enqueue
    from loomworks.core.context import SYSTEM_ACTOR
    from loomworks.runtime import Runtime

    _invoke("init")
    runtime = Runtime(load_settings())
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        enqueue(tx, "email", {"to": "x@example.com", "subject": "Hi", "text": ""}, "cli-test")
    app = create_app(runtime=runtime)
    assert app.test_client().get("/api/health").get_json()["worker"] == "none"
    assert "attempted 1 deliveries" in _invoke("worker", "--once")
    assert app.test_client().get("/api/health").get_json()["worker"] == "ok"
    with runtime.engine.connect() as conn:
        status, error = conn.exec_driver_sql("SELECT status, last_error FROM lw_outbox").one()
    assert status == "failed" and "LOOMWORKS_SMTP_URL" in error  # no mail server here: kept for a retry
    runtime.dispose()


def test_template_list_shows_the_library_with_broken_bundles_named(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from template_bundles import files_of, write_folder

    library = tmp_path / "library"
    write_folder(library / "tiny_crm", files_of())
    write_folder(library / "old", files_of(key="old", manifest={"loomworks": ">=9"}))
    write_folder(library / "broken", {"manifest.json": b"{}"})
    monkeypatch.setenv("LOOMWORKS_TEMPLATES_DIR", str(library))
    lines = _invoke("template", "list").splitlines()
    assert lines == [
        "broken  BROKEN (library): manifest.json.key: is required",
        "old  1.0.0  library  Tiny CRM / 迷你客户管理  (needs Loomworks >=9)",
        "tiny_crm  1.0.0  library  Tiny CRM / 迷你客户管理",
    ]


def test_template_plan_install_export_and_import_from_the_command_line(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from template_bundles import app_files, write_folder
    from templates.app_versions import v1

    library = tmp_path / "library"
    write_folder(library / "sales", app_files("sales", "1.0.0", v1()))
    monkeypatch.setenv("LOOMWORKS_TEMPLATES_DIR", str(library))
    plan = _invoke("template", "plan", "sales").splitlines()
    assert plan[0] == "sales 1.0.0: install" and "  create entity account" in plan
    assert "installed" not in _invoke("template", "list")  # the plan wrote nothing
    assert _invoke("template", "install", "sales").splitlines()[0] == "sales 1.0.0: install"
    assert "installed 1.0.0" in _invoke("template", "list")
    again = _invoke("template", "install", "sales").splitlines()
    assert again == ["sales 1.0.0: none (installed: 1.0.0)", "  nothing to do: this version is installed"]

    out = tmp_path / "sales.zip"
    assert "wrote" in _invoke("template", "export", "sales", "--out", str(out))
    monkeypatch.setenv("LOOMWORKS_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    monkeypatch.setenv("LOOMWORKS_INSTANCE", str(tmp_path / "other"))
    imported = _invoke("template", "import", str(out)).splitlines()
    assert imported[0].startswith("sales 1.0.0+export.") and "  create rule welcome" in imported

    result = CliRunner().invoke(main, ["template", "uninstall", "nope"])
    assert result.exit_code == 1 and "is not installed" in result.output
