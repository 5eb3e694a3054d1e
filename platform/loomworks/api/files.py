"""``/api/files``: upload a file (multipart ``file``), then refer to its id from a record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, send_file

from ..errors import BadRequest, field_error
from ..records.files import open_file, store_file
from .context import runtime, transaction

bp = Blueprint("files", __name__, url_prefix="/api/files")


@bp.post("")
def upload() -> Any:
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("send the file as multipart form field 'file'", [field_error("file", "is required")])
    with transaction() as tx:
        stored = store_file(
            tx, upload.filename or "", upload.mimetype, upload.stream, runtime().settings.max_body_bytes
        )
    return stored, 201


@bp.get("/<file_id>")
def download(file_id: str) -> Any:
    with transaction() as tx:
        row, path = open_file(tx, file_id)
    response = send_file(path, mimetype=row["content_type"], as_attachment=True, download_name=row["name"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
