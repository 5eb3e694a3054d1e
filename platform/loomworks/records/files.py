"""Uploaded files: stored once under the instance folder, referenced from records by id.

Content lives on disk named by a random id (never by the client's file name, so a
hostile name cannot escape the folder); the database keeps name, type, size and
SHA-256. A record's attachment field holds ids that must exist (``integrity``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Text, cast, insert, select

from ..auth.authorize import authorize, permissions
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import BadRequest, NotFound, PayloadTooLarge, field_error
from ..fields.files import FILE_ID_PATTERN
from .access import entity_access, rows_condition
from .models import files

CHUNK = 1 << 16
MAX_NAME = 255
SAFE_DEFAULT_TYPE = "application/octet-stream"


def store_file(tx: Tx, name: str, content_type: str | None, stream: IO[bytes], max_bytes: int) -> dict[str, Any]:
    authorize(tx, "create", "file")
    clean_name = _clean_name(name)
    file_id = secrets.token_hex(16)
    folder = _folder(tx)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_id
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes")
                digest.update(chunk)
                out.write(chunk)
        row = {
            "id": file_id,
            "name": clean_name,
            "content_type": (content_type or SAFE_DEFAULT_TYPE)[:200],
            "size": size,
            "sha256": digest.hexdigest(),
            "created_by": tx.actor.id,
            "created_at": utcnow(),
        }
        tx.conn.execute(insert(files).values(**row))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _public(row)


def open_file(tx: Tx, file_id: str) -> tuple[dict[str, Any], Path]:
    authorize(tx, "read", f"file:{file_id}")
    if not re.fullmatch(FILE_ID_PATTERN.strip("^$"), file_id):
        raise NotFound(f"file {file_id[:40]!r} does not exist")
    row = tx.conn.execute(select(files).where(files.c.id == file_id)).mappings().first()
    path = _folder(tx) / file_id
    if row is None or not path.is_file() or not may_read_file(tx, file_id, row["created_by"]):
        raise NotFound(f"file {file_id} does not exist")  # unreadable reads as absent
    return _public(dict(row)), path


def readable_file(tx: Tx, file_id: str) -> bool:
    uploader = tx.conn.execute(select(files.c.created_by).where(files.c.id == file_id)).scalar()
    return may_read_file(tx, file_id, uploader)


def may_read_file(tx: Tx, file_id: str, uploaded_by: Any) -> bool:
    """The uploader, admins and builders may; others only through a record they can read
    whose attachment field (visible to them on that record) holds the file."""
    if uploaded_by is not None and uploaded_by == tx.actor.id:
        return True
    if permissions(tx).changes_definitions:
        return True
    cache = tx.runtime.entities
    for key, spec in cache.specs(tx.conn).items():
        attachments = [f for f in spec.fields_of_type("attachment")]
        if cache.is_deleted(key) or not attachments or not permissions(tx).grants_for(key, "read"):
            continue
        access = entity_access(tx, spec, "read")
        table = tx.runtime.tables_for(spec).main
        for fspec in attachments:
            if fspec.key in access.hidden:
                continue
            holds = cast(table.c[fspec.key], Text).like(f'%"{file_id}"%')
            conditions = [holds, table.c.deleted_at.is_(None), rows_condition(access)]
            if fspec.key in access.masks:
                conditions.append(access.masks[fspec.key])
            if tx.conn.execute(select(table.c.id).where(*conditions).limit(1)).first() is not None:
                return True
    return False


def _folder(tx: Tx) -> Path:
    return Path(tx.runtime.settings.files_dir)


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    if not base:
        raise BadRequest("the file needs a name", [field_error("file", "has no file name")])
    return base[:MAX_NAME]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "content_type": row["content_type"],
        "size": row["size"],
        "sha256": row["sha256"],
        "created_at": row["created_at"].isoformat(),
    }
