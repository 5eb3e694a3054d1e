"""The seven routes every plain definition kind answers under ``/api/meta/{kind}s``.

List, create, get, PUT, PATCH, delete, restore: the same answers for every kind that is a
``meta.documents.DocumentKind`` (workflows, and later views and dashboards), so a new kind
gets its API by one call instead of a copy of another kind's blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..meta import documents
from .context import bool_param, json_body, transaction


def add_document_routes(bp: Blueprint, plural: str, kind: documents.DocumentKind) -> None:
    def list_all() -> Any:
        with transaction() as tx:
            return {"items": documents.list_documents(tx, kind, include_deleted=bool_param("include_deleted"))}

    def create() -> Any:
        body = json_body()
        with transaction() as tx:
            return documents.create_document(tx, kind, body, request.remote_addr), 201

    def get(key: str) -> Any:
        with transaction() as tx:
            return documents.get_document(tx, kind, key)

    def replace(key: str) -> Any:
        body = json_body()
        with transaction() as tx:
            return documents.replace_document(tx, kind, key, body, request.remote_addr)

    def patch(key: str) -> Any:
        body = json_body()
        with transaction() as tx:
            return documents.patch_document(tx, kind, key, body, request.remote_addr)

    def delete(key: str) -> Any:
        with transaction() as tx:
            return documents.delete_document(tx, kind, key, request.remote_addr)

    def restore(key: str) -> Any:
        with transaction() as tx:
            return documents.restore_document(tx, kind, key, request.remote_addr)

    bp.add_url_rule(f"/{plural}", f"list_{plural}", list_all, methods=["GET"])
    bp.add_url_rule(f"/{plural}", f"create_{plural}", create, methods=["POST"])
    bp.add_url_rule(f"/{plural}/<key>", f"get_{plural}", get, methods=["GET"])
    bp.add_url_rule(f"/{plural}/<key>", f"replace_{plural}", replace, methods=["PUT"])
    bp.add_url_rule(f"/{plural}/<key>", f"patch_{plural}", patch, methods=["PATCH"])
    bp.add_url_rule(f"/{plural}/<key>", f"delete_{plural}", delete, methods=["DELETE"])
    bp.add_url_rule(f"/{plural}/<key>/restore", f"restore_{plural}", restore, methods=["POST"])
