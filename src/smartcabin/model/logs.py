"""Labelled in-car logs for `smartcabin train --add`, and the review log the assistant writes.

One JSON object a line: `text`, `lang`, optional `session`, and the truth either as
`intent` ("capability:op") or as `expect` (the signal changes the turn should make, as in
eval-format.md). Lines without a truth (the review log) are skipped until labelled.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from ..capabilities import Capability, load_catalog
from ..vehicle import default_car
from .dataset import Example, valid_labels


def _path_owner(path: str) -> Capability | None:
    for cap in load_catalog().values():
        templates = [cap.signal] if cap.signal else []
        templates += list(cap.writes)
        for t in templates:
            for zone in cap.zone_names(None):
                if cap.path(zone, t) == path:
                    return cap
    return None


def label_from_expect(expect: dict[str, Any]) -> str | None:
    """The intent behind expected signal changes: the capability that writes them, and how."""
    defaults = default_car()
    for path, value in expect.items():
        cap = _path_owner(path)
        if cap is None:
            continue
        if cap.kind == "action":
            return f"{cap.id}:on"
        if cap.kind == "switch":
            on = value == cap.switch_value(True) if not isinstance(value, dict) else None
            return f"{cap.id}:{'on' if on else 'off'}" if on is not None else None
        if cap.kind == "mode":
            return f"{cap.id}:set"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            before = defaults.get(path)
            if isinstance(before, (int, float)) and value != before:
                return f"{cap.id}:{'up' if value > before else 'down'}"
            return f"{cap.id}:set"
        if isinstance(value, dict) and ("min" in value or "max" in value):
            before = defaults.get(path)
            if isinstance(before, (int, float)):
                if "min" in value and value["min"] > before:
                    return f"{cap.id}:up"
                if "max" in value and value["max"] < before:
                    return f"{cap.id}:down"
    return None


def read_logs(path: Path) -> list[Example]:
    """Training examples from labelled logs; the previous line of a session gives the context."""
    known = set(valid_labels())
    catalog = load_catalog()
    out: list[Example] = []
    prev: dict[str, str | None] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{n}: each line needs a text")
        label = row.get("intent") or (label_from_expect(row["expect"]) if isinstance(row.get("expect"), dict) else None)
        session = str(row.get("session", f"line{n}"))
        if label in known:
            out.append(Example(row["text"], label, prev.get(session), weight=3.0))
            cap = label.split(":")[0]
            prev[session] = catalog[cap].domain if cap in catalog else None
        elif label == "none":
            out.append(Example(row["text"], "none", prev.get(session), weight=3.0))
    return out


def cases_as_logs(cases: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evaluation cases in the log format (single-turn ones): for measuring `--add`."""
    out = []
    for c in cases:
        turns = c.get("turns", [])
        if len(turns) == 1 and c.get("expect"):
            out.append({"text": turns[0]["text"], "lang": c.get("lang"), "session": c.get("id"),
                        "expect": c["expect"]})
        elif len(turns) == 1 and c.get("outcome") == "no_action":
            out.append({"text": turns[0]["text"], "lang": c.get("lang"), "session": c.get("id"), "intent": "none"})
    return out
