"""Validation once, above every backend: a write is checked against the VSS catalog (known
signal, an actuator, the right type, inside its range or allowed values) before any backend
sees it, and a batch with one bad write changes nothing. A backend (the simulator here; a
KUKSA databroker or CAN adapter elsewhere) subclasses this and implements `_apply` and reads."""
from __future__ import annotations

from ..signals import SignalError, SignalSpec, Value, load_signals
from .port import Write

# VSS models the sunroof position as a sensor moved by Sunroof.Switch; a backend translates the
# position target into switch steps (the simulator moves it at once), so it is written as a target.
POSITION_TARGETS = frozenset({"Vehicle.Cabin.Sunroof.Position"})


class CheckedVehicle:
    def __init__(self) -> None:
        self._specs: dict[str, SignalSpec] = load_signals()

    def _spec(self, path: str) -> SignalSpec:
        spec = self._specs.get(path)
        if spec is None:
            raise SignalError(f"unknown signal {path}")
        return spec

    def validate(self, path: str, value: object) -> Value:
        """The value as the signal would store it; raises SignalError for bad writes."""
        spec = self._spec(path)
        if spec.kind != "actuator" and path not in POSITION_TARGETS:
            raise SignalError(f"{path} is a {spec.kind}, not an actuator")
        return spec.coerce(value)

    def sensor_value(self, path: str, value: object) -> Value:
        """The value a scenario may give this signal: a sensor the world sets (speed, rain,
        light), never an actuator. Raises SignalError (unknown signal, not a sensor, bad value)."""
        spec = self._spec(path)
        if spec.kind != "sensor" or path in POSITION_TARGETS:
            raise SignalError(f"{path} is not a sensor: actuators change only through turns")
        return spec.coerce(value)

    def write(self, writes: list[Write]) -> dict[str, Value]:
        """Check every write, then hand the batch to the backend; returns what changed."""
        checked = [(w.path, self.validate(w.path, w.value)) for w in writes]
        return self._apply(checked)

    def _apply(self, checked: list[tuple[str, Value]]) -> dict[str, Value]:
        raise NotImplementedError
