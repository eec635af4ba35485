"""parse(): the readings that must never regress. Checked on intents and slots, and where a
reading only means something after planning (Fahrenheit), on the planned value."""
from __future__ import annotations

import pytest

from smartcabin.planning import plan
from smartcabin.understanding import parse
from smartcabin.vehicle import SimulatedVehicle

from helpers import Car, temp


def intents(text: str) -> list[dict]:
    return [i.to_dict() for i in parse(text).intents]


def only(text: str) -> dict:
    its = intents(text)
    assert len(its) == 1, its
    return its[0]


# -- numbers -------------------------------------------------------------------------

def test_chinese_numeral_with_half_degree():
    it = only("温度调到二十二度半")
    assert it["cap"] == "hvac.temperature"
    assert it["op"] == "set"
    assert it["value"] == 22.5
    assert parse("二十二度半").intents[0].value == 22.5


def test_chinese_numeral_half_degree_reaches_the_car():
    car = Car()
    car.say("把温度调到二十二度半")
    assert car[temp()] == 22.5


@pytest.mark.parametrize("text,cap,value", [
    ("温度调到十八度", "hvac.temperature", 18),
    ("音量调到百分之六十", "media.volume", 60),
    ("风量调到三档", "hvac.fan", 3),
    ("温度调低一度半", "hvac.temperature", 1.5),
])
def test_chinese_numerals(text, cap, value):
    it = only(text)
    assert it["cap"] == cap
    assert it["value"] == value


def test_relative_chinese_numeral_is_relative():
    it = only("温度调低一度半")
    assert it["op"] == "down" and it.get("relative") is True


def _planned_temperature(text: str) -> list[float]:
    u = parse(text)
    p = plan(u.intents, SimulatedVehicle(), "Row1.DriverSide", u.lang)
    assert not p.problems, p.problems
    return [v for a in p.actions for v in a.values.values()]


@pytest.mark.parametrize("text,celsius", [
    ("set the temperature to 72 degrees", 22.2),
    ("set the temperature to 75 degrees fahrenheit", 23.9),
    ("temperature 64 f", 17.8),
])
def test_fahrenheit_in_english_becomes_celsius_after_planning(text, celsius):
    values = _planned_temperature(text)
    assert values
    assert all(abs(v - celsius) <= 0.25 for v in values), values  # snapped to the 0.5 °C step


def test_fahrenheit_reaches_the_car():
    car = Car({temp(): 18})
    car.say("set the temperature to 72 degrees")
    assert abs(car[temp()] - 22.2) <= 0.25


def test_chinese_degrees_are_never_fahrenheit():
    car = Car()
    r = car.say("温度调到72度")
    assert r.outcome == "clarify"
    assert car.changed() == {}


# -- several requests in one sentence ------------------------------------------------

def test_multi_intent_split_zh():
    its = intents("打开空调，温度调到二十度，再把车窗关上")
    assert [(i["cap"], i["op"]) for i in its] == [
        ("hvac.ac", "on"), ("hvac.temperature", "set"), ("window.position", "off")]
    assert its[1]["value"] == 20


def test_multi_intent_split_en():
    its = intents("turn on the AC and open the sunroof")
    assert [(i["cap"], i["op"]) for i in its] == [("hvac.ac", "on"), ("sunroof.position", "on")]


def test_multi_intent_split_keeps_each_verb():
    its = intents("close the windows and lock the doors")
    assert [(i["cap"], i["op"]) for i in its] == [("window.position", "off"), ("door.lock", "on")]


# -- free-text slots -----------------------------------------------------------------

@pytest.mark.parametrize("text,slots", [
    ("播放周杰伦的晴天", {"artist": "周杰伦", "track": "晴天"}),
    ("play yesterday by the beatles", {"artist": "the beatles", "track": "yesterday"}),
    ("播放晴天", {"track": "晴天"}),
    ("放一首周杰伦的歌", {"artist": "周杰伦"}),
    ("play some jazz", {"genre": "jazz"}),
])
def test_media_artist_track_split(text, slots):
    it = only(text)
    assert it["cap"] == "media.play"
    assert it["slots"] == slots


@pytest.mark.parametrize("text,place", [
    ("导航回家", "HOME"), ("回家", "HOME"), ("navigate home", "HOME"),
    ("导航去公司", "WORK"), ("take me to work", "WORK"),
])
def test_navigation_to_saved_places(text, place):
    it = only(text)
    assert it["cap"] == "navigation.go"
    assert it["slots"] == {"place": place}


@pytest.mark.parametrize("text,place", [("导航去北京南站", "北京南站"), ("navigate to the airport", "airport")])
def test_navigation_to_a_named_place(text, place):
    it = only(text)
    assert it["cap"] == "navigation.go"
    assert place in it["slots"]["place"]
    assert it["slots"]["place"] not in ("HOME", "WORK")


@pytest.mark.parametrize("text,slots", [
    ("拨打13800138000", {"number": "13800138000"}),
    ("call 555 123 4567", {"number": "5551234567"}),
    ("打电话给张三", {"contact": "张三"}),
    ("给妈妈打电话", {"contact": "妈妈"}),
    ("call mom", {"contact": "mom"}),
])
def test_phone_number_versus_contact(text, slots):
    it = only(text)
    assert it["cap"] == "phone.call"
    assert it["slots"] == slots


# -- not for the car -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["你好", "谢谢", "hello", "tell me a joke", "what's your name",
                                  "thank you", "讲个笑话吧"])
def test_chit_chat_is_no_act(text):
    u = parse(text)
    assert u.act == "none"
    assert u.intents == []


@pytest.mark.parametrize("text", ["今天天气真好", "你是谁"])
def test_small_talk_with_a_yes_character_is_not_a_yes(text):
    assert parse(text).act == "none"


def test_parse_is_stateless():
    first = parse("温度调高两度").to_dict()
    parse("副驾也一样")
    parse("打开")
    assert parse("温度调高两度").to_dict() == first


@pytest.mark.parametrize("said,path,value", [
    ("打開空調", "Vehicle.Cabin.HVAC.IsAirConditioningActive", True),  # as a Taiwanese driver types it, and Whisper writes it
    ("打開左後車窗", "Vehicle.Cabin.Door.Row2.DriverSide.Window.Position", 100),
])
def test_traditional_characters_are_understood_as_simplified(said, path, value):
    car = Car()
    car.say(said)
    assert car[path] == value


@pytest.mark.parametrize("said,folded_before,folded_after", [
    ("open the mirrors", True, False), ("close the mirrors", False, True),
    ("打开后视镜", True, False), ("关闭后视镜", False, True), ("把后视镜关上", False, True),
])
def test_opening_a_mirror_unfolds_it_and_closing_folds_it(said, folded_before, folded_after):
    paths = [f"Vehicle.Body.Mirrors.{side}.IsFolded" for side in ("DriverSide", "PassengerSide")]
    car = Car({p: folded_before for p in paths})
    car.say(said)
    assert [car[p] for p in paths] == [folded_after, folded_after]


# -- what speech recognition writes ---------------------------------------------------

PASSENGER_WINDOW = "Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position"
DRIVER_WINDOW = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"


@pytest.mark.parametrize("heard", ["副架的窗户关一下", "复甲车窗关上", "付架窗户关了"])
def test_a_misheard_seat_is_the_seat_it_sounds_like_not_the_drivers(heard):
    """Whisper writes 副驾 as 副架 or 复甲: without the homophone the driver's window closed."""
    car = Car({PASSENGER_WINDOW: 100, DRIVER_WINDOW: 100})
    car.say(heard)
    assert car[PASSENGER_WINDOW] == 0 and car[DRIVER_WINDOW] == 100


@pytest.mark.parametrize("heard,path", [
    ("打开紧不加热", "Vehicle.Cabin.Seat.Row1.DriverSide.NeckScarf.HeatingCooling"),  # 颈部加热, not the seat
    ("月毒灯打开", "Vehicle.Cabin.Light.Spotlight.Row1.DriverSide.IsLightOn"),  # 阅读灯
    ("做以通风打开", "Vehicle.Cabin.Seat.Row1.DriverSide.HeatingCooling"),  # 座椅通风 (cooling), not the fan
    ("后被香打开", "Vehicle.Body.Trunk.Rear.Position"),  # 后备箱
])
def test_misheard_device_words_are_read_as_the_words_they_sound_like(heard, path):
    car = Car()
    car.say(heard)
    assert path in car.changed() and all(p.rsplit(".", 1)[0] == path.rsplit(".", 1)[0] for p in car.changed())


@pytest.mark.parametrize("said", ["帮我做一下", "我这边也这样", "你觉得人生的意义是什么", "换个话题吧"])
def test_ordinary_words_are_not_taken_for_the_car_words_they_sound_like(said):
    car = Car()
    car.say(said)
    assert car.changed() == {}


@pytest.mark.parametrize("said", ["turn on the auto-demming mirror", "turn on the puddle lights",
                                  "open the blorp window"])
def test_a_device_said_with_a_word_we_do_not_know_is_not_guessed(said):
    """"auto-demming" (a misheard auto-dimming) had folded the mirrors: the device it names may
    be one this car lacks, so nothing is done."""
    car = Car()
    result = car.say(said)
    assert car.changed() == {} and result.outcome != "executed"


def test_a_harmless_word_before_a_device_still_names_it():
    car = Car()
    car.say("open the stupid window")
    assert car[DRIVER_WINDOW] == 100


def test_full_of_sweat_is_not_every_seat():
    """"座椅通风打开，后背全是汗" heard without its comma: 全 says how wet, not which seats."""
    car = Car()
    car.say("座椅通风打开后背全是汗", zone="Row1.PassengerSide")
    assert list(car.changed()) == ["Vehicle.Cabin.Seat.Row1.PassengerSide.HeatingCooling"]


@pytest.mark.parametrize("heard", ["部架的窗户关一下", "宝宝的窗户关一下"])
def test_a_window_whose_owner_we_cannot_place_is_not_the_drivers(heard):
    """副驾 heard as 部架 (no homophone): "the 部架's window" had closed the driver's window."""
    car = Car({PASSENGER_WINDOW: 100, DRIVER_WINDOW: 100})
    result = car.say(heard)
    assert car.changed() == {} and result.outcome != "executed"


def test_a_known_seat_with_words_between_it_and_its_device_still_names_it():
    car = Car()
    car.say("副驾那边的氛围灯改成红色")
    assert car["Vehicle.Cabin.Light.AmbientLight.Row1.PassengerSide.Color"] == "#FF0000"


def test_too_high_is_never_read_as_raise():
    """太高 ("too high") sounds like 抬高 ("raise"): verbs are not read by their sound."""
    path = "Vehicle.Cabin.Seat.Row1.DriverSide.Headrest.Height"
    car = Car({path: 30})
    car.say("头枕太高了顶着脖子 往下降点")
    assert car[path] <= 30


def test_tighter_is_never_read_as_nearer():
    """紧一点 ("tighter") sounds like 近一点 ("nearer", which loosens the bolsters)."""
    path = "Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.SideBolsterSupport"
    car = Car({path: 30})
    car.say("侧翼包裹再紧一点要跑山路了")
    assert car[path] >= 30


def test_a_verb_misheard_after_a_device_does_not_borrow_the_next_devices_verb():
    """"后排窗户官上，再把儿童锁打开" heard with 关上 garbled: the windows had opened."""
    rear = [f"Vehicle.Cabin.Door.Row2.{side}.Window.Position" for side in ("DriverSide", "PassengerSide")]
    car = Car({p: 50 for p in rear})
    car.say("后排窗户嘎嘎再把儿童锁打开")
    assert [car[p] for p in rear] == [50, 50]


def test_too_after_a_device_still_takes_the_verb_before():
    car = Car()
    car.say("座椅往前挪一点，靠背也调直些")
    assert "Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.Recline" in car.changed()
