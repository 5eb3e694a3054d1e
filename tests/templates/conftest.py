"""Template tests get the shared API fixtures and a template library of their own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_client import Api
from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
from databases import fresh_pg_database, fresh_runtime
from loomworks.app import create_app
from loomworks.auth import users
from loomworks.core.db import make_engine
from loomworks.runtime import Runtime


@pytest.fixture
def library(runtime: Runtime, tmp_path: Path) -> Path:
    """An empty template library folder the runtime reads its catalog from."""
    folder = tmp_path / "library"
    folder.mkdir()
    runtime.settings = dataclasses.replace(runtime.settings, templates_dir=folder)
    return folder


@pytest.fixture
def fresh_api(db_url: str, tmp_path: Path, library: Path) -> Iterator[Api]:
    """An admin's client on a second, empty instance (same backend, same template library)."""
    urls = fresh_pg_database() if db_url.startswith("postgresql") else iter([f"sqlite:///{tmp_path / 'fresh.db'}"])
    for url in urls:
        engine = make_engine(url)
        try:
            runtime = fresh_runtime(engine, url, tmp_path / "fresh-instance")
            runtime.settings = dataclasses.replace(runtime.settings, templates_dir=library)
            app = create_app(runtime=runtime)
            with runtime.engine.begin() as conn:
                admin = users.create_user(conn, "fresh@example.com", "long enough password", roles=["admin"])
                token = users.create_token(conn, admin["id"], "tests")["token"]
            yield Api(app.test_client(), {"Authorization": f"Bearer {token}"})
        finally:
            engine.dispose()
