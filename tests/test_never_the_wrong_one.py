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
    assert car[NAV_VOLUME] == 0 or car["Vehicle.Cabin.Infotainment.Navigation.Mute"] == "MUTED"
    car = Car()
    car.say("shut the gps lady up I know where I'm going")
    assert car["Vehicle.Cabin.Infotainment.Navigation.Mute"] == "MUTED"
    assert car[NAV_VOLUME] == Car()[NAV_VOLUME]


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


# -- the labelled log set's systematic slips ------------------------------------------

VOLUME = "Vehicle.Cabin.Infotainment.Media.Volume"
CALL = "Vehicle.Cabin.Infotainment.Phone.Call.State"
GUIDING = "Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive"


@pytest.mark.parametrize("text,louder", [("把导航音量调大", True), ("导航大声点", True), ("导航小声点", False),
                                         ("louder directions", True)])
def test_the_navigation_voice_louder_or_softer_is_no_trip(text, louder):
    car = Car()
    before = car[NAV_VOLUME]
    car.say(text)
    assert (car[NAV_VOLUME] > before) if louder else (car[NAV_VOLUME] < before)
    assert car[DEST] == "" and car[GUIDING] is False


def test_telling_the_navigation_to_shut_up_silences_it_and_goes_nowhere():
    car = Car()
    car.say("麻烦导航闭嘴")
    assert car[DEST] == ""
    assert car["Vehicle.Cabin.Infotainment.Navigation.Mute"] == "MUTED" or car[NAV_VOLUME] == 0


@pytest.mark.parametrize("text", ["再来一首", "来个别的", "听腻了换一首", "play the next one thanks"])
def test_another_one_skips_to_the_next_song(text):
    car = Car({"Vehicle.Cabin.Infotainment.Media.Action": "PLAY"})
    car.say(text)
    assert car[MEDIA] == "SKIP_FORWARD"


@pytest.mark.parametrize("text", ["声音关小点", "呃那个太大声了"])
def test_turning_the_sound_down_is_quieter_not_silent(text):
    car = Car()
    before = car[VOLUME]
    car.say(text)
    assert 0 < car[VOLUME] < before


@pytest.mark.parametrize("text", ["打一下方向", "到楼下给你打电话", "we're gonna be late", "这导航不靠谱啊", "去那个",
                                  "the nearest one"])
def test_talk_with_a_call_or_a_trip_verb_in_it_calls_no_one_and_goes_nowhere(text):
    car = Car()
    car.say("打开空调")
    ac = car.changed()
    car.say(text)
    assert car.changed() == ac  # nothing more, and the AC just switched on is not switched again


def test_not_going_there_any_more_goes_to_the_new_place():
    car = Car()
    car.say("不去了改去虹桥机场")
    assert car[DEST] == "虹桥机场"


def test_a_show_the_library_holds_plays_as_that_show():
    car = Car()
    car.say("放一期鬼吹灯")
    assert car["Vehicle.Cabin.Infotainment.Media.Request.Collection"] == "鬼吹灯"
    assert car["Vehicle.Cabin.Infotainment.Media.Request.Type"] == "AUDIOBOOK"


def test_a_title_with_a_cold_word_in_it_plays_and_heats_nothing():
    car = Car()
    car.say("突然想听寂寞沙洲冷了")
    assert car[temp()] == 22
    assert car[MEDIA] == "PLAY"


def test_unlocking_one_mirror_leaves_the_other_locked():
    car = Car({"Vehicle.Body.Mirrors.PassengerSide.IsLocked": True, "Vehicle.Body.Mirrors.DriverSide.IsLocked": True})
    car.say("unlock the passenger side mirror I need to fix the angle")
    assert car["Vehicle.Body.Mirrors.PassengerSide.IsLocked"] is False
    assert car["Vehicle.Body.Mirrors.DriverSide.IsLocked"] is True


def test_the_projection_over_bluetooth_is_not_the_music_source():
    car = Car()
    car.say("CarLife用蓝牙连就行")
    assert car["Vehicle.Cabin.Infotainment.SmartphoneProjection.Source"] == "BLUETOOTH"
    assert car["Vehicle.Cabin.Infotainment.Media.Played.Source"] == Car()["Vehicle.Cabin.Infotainment.Media.Played.Source"]


def test_only_the_position_lights_switches_no_low_beam_on():
    car = Car()
    car.say("大灯只开示宽灯就行")
    assert car["Vehicle.Body.Lights.LightSwitch"] == "POSITION"
    assert car["Vehicle.Body.Lights.Beam.Low.IsOn"] is False


@pytest.mark.parametrize("text", ["方向盘通风打开 手心全是汗", "turn on the steering wheel ventilation"])
def test_a_ventilated_wheel_this_car_lacks_is_refused_not_the_fan(text):
    car = Car()
    r = car.say(text)
    assert car.changed() == {}
    assert r.outcome == "no_action"


def test_the_reversing_radar_is_the_rear_sensors_only():
    car = Car()
    car.say("倒车雷达关掉 太吵了")
    r = car.say("确认")
    assert car["Vehicle.ADAS.ObstacleDetection.Rear.Center.IsEnabled"] is False
    assert car["Vehicle.ADAS.ObstacleDetection.Front.Center.IsEnabled"] is True
    assert "后" in r.reply and "和和" not in r.reply


def test_brightness_after_the_light_bar_is_the_light_bars():
    car = Car()
    car.say("交互灯打开")
    car.say("亮度调到最高")
    assert car["Vehicle.Cabin.Light.InteractiveLightBar.Intensity"] == 100
    assert car["Vehicle.Cabin.Light.AmbientLight.Row1.DriverSide.Intensity"] == Car()[
        "Vehicle.Cabin.Light.AmbientLight.Row1.DriverSide.Intensity"]


def test_actually_make_it_another_effect_changes_the_effect():
    car = Car()
    car.say("light bar on with a breathing effect")
    r = car.say("actually make it flowing")
    assert car["Vehicle.Cabin.Light.InteractiveLightBar.Effect"] == "FLOWING"
    assert "?" not in r.reply


def test_the_fan_after_the_neck_warmer_is_the_neck_fan():
    car = Car()
    car.say("打开颈部加热", zone="Row1.PassengerSide")
    car.say("风也调大一点", zone="Row1.PassengerSide")
    assert car[seat("NeckScarf.FanSpeed", "Row1.PassengerSide")] > 0
    assert car["Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed"] == Car()["Vehicle.Cabin.HVAC.Station.Row1.Passenger.FanSpeed"]


def test_halfway_is_enough_the_wind_is_the_windows_reason():
    car = Car()
    car.say("把后排两个窗户都打开")
    car.say("开一半就行，风太大")
    assert car["Vehicle.Cabin.Door.Row2.DriverSide.Window.Position"] == 50
    assert car["Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed"] == Car()[FAN]


@pytest.mark.parametrize("text,value", [("FM99.3", 99.3), ("打开101.4", 101.4), ("换到一零五点九", 105.9)])
def test_a_frequency_said_alone_tunes_the_radio(text, value):
    car = Car()
    car.say(text)
    assert car["Vehicle.Cabin.Infotainment.Media.Radio.Frequency"] == pytest.approx(value)


@pytest.mark.parametrize("text,contact", [("打李老师的号码", "李老师"), ("打一下许晴的电话", "许晴")])
def test_dialling_someones_number_calls_them(text, contact):
    car = Car()
    car.say(text)
    assert car["Vehicle.Cabin.Infotainment.Phone.Call.Contact"] == contact


@pytest.mark.parametrize("text", ["关掉地图", "行了不用导了"])
def test_closing_the_map_ends_the_trip(text):
    car = Car()
    car.say("导航去首都机场")
    car.say(text)
    assert car[GUIDING] is False


def test_the_nearest_place_is_searched_with_its_words():
    car = Car()
    car.say("附近的那个银行")
    assert car[DEST] == "附近的银行"


# -- hold-out 10, read once it had been measured often ----------------------------------

def test_the_front_trunk_unlocked_after_the_rear_one_leaves_the_doors_locked():
    car = Car()
    car.say("后备箱解锁")
    r = car.say("前备箱也解锁一下")
    assert car["Vehicle.Body.Trunk.Front.IsLocked"] is False
    assert car["Vehicle.Cabin.Door.Row1.DriverSide.IsLocked"] is True
    assert r.reply == "前备箱已解锁"


def test_the_heated_windscreen_is_only_the_heated_windscreen():
    car = Car()
    car.say("前挡风玻璃的电加热打开 结冰了")
    assert car.changed() == {"Vehicle.Body.Windshield.Front.IsHeatingOn": True}


def test_a_blind_raised_covers():
    car = Car()
    car.say("后挡那个遮阳帘升起来太晒了")
    assert car["Vehicle.Cabin.RearShade.Position"] == 100
    assert car[SHADE] == Car()[SHADE]


@pytest.mark.parametrize("text,signal", [("天窗打开吹吹风", SUNROOF), ("空调开成自动的", "Vehicle.Cabin.HVAC.IsAutoModeActive")])
def test_the_breeze_or_the_mode_is_no_second_request(text, signal):
    car = Car()
    car.say(text)
    assert list(car.changed()) in ([signal], [signal, "Vehicle.Cabin.Sunroof.IsOpen"])


def test_feet_not_face_sets_the_air_to_the_feet_and_keeps_the_fan():
    car = Car()
    car.say("风别对着脸吹了吹脚就行")
    assert car["Vehicle.Cabin.HVAC.Station.Row1.Driver.AirDistribution"] == "DOWN"
    assert car[FAN] == Car()[FAN]


@pytest.mark.parametrize("text", ["warm up my cup holder my coffee's getting cold", "make the headlights blue"])
def test_what_the_car_cannot_do_changes_nothing(text):
    car = Car()
    car.say(text)
    assert car.changed() == {}


@pytest.mark.parametrize("text,signal", [
    ("turn on the reading light and make it red", "Vehicle.Cabin.Light.Spotlight.Row1.DriverSide.Color"),
    ("have the light strip pulse with the music and make it orange", "Vehicle.Cabin.Light.InteractiveLightBar.Color")])
def test_it_in_make_it_red_is_the_light_just_named(text, signal):
    car = Car()
    car.say(text)
    assert signal in car.changed()
    assert "Vehicle.Cabin.Light.AmbientLight.Row1.DriverSide.Color" not in car.changed()


def test_i_said_it_wrong_the_number_meant():
    car = Car()
    car.say("副驾温度调到二十六")
    car.say("不对我说错了是二十三")
    assert car[temp("Row1.Passenger")] == 23


def test_only_open_the_left_one_closes_the_right_again():
    car = Car()
    car.say("后排车窗全部打开")
    car.say("只开左边那个就行")
    assert car["Vehicle.Cabin.Door.Row2.DriverSide.Window.Position"] == 100
    assert car["Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position"] == 0


def test_a_strength_after_a_massage_mode_is_the_massage_level():
    car = Car()
    car.say("按摩打开用揉捏的")
    car.say("力度调到八档")
    assert car[seat("Massage.Level")] == 80
    assert car[seat("Massage.TypeActive")] == "KNEAD"


@pytest.mark.parametrize("first,then", [("主驾后视镜往左转一点", "再往左一点"),
                                        ("passenger mirror a touch to the left", "a bit more to the left")])
def test_further_left_turns_the_mirror_just_turned_further(first, then):
    car = Car()
    car.say(first)
    moved = {k: v for k, v in car.changed().items() if k.endswith(".Pan")}
    car.say(then)
    (path, value), = moved.items()
    assert car[path] > value


def test_further_left_after_something_without_sides_asks():
    car = Car()
    car.say("打开空调")
    r = car.say("再往左一点")
    assert r.outcome == "clarify"
    assert list(car.changed()) == ["Vehicle.Cabin.HVAC.IsAirConditioningActive"]


def test_per_mile_after_watt_hours_per_km_is_watt_hours_per_mile():
    car = Car()
    car.say("show consumption in watt hours per kilometer")
    car.say("hmm actually per mile")
    assert car["Vehicle.Cabin.Infotainment.HMI.EVEconomyUnits"] == "WATT_HOURS_PER_MILE"


def test_a_place_named_before_take_me_there_is_the_trip_not_the_radio():
    car = Car()
    car.say("the Shell station on Main, take me there")
    assert "Shell station" in car[DEST]
    assert car["Vehicle.Cabin.Infotainment.Media.Played.Source"] == Car()["Vehicle.Cabin.Infotainment.Media.Played.Source"]


@pytest.mark.parametrize("text", ["turn the seat heater on for my wife", "turn the lights on now"])
def test_on_before_a_common_word_is_still_the_verb(text):
    car = Car()
    car.say(text)
    assert car.changed()
