"""Labelled in-car logs for `smartcabin train --add`, and the review log the assistant writes.

One JSON object a line: `text`, `lang`, optional `session`, and the truth either as
`intent` ("capability:op", optionally with `slots`: the names said, as pieces of the text)
or as `expect` (the signal changes the turn should make, as in eval-format.md). Lines without a truth (the review log) are skipped until labelled.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..capabilities import Capability, load_catalog
from ..datafiles import json_lines
from ..vehicle import default_car
from .dataset import Example, valid_labels


def _path_owner(path: str, value: Any) -> Capability | None:
    """The capability that writes `value` to `path`: several write Media.Action, and the
    literal they write (SKIP_BACKWARD) tells which one."""
    fallback = None
    for cap in load_catalog().values():
        templates = {cap.signal: None} if cap.signal else {}
        templates.update(cap.writes)
        for t, literal in templates.items():
            if any(cap.path(zone, t) == path for zone in cap.zone_names(None)):
                if isinstance(literal, str) and "{" not in literal or isinstance(literal, bool):
                    if literal == value:
                        return cap
                    continue
                fallback = fallback or cap
    return fallback


def label_from_expect(expect: dict[str, Any]) -> str | None:
    """The intent behind expected signal changes: the capability that writes them, and how."""
    defaults = default_car()
    for path, value in expect.items():
        cap = _path_owner(path, value)
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
            level = abs(value) if cap.value and cap.value.sign < 0 else value
            for op in ("on", "off"):  # "open the tailgate": its on preset, not a step up
                if cap.presets.get(op) == level:
                    return f"{cap.id}:{op}"
            return f"{cap.id}:set"  # an exact value was asked for
        if isinstance(value, dict) and ("min" in value or "max" in value):
            before = defaults.get(path)
            if isinstance(before, (int, float)):
                if "min" in value and value["min"] > before:
                    # from its off preset, "more" means switching it on (seat heating {min: 1})
                    return f"{cap.id}:on" if cap.presets.get("off") == before and "on" in cap.presets else f"{cap.id}:up"
                if "max" in value and value["max"] < before:
                    return f"{cap.id}:down"
    return None


# a labelled log line counts as eight generated sentences: at 3 the data loop's model read new
# log lines 3.9 points below a model of the logs alone, at 8 1.6 points (docs/benchmarks.md)
LOG_WEIGHT = 8.0


def _slots(row: dict[str, Any]) -> tuple[tuple[str, str], ...] | None:
    """A line's name spans ("slots": {"artist": "周杰伦"}), each a piece of its text; None if unlabelled."""
    slots = row.get("slots")
    if not isinstance(slots, dict):
        return None
    text = row["text"]
    pairs = tuple((str(k), str(v)) for k, v in slots.items() if isinstance(v, str) and v and v in text)
    return pairs if len(pairs) == len(slots) else None


def read_logs(path: Path) -> list[Example]:
    """Training examples from labelled logs; the previous line of a session gives the context."""
    known = set(valid_labels())
    catalog = load_catalog()
    out: list[Example] = []
    prev: dict[str, str | None] = {}
    for n, row in json_lines(path):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{n}: each line needs a text")
        label = row.get("intent") or (label_from_expect(row["expect"]) if isinstance(row.get("expect"), dict) else None)
        session = str(row.get("session", f"line{n}"))
        if label in known:
            out.append(Example(row["text"], label, prev.get(session), weight=LOG_WEIGHT, slots=_slots(row), taught=True))
            cap = label.split(":")[0]
            prev[session] = catalog[cap].domain if cap in catalog else None
        elif label == "none":
            out.append(Example(row["text"], "none", prev.get(session), weight=LOG_WEIGHT, slots=(), taught=True))
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
