"""Settings from ``LOOMWORKS_*`` environment variables (names fixed by API.md)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BODY = 10 * 1024 * 1024
FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend" / "dist"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates_library"


@dataclass(frozen=True)
class Settings:
    instance: Path
    database_url: str
    secret_key: str
    broker_url: str | None = None
    smtp_url: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY
    session_cookie_secure: bool = False
    frontend_dir: Path = FRONTEND_DIR
    #: The template library: one folder per bundle (a source checkout finds it beside the package).
    templates_dir: Path = TEMPLATES_DIR
    #: Outbound webhooks may reach these networks even though they are private or loopback.
    webhook_allow: tuple[str, ...] = ()
    webhook_timeout_s: float = 10.0
    outbox_max_attempts: int = 8
    #: First retry after this many seconds, doubling each time (capped at an hour).
    outbox_backoff_s: float = 30.0
    #: A claimed delivery not finished within this time is taken up again by another worker.
    outbox_lease_s: float = 60.0
    #: Seconds between worker polls (new outbox rows also wake the embedded worker at once).
    worker_poll_s: float = 2.0
    #: ``loomworks run`` starts a worker thread (unless a broker is configured).
    embedded_worker: bool = True
    #: Time zone of schedules and date-relative rules that do not name one.
    timezone: str = "UTC"
    #: Rule runs older than this many days are pruned by the worker.
    run_retention_days: int = 30
    #: Where people reach this instance: links in emails (a survey's signed form link) start here.
    public_url: str = "http://127.0.0.1:5000"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def files_dir(self) -> Path:
        return self.instance / "files"


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings; the instance folder holds the SQLite file, uploads and the secret key."""
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("LOOMWORKS_INSTANCE", Path.cwd() / "instance")).resolve()
    database_url = env.get("LOOMWORKS_DATABASE_URL") or f"sqlite:///{instance / 'loomworks.db'}"
    values: dict[str, object] = {
        "instance": instance,
        "database_url": database_url,
        "secret_key": env.get("LOOMWORKS_SECRET_KEY") or _instance_secret(instance),
        "broker_url": env.get("LOOMWORKS_BROKER_URL"),
        "smtp_url": env.get("LOOMWORKS_SMTP_URL"),
        "max_body_bytes": int(env.get("LOOMWORKS_MAX_BODY_BYTES", DEFAULT_MAX_BODY)),
        "session_cookie_secure": env.get("LOOMWORKS_SECURE_COOKIES", "") in ("1", "true", "yes"),
        # The built browser app (``npm run build``); a source checkout finds it beside the package.
        "frontend_dir": Path(env["LOOMWORKS_FRONTEND_DIR"]) if env.get("LOOMWORKS_FRONTEND_DIR") else FRONTEND_DIR,
        "templates_dir": Path(env["LOOMWORKS_TEMPLATES_DIR"]) if env.get("LOOMWORKS_TEMPLATES_DIR") else TEMPLATES_DIR,
        "webhook_allow": tuple(p.strip() for p in env.get("LOOMWORKS_WEBHOOK_ALLOW", "").split(",") if p.strip()),
        "webhook_timeout_s": float(env.get("LOOMWORKS_WEBHOOK_TIMEOUT_SECONDS", 10)),
        "outbox_max_attempts": int(env.get("LOOMWORKS_OUTBOX_MAX_ATTEMPTS", 8)),
        "outbox_backoff_s": float(env.get("LOOMWORKS_OUTBOX_BACKOFF_SECONDS", 30)),
        "outbox_lease_s": float(env.get("LOOMWORKS_OUTBOX_LEASE_SECONDS", 60)),
        "worker_poll_s": float(env.get("LOOMWORKS_WORKER_POLL_SECONDS", 2)),
        "embedded_worker": env.get("LOOMWORKS_EMBEDDED_WORKER", "1") not in ("0", "false", "no"),
        "timezone": env.get("LOOMWORKS_TIMEZONE", "UTC"),
        "run_retention_days": int(env.get("LOOMWORKS_RUN_RETENTION_DAYS", 30)),
        "public_url": env.get("LOOMWORKS_PUBLIC_URL", "http://127.0.0.1:5000"),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _instance_secret(instance: Path) -> str:
    """A secret generated once per instance, so sessions survive restarts without setup."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
