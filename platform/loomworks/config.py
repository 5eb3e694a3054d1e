"""Settings from ``LOOMWORKS_*`` environment variables (names fixed by API.md)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BODY = 10 * 1024 * 1024
FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend" / "dist"


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
