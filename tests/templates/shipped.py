"""The shipped templates (crm, projects, crm_projects) installed from the real library, and the
people who use them: sales reps and a manager, project managers, a team member, and customers
linked to their companies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask

from api_client import Api
from automation_world import user_api
from loomworks.runtime import Runtime

APPS = ("crm", "projects", "crm_projects")


def install_apps(api: Api) -> list[dict[str, Any]]:
    reports = []
    for key in APPS:
        status, body = api.post(f"/api/templates/{key}/install", {})
        assert status == 200, body
        reports.append(body)
    return reports


@dataclass
class Person:
    api: Api
    id: int


@dataclass
class Apps:
    admin: Api
    app: Flask
    runtime: Runtime
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, email: str, roles: list[str], link: dict[str, Any] | None = None, **extra: Any) -> Person:
        client, row = user_api(self.app, self.runtime, email, roles, **extra)
        if link is not None:  # a portal user belongs to a record (their company)
            status, body = self.admin.patch(f"/api/users/{row['id']}", {"link": link})
            assert status == 200, body
        self.people[email] = Person(client, row["id"])
        return self.people[email]

    def create(self, entity: str, values: dict[str, Any], as_: Person | None = None) -> dict[str, Any]:
        status, body = (as_.api if as_ else self.admin).post(f"/api/records/{entity}", values)
        assert status == 201, body
        return dict(body)

    def get(self, entity: str, record_id: Any) -> dict[str, Any]:
        status, body = self.admin.get(f"/api/records/{entity}/{record_id}")
        assert status == 200, body
        return dict(body)

    def patch(self, entity: str, record_id: Any, values: dict[str, Any], as_: Person | None = None) -> dict[str, Any]:
        status, body = (as_.api if as_ else self.admin).patch(f"/api/records/{entity}/{record_id}", values)
        assert status == 200, body
        return dict(body)

    def list(self, entity: str, where: Any = None, as_: Person | None = None) -> list[dict[str, Any]]:
        query = f"?limit=500&where={quote(json.dumps(where))}" if where is not None else "?limit=500"
        status, body = (as_.api if as_ else self.admin).get(f"/api/records/{entity}{query}")
        assert status == 200, body
        return list(body["items"])

    def take(self, who: Person, entity: str, record_id: Any, transition: str, **body: Any) -> tuple[int, Any]:
        return who.api.post(f"/api/records/{entity}/{record_id}/transitions/{transition}", body)

    def inbox(self, who: Person) -> list[dict[str, Any]]:
        status, body = who.api.get("/api/notifications")
        assert status == 200, body
        return list(body["items"])

    def emails(self) -> list[dict[str, Any]]:
        status, body = self.admin.get("/api/outbox?limit=200")
        assert status == 200, body
        return [item["payload"] for item in body["items"] if item["kind"] == "email"]


def build_apps(api: Api, app: Flask, runtime: Runtime) -> Apps:
    install_apps(api)
    return Apps(api, app, runtime)
