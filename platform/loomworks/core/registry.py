"""Typed registries for every extensible kind (field types, converters, later triggers and actions).

Built-ins register exactly like extensions would. Registering the same key twice
is a start-up error, so two plugins can never silently shadow each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class DuplicateRegistration(RuntimeError):
    """Raised at start-up when two entries claim the same key."""


class UnknownKey(KeyError):
    """Raised when a key is looked up that nobody registered."""


class Registry(Generic[T]):
    """A named mapping from a stable ``type`` key to one registered object."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if key in self._items:
            raise DuplicateRegistration(f"{self.name}: {key!r} is already registered")
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise UnknownKey(f"{self.name}: unknown {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def keys(self) -> list[str]:
        return list(self._items)
