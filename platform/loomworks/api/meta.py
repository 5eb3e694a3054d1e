"""``/api/meta``: field types, entity definitions, their fields and revisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..errors import BadRequest, NotFound, field_error
from ..fields.registry import FIELD_TYPES
from ..meta import entities, revisions
from ..meta.entities import readable_specs
from ..records.schema import record_schema
from .context import bool_param, int_param, json_body, transaction

bp = Blueprint("meta", __name__, url_prefix="/api/meta")


@bp.get("/field-types")
def field_types() -> Any:
    return {"items": [FIELD_TYPES.get(key).describe() for key in FIELD_TYPES]}


@bp.get("/entities")
def list_entities() -> Any:
    with transaction() as tx:
        return {"items": entities.list_entities(tx, include_deleted=bool_param("include_deleted"))}


@bp.post("/entities")
def create_entity() -> Any:
    body = json_body()
    with transaction() as tx:
        return entities.create_entity(tx, body), 201


@bp.get("/entities/<entity>")
def get_entity(entity: str) -> Any:
    with transaction() as tx:
        return entities.get_entity(tx, entity, include_deleted=bool_param("include_deleted"))


@bp.patch("/entities/<entity>")
def patch_entity(entity: str) -> Any:
    body, confirm = _body_and_confirm()
    with transaction() as tx:
        return entities.patch_entity(tx, entity, body, confirm=confirm)


@bp.delete("/entities/<entity>")
def delete_entity(entity: str) -> Any:
    with transaction() as tx:
        if bool_param("purge"):
            entities.purge_entity(tx, entity)
            return "", 204
        return entities.delete_entity(tx, entity)


@bp.post("/entities/<entity>/restore")
def restore_entity(entity: str) -> Any:
    with transaction() as tx:
        return entities.restore_entity(tx, entity)


@bp.get("/entities/<entity>/schema")
def entity_schema(entity: str) -> Any:
    with transaction() as tx:
        for spec in readable_specs(tx):
            if spec.key == entity:
                return record_schema(spec)
    raise NotFound(f"entity {entity[:100]!r} does not exist", data={"entity": entity[:100]})


@bp.post("/entities/<entity>/fields")
def add_field(entity: str) -> Any:
    body = json_body()
    with transaction() as tx:
        return entities.add_field(tx, entity, body), 201


@bp.patch("/entities/<entity>/fields/<field>")
def update_field(entity: str, field: str) -> Any:
    body, confirm = _body_and_confirm()
    with transaction() as tx:
        return entities.update_field(tx, entity, field, body, confirm=confirm)


@bp.delete("/entities/<entity>/fields/<field>")
def remove_field(entity: str, field: str) -> Any:
    with transaction() as tx:
        if bool_param("purge"):
            return entities.purge_field(tx, entity, field)
        return entities.remove_field(tx, entity, field)


@bp.post("/entities/<entity>/fields/<field>/restore")
def restore_field(entity: str, field: str) -> Any:
    with transaction() as tx:
        return entities.restore_field(tx, entity, field)


@bp.get("/revisions")
def list_revisions() -> Any:
    kind = request.args.get("kind") or None
    key = request.args.get("key") or None
    with transaction() as tx:
        return {"items": revisions.list_revisions(tx, kind, key, int_param("limit", 100))}


@bp.get("/revisions/<id:revision_id>")
def get_revision(revision_id: int) -> Any:
    with transaction() as tx:
        return revisions.get_revision(tx, revision_id)


@bp.post("/revisions/<id:revision_id>/revert")
def revert(revision_id: int) -> Any:
    body = json_body(required=False)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object", [field_error("body", "must be an object")])
    to = body.get("to", "before")
    with transaction() as tx:
        return entities.revert(tx, revision_id, to=to, confirm=_confirm(body))


def _body_and_confirm() -> tuple[dict[str, Any], bool]:
    """A PATCH body; ``confirm`` (body or query) approves a lossy change previewed by a 409."""
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object", [field_error("body", "must be an object")])
    confirm = _confirm(body)
    return {k: v for k, v in body.items() if k != "confirm"}, confirm


def _confirm(body: dict[str, Any]) -> bool:
    value = body.get("confirm", False)
    if not isinstance(value, bool):
        raise BadRequest("confirm must be true or false", [field_error("confirm", "must be a boolean")])
    return value or bool_param("confirm")
