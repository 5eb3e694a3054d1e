"""Saved views (``/api/saved-views``): one's own plus shared ones of readable entities;
only the owner changes or deletes; names unique per person and entity."""

from __future__ import annotations

from flask import Flask

from api_client import Api
from automation_world import World, user_api
from loomworks.runtime import Runtime


def test_saved_views_belong_to_their_owner(world: World, app: Flask, runtime: Runtime, anonymous: Api) -> None:
    rep, rep_row = user_api(app, runtime, "rep@example.com", ["sales_rep"], name="Rita Rep")
    pm, _ = user_api(app, runtime, "pm@example.com", ["project_manager"])
    rep2, _ = user_api(app, runtime, "rep2@example.com", ["sales_rep"])
    status, view = rep.post("/api/saved-views", {"entity": "deal", "name": "Big", "state": {"sort": ["-amount"]}})
    assert status == 201, view
    assert view["mine"] and not view["shared"] and view["owner"] == {"id": rep_row["id"], "name": "Rita Rep"}
    assert rep.post("/api/saved-views", {"entity": "deal", "name": "Big", "state": {}})[0] == 409
    assert (
        rep.post("/api/saved-views", {"entity": "nope", "name": "x", "state": {}})[1]["error"]["details"][0]["field"]
        == "entity"
    )
    assert rep.post("/api/saved-views", {"entity": "deal", "name": "x" * 101, "state": {}})[0] == 400
    assert rep.post("/api/saved-views", {"entity": "deal", "name": "y", "state": []})[0] == 400
    assert rep.post("/api/saved-views", {"entity": "deal", "name": "y", "state": {"a": "x" * 70000}})[0] == 400
    assert pm.post("/api/saved-views", {"entity": "deal", "name": "y", "state": {}})[0] == 403
    assert rep2.get("/api/saved-views?entity=deal")[1]["items"] == []
    status, shared = rep.patch(f"/api/saved-views/{view['id']}", {"shared": True, "name": "Big deals"})
    assert status == 200 and shared["shared"] and shared["name"] == "Big deals"
    items = rep2.get("/api/saved-views?entity=deal")[1]["items"]
    assert [(i["name"], i["mine"]) for i in items] == [("Big deals", False)]
    assert pm.get("/api/saved-views")[1]["items"] == []  # pm may not read deals
    assert rep2.patch(f"/api/saved-views/{view['id']}", {"name": "mine now"})[0] == 403
    assert rep2.delete(f"/api/saved-views/{view['id']}")[0] == 403
    assert pm.delete(f"/api/saved-views/{view['id']}")[0] == 404
    assert anonymous.get("/api/saved-views")[0] == 401
    assert rep.delete(f"/api/saved-views/{view['id']}")[0] == 204
    assert rep.get("/api/saved-views")[1]["items"] == []
