"""Trip planning as an LLM tool: the model proposes the stops, the car sets navigation.

The model knows places and plans; the car knows its range and owns navigation. A plan
becomes one `navigation.go` intent to the first stop (through planning and safety like
any action), a departure reminder when a time is given, and the remaining stops and the
range read back so the model can say whether a charging stop is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..understanding.types import Intent

MAX_STOPS = 5
MAX_NAME = 60
RANGE_SIGNAL = "Vehicle.Powertrain.Range"  # metres, in VSS

TRIP_TOOL = {"type": "function", "function": {
    "name": "plan_trip",
    "description": ("Plan a trip: the destination, optional stops before it in order, and an optional departure "
                    "time. Starts guidance to the first stop and returns the remaining stops and the car's range."),
    "parameters": {"type": "object", "properties": {
        "destination": {"type": "string"},
        "stops": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_STOPS},
        "depart_at": {"type": "string", "description": "ISO 8601 local date and time"}},
        "required": ["destination"], "additionalProperties": False}}}


@dataclass
class Trip:
    stops: list[str]  # in order; the last one is the destination
    depart_at: str | None = None
    reminder: dict[str, Any] | None = None


class TripError(ValueError):
    """A plan the tool cannot take: the message goes back to the model."""


def _place(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TripError(f"{what} must be a place name")
    if len(value) > MAX_NAME:
        raise TripError(f"{what} is too long")
    return " ".join(value.split())


def trip_from(args: dict[str, Any]) -> Trip:
    extra = set(args) - {"destination", "stops", "depart_at"}
    if extra:
        raise TripError(f"unexpected arguments {sorted(extra)}")
    stops = args.get("stops") or []
    if not isinstance(stops, list) or len(stops) > MAX_STOPS:
        raise TripError(f"stops must be a list of at most {MAX_STOPS} places")
    route = [_place(s, "each stop") for s in stops] + [_place(args.get("destination"), "destination")]
    depart = args.get("depart_at")
    if depart is not None and not isinstance(depart, str):
        raise TripError("depart_at must be an ISO 8601 time")
    return Trip(route, depart)


def first_leg(trip: Trip) -> Intent:
    return Intent(cap="navigation.go", op="on", slots={"place": trip.stops[0]})


def summary(trip: Trip, range_m: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"guidance_to": trip.stops[0], "remaining_stops": trip.stops[1:]}
    if isinstance(range_m, (int, float)):
        out["range_km"] = round(range_m / 1000)
    if trip.reminder:
        out["departure_reminder"] = trip.reminder
    return out
