"""The vehicle port: what every stage above sees of a car, whatever backend drives it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from ..names import NameLibrary
from ..signals import Value

Listener = Callable[[dict[str, Value]], None]


@dataclass(frozen=True)
class Write:
    path: str
    value: Value


class Vehicle(Protocol):
    def get(self, path: str) -> Value | None: ...
    def snapshot(self) -> dict[str, Value]: ...
    def validate(self, path: str, value: object) -> Value: ...
    def write(self, writes: list[Write]) -> dict[str, Value]: ...  # what changed
    def subscribe(self, listener: Listener) -> Callable[[], None]: ...
    def names(self) -> NameLibrary: ...  # the head unit's contacts, media library and places
