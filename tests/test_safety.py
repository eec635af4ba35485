"""The safety policy (data/safety.yaml), as the driver meets it: refusals, questions, and what
still works next to each rule."""
from __future__ import annotations

import pytest

from smartcabin.safety import load_rules

from helpers import (AC, APP, CHILD_LOCK, DOOR_ZONES, LIGHT_INTENSITY, LOW_BEAM, MIRRORS, RAIN, SPEED,
                     SUNROOF, TRUNK, WIPER, Car, door_locked, door_open, mirror_folded, temp, window)

RULES = {r.id: r for r in load_rules()}


def reason(rule_id: str, lang: str) -> str:
    return RULES[rule_id].reason[lang]


# (rule, setup, text, speaker zone, decision, lang)
STOPPED = [
    ("door-open-moving", {SPEED: 60}, "open the driver door", None, "refuse", "en"),
    ("door-open-moving", {SPEED: 60}, "打开车门", None, "refuse", "zh"),
    ("trunk-open-moving", {SPEED: 30}, "open the trunk", None, "refuse", "en"),
    ("trunk-open-moving", {SPEED: 30}, "打开后备箱", None, "refuse", "zh"),
    ("unlock-moving", {SPEED: 60}, "unlock the doors", None, "confirm", "en"),
    ("unlock-moving", {SPEED: 60}, "解锁车门", None, "confirm", "zh"),
    ("video-moving", {SPEED: 30}, "play a video", None, "refuse", "en"),
    ("video-moving", {SPEED: 30}, "打开视频", None, "refuse", "zh"),
    ("headlights-off-night-driving", {SPEED: 50, LIGHT_INTENSITY: 5, LOW_BEAM: True},
     "turn off the headlights", None, "refuse", "en"),
    ("headlights-off-night-driving", {SPEED: 50, LIGHT_INTENSITY: 5, LOW_BEAM: True},
     "关闭大灯", None, "refuse", "zh"),
    ("sunroof-high-speed", {SPEED: 130}, "open the sunroof", None, "refuse", "en"),
    ("sunroof-high-speed", {SPEED: 130}, "打开天窗", None, "refuse", "zh"),
    ("window-fully-open-high-speed", {SPEED: 130}, "open the window", None, "confirm", "en"),
    ("window-fully-open-high-speed", {SPEED: 130}, "打开车窗", None, "confirm", "zh"),
    ("mirror-fold-moving", {SPEED: 50}, "fold the mirrors", None, "refuse", "en"),
    ("mirror-fold-moving", {SPEED: 50}, "折叠后视镜", None, "refuse", "zh"),
    ("wipers-off-heavy-rain", {SPEED: 50, RAIN: 80, WIPER: "FAST"}, "turn off the wipers", None, "confirm", "en"),
    ("wipers-off-heavy-rain", {SPEED: 50, RAIN: 80, WIPER: "FAST"}, "关闭雨刮", None, "confirm", "zh"),
    ("rear-window-child-lock", {CHILD_LOCK: True}, "open my window", "Row2.DriverSide", "refuse", "en"),
    ("rear-window-child-lock", {CHILD_LOCK: True}, "打开车窗", "Row2.PassengerSide", "refuse", "zh"),
    ("rear-door-child-lock", {CHILD_LOCK: True}, "open my door", "Row2.PassengerSide", "refuse", "en"),
    ("rear-door-child-lock", {CHILD_LOCK: True}, "打开车门", "Row2.DriverSide", "refuse", "zh"),
    ("rear-door-own-child-lock-driverside", {"Vehicle.Cabin.Door.Row2.DriverSide.IsChildLockActive": True},
     "open my door", "Row2.DriverSide", "refuse", "en"),
    ("rear-door-own-child-lock-passengerside", {"Vehicle.Cabin.Door.Row2.PassengerSide.IsChildLockActive": True},
     "打开车门", "Row2.PassengerSide", "refuse", "zh"),
    ("front-trunk-open-moving", {SPEED: 40}, "open the frunk", None, "refuse", "en"),
    ("front-trunk-open-moving", {SPEED: 40}, "打开前备箱", None, "refuse", "zh"),
    ("hood-open-moving", {SPEED: 40}, "pop the hood", None, "refuse", "en"),
    ("hood-open-moving", {SPEED: 40}, "打开引擎盖", None, "refuse", "zh"),
    ("spoiler-moving", {SPEED: 60}, "raise the rear spoiler", None, "refuse", "en"),
    ("spoiler-moving", {SPEED: 60}, "把尾翼升起来", None, "refuse", "zh"),
    ("filler-flap-open-moving", {SPEED: 40}, "open the charge port", None, "refuse", "en"),
    ("filler-flap-open-moving", {SPEED: 40}, "打开充电口", None, "refuse", "zh"),
    ("trunk-unlock-moving", {SPEED: 40}, "unlock the trunk", None, "confirm", "en"),
    ("steering-adjust-moving", {SPEED: 40}, "raise the steering wheel", None, "refuse", "en"),
    ("steering-adjust-moving", {SPEED: 40}, "方向盘往上调一点", None, "refuse", "zh"),
    ("driver-recline-moving", {SPEED: 40}, "set my backrest to 40 degrees", None, "refuse", "en"),
    ("stability-off-moving", {SPEED: 40}, "turn off traction control", None, "refuse", "en"),
    ("stability-off-moving", {SPEED: 40}, "关闭车身稳定系统", None, "refuse", "zh"),
    ("driver-assistance-change", {}, "turn on cruise control", None, "confirm", "en"),
    ("driver-assistance-change", {}, "关闭车道偏离预警", None, "confirm", "zh"),
    ("drive-mode-change", {}, "switch to sport mode", None, "confirm", "en"),
    ("drive-mode-change", {}, "切换到运动模式", None, "confirm", "zh"),
]


def test_every_rule_in_safety_yaml_has_a_case_here():
    assert {c[0] for c in STOPPED} == set(RULES)


@pytest.mark.parametrize("rule,setup,text,zone,decision,lang", STOPPED,
                         ids=[f"{c[0]}-{c[5]}" for c in STOPPED])
def test_rule_stops_the_request_and_says_why(rule, setup, text, zone, decision, lang):
    car = Car(setup)
    r = car.say(text, zone=zone)
    assert r.outcome == {"refuse": "refused", "confirm": "confirm"}[decision]
    assert r.writes == []
    assert r.changes == {}
    assert car.changed() == {}
    assert reason(rule, lang) in r.reply


# Next to each rule, what must still work: (setup, text, zone, signal, expected value)
ALLOWED = [
    pytest.param({}, "open the driver door", None, door_open(), True, id="door-opens-when-parked"),
    pytest.param({}, "打开车门", None, door_open(), True, id="door-opens-when-parked-zh"),
    pytest.param({SPEED: 60, "Vehicle.Cabin.Door.Row1.DriverSide.IsOpen": True}, "close the driver door", None,
                 door_open(), False, id="door-closes-while-moving"),
    pytest.param({}, "open the trunk", None, TRUNK, 100, id="trunk-opens-when-parked"),
    pytest.param({SPEED: 30, TRUNK: 100}, "close the trunk", None, TRUNK, 0, id="trunk-closes-while-moving"),
    pytest.param({}, "unlock the doors", None, door_locked(), False, id="unlock-when-parked"),
    pytest.param({SPEED: 60, **{door_locked(z): False for z in DOOR_ZONES}}, "lock the doors", None,
                 door_locked(), True, id="lock-while-moving"),
    pytest.param({}, "play a video", None, APP, "VIDEO", id="video-when-parked"),
    pytest.param({SPEED: 30}, "打开地图", None, APP, "NAVIGATION", id="map-while-moving"),
    pytest.param({SPEED: 50, LIGHT_INTENSITY: 80, LOW_BEAM: True}, "turn off the headlights", None,
                 LOW_BEAM, False, id="headlights-off-by-day"),
    pytest.param({SPEED: 0, LIGHT_INTENSITY: 5, LOW_BEAM: True}, "关闭大灯", None,
                 LOW_BEAM, False, id="headlights-off-parked-at-night"),
    pytest.param({SPEED: 130}, "tilt the sunroof", None, SUNROOF, -100, id="sunroof-tilts-at-130"),
    pytest.param({SPEED: 130}, "天窗翘起", None, SUNROOF, -100, id="sunroof-tilts-at-130-zh"),
    pytest.param({SPEED: 100}, "open the sunroof", None, SUNROOF, 100, id="sunroof-opens-at-100"),
    pytest.param({SPEED: 130}, "open the window to 50%", None, window(), 50, id="window-50-at-130"),
    pytest.param({SPEED: 130}, "车窗开到一半", None, window(), 50, id="window-half-at-130-zh"),
    pytest.param({SPEED: 100}, "open the window", None, window(), 100, id="window-full-at-100"),
    pytest.param({}, "fold the mirrors", None, mirror_folded("DriverSide"), True, id="mirrors-fold-parked"),
    pytest.param({SPEED: 50, **{mirror_folded(m): True for m in MIRRORS}}, "unfold the mirrors", None,
                 mirror_folded("PassengerSide"), False, id="mirrors-unfold-moving"),
    pytest.param({}, "raise the rear spoiler", None, "Vehicle.Body.RearMainSpoilerPosition", 100,
                 id="spoiler-rises-parked"),
    pytest.param({SPEED: 50, RAIN: 10, WIPER: "FAST"}, "turn off the wipers", None, WIPER, "OFF",
                 id="wipers-off-light-rain"),
    pytest.param({SPEED: 50, RAIN: 80, WIPER: "SLOW"}, "雨刮调到快速", None, WIPER, "FAST",
                 id="wipers-faster-heavy-rain"),
    pytest.param({}, "open my window", "Row2.DriverSide", window("Row2.DriverSide"), 100,
                 id="rear-window-without-child-lock"),
    pytest.param({CHILD_LOCK: True}, "open the rear left window", None, window("Row2.DriverSide"), 100,
                 id="driver-opens-child-locked-rear-window"),
    pytest.param({CHILD_LOCK: True}, "打开车门", "Row1.PassengerSide", door_open("Row1.PassengerSide"), True,
                 id="front-door-with-child-lock"),
    pytest.param({}, "open my door", "Row2.PassengerSide", door_open("Row2.PassengerSide"), True,
                 id="rear-door-without-child-lock"),
]


@pytest.mark.parametrize("setup,text,zone,signal,value", ALLOWED)
def test_nearby_request_is_allowed(setup, text, zone, signal, value):
    car = Car(setup)
    r = car.say(text, zone=zone)
    assert r.outcome == "executed", r.reply
    assert car[signal] == value


def test_window_at_high_speed_confirm_yes_opens_it():
    car = Car({SPEED: 130})
    assert car.say("open the window").outcome == "confirm"
    r = car.say("yes")
    assert r.outcome == "executed"
    assert car[window()] == 100


# -- multi-command turns -------------------------------------------------------------

def test_multi_command_at_speed_runs_the_allowed_part_and_reports_the_refused_part_zh():
    car = Car({SPEED: 60})
    r = car.say("打开空调，然后打开车门")
    assert car[AC] is True
    assert not car.any_door_open()
    assert "空调" in r.reply
    assert reason("door-open-moving", "zh") in r.reply


def test_multi_command_at_speed_runs_the_allowed_part_and_reports_the_refused_part_en():
    car = Car({SPEED: 60})
    r = car.say("turn on the AC and open the trunk")
    assert car[AC] is True
    assert car[TRUNK] == 0
    assert "air conditioning" in r.reply.lower()
    assert reason("trunk-open-moving", "en") in r.reply


def test_multi_command_with_a_temperature_and_a_refused_trunk_zh():
    car = Car({SPEED: 60})
    r = car.say("打开后备箱并把温度调到20度")
    assert car[temp()] == 20
    assert car[TRUNK] == 0
    assert reason("trunk-open-moving", "zh") in r.reply


# -- confirmation --------------------------------------------------------------------

@pytest.mark.parametrize("ask,yes", [("unlock the doors", "yes"), ("解锁车门", "确定"),
                                     ("unlock the doors", "yes please"), ("解锁车门", "好的")])
def test_confirm_then_yes_executes(ask, yes):
    car = Car({SPEED: 60})
    assert car.say(ask).outcome == "confirm"
    assert car[door_locked()] is True
    r = car.say(yes)
    assert r.outcome == "executed"
    assert all(car[door_locked(z)] is False for z in DOOR_ZONES)


@pytest.mark.parametrize("ask,no", [("unlock the doors", "no"), ("解锁车门", "算了"),
                                    ("unlock the doors", "never mind"), ("解锁车门", "不要")])
def test_confirm_then_no_changes_nothing(ask, no):
    car = Car({SPEED: 60})
    assert car.say(ask).outcome == "confirm"
    r = car.say(no)
    assert r.outcome == "no_action"
    assert car.changed() == {}
    # the question is gone: a late "yes" does nothing
    assert car.say("yes").changes == {}
    assert car.changed() == {}


@pytest.mark.parametrize("ask,no", [("unlock the doors", "cancel"), ("解锁车门", "取消")])
def test_cancel_answers_the_confirmation_question(ask, no):
    car = Car({SPEED: 60})
    assert car.say(ask).outcome == "confirm"
    r = car.say(no)
    assert car.changed() == {}
    assert r.outcome == "no_action"


def test_wipers_confirm_then_no_keeps_them_running():
    car = Car({SPEED: 50, RAIN: 80, WIPER: "FAST"})
    assert car.say("关闭雨刮").outcome == "confirm"
    car.say("算了")
    assert car[WIPER] == "FAST"


def test_a_confirmation_question_is_only_answered_by_the_next_turn():
    car = Car({SPEED: 60})
    assert car.say("unlock the doors").outcome == "confirm"
    car.say("打开空调")
    r = car.say("yes")
    assert r.changes == {}
    assert car[door_locked()] is True


def test_yes_cannot_push_through_a_refusal():
    car = Car({SPEED: 60})
    assert car.say("open the driver door").outcome == "refused"
    car.say("yes")
    car.say("确定")
    assert not car.any_door_open()


def test_small_talk_does_not_answer_the_unlock_question():
    car = Car({SPEED: 60})
    assert car.say("解锁车门").outcome == "confirm"
    car.say("今天天气真好")
    assert all(car[door_locked(z)] is True for z in DOOR_ZONES)


# -- undo ----------------------------------------------------------------------------

def test_undo_of_a_safe_change_works_while_driving():
    car = Car({SPEED: 60})
    car.say("温度调到26度")
    r = car.say("撤销")
    assert r.outcome == "executed"
    assert car[temp()] == 22


def test_undo_cannot_open_a_door_while_moving():
    car = Car({door_open(): True})
    car.say("close the door")
    assert car[door_open()] is False
    car.vehicle.set_sensor(SPEED, 50)
    car.say("undo that")
    assert car[door_open()] is False


def test_undo_cannot_open_the_trunk_while_moving():
    car = Car({TRUNK: 100})
    car.say("关上后备箱")
    car.vehicle.set_sensor(SPEED, 80)
    car.say("撤销")
    assert car[TRUNK] == 0
