"""The embedded simulator: the default car of eval-format.md, typed writes, change events."""
from __future__ import annotations

import math

import pytest

from smartcabin.signals import SignalError
from smartcabin.vehicle import SimulatedVehicle, Write

from helpers import (AC, DOOR_ZONES, SPEED, STATIONS, SUNROOF, TRUNK, door_locked, door_open, temp,
                     window)

MEDIA_ACTION = "Vehicle.Cabin.Infotainment.Media.Action"
DESTINATION = "Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Name"
CALL_STATE = "Vehicle.Cabin.Infotainment.Phone.Call.State"
VOLUME = "Vehicle.Cabin.Infotainment.Media.Volume"


@pytest.fixture
def car():
    return SimulatedVehicle()


# -- the default car -----------------------------------------------------------------

def test_default_car_is_parked(car):
    assert car.get(SPEED) == 0
    assert car.get("Vehicle.Powertrain.Transmission.SelectedGear") == 126


@pytest.mark.parametrize("zone", DOOR_ZONES)
def test_default_doors_closed_and_locked_windows_shut(car, zone):
    assert car.get(door_open(zone)) is False
    assert car.get(door_locked(zone)) is True
    assert car.get(window(zone)) == 0
    assert car.get(f"Vehicle.Cabin.Door.{zone}.Window.IsOpen") is False


@pytest.mark.parametrize("station", STATIONS)
def test_default_hvac_is_22_at_every_station(car, station):
    assert car.get(temp(station)) == 22


def test_default_sunroof_trunk_media_navigation_phone(car):
    assert car.get(SUNROOF) == 0
    assert car.get(TRUNK) == 0
    assert car.get(MEDIA_ACTION) == "STOP"
    assert car.get(DESTINATION) == ""
    assert car.get("Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive") is False
    assert car.get(CALL_STATE) == "IDLE"


def test_setup_overrides_defaults_and_leaves_the_rest(car):
    v = SimulatedVehicle({SPEED: 60, temp(): 24})
    assert v.get(SPEED) == 60
    assert v.get(temp()) == 24
    assert v.get(temp("Row1.Passenger")) == 22


def test_setup_with_unknown_signal_is_rejected():
    with pytest.raises(SignalError):
        SimulatedVehicle({"Vehicle.Cabin.FluxCapacitor": 1})


def test_snapshot_is_a_copy(car):
    snap = car.snapshot()
    snap[AC] = True
    assert car.get(AC) is False


# -- writes --------------------------------------------------------------------------

def test_valid_write_changes_the_signal(car):
    car.write([Write(AC, True), Write(temp(), 25.5)])
    assert car.get(AC) is True
    assert car.get(temp()) == 25.5


@pytest.mark.parametrize("path,value", [
    (window(), 101),                  # above the range
    (window(), -1),                   # below the range
    (VOLUME, 150),
    (SUNROOF, -101),
    (window(), "50"),                 # wrong type: a string for a number
    (window(), True),                 # a boolean is not a number
    (window(), math.nan),
    (window(), math.inf),
    (AC, 1),                          # a number for a boolean
    (AC, "true"),
    (MEDIA_ACTION, "EXPLODE"),        # not in the allowed list
    (MEDIA_ACTION, 3),
    ("Vehicle.Cabin.Door.Row3.DriverSide.IsOpen", True),  # unknown path
    ("vehicle.speed", 0),             # paths are case-sensitive
    (SPEED, 0),                       # a sensor, not an actuator
    ("Vehicle.Powertrain.Range", 999999),
    ("Vehicle.Exterior.AirTemperature", 30),
])
def test_bad_write_is_rejected_and_changes_nothing(car, path, value):
    before = car.snapshot()
    with pytest.raises(SignalError):
        car.write([Write(path, value)])
    assert car.snapshot() == before


def test_batch_with_one_bad_write_changes_nothing_and_notifies_nobody(car):
    events = []
    car.subscribe(events.append)
    before = car.snapshot()
    with pytest.raises(SignalError):
        car.write([Write(AC, True), Write(window(), 60), Write(window("Row1.PassengerSide"), 101)])
    assert car.snapshot() == before
    assert events == []


def test_validate_returns_the_stored_type(car):
    assert car.validate(window(), 40.0) == 40 and isinstance(car.validate(window(), 40.0), int)
    assert isinstance(car.validate(temp(), 21), float)


def test_sensor_hook_sets_sensors_but_still_checks_type(car):
    car.set_sensor(SPEED, 80)
    assert car.get(SPEED) == 80
    with pytest.raises(SignalError):
        car.set_sensor(SPEED, "fast")
    assert car.get(SPEED) == 80


# -- change events -------------------------------------------------------------------

def test_subscriber_receives_changes_and_unsubscribe_stops_them(car):
    events = []
    unsubscribe = car.subscribe(events.append)
    car.write([Write(AC, True)])
    assert events == [{AC: True}]
    unsubscribe()
    car.write([Write(AC, False)])
    assert events == [{AC: True}]
    assert car.get(AC) is False


def test_writing_the_value_already_held_sends_no_event(car):
    events = []
    car.subscribe(events.append)
    car.write([Write(temp(), 22)])
    assert events == []


def test_one_write_batch_is_one_event_with_every_change(car):
    events = []
    car.subscribe(events.append)
    car.write([Write(AC, True), Write(temp(), 20)])
    assert events == [{AC: True, temp(): 20}]


def test_sensor_changes_are_published_too(car):
    events = []
    car.subscribe(events.append)
    car.set_sensor(SPEED, 50)
    assert events == [{SPEED: 50}]


# -- derived signals -----------------------------------------------------------------

@pytest.mark.parametrize("zone", DOOR_ZONES)
def test_window_position_drives_window_is_open(car, zone):
    is_open = f"Vehicle.Cabin.Door.{zone}.Window.IsOpen"
    events = []
    car.subscribe(events.append)
    car.write([Write(window(zone), 30)])
    assert car.get(is_open) is True
    assert events[-1] == {window(zone): 30, is_open: True}
    car.write([Write(window(zone), 0)])
    assert car.get(is_open) is False
    others = [z for z in DOOR_ZONES if z != zone]
    assert all(car.get(f"Vehicle.Cabin.Door.{z}.Window.IsOpen") is False for z in others)


def test_trunk_position_drives_trunk_is_open(car):
    car.write([Write(TRUNK, 100)])
    assert car.get("Vehicle.Body.Trunk.Rear.IsOpen") is True
    car.write([Write(TRUNK, 0)])
    assert car.get("Vehicle.Body.Trunk.Rear.IsOpen") is False


def test_window_in_setup_is_consistent_with_is_open():
    v = SimulatedVehicle({window("Row2.PassengerSide"): 50})
    assert v.get("Vehicle.Cabin.Door.Row2.PassengerSide.Window.IsOpen") is True


def test_every_backend_gets_the_same_validation_before_anything_is_applied():
    from smartcabin.signals import SignalError
    from smartcabin.vehicle import Write, vehicle_from_config
    from smartcabin.vehicle.checked import CheckedVehicle

    class Recorder(CheckedVehicle):  # what a KUKSA or CAN adapter would be: only _apply is its own
        def __init__(self):
            super().__init__()
            self.applied = []

        def _apply(self, checked):
            self.applied.append(checked)
            return dict(checked)

    car = Recorder()
    window = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"
    assert car.write([Write(window, 50)]) == {window: 50}
    for bad in ([Write(window, 150)], [Write(window, 20), Write("Vehicle.Speed", 10)], [Write("Vehicle.Nope", 1)]):
        with pytest.raises(SignalError):
            car.write(bad)
    assert car.applied == [[(window, 50)]]  # no batch with a bad write reached the backend
    with pytest.raises(ValueError):
        vehicle_from_config("kuksa")
