"""Shared helpers for the behaviour tests: a car in a known state and a conversation with it."""
from __future__ import annotations

import re
from pathlib import Path

from smartcabin.assistant import OUTCOMES, Assistant, TurnResult
from smartcabin.vehicle import SimulatedVehicle

REPO = Path(__file__).resolve().parents[1]

SPEED = "Vehicle.Speed"
AC = "Vehicle.Cabin.HVAC.IsAirConditioningActive"
TRUNK = "Vehicle.Body.Trunk.Rear.Position"
SUNROOF = "Vehicle.Cabin.Sunroof.Position"
LOW_BEAM = "Vehicle.Body.Lights.Beam.Low.IsOn"
LIGHT_INTENSITY = "Vehicle.Exterior.LightIntensity"
RAIN = "Vehicle.Body.Raindetection.Intensity"
WIPER = "Vehicle.Body.Windshield.Front.Wiping.Mode"
APP = "Vehicle.Cabin.Infotainment.HMI.ForegroundApp"
CHILD_LOCK = "Vehicle.Cabin.IsWindowChildLockEngaged"

DOOR_ZONES = ("Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.PassengerSide")
STATIONS = ("Row1.Driver", "Row1.Passenger", "Row2.Driver", "Row2.Passenger")
MIRRORS = ("DriverSide", "PassengerSide")


def temp(station: str = "Row1.Driver") -> str:
    return f"Vehicle.Cabin.HVAC.Station.{station}.Temperature"


def window(zone: str = "Row1.DriverSide") -> str:
    return f"Vehicle.Cabin.Door.{zone}.Window.Position"


def door_open(zone: str = "Row1.DriverSide") -> str:
    return f"Vehicle.Cabin.Door.{zone}.IsOpen"


def door_locked(zone: str = "Row1.DriverSide") -> str:
    return f"Vehicle.Cabin.Door.{zone}.IsLocked"


def mirror_folded(side: str) -> str:
    return f"Vehicle.Body.Mirrors.{side}.IsFolded"


class Car:
    """One simulated car and one conversation with it."""

    def __init__(self, setup: dict | None = None) -> None:
        self.vehicle = SimulatedVehicle(setup or {})
        self.assistant = Assistant(self.vehicle)
        self.start = self.vehicle.snapshot()

    def say(self, text, zone: str | None = None) -> TurnResult:
        result = self.assistant.turn(text, zone=zone)
        assert result.outcome in OUTCOMES, (text, result.outcome)
        return result

    def __getitem__(self, path: str):
        return self.vehicle.get(path)

    def changed(self) -> dict:
        """Every signal that differs from the state after setup."""
        now = self.vehicle.snapshot()
        return {k: v for k, v in now.items() if self.start.get(k) != v}

    def any_door_open(self) -> bool:
        return any(self.vehicle.get(door_open(z)) for z in DOOR_ZONES)


_CJK = re.compile(r"[\u3400-\u9fff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))
