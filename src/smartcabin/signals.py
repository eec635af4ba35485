"""The signal catalog: every VSS path the product knows, with its type and limits.

Loaded from the shipped VSS export plus the overlays; the vehicle store and the
capability catalog validate against it, so a typo in a path fails at start-up.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .datafiles import parse_yaml, read_text

Value = bool | int | float | str

_INT_RANGES = {
    "uint8": (0, 255), "uint16": (0, 65535), "uint32": (0, 2**32 - 1),
    "int8": (-128, 127), "int16": (-32768, 32767), "int32": (-(2**31), 2**31 - 1),
}


class SignalError(ValueError):
    """A value that the signal's type, range or allowed list rejects."""


@dataclass(frozen=True)
class SignalSpec:
    path: str
    kind: str  # sensor | actuator | attribute
    datatype: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    description: str = ""

    def coerce(self, value: Any) -> Value:
        """Return `value` as this signal's type, or raise SignalError."""
        dt = self.datatype
        if dt == "boolean":
            if isinstance(value, bool):
                return value
            raise SignalError(f"{self.path} expects a boolean, got {value!r}")
        if dt == "string":
            if not isinstance(value, str):
                raise SignalError(f"{self.path} expects a string, got {value!r}")
            if self.allowed and value not in self.allowed:
                raise SignalError(f"{self.path} allows {list(self.allowed)}, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SignalError(f"{self.path} expects a number, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise SignalError(f"{self.path} expects a finite number")
        lo, hi = _INT_RANGES.get(dt, (None, None))
        if lo is not None:
            if value != int(value):
                value = round(value)
            value = int(value)
        else:
            value = float(value)
        for bound, ok in ((self.min, lambda b: value >= b), (lo, lambda b: value >= b),
                          (self.max, lambda b: value <= b), (hi, lambda b: value <= b)):
            if bound is not None and not ok(bound):
                raise SignalError(f"{self.path} must lie in [{self.min}, {self.max}], got {value}")
        return value


def _flatten(tree: dict, prefix: str, out: dict[str, SignalSpec]) -> None:
    for name, node in tree.items():
        path = f"{prefix}.{name}" if prefix else name
        if node.get("type") == "branch":
            _flatten(node.get("children", {}), path, out)
            continue
        allowed = node.get("allowed")
        out[path] = SignalSpec(
            path=path, kind=node["type"], datatype=node.get("datatype", "string"),
            unit=node.get("unit"), min=node.get("min"), max=node.get("max"),
            allowed=tuple(allowed) if allowed else None,
            description=node.get("description", ""),
        )


def _read(name: str) -> str:
    return read_text("smartcabin.data.vss", name)


@lru_cache(maxsize=1)
def load_signals() -> dict[str, SignalSpec]:
    """All leaf signals of VSS plus both overlays, keyed by path."""
    out: dict[str, SignalSpec] = {}
    _flatten(json.loads(_read("vss.json")), "", out)
    for overlay in ("overlay.vspec", "product.vspec"):
        for path, node in (parse_yaml(_read(overlay)) or {}).items():
            if node.get("type") == "branch":
                continue
            allowed = node.get("allowed")
            out[path] = SignalSpec(
                path=path, kind=node["type"], datatype=node["datatype"], unit=node.get("unit"),
                min=node.get("min"), max=node.get("max"),
                allowed=tuple(allowed) if allowed else None,
                description=" ".join(str(node.get("description", "")).split()),
            )
    return out

