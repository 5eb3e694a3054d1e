"""Template tests get the shared API fixtures and a template library of their own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api_fixtures import admin_token, admin_user, anonymous, api, app  # noqa: F401
from loomworks.runtime import Runtime


@pytest.fixture
def library(runtime: Runtime, tmp_path: Path) -> Path:
    """An empty template library folder the runtime reads its catalog from."""
    folder = tmp_path / "library"
    folder.mkdir()
    runtime.settings = dataclasses.replace(runtime.settings, templates_dir=folder)
    return folder
