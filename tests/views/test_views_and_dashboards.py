"""Views and dashboards through the API: checked against their entity when saved, listed to
readers of that entity, and dashboard figures computed as the reader (row scopes apply)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from automation_world import World, label, user_api

BOARD = {
    "key": "deal_board",
    "label": label("Deals by stage", "按阶段的商机"),
    "entity": "deal",
    "type": "kanban",
    "group_field": "stage",
    "columns": ["name", "company", "amount"],
    "sort": [{"field": "amount", "direction": "desc"}],
    "filter": {"!=": [{"var": "stage"}, "lost"]},
}
PIPELINE = {
    "key": "pipeline",
    "label": label("Pipeline", "销售管道"),
    "widgets": [
        {
            "key": "by_stage",
            "label": label("Value by stage"),
            "entity": "deal",
            "chart": "bar",
            "group_by": ["stage"],
            "metric": "sum:amount",
            "link_view": "deal_board",
        },
        {"key": "deals", "label": label("Deals"), "entity": "deal", "chart": "number"},
        {
            "key": "win_rate",
            "label": label("Win rate", "赢单率"),
            "entity": "deal",
            "chart": "number",
            "where": {"in": [{"var": "stage"}, ["won", "lost"]]},
            "ratio_of": {"==": [{"var": "stage"}, "won"]},
        },
        {"key": "projects", "label": label("Projects"), "entity": "project", "chart": "number"},
    ],
}


def test_a_view_is_checked_against_its_entity(world: World) -> None:
    bad = {**BOARD, "group_field": "amount", "columns": ["name", "nope"], "filter": {"==": [{"var": "ghost"}, 1]}}
    status, body = world.api.post("/api/meta/views", bad)
    assert status == 422
    fields = {d["field"] for d in body["error"]["details"]}
    assert fields == {"group_field", "columns.1", "filter"}, body
    status, body = world.api.post("/api/meta/views", {**BOARD, "type": "calendar", "group_field": "stage"})
    assert status == 422 and body["error"]["details"][0]["field"] == "date_field"
    assert world.api.post("/api/meta/views", BOARD)[0] == 201


def test_readers_see_the_views_and_figures_their_grants_allow(world: World) -> None:
    assert world.api.post("/api/meta/views", BOARD)[0] == 201
    assert world.api.post("/api/meta/dashboards", PIPELINE)[0] == 201
    rep_api, _ = user_api(world.app, world.runtime, "rep@example.com", ["sales_rep"])
    other_api, _ = user_api(world.app, world.runtime, "other@example.com", ["sales_rep"])
    for stage, amount, who in (
        ("won", 100, rep_api),
        ("lost", 50, rep_api),
        ("won", 30, other_api),
        ("qualified", 20, rep_api),
    ):
        world.create("deal", {"name": f"{stage} {amount}", "stage": stage, "amount": amount}, as_=who)

    assert [v["key"] for v in rep_api.get("/api/views")[1]["items"]] == ["deal_board"]
    pm_api, _ = user_api(world.app, world.runtime, "pm@example.com", ["project_manager"])
    assert pm_api.get("/api/views")[1]["items"] == []  # project managers do not read deals

    def figures(api: Any) -> dict[str, Any]:
        status, body = api.get("/api/dashboards/pipeline")
        assert status == 200, body
        return {w["key"]: w for w in body["widgets"]}

    mine = figures(rep_api)  # a rep's scope: their own deals
    assert mine["deals"]["value"] == 3
    assert {g["key"]["stage"]: g["value"] for g in mine["by_stage"]["groups"]} == {
        "won": 100,
        "lost": 50,
        "qualified": 20,
    }
    assert mine["win_rate"]["value"] == 0.5
    assert mine["projects"]["error"]["code"] == "forbidden"
    everything = figures(world.api)
    assert everything["deals"]["value"] == 4 and everything["win_rate"]["value"] == round(2 / 3, 4)
    assert [d["key"] for d in rep_api.get("/api/dashboards")[1]["items"]] == ["pipeline"]
    outsider, _ = user_api(world.app, world.runtime, "out@example.com", ["member"])
    assert outsider.get("/api/dashboards")[1]["items"] == []
    assert outsider.get("/api/dashboards/pipeline")[0] == 403
    assert world.api.get("/api/dashboards/nope")[0] == 404


def test_a_dashboard_is_checked_when_saved(world: World) -> None:
    bad = {
        "key": "bad",
        "label": label("Bad"),
        "widgets": [
            {
                "key": "a",
                "label": label("A"),
                "entity": "deal",
                "chart": "bar",
                "group_by": ["nope"],
                "metric": "sum:name",
                "link_view": "missing",
            },
            {"key": "a", "label": label("B"), "entity": "ghost", "chart": "number"},
        ],
    }
    status, body = world.api.post("/api/meta/dashboards", bad)
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {
        "widgets.0.group_by.0",
        "widgets.0.metric",
        "widgets.0.link_view",
        "widgets.1.key",
        "widgets.1.entity",
    }


def test_dashboard_filters_narrow_every_widget_of_their_entity(world: World) -> None:
    assert world.api.post("/api/meta/views", BOARD)[0] == 201
    assert world.api.post("/api/meta/dashboards", PIPELINE)[0] == 201
    for stage, amount in (("won", 100), ("lost", 50), ("won", 30)):
        world.create("deal", {"name": f"{stage} {amount}", "stage": stage, "amount": amount})

    def figures(filters: Any) -> dict[str, Any]:
        status, body = world.api.get(f"/api/dashboards/pipeline?filters={quote(json.dumps(filters))}")
        assert status == 200, body
        return {w["key"]: w for w in body["widgets"]}

    shown = figures({"deal": {"<": [{"var": "amount"}, 60]}})
    assert shown["deals"]["value"] == 2
    assert {g["key"]["stage"]: g["value"] for g in shown["by_stage"]["groups"]} == {"won": 30, "lost": 50}
    assert shown["win_rate"]["value"] == 0.5  # the ratio's whole and part are both narrowed
    assert shown["win_rate"]["where"] == PIPELINE["widgets"][2]["where"]  # the definition's own, for drill-downs
    assert figures({})["deals"]["value"] == 3
    # Every entity can be narrowed to when its records were created, date field or not.
    created = {
        "deal": {"and": [{">=": [{"var": "_created_at"}, "2020-01-01"]}, {"<": [{"var": "_created_at"}, "2021-01-01"]}]}
    }
    assert figures(created)["deals"]["value"] == 0
    assert figures({"deal": {">=": [{"var": "_created_at"}, "2020-01-01"]}})["deals"]["value"] == 3

    for bad, field in (
        ("[1]", "filters"),
        ("{nope", "filters"),
        (json.dumps({"ghost": True}), "filters.ghost"),
        (json.dumps({"deal": {"==": [{"var": "nope"}, 1]}}), "filters.deal"),
        (json.dumps({"deal": 3}), "filters.deal"),
    ):
        status, body = world.api.get(f"/api/dashboards/pipeline?filters={quote(bad)}")
        assert status == 400, (bad, body)
        assert body["error"]["details"][0]["field"] == field
