"""LLM tools, generated from the capability catalog, and tool calls turned back into intents.

An LLM can only ask for what the catalog declares, with the catalog's types and ranges;
the resulting intents then go through the same planner and safety policy as the edge.
"""
from __future__ import annotations

from typing import Any

from ..capabilities import Capability, load_catalog
from ..understanding.types import Intent
from ..zones import SEATS

STATE_TOOL = "get_vehicle_state"


def tool_name(cap: Capability) -> str:
    return cap.id.replace(".", "_")


def _zone_param() -> dict[str, Any]:
    return {"type": "string", "enum": list(SEATS) + ["all"],
            "description": "Seat zone; omit for the speaker's seat or the function's default."}


def _schema(cap: Capability) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    if cap.zones:
        props["zone"] = _zone_param()
    if cap.kind == "level" and cap.value:
        v = cap.value
        props["value"] = {"type": "number", "minimum": v.min, "maximum": v.max, "description": f"Target in {v.unit}."}
        props["change"] = {"type": "number", "description": f"Relative change in {v.unit} (negative lowers)."}
        if cap.presets:
            props["preset"] = {"type": "string", "enum": sorted(cap.presets)}
    elif cap.kind == "switch":
        props["on"] = {"type": "boolean"}
        required.append("on")
    elif cap.kind == "mode":
        props["option"] = {"type": "string", "enum": list(cap.options)}
        required.append("option")
    elif cap.kind == "action":
        for name, p in cap.params.items():
            props[name] = {"type": "string"}
            if p.get("type") == "time":
                props[name]["description"] = 'A local time as said or as ISO 8601: "23:00", "tomorrow 7 am".'
            if p.get("required") is True:
                required.append(name)
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


def tools() -> list[dict[str, Any]]:
    """OpenAI tool definitions: one per capability, plus a read-only state query."""
    out = []
    for cap in load_catalog().values():
        out.append({"type": "function", "function": {
            "name": tool_name(cap), "description": cap.description["en"], "parameters": _schema(cap)}})
    out.append({"type": "function", "function": {
        "name": STATE_TOOL, "description": "Read current vehicle signals (VSS paths). Read-only.",
        "parameters": {"type": "object", "properties": {"paths": {"type": "array", "items": {"type": "string"}}},
                       "required": ["paths"], "additionalProperties": False}}})
    return out


class ToolError(ValueError):
    """A tool call the catalog does not allow: the message goes back to the model."""


def _number(args: dict[str, Any], key: str) -> float | None:
    v = args.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ToolError(f"{key} must be a number")
    return float(v)


def to_intent(name: str, args: dict[str, Any]) -> Intent:
    """The intent a tool call asks for; raises ToolError for anything outside the catalog."""
    caps = {tool_name(c): c for c in load_catalog().values()}
    cap = caps.get(name)
    if cap is None:
        raise ToolError(f"unknown tool {name}")
    allowed = set(_schema(cap)["properties"])
    extra = set(args) - allowed
    if extra:
        raise ToolError(f"unexpected arguments {sorted(extra)}")
    zone = args.get("zone")
    if zone is not None and zone not in SEATS and zone != "all":
        raise ToolError(f"zone must be one of {list(SEATS)} or all")
    seats = ("all",) if zone == "all" else (zone,) if zone else None
    if cap.kind == "query":
        return Intent(cap=cap.id, op="query")
    if cap.kind == "level":
        value, change = _number(args, "value"), _number(args, "change")
        if value is not None:
            return Intent(cap=cap.id, op="set", value=value, unit=cap.value.unit if cap.value else None, seats=seats)
        if change is not None:
            return Intent(cap=cap.id, op="up" if change >= 0 else "down", value=abs(change), relative=True,
                          unit=cap.value.unit if cap.value else None, seats=seats)
        if args.get("preset") in cap.presets:
            return Intent(cap=cap.id, op="preset", preset=args["preset"], seats=seats)
        raise ToolError("give value, change or preset")
    if cap.kind == "switch":
        if not isinstance(args.get("on"), bool):
            raise ToolError("on must be true or false")
        return Intent(cap=cap.id, op="on" if args["on"] else "off", seats=seats)
    if cap.kind == "mode":
        if args.get("option") not in cap.options:
            raise ToolError(f"option must be one of {list(cap.options)}")
        return Intent(cap=cap.id, op="set", option=args["option"], seats=seats)
    slots = {k: v for k, v in args.items() if k != "zone"}
    if any(not isinstance(v, str) for v in slots.values()):
        raise ToolError("text parameters must be strings")
    return Intent(cap=cap.id, op="on", slots=slots, seats=seats)
