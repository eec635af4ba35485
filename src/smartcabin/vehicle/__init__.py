"""Vehicles are ports with adapters: `Vehicle` (port.py) is all that understanding, planning,
safety and the service see; the simulator is the adapter shipped here, and a KUKSA or CAN
backend is another one that `vehicle_from_config` builds without touching the rest."""
from __future__ import annotations

from .port import Listener, Vehicle, Write
from .simulator import COUPLINGS, SimulatedVehicle, default_car

__all__ = ["COUPLINGS", "Listener", "SimulatedVehicle", "Vehicle", "Write", "default_car", "vehicle_from_config"]

BACKENDS = ("simulator",)


def vehicle_from_config(backend: str = "simulator", setup: dict[str, object] | None = None) -> SimulatedVehicle:
    """The vehicle the configuration names. Only the embedded simulator ships; a real car's
    adapter (KUKSA databroker, CAN) registers here under its own name."""
    if backend != "simulator":
        raise ValueError(f"unknown vehicle backend {backend!r}; known: {', '.join(BACKENDS)}")
    return SimulatedVehicle(setup)
