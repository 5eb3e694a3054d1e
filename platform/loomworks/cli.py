"""The ``loomworks`` command (names fixed by API.md): init, demo, run, worker, user, token, template."""

from __future__ import annotations

import secrets
import sys
from typing import Any

import click
from sqlalchemy import select

from .auth import users
from .auth.models import users as users_table
from .config import load_settings
from .errors import LoomworksError
from .runtime import Runtime

DEFAULT_ADMIN_EMAIL = "admin@example.com"


def _runtime() -> Runtime:
    runtime = Runtime(load_settings())
    runtime.create_schema()
    return runtime


def _fail(error: LoomworksError) -> None:
    click.echo(f"error: {error}", err=True)
    for detail in error.details:
        click.echo(f"  {detail.field}: {detail.message}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """Loomworks: a metadata-driven platform for business apps."""


@main.command()
@click.option("--admin-email", default=DEFAULT_ADMIN_EMAIL, show_default=True)
@click.option("--admin-password", default=None, help="generated and printed when left out")
def init(admin_email: str, admin_password: str | None) -> None:
    """Create the database schema and an admin user; safe to run again."""
    runtime = _runtime()
    try:
        _ensure_user(runtime, admin_email, admin_password, "Administrator", ["admin"], reset=False)
    except LoomworksError as error:
        _fail(error)
    click.echo(f"database ready: {runtime.engine.url.render_as_string(hide_password=True)}")


@main.command()
def demo() -> None:
    """The CRM, Projects and their bridge with demo people and data; prints the logins every run."""
    from .templates.demo import run_demo

    runtime = _runtime()
    _fail_cleanly(lambda: run_demo(runtime, click.echo))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def run(host: str, port: int, threads: int) -> None:
    """Serve the API (waitress, a production WSGI server) with the embedded worker."""
    from waitress import serve

    from .app import create_app

    runtime = _runtime()
    app = create_app(runtime=runtime)
    click.echo(f"Loomworks on http://{host}:{port}/  (API under /api, health at /api/health)")
    click.echo(_start_background_work(runtime))
    serve(app, host=host, port=port, threads=threads, ident="loomworks")


def _start_background_work(runtime: Runtime) -> str:
    """With a broker, deliveries are queued for Celery workers; otherwise this process runs
    the worker in a thread (unless LOOMWORKS_EMBEDDED_WORKER=0 leaves it to ``loomworks worker``)."""
    if runtime.settings.broker_url:
        from .automation.celery_app import make_celery, publisher

        runtime.automation.publish = publisher(make_celery(runtime))
        return "worker: Celery (run `loomworks worker` on each worker machine)"
    if not runtime.settings.embedded_worker:
        return "worker: none in this process (LOOMWORKS_EMBEDDED_WORKER=0; run `loomworks worker`)"
    from .automation.worker import Worker

    Worker(runtime, mode="embedded").start_thread()
    return "worker: embedded (schedules, emails and webhooks run in this process)"


@main.command()
@click.option("--once", is_flag=True, help="one pass (due schedules and deliveries), then exit")
@click.option("--concurrency", default=4, show_default=True, type=int, help="Celery threads (with a broker)")
def worker(once: bool, concurrency: int) -> None:
    """Run schedules and deliver the outbox; with LOOMWORKS_BROKER_URL, as a Celery worker."""
    import signal
    import threading

    from .automation.worker import Worker

    runtime = _runtime()
    if runtime.settings.broker_url and not once:
        from .automation.celery_app import run_celery_worker

        run_celery_worker(runtime, concurrency)
        return
    loop = Worker(runtime, mode="standalone")
    if once:
        click.echo(f"attempted {loop.run_once()} deliveries")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"worker {loop.id} running (Ctrl-C to stop)")
    try:
        loop.run_forever(stop)
    except KeyboardInterrupt:
        stop.set()


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="")
@click.option("--role", "roles", multiple=True, help="repeat for several roles")
def user_create(email: str, password: str, name: str, roles: tuple[str, ...]) -> None:
    runtime = _runtime()
    try:
        with runtime.engine.begin() as conn:
            created = users.create_user(conn, email, password, name=name, roles=list(roles) or None)
    except LoomworksError as error:
        _fail(error)
    click.echo(f"created user {created['email']} (id {created['id']}, roles {', '.join(created['roles'])})")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--email", required=True)
@click.option("--name", default="CLI token")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None, help="lifetime; none: until revoked")
def token_create(email: str, name: str, expires_days: int | None) -> None:
    """Print a new API token; it is the last line of output and is never shown again."""
    runtime = _runtime()
    with runtime.engine.begin() as conn:
        found = users.find_user_by_email(conn, email)
        if found is None:
            click.echo(f"error: no user with email {email}", err=True)
            sys.exit(1)
        created = users.create_token(conn, found["id"], name, expires_days)
    click.echo(f"API token {created['id']} for {found['email']} (send as 'Authorization: Bearer <token>'):")
    click.echo(created["token"])


def _ensure_user(
    runtime: Runtime, email: str, password: str | None, name: str, roles: list[str], *, reset: bool
) -> dict[str, Any]:
    """Create the user if missing; with ``reset`` (demo) give it a fresh printed password."""
    with runtime.engine.begin() as conn:
        existing = conn.execute(
            select(users_table.c.id).where(users_table.c.email == users.normalize_email(email))
        ).first()
        if existing is not None and not reset and password is None:
            click.echo(f"user {email} exists (password unchanged)")
            return users.get_user(conn, existing.id)
        chosen = password or secrets.token_urlsafe(12)
        if existing is None:
            row = users.create_user(conn, email, chosen, name=name, roles=roles)
        else:
            users.set_password(conn, existing.id, chosen)
            row = users.get_user(conn, existing.id)
    shown = chosen if password is None else "(the password you gave)"
    click.echo(f"  {email:<24} {shown:<24} roles: {', '.join(roles)}")
    return row


@main.group()
def template() -> None:
    """The template catalog (the library and uploaded bundles)."""


@template.command("list")
def template_list() -> None:
    """Each template once, at its newest version, with where it comes from."""
    from .core.context import SYSTEM_ACTOR
    from .templates.catalog import list_catalog

    runtime = _runtime()
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        items = list_catalog(tx)["items"]
    if not items:
        click.echo(f"no templates (library: {runtime.settings.templates_dir})")
    for item in items:
        if item.get("problems"):
            first = item["problems"][0]
            click.echo(f"{item['key']}  BROKEN ({item['source']}): {first['field']}: {first['message']}")
            continue
        title = f"{item['title']['en']} / {item['title']['zh-CN']}"
        note = "" if item["compatible"] else f"  (needs Loomworks {item['loomworks']})"
        installed = f"  installed {item['installed_version']}" if item.get("installed_version") else ""
        click.echo(f"{item['key']}  {item['version']}  {item['source']}  {title}{installed}{note}")


def _install_options(version: str | None, resolve: tuple[str, ...], confirm: bool, sample_data: bool) -> Any:
    from .templates.install import options_from

    resolutions = dict(item.partition("=")[::2] for item in resolve)
    body: dict[str, Any] = {"resolutions": resolutions, "confirm": confirm, "sample_data": sample_data}
    if version:
        body["version"] = version
    return options_from(body)


def _print_report(report: dict[str, Any]) -> None:
    from .templates.report import summary_lines

    for line in summary_lines(report):
        click.echo(line)


_VERSION = click.option("--version", "version", default=None, help="a version in the catalog (default: newest)")
_RESOLVE = click.option(
    "--resolve", multiple=True, metavar="CONFLICT=mine|template", help="how to settle a conflict the plan showed"
)
_CONFIRM = click.option("--confirm", is_flag=True, help="apply lossy column conversions the plan reported")


@template.command("seal")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def template_seal(folder: str) -> None:
    """Write the checksums of a bundle FOLDER's files into its manifest, then check it."""
    from pathlib import Path

    from .templates.bundle import seal_directory

    sealed = _fail_cleanly(lambda: seal_directory(Path(folder)))
    click.echo(f"sealed {folder}: {len(sealed)} files")


@template.command("plan")
@click.argument("key")
@_VERSION
@_RESOLVE
@_CONFIRM
def template_plan(key: str, version: str | None, resolve: tuple[str, ...], confirm: bool) -> None:
    """What installing KEY would create, change and remove, and its conflicts (writes nothing)."""
    from .core.context import SYSTEM_ACTOR
    from .templates.plan import plan

    options = _install_options(version, resolve, confirm, False)
    _print_report(_fail_cleanly(lambda: plan(_runtime(), SYSTEM_ACTOR, key, options)))


@template.command("install")
@click.argument("key")
@_VERSION
@_RESOLVE
@_CONFIRM
@click.option("--sample-data", is_flag=True, help="load the bundle's sample rows (first install only)")
def template_install(key: str, version: str | None, resolve: tuple[str, ...], confirm: bool, sample_data: bool) -> None:
    """Install or upgrade KEY, atomically; customizations stay on top of the new version."""
    from .core.context import SYSTEM_ACTOR
    from .templates.install import install

    options = _install_options(version, resolve, confirm, sample_data)
    runtime = _runtime()

    def work() -> dict[str, Any]:
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            return install(tx, key, options)

    _print_report(_fail_cleanly(work))


@template.command("uninstall")
@click.argument("key")
def template_uninstall(key: str) -> None:
    """Hide the app KEY (definitions soft-deleted, data kept); installing it again brings it back."""
    from .core.context import SYSTEM_ACTOR
    from .templates.uninstall import uninstall

    runtime = _runtime()

    def work() -> dict[str, Any]:
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            return uninstall(tx, key)

    _print_report(_fail_cleanly(work))


@template.command("export")
@click.argument("app")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="the zip to write")
def template_export(app: str, out: str) -> None:
    """Write the installed app APP, as customized here, to a bundle zip."""
    from pathlib import Path

    from .core.context import SYSTEM_ACTOR
    from .templates.export import export_app

    runtime = _runtime()

    def work() -> tuple[str, bytes]:
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            return export_app(tx, app)

    name, content = _fail_cleanly(work)
    Path(out).write_bytes(content)
    click.echo(f"wrote {out} ({name}, {len(content)} bytes)")


@template.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_RESOLVE
@_CONFIRM
def template_import(file: str, resolve: tuple[str, ...], confirm: bool) -> None:
    """Upload a bundle zip (an export from another instance) and install it."""
    from pathlib import Path

    from .core.context import SYSTEM_ACTOR
    from .templates.catalog import upload
    from .templates.install import install

    runtime = _runtime()

    def work() -> dict[str, Any]:
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            entry, _created = upload(tx, Path(file).read_bytes())
            options = _install_options(entry["version"], resolve, confirm, False)
            return install(tx, entry["key"], options)

    _print_report(_fail_cleanly(work))


@main.command("import")
@click.argument("entity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD", help="which field a column fills (repeat)")
@click.option("--value", "values", multiple=True, metavar="FIELD:IN_FILE=VALUE", help="translate a file's word")
@click.option("--key", default=None, help="a field whose value finds the record to update (upsert)")
@click.option("--create-missing", multiple=True, metavar="FIELD", help="create relation targets nobody holds")
@click.option("--day-first", is_flag=True, help="read 01/02/2026 as 1 February")
@click.option("--timezone", default="UTC", show_default=True, help="zone of date-times without an offset")
@click.option("--keep-workflow-states", is_flag=True, help="write workflow states as the file has them")
@click.option("--dry-run", is_flag=True, help="check every row and write nothing")
def import_file(
    entity: str,
    file: str,
    mapping: tuple[str, ...],
    values: tuple[str, ...],
    key: str | None,
    create_missing: tuple[str, ...],
    day_first: bool,
    timezone: str,
    keep_workflow_states: bool,
    dry_run: bool,
) -> None:
    """Import a CSV or XLSX FILE into ENTITY, row by row, and print the report."""
    from pathlib import Path

    from .core.context import SYSTEM_ACTOR
    from .imports.files import read_table
    from .imports.importer import import_table, options_from

    raw: dict[str, Any] = {
        "create_missing": list(create_missing),
        "day_first": day_first,
        "timezone": timezone,
        "keep_workflow_states": keep_workflow_states,
        "dry_run": dry_run,
    }
    if mapping:
        raw["mapping"] = dict(item.partition("=")[::2] for item in mapping)
    if key:
        raw["key"] = key
    translated: dict[str, dict[str, str]] = {}
    for item in values:
        field_key, _, rest = item.partition(":")
        seen, _, meant = rest.partition("=")
        translated.setdefault(field_key, {})[seen] = meant
    raw["values"] = translated
    runtime = _runtime()

    def work() -> dict[str, Any]:
        options = options_from(raw)
        table = read_table(Path(file).read_bytes(), file)
        with runtime.transaction(SYSTEM_ACTOR) as tx:
            return import_table(tx, entity, table, options)

    report = _fail_cleanly(work)
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {report['total']} rows into {entity}: {report['inserted']} inserted, {report['updated']} updated, "
        f"{report['unchanged']} unchanged, {report['failed']} failed"
    )
    for target, count in report["created_targets"].items():
        click.echo(f"  created {count} {target} records for titles nobody held")
    for error in report["errors"][:50]:
        click.echo(f"  row {error['row']} {error['column'] or ''}: {error['message']}")
    if report["failed"]:
        sys.exit(2)


def _fail_cleanly(work: Any) -> Any:
    """A refusal (bad bundle, conflict, missing requirement) is printed, not a traceback."""
    try:
        return work()
    except LoomworksError as error:
        _fail(error)


if __name__ == "__main__":
    main()
