"""URL converters that turn out-of-range ids into 404s instead of database errors."""

from __future__ import annotations

from werkzeug.routing import BaseConverter

MAX_ID_DIGITS = 18  # fits a signed 64-bit integer


class IdConverter(BaseConverter):
    """A positive integer id of at most 18 digits; anything else does not match (404)."""

    regex = rf"[1-9][0-9]{{0,{MAX_ID_DIGITS - 1}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(value)
