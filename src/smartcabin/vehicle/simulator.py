"""The embedded simulator: the vehicle adapter `make run` and the tests drive."""
from __future__ import annotations

from typing import Callable

from ..datafiles import load_yaml
from ..names import NameLibrary, car_names
from ..signals import Value
from .checked import CheckedVehicle
from .port import Listener


def default_car() -> dict[str, Value]:
    return dict(load_yaml("smartcabin.data", "default_car.yaml"))


# Sensors that follow an actuator in a real car: (actuator, derived sensor, rule).
COUPLINGS: tuple[tuple[str, str, Callable[[Value], Value]], ...] = tuple(
    (f"Vehicle.Cabin.Door.{z}.Window.Position", f"Vehicle.Cabin.Door.{z}.Window.IsOpen", lambda v: v > 0)
    for z in ("Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.PassengerSide")
) + (
    ("Vehicle.Body.Trunk.Rear.Position", "Vehicle.Body.Trunk.Rear.IsOpen", lambda v: v > 0),
    ("Vehicle.Body.Trunk.Front.Position", "Vehicle.Body.Trunk.Front.IsOpen", lambda v: v > 0),
    ("Vehicle.Cabin.RearShade.Position", "Vehicle.Cabin.RearShade.IsOpen", lambda v: v > 0),
    ("Vehicle.Cabin.Sunroof.Shade.Position", "Vehicle.Cabin.Sunroof.Shade.IsOpen", lambda v: v > 0),
)


class SimulatedVehicle(CheckedVehicle):
    """An in-memory car: typed, range-checked signals keyed by VSS path (checked.py validates
    every write before it lands here)."""

    def __init__(self, setup: dict[str, object] | None = None, defaults: bool = True,
                 names: NameLibrary | None = None) -> None:
        super().__init__()
        self._names = names
        self._values: dict[str, Value] = {}
        self._listeners: list[Listener] = []
        for path, value in (default_car() if defaults else {}).items():
            self._values[path] = self._spec(path).coerce(value)
        for path, value in (setup or {}).items():
            self.set_sensor(path, value)

    def get(self, path: str) -> Value | None:
        return self._values.get(path)

    def snapshot(self) -> dict[str, Value]:
        return dict(self._values)

    def _apply(self, checked: list[tuple[str, Value]]) -> dict[str, Value]:
        changed: dict[str, Value] = {}
        for path, value in checked:
            self._store(path, value, changed)
        self._notify(changed)
        return changed

    def set_sensor(self, path: str, value: object) -> None:
        """Scenario and test hook: set any signal (speed, rain, battery ...) directly."""
        changed: dict[str, Value] = {}
        self._store(path, self._spec(path).coerce(value), changed)
        self._notify(changed)

    def names(self) -> NameLibrary:
        """The sample head unit's names, or the user's own files (names.py)."""
        return self._names if self._names is not None else car_names()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _store(self, path: str, value: Value, changed: dict[str, Value]) -> None:
        if self._values.get(path) != value or path not in self._values:
            self._values[path] = value
            changed[path] = value
        for source, derived, rule in COUPLINGS:
            if source == path:
                self._store(derived, rule(value), changed)

    def _notify(self, changed: dict[str, Value]) -> None:
        if changed:
            for listener in list(self._listeners):
                listener(dict(changed))
