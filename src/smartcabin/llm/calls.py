"""Tool calls as one compact line, and the grammar that keeps a small model inside them.

`hvac_temperature value=22 zone=Row1.PassengerSide`, `window_position preset=half`,
`navigation_go place="West Lake"`, `none`. The line is the OpenAI tool call written short:
a 270M model copies a few tokens far better than nested JSON, and the grammar, generated
from the same tool schemas as the cloud's, means every line it can write parses into a
call that `to_intent` then validates like any other.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ..capabilities import load_catalog
from ..understanding.types import Intent
from ..zones import SEATS
from .tools import STATE_TOOL, tool_name, tools

NONE = "none"
MAX_CALLS = 3
_TEXT_MAX = 40
_ARG = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def _gbnf_literal(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _value_rule(key: str, spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "(" + " | ".join(_gbnf_literal(str(v)) for v in spec["enum"]) + ")"
    if spec.get("type") == "number":
        return "delta" if key == "change" else "num"  # no change is three digits: keeps "100" out
    if spec.get("type") == "boolean":
        return '("true" | "false")'
    return "text"


def grammar(names: set[str] | None = None, max_calls: int = MAX_CALLS) -> str:
    """GBNF for `none` or up to `max_calls` calls joined by " ; ", over the catalog's tools
    (or only `names`). Arguments come in schema order; required ones are not optional."""
    rules, alts = [], []
    for i, t in enumerate(tools()):
        fn = t["function"]
        if fn["name"] == STATE_TOOL or (names is not None and fn["name"] not in names):
            continue  # reading state is not something to propose
        params = fn["parameters"]
        parts = [_gbnf_literal(fn["name"])]
        for key, spec in params["properties"].items():
            arg = f'" {key}=" {_value_rule(key, spec)}'
            parts.append(arg if key in params.get("required", []) else f"({arg})?")
        rules.append(f"t{i} ::= " + " ".join(parts))
        alts.append(f"t{i}")
    head = [f'root ::= "{NONE}" | call (" ; " call){{0,{max_calls - 1}}}', "call ::= " + " | ".join(alts),
            'num ::= "-"? [0-9] [0-9]? [0-9]? ("." [0-9])?', 'delta ::= "-"? [1-9] [0-9]? ("." [0-9])?',
            f'text ::= "\\"" [^"\\n]{{1,{_TEXT_MAX}}} "\\""']
    return "\n".join(head + rules) + "\n"


def parse(line: str) -> list[tuple[str, dict[str, Any]]]:
    """The calls on a line (empty for `none`); arguments typed as the schema says."""
    schemas = _schemas()
    out: list[tuple[str, dict[str, Any]]] = []
    for chunk in line.strip().split(" ; ")[:MAX_CALLS]:
        name, _, rest = chunk.strip().partition(" ")
        if name == NONE or name not in schemas:
            continue
        args: dict[str, Any] = {}
        for key, raw in _ARG.findall(rest):
            spec = schemas[name].get(key, {})
            if raw.startswith('"'):
                raw = json.loads(raw)
            if spec.get("type") == "number":
                try:
                    args[key] = float(raw)
                except ValueError:
                    continue
            elif spec.get("type") == "boolean":
                args[key] = raw == "true"
            else:
                args[key] = raw
        if (name, args) not in out:  # a small model may repeat itself
            out.append((name, args))
    return out


def render(intent: Intent) -> str | None:
    """The line for an intent the parser read (few-shot examples), or None if the
    intent has no tool-call form (a follow-up without a device, a query of a level)."""
    cap = load_catalog().get(intent.cap or "")
    if cap is None:
        return None
    args: dict[str, Any] = {}
    seats = [s for s in intent.seats or () if s in SEATS]  # relative zones ("speaker") have no tool form
    if seats:
        args["zone"] = "all" if len(seats) > 1 or intent.seats == ("all",) else seats[0]
    if cap.kind == "level" and cap.value:
        step = cap.value.step * (3 if intent.mag == "big" else 1)
        if intent.op in ("up", "down", "more", "less"):
            change = intent.value if intent.value is not None else step
            args["change"] = change if intent.op in ("up", "more") else -change
        elif intent.op == "set" and intent.value is not None and not intent.relative:
            args["value"] = intent.value
        elif intent.preset in cap.presets or intent.op in cap.presets:
            args["preset"] = intent.preset if intent.preset in cap.presets else intent.op
        elif intent.op in ("max", "min"):
            args["value"] = cap.value.max if intent.op == "max" else cap.value.min
        else:
            return None
    elif cap.kind == "switch" and intent.op in ("on", "off"):
        args["on"] = intent.op == "on"
    elif cap.kind == "mode" and intent.option in cap.options:
        args["option"] = intent.option
    elif cap.kind == "action":
        args.update(intent.slots)
    elif cap.kind != "query" or intent.op != "query":
        return None
    name = tool_name(cap)
    schema = _schemas()[name]
    text = name
    for key, spec in schema.items():  # schema order: the order the grammar allows
        if key not in args:
            continue
        v = args[key]
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif spec.get("type") == "number":
            v = f"{float(v):g}"
        elif "enum" not in spec:
            v = json.dumps(str(v)[:_TEXT_MAX], ensure_ascii=False)
        text += f" {key}={v}"
    return text


@lru_cache(maxsize=1)
def _schemas() -> dict[str, dict[str, Any]]:
    return {t["function"]["name"]: t["function"]["parameters"]["properties"] for t in tools()}
