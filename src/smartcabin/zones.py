"""Seat zones and how each signal family names them.

The speaker and the user speak in seat positions (eval-format.md); VSS names the
same places differently per branch (HVAC stations, doors, mirrors). One table per
scheme maps seats to the branch names, so the parser never deals with paths.
"""
from __future__ import annotations

SEATS: tuple[str, ...] = (
    "Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.Middle", "Row2.PassengerSide",
)
DEFAULT_SPEAKER = "Row1.DriverSide"

# scheme -> seat -> the zone names of that scheme it covers
_SCHEMES: dict[str, dict[str, tuple[str, ...]]] = {
    "station": {
        "Row1.DriverSide": ("Row1.Driver",), "Row1.PassengerSide": ("Row1.Passenger",),
        "Row2.DriverSide": ("Row2.Driver",), "Row2.PassengerSide": ("Row2.Passenger",),
        "Row2.Middle": ("Row2.Driver", "Row2.Passenger"),
    },
    "door": {
        "Row1.DriverSide": ("Row1.DriverSide",), "Row1.PassengerSide": ("Row1.PassengerSide",),
        "Row2.DriverSide": ("Row2.DriverSide",), "Row2.PassengerSide": ("Row2.PassengerSide",),
        "Row2.Middle": ("Row2.DriverSide", "Row2.PassengerSide"),
    },
    "seat": {s: (s,) for s in SEATS},
    "mirror": {
        "Row1.DriverSide": ("DriverSide",), "Row1.PassengerSide": ("PassengerSide",),
        "Row2.DriverSide": ("DriverSide",), "Row2.PassengerSide": ("PassengerSide",),
        "Row2.Middle": ("DriverSide", "PassengerSide"),
    },
}
_SCHEMES["ambient"] = _SCHEMES["door"]
# Only the rear doors have child locks and window sunshades; only front seats a neck warmer.
_SCHEMES["rear_door"] = {s: n for s, n in _SCHEMES["door"].items() if s.startswith("Row2")}
_SCHEMES["front_seat"] = {s: (s,) for s in SEATS if s.startswith("Row1")}
# parking sensors: the front row names the front bumper's, the rear row the rear one's
_SCHEMES["sensor"] = {s: tuple(f"{'Front' if s.startswith('Row1') else 'Rear'}.{p}" for p in ("Left", "Center", "Right"))
                      for s in SEATS}

# Seats an "all" covers per scheme: the middle rear seat has no own heater or massage.
_ALL_SEATS = {"seat": ("Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.PassengerSide"),
              "rear_door": ("Row2.DriverSide", "Row2.PassengerSide"),
              "front_seat": ("Row1.DriverSide", "Row1.PassengerSide")}


def is_seat(zone: str) -> bool:
    return zone in SEATS


def all_seats(scheme: str) -> tuple[str, ...]:
    return _ALL_SEATS.get(scheme, SEATS)


def to_scheme(scheme: str, seats: tuple[str, ...] | list[str]) -> list[str]:
    """Scheme zone names for the given seats, in catalog order, without repeats."""
    table = _SCHEMES[scheme]
    out: list[str] = []
    for seat in seats:
        for name in table.get(seat, ()):
            if name not in out:
                out.append(name)
    order = [n for names in table.values() for n in names]
    return sorted(out, key=order.index)


def scheme_names() -> tuple[str, ...]:
    return tuple(_SCHEMES)
