"""Turns that used to write something the user did not ask for (development hold-outs): what
each one must do to the car now, and what it must leave alone."""
from __future__ import annotations

import pytest

from helpers import SUNROOF, Car, temp

SHADE = "Vehicle.Cabin.Sunroof.Shade.Position"
FAN = "Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed"
RATE = "Vehicle.Cabin.Infotainment.Media.Played.PlaybackRate"
MEDIA = "Vehicle.Cabin.Infotainment.Media.Action"
DEST = "Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Name"
NAV_VOLUME = "Vehicle.Cabin.Infotainment.Navigation.Volume"
FRONT_DEFROST = "Vehicle.Cabin.HVAC.IsFrontDefrosterActive"
REAR_DEFROST = "Vehicle.Cabin.HVAC.IsRearDefrosterActive"


def seat(axis: str, zone: str = "Row1.DriverSide") -> str:
    return f"Vehicle.Cabin.Seat.{zone}.{axis}"


@pytest.mark.parametrize("text", [
    "it was so hot at the beach yesterday",
    "remember that song they played at the wedding? so good",
    "昨天那家火锅店太热了，空调跟没开一样",
    "我上次把空调开到十六度差点冻死",
    "play nice with your sister, okay?",
])
def test_a_story_of_the_past_or_talk_to_a_child_changes_nothing(text):
    car = Car()
    car.say(text)
    assert car.changed() == {}


def test_a_command_beside_a_story_of_the_past_still_runs():
    car = Car()
    car.say("it was so hot yesterday, turn on the ac")
    assert car["Vehicle.Cabin.HVAC.IsAirConditioningActive"] is True


def test_a_title_that_names_a_day_is_still_played():
    car = Car()
    car.say("play yesterday by the beatles")
    assert car[MEDIA] == "PLAY"
    assert car["Vehicle.Cabin.Infotainment.Media.Request.Track"] == "Yesterday"


@pytest.mark.parametrize("text", ["pop the sunroof up a bit, just tilt it, don't slide it open",
                                  "just pop the roof up a crack to let some air through"])
def test_popping_the_roof_up_tilts_it_and_touches_no_fan(text):
    car = Car()
    car.say(text)
    assert car[SUNROOF] < 0
    assert set(car.changed()) <= {SUNROOF, "Vehicle.Cabin.Sunroof.IsOpen"}


def test_the_reason_for_fresh_air_is_no_fan_request():
    car = Car()
    car.say("crack my window a bit I need some air")
    assert 0 < car["Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"] < 50
    assert car[FAN] == Car()[FAN]


def test_the_shade_on_the_roof_is_the_shade_not_the_roof():
    car = Car()
    car.say("slide back the shade on the roof glass, I want some light but not the wind")
    assert car[SHADE] > 0
    assert car[SUNROOF] == 0


@pytest.mark.parametrize("text,value", [("腿托伸出来三厘米", 30), ("座椅往后调五厘米", 200),
                                         ("move my seat back 3 cm", 180)])
def test_a_length_in_centimetres_is_that_many_millimetres(text, value):
    car = Car()
    car.say(text)
    axis = "Seating.Length" if "腿托" in text else "Position"
    assert car[seat(axis)] == value


def test_a_rate_in_words_is_a_playback_rate_and_no_title():
    car = Car()
    car.say("this guy talks so slowly, play it at one and a half speed")
    assert car[RATE] == 1.5
    assert car[MEDIA] == Car()[MEDIA]
    car = Car()
    car.say("play this at triple speed")  # past the 2x the player allows
    assert car.changed() == {}


def test_not_this_i_meant_that_goes_only_where_meant():
    car = Car()
    car.say("不是去公司我说的是回家")
    assert car[DEST] == "HOME"


def test_shutting_the_navigation_lady_up_silences_her():
    car = Car()
    car.say("the navigation lady is driving me nuts, shut her up")
    assert car[NAV_VOLUME] == 0


def test_a_fogged_rear_windscreen_is_the_rear_defroster_only():
    car = Car({"Vehicle.Speed": 40})
    car.say("后挡风玻璃起雾了，开下后除霜，顺便把空调自动打开")
    assert car[REAR_DEFROST] is True
    assert car[FRONT_DEFROST] is False


def test_the_back_too_sunny_raises_the_blinds_back_there():
    car = Car()
    car.say("后面太晒了，遮阳帘拉起来", zone="Row2.DriverSide")
    assert car["Vehicle.Cabin.Door.Row2.DriverSide.Shade.Position"] > 0
    assert car[SHADE] == Car()[SHADE]


def test_never_mind_then_a_number_sets_that_number():
    car = Car()
    car.say("空调调到26度")
    car.say("算了还是20吧")
    assert car[temp()] == 20


def test_even_darker_dims_the_screen_again():
    car = Car()
    car.say("the screen is way too bright, it's hurting my eyes")
    first = car["Vehicle.Cabin.Infotainment.HMI.Brightness"]
    car.say("even darker")
    assert car["Vehicle.Cabin.Infotainment.HMI.Brightness"] < first


def test_cooling_this_seat_ventilates_it_and_leaves_the_air_alone():
    car = Car()
    car.say("my back is all sweaty, can you cool down this seat?", zone="Row2.PassengerSide")
    assert car[seat("HeatingCooling", "Row2.PassengerSide")] < 0
    assert car[temp("Row2.Passenger")] == 22


def test_letting_the_seat_back_down_reclines_it():
    car = Car()
    before = car[seat("Backrest.Recline")]
    car.say("I wanna take a nap, let my seat back down some more")
    assert car[seat("Backrest.Recline")] > before
    assert car[seat("Position")] == Car()[seat("Position")]
