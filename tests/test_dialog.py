"""Conversation as a user notices it: follow-ups, undo, the seat that spoke, and short replies
in the user's language."""
from __future__ import annotations

import re

import pytest

from helpers import (AC, DOOR_ZONES, WIPER, Car, cjk_count, door_open, has_cjk, temp, window)

SEAT_HEAT = "Vehicle.Cabin.Seat.{}.HeatingCooling"


# -- follow-ups ----------------------------------------------------------------------

def test_passenger_too_after_a_relative_change_zh():
    car = Car()
    car.say("温度调高两度")
    assert car[temp()] == 24
    r = car.say("副驾也一样")
    assert r.outcome == "executed"
    assert car[temp("Row1.Passenger")] == 24
    assert car[temp("Row2.Driver")] == 22
    assert car[temp("Row2.Passenger")] == 22
    assert car[temp()] == 24  # the driver's setting stays


def test_a_bit_more_then_actually_make_it_20_then_undo_en():
    car = Car()
    car.say("set the temperature to 24 degrees celsius")
    assert car[temp()] == 24
    car.say("a bit more")
    assert car[temp()] > 24
    raised = car[temp()]
    assert raised <= 26
    car.say("actually make it 20")
    assert car[temp()] == 20
    r = car.say("undo that")
    assert r.outcome == "executed"
    assert car[temp()] == raised  # back to before "make it 20"
    assert car[temp("Row1.Passenger")] == 22


def test_undo_restores_the_value_before_the_command():
    car = Car()
    car.say("set the temperature to 26 degrees celsius")
    car.say("undo that")
    assert car[temp()] == 22
    assert car.changed() == {}


def test_undo_restores_a_window_and_its_open_flag():
    car = Car()
    car.say("打开车窗")
    car.say("撤销")
    assert car[window()] == 0
    assert car["Vehicle.Cabin.Door.Row1.DriverSide.Window.IsOpen"] is False


def test_undo_with_nothing_to_undo_changes_nothing():
    car = Car()
    r = car.say("undo that")
    assert r.outcome == "no_action"
    assert car.changed() == {}


def test_zh_more_after_a_setting():
    car = Car()
    car.say("温度调到24度")
    car.say("再高一点")
    assert car[temp()] == 25


def test_verb_first_then_device_opens_the_speakers_window():
    car = Car()
    r = car.say("打开")
    assert r.outcome == "clarify"
    assert car.changed() == {}
    car.say("车窗")
    assert car[window()] == 100
    assert all(car[window(z)] == 0 for z in DOOR_ZONES[1:])


def test_verb_first_then_device_from_the_rear_right_seat():
    car = Car()
    car.say("打开", zone="Row2.PassengerSide")
    car.say("车窗", zone="Row2.PassengerSide")
    assert car[window("Row2.PassengerSide")] == 100
    assert all(car[window(z)] == 0 for z in DOOR_ZONES if z != "Row2.PassengerSide")


def test_close_it_acts_on_what_was_just_opened():
    car = Car()
    car.say("open the sunroof")
    car.say("close it")
    assert car["Vehicle.Cabin.Sunroof.Position"] == 0


def test_the_passenger_side_too_en():
    car = Car()
    car.say("turn on the seat heating")
    car.say("the passenger side too")
    assert car[SEAT_HEAT.format("Row1.DriverSide")] > 0
    assert car[SEAT_HEAT.format("Row1.PassengerSide")] == car[SEAT_HEAT.format("Row1.DriverSide")]
    assert car[SEAT_HEAT.format("Row2.DriverSide")] == 0


# -- the speaker's seat --------------------------------------------------------------

@pytest.mark.parametrize("zone", ["Row2.PassengerSide", "Row2.DriverSide", "Row1.PassengerSide"])
def test_open_my_window_opens_only_the_speakers_window(zone):
    car = Car()
    car.say("open my window", zone=zone)
    assert car[window(zone)] == 100
    assert all(car[window(z)] == 0 for z in DOOR_ZONES if z != zone)


def test_temperature_without_a_zone_is_the_speakers_station():
    car = Car()
    car.say("温度调到25度", zone="Row2.DriverSide")
    assert car[temp("Row2.Driver")] == 25
    assert car[temp()] == 22


def test_window_behind_me_from_the_passenger_seat():
    car = Car()
    car.say("open the window behind me", zone="Row1.PassengerSide")
    assert car[window("Row2.PassengerSide")] == 100
    assert car[window("Row1.PassengerSide")] == 0


# -- replies -------------------------------------------------------------------------

ZH_COMMANDS = ["打开空调", "温度调到24度", "打开车窗", "音量调到30", "导航回家", "座椅加热调到2档", "播放周杰伦的晴天"]
EN_COMMANDS = ["turn on the AC", "set the temperature to 24", "open the window", "set the volume to 30",
               "navigate home", "turn on the seat heating", "play yesterday by the beatles"]


@pytest.mark.parametrize("text", ZH_COMMANDS)
def test_reply_to_chinese_is_chinese(text):
    r = Car().say(text)
    assert r.outcome == "executed"
    assert has_cjk(r.reply)
    assert not re.search(r"[A-Za-z]{2,}", r.reply), r.reply


@pytest.mark.parametrize("text", EN_COMMANDS)
def test_reply_to_english_is_english(text):
    r = Car().say(text)
    assert r.outcome == "executed"
    assert not has_cjk(r.reply), r.reply
    assert re.search(r"[A-Za-z]{2,}", r.reply)


@pytest.mark.parametrize("text,lang", [("今天天气怎么样", "zh"), ("tell me a joke", "en"),
                                       ("温度调到50度", "zh"), ("set the temperature to 100 degrees celsius", "en")])
def test_non_command_replies_follow_the_language_too(text, lang):
    r = Car().say(text)
    assert r.reply
    assert has_cjk(r.reply) == (lang == "zh"), r.reply


SHORT = [
    ("set the temperature to 24", "24"),
    ("set the volume to 30", "30"),
    ("open the window halfway", "50"),
    ("set the fan to level 5", "50"),
    ("temperature up two degrees", "24"),
]
SHORT_ZH = [
    ("温度调到24度", "24"),
    ("音量调到30", "30"),
    ("车窗开到一半", "50"),
    ("风量调到5档", "50"),
    ("座椅加热调到2档", "2"),
    ("温度调高两度", "24"),
]


@pytest.mark.parametrize("text,value", SHORT)
def test_english_reply_is_short_and_names_the_value(text, value):
    r = Car().say(text)
    assert r.outcome == "executed"
    assert len(r.reply.split()) <= 12, r.reply
    assert value in r.reply


@pytest.mark.parametrize("text,value", SHORT_ZH)
def test_chinese_reply_is_short_and_names_the_value(text, value):
    r = Car().say(text)
    assert r.outcome == "executed"
    assert cjk_count(r.reply) <= 20, r.reply
    assert value in r.reply


def test_reply_names_the_station_when_the_zone_was_said():
    r = Car().say("副驾温度调到25度")
    assert "副驾" in r.reply and "25" in r.reply


# -- real bugs -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["set the temperature to 24 degrees celsius", "set the fan to level 4"])
def test_a_single_setting_is_said_and_written_once(text):
    r = Car().say(text)
    assert len(r.writes) == 1
    assert len(re.findall(r"\d+", r.reply)) == 1, r.reply


def test_wipers_off_reply_is_in_the_users_words():
    car = Car({WIPER: "FAST"})
    r = car.say("关闭雨刮")
    assert car[WIPER] == "OFF"
    assert "OFF" not in r.reply


@pytest.mark.parametrize("text,signal", [("is the driver door open?", door_open()), ("is the AC on?", AC),
                                         ("空调开了吗", AC)])
def test_a_question_about_a_switch_does_not_flip_it(text, signal):
    car = Car()
    r = car.say(text)
    assert car.changed() == {}
    assert r.outcome == "answered"


@pytest.mark.parametrize("text,value", [("温度是多少", "22"), ("what is the volume?", "40")])
def test_a_question_about_a_setting_is_answered_with_its_value(text, value):
    r = Car().say(text)
    assert r.outcome == "answered"
    assert value in r.reply


@pytest.mark.parametrize("first, then, closed, opened", [
    ("open the back left window", "no, the other one", "Row2.DriverSide", "Row2.PassengerSide"),
    ("打开副驾车窗", "哎不是，是后面右边那个", "Row1.PassengerSide", "Row2.PassengerSide"),
    ("打开副驾车窗", "不是这个，另一个", "Row1.PassengerSide", "Row1.DriverSide"),
])
def test_no_the_other_one_takes_the_last_request_back_and_does_it_there(first, then, closed, opened):
    from smartcabin.assistant import Assistant
    from smartcabin.vehicle import SimulatedVehicle

    car = SimulatedVehicle()
    a = Assistant(car)
    a.turn(first)
    a.turn(then)
    assert car.get(f"Vehicle.Cabin.Door.{closed}.Window.Position") == 0
    assert car.get(f"Vehicle.Cabin.Door.{opened}.Window.Position") == 100
