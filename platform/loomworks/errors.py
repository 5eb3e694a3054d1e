"""One error tree for the whole platform.

Services raise these with structured data; only ``api/`` turns them into HTTP
responses (see ``loomworks.api.errors``). Every error carries a machine code, an
HTTP status, a human message and optional per-field details, which is exactly
the error body API.md promises clients:
``{"error": {"code", "message", "details": [{"field", "message"}]}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


@dataclass(frozen=True)
class ErrorDetail:
    """One problem, tied to a field where there is one."""

    field: str | None
    message: str
    extra: dict[str, Any] = dataclass_field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"field": self.field, "message": self.message}
        body.update(self.extra)
        return body


class LoomworksError(Exception):
    """Base of every error a client may see."""

    code = "error"
    status = 500

    def __init__(
        self,
        message: str,
        details: list[ErrorDetail] | None = None,
        *,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
        self.data = dict(data or {})

    def __str__(self) -> str:
        problems = "; ".join(f"{d.field}: {d.message}" for d in self.details)
        return f"{self.message} ({problems})" if problems else self.message

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = [d.to_json() for d in self.details]
        body.update(self.data)
        return {"error": body}


class BadRequest(LoomworksError):
    code = "bad_request"
    status = 400


class Unauthorized(LoomworksError):
    code = "unauthorized"
    status = 401


class Forbidden(LoomworksError):
    code = "forbidden"
    status = 403


class NotFound(LoomworksError):
    code = "not_found"
    status = 404


class Conflict(LoomworksError):
    """Stale version, duplicate key or unique value, or a change needing confirmation."""

    code = "conflict"
    status = 409


class PayloadTooLarge(LoomworksError):
    code = "payload_too_large"
    status = 413


class ValidationFailed(LoomworksError):
    code = "validation_failed"
    status = 422


class UnsupportedMediaType(LoomworksError):
    code = "unsupported_media_type"
    status = 415


class TooManyRequests(LoomworksError):
    code = "too_many_requests"
    status = 429


def field_error(field_key: str | None, message: str, **extra: Any) -> ErrorDetail:
    """Shorthand used by validators that report several problems at once."""
    return ErrorDetail(field_key, message, dict(extra))
