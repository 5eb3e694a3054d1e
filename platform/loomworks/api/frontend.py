"""The built browser app, served by Flask so one process and one address run everything.

Vite writes ``index.html`` and hashed files under ``assets/``. Hashed files never change
under their name, so they are cached for a year; ``index.html`` is never cached, so a
new build reaches browsers at once. Every path outside ``/api`` that is not a file is a
client-side route (``/forms/deal``) and answers ``index.html``; unknown ``/api`` paths
keep their JSON 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, send_from_directory
from werkzeug.exceptions import NotFound as HttpNotFound

from ..errors import NotFound

bp = Blueprint("frontend", __name__)
NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>Loomworks</title>"
    "<p>The browser app is not built. Run <code>npm ci &amp;&amp; npm run build</code> (scripts/dev does it).</p>"
)
YEAR = 365 * 24 * 3600


def _dist() -> Path:
    return Path(current_app.config["LOOMWORKS_FRONTEND_DIR"])


@bp.get("/assets/<path:name>")
def asset(name: str) -> Any:
    response = send_from_directory(_dist() / "assets", name, max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str) -> Any:
    if path == "api" or path.startswith("api/"):
        raise NotFound(f"no API path /{path}")
    dist = _dist()
    if path and path != "index.html" and "/" not in path and (dist / path).is_file():
        return send_from_directory(dist, path, max_age=3600)  # favicon and the like
    if not (dist / "index.html").is_file():
        return NOT_BUILT, 503, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    try:
        response = send_from_directory(dist, "index.html", max_age=0)
    except HttpNotFound:  # removed between the check and the read (a rebuild)
        return NOT_BUILT, 503, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    response.headers["Cache-Control"] = "no-cache"
    return response
