"""Generate the template part of the evaluation corpus (data/eval/template.jsonl).

Seeded and deterministic: `python scripts/gen_template_cases.py` rewrites the same file.
These cases are produced from templates on purpose; the hand-written natural cases
(data/eval/natural-*.jsonl) are the check that the parser does not only fit these.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "eval" / "template.jsonl"
HV = "Vehicle.Cabin.HVAC.Station"
SEAT_ZONES = {"Row1.DriverSide": ("Row1.Driver", "主驾", "driver"),
              "Row1.PassengerSide": ("Row1.Passenger", "副驾", "passenger"),
              "Row2.DriverSide": ("Row2.Driver", "左后", "rear left"),
              "Row2.PassengerSide": ("Row2.Passenger", "右后", "rear right")}
ZH_NUM = {16: "十六", 17: "十七", 18: "十八", 19: "十九", 20: "二十", 21: "二十一", 22: "二十二", 23: "二十三",
          24: "二十四", 25: "二十五", 26: "二十六", 27: "二十七", 28: "二十八", 1: "一", 2: "两", 3: "三", 4: "四",
          5: "五", 6: "六", 7: "七", 8: "八", 30: "三十", 40: "四十", 50: "五十", 60: "六十", 70: "七十", 80: "八十"}
EN_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 16: "sixteen", 18: "eighteen", 20: "twenty",
          21: "twenty one", 22: "twenty two", 24: "twenty four", 25: "twenty five", 26: "twenty six", 30: "thirty",
          40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty"}

cases: list[dict] = []
counters: dict[str, int] = {}


def add(domain: str, lang: str, turns, expect=None, outcome="executed", setup=None, unchanged=None,
        expect_any=None) -> None:
    key = f"{domain}-{lang}"
    counters[key] = counters.get(key, 0) + 1
    case = {"id": f"{domain}-{lang}-t{counters[key]:03d}", "lang": lang}
    if setup:
        case["setup"] = setup
    case["turns"] = [t if isinstance(t, dict) else {"text": t} for t in turns]
    if expect:
        case["expect"] = expect
    if expect_any:
        case["expect_any"] = expect_any
    if unchanged:
        case["unchanged"] = unchanged
    case["outcome"] = outcome
    cases.append(case)


def climate(rng: random.Random) -> None:
    for seat, (station, zh, en) in SEAT_ZONES.items():
        others = [f"{HV}.{s}.Temperature" for s, *_ in SEAT_ZONES.values() if s != station]
        for _ in range(3):
            t = rng.choice([17, 18, 20, 21, 24, 25, 26, 28])
            zhv, env = (ZH_NUM[t] if rng.random() < 0.6 else str(t)), (EN_NUM.get(t, str(t)) if rng.random() < 0.5 else str(t))
            add("climate", "zh", [{"text": rng.choice([f"温度调到{zhv}度", f"把温度设为{zhv}度", f"空调调到{zhv}度", f"温度{zhv}度"]), "zone": seat}],
                {f"{HV}.{station}.Temperature": t}, unchanged=others)
            add("climate", "en", [{"text": rng.choice([f"set the temperature to {env} degrees celsius", f"make it {env} degrees celsius", f"temperature {env} celsius please", f"set my temperature to {env} °C"]), "zone": seat}],
                {f"{HV}.{station}.Temperature": t}, unchanged=others)
        add("climate", "zh", [f"{zh}温度调到二十四度"], {f"{HV}.{station}.Temperature": 24}, unchanged=others)
        add("climate", "en", [f"set the {en} temperature to 24 degrees celsius"], {f"{HV}.{station}.Temperature": 24}, unchanged=others)
        d = rng.choice([1, 2, 3])
        add("climate", "zh", [{"text": rng.choice([f"温度调高{ZH_NUM[d]}度", f"温度升高{ZH_NUM[d]}度", f"调高{ZH_NUM[d]}度"]), "zone": seat}],
            {f"{HV}.{station}.Temperature": 22 + d}, unchanged=others)
        add("climate", "en", [{"text": rng.choice([f"raise the temperature by {EN_NUM[d]} degrees", f"turn the temperature up {d} degrees", f"{EN_NUM[d]} degrees warmer"]), "zone": seat}],
            {f"{HV}.{station}.Temperature": 22 + d}, unchanged=others)
        add("climate", "zh", [{"text": rng.choice([f"温度调低{ZH_NUM[d]}度", f"温度降低{ZH_NUM[d]}度"]), "zone": seat}],
            {f"{HV}.{station}.Temperature": 22 - d}, unchanged=others)
        add("climate", "en", [{"text": rng.choice([f"lower the temperature by {EN_NUM[d]} degrees", f"turn the temperature down {d} degrees", f"{EN_NUM[d]} degrees cooler"]), "zone": seat}],
            {f"{HV}.{station}.Temperature": 22 - d}, unchanged=others)
    for lv in (1, 3, 5, 7, 10):
        add("climate", "zh", [rng.choice([f"风量调到{lv}档", f"风速开到{lv}档", f"把风量调成{lv}档"])], {f"{HV}.Row1.Driver.FanSpeed": lv * 10})
        add("climate", "en", [rng.choice([f"set the fan to level {lv}", f"fan speed level {lv}", f"put the fan on level {lv}"])], {f"{HV}.Row1.Driver.FanSpeed": lv * 10})
    add("climate", "zh", ["风量调大一点"], {f"{HV}.Row1.Driver.FanSpeed": {"min": 31}})
    add("climate", "en", ["turn the fan up"], {f"{HV}.Row1.Driver.FanSpeed": {"min": 31}})
    add("climate", "zh", ["风量调小"], {f"{HV}.Row1.Driver.FanSpeed": {"max": 29}})
    add("climate", "en", ["turn the fan down a bit"], {f"{HV}.Row1.Driver.FanSpeed": {"max": 29}})
    add("climate", "zh", ["风量开到最大"], {f"{HV}.Row1.Driver.FanSpeed": 100})
    add("climate", "en", ["fan to max"], {f"{HV}.Row1.Driver.FanSpeed": 100})
    sw = [("Vehicle.Cabin.HVAC.IsAirConditioningActive", ["打开空调", "开空调", "空调打开"], ["关闭空调", "关掉空调"], ["turn on the ac", "switch on the air conditioning"], ["turn off the ac", "switch the air conditioning off"]),
          ("Vehicle.Cabin.HVAC.IsRecirculationActive", ["打开内循环", "开启内循环"], ["关闭内循环", "切换外循环"], ["turn on recirculation", "recirculate the air"], ["turn off recirculation", "switch to outside air"]),
          ("Vehicle.Cabin.HVAC.IsFrontDefrosterActive", ["打开前挡除雾", "开启除霜"], ["关闭前挡除雾", "关掉除雾"], ["turn on the defroster", "defrost the windshield"], ["turn off the defroster", "defroster off"]),
          ("Vehicle.Cabin.HVAC.IsRearDefrosterActive", ["打开后挡除雾", "开启后除霜"], ["关闭后挡除雾", "后除雾关掉"], ["turn on the rear defroster", "rear defrost on"], ["turn off the rear defroster", "rear defrost off"]),
          ("Vehicle.Cabin.HVAC.IsAutoModeActive", ["打开自动空调", "空调调到自动模式"], ["关闭自动空调"], ["turn on auto climate", "set the climate to auto mode"], ["turn off auto climate"])]
    for path, zon, zoff, enon, enoff in sw:
        for t in zon:
            add("climate", "zh", [t], {path: True})
        for t in zoff:
            add("climate", "zh", [t], {path: False}, setup={path: True})
        for t in enon:
            add("climate", "en", [t], {path: True})
        for t in enoff:
            add("climate", "en", [t], {path: False}, setup={path: True})
    for opt, zh, en in (("DOWN", "空调吹脚", "blow air to my feet"), ("UP", "空调吹窗", "air to the windshield"), ("MIDDLE", "出风方向调到吹面", "air on my face")):
        add("climate", "zh", [zh], {f"{HV}.Row1.Driver.AirDistribution": opt}, setup={f"{HV}.Row1.Driver.AirDistribution": "UP" if opt != "UP" else "DOWN"})
        add("climate", "en", [en], {f"{HV}.Row1.Driver.AirDistribution": opt}, setup={f"{HV}.Row1.Driver.AirDistribution": "UP" if opt != "UP" else "DOWN"})


def windows(rng: random.Random) -> None:
    for seat, (_, zh, en) in SEAT_ZONES.items():
        path = f"Vehicle.Cabin.Door.{seat}.Window.Position"
        others = [f"Vehicle.Cabin.Door.{s}.Window.Position" for s in SEAT_ZONES if s != seat]
        add("windows", "zh", [f"打开{zh}车窗"], {path: 100}, unchanged=others)
        add("windows", "en", [f"open the {en} window"], {path: 100}, unchanged=others)
        add("windows", "zh", [f"关闭{zh}车窗"], {path: 0}, setup={path: 100}, unchanged=others)
        add("windows", "en", [f"close the {en} window"], {path: 0}, setup={path: 100}, unchanged=others)
        p = rng.choice([20, 30, 40, 60, 70])
        add("windows", "zh", [f"{zh}车窗打开百分之{ZH_NUM[p]}"], {path: p}, unchanged=others)
        add("windows", "en", [f"open the {en} window {p} percent"], {path: p}, unchanged=others)
        add("windows", "zh", [{"text": "把我的车窗打开一半", "zone": seat}], {path: 50}, unchanged=others)
        add("windows", "en", [{"text": "open my window halfway", "zone": seat}], {path: 50}, unchanged=others)
    allw = [f"Vehicle.Cabin.Door.{s}.Window.Position" for s in SEAT_ZONES]
    add("windows", "zh", ["打开所有车窗"], {p: 100 for p in allw})
    add("windows", "en", ["open all the windows"], {p: 100 for p in allw})
    add("windows", "zh", ["关闭全部车窗"], {p: 0 for p in allw}, setup={p: 100 for p in allw})
    add("windows", "en", ["close all windows"], {p: 0 for p in allw}, setup={p: 100 for p in allw})
    add("windows", "zh", ["车窗开一条缝"], {allw[0]: {"min": 5, "max": 30}}, unchanged=allw[1:])
    add("windows", "en", ["crack the window"], {allw[0]: {"min": 5, "max": 30}}, unchanged=allw[1:])
    add("windows", "zh", ["打开后排车窗"], {allw[2]: 100, allw[3]: 100}, unchanged=allw[:2])
    add("windows", "en", ["open the rear windows"], {allw[2]: 100, allw[3]: 100}, unchanged=allw[:2])


def sunroof_doors(rng: random.Random) -> None:
    s, sh = "Vehicle.Cabin.Sunroof.Position", "Vehicle.Cabin.Sunroof.Shade.Position"
    add("sunroof", "zh", ["打开天窗"], {s: 100}); add("sunroof", "en", ["open the sunroof"], {s: 100})
    add("sunroof", "zh", ["关闭天窗"], {s: 0}, setup={s: 100}); add("sunroof", "en", ["close the sunroof"], {s: 0}, setup={s: 100})
    add("sunroof", "zh", ["天窗翘起来"], {s: {"max": -1}}); add("sunroof", "en", ["tilt the sunroof"], {s: {"max": -1}})
    add("sunroof", "zh", ["天窗打开一半"], {s: 50}); add("sunroof", "en", ["open the sunroof halfway"], {s: 50})
    add("sunroof", "zh", ["打开遮阳帘"], {sh: 100}); add("sunroof", "en", ["open the sunshade"], {sh: 100})
    add("sunroof", "zh", ["关上遮阳帘"], {sh: 0}, setup={sh: 100}); add("sunroof", "en", ["close the sunshade"], {sh: 0}, setup={sh: 100})
    locks = [f"Vehicle.Cabin.Door.{z}.IsLocked" for z in SEAT_ZONES]
    add("doors", "zh", ["解锁车门"], {p: False for p in locks}); add("doors", "en", ["unlock the doors"], {p: False for p in locks})
    add("doors", "zh", ["锁上车门"], {p: True for p in locks}, setup={p: False for p in locks})
    add("doors", "en", ["lock the doors"], {p: True for p in locks}, setup={p: False for p in locks})
    for seat, (_, zh, en) in SEAT_ZONES.items():
        add("doors", "zh", [f"打开{zh}车门"], {f"Vehicle.Cabin.Door.{seat}.IsOpen": True})
        add("doors", "en", [f"open the {en} door"], {f"Vehicle.Cabin.Door.{seat}.IsOpen": True})
    t = "Vehicle.Body.Trunk.Rear.Position"
    add("doors", "zh", ["打开后备箱"], {t: 100}); add("doors", "en", ["open the trunk"], {t: 100})
    add("doors", "zh", ["关闭后备箱"], {t: 0}, setup={t: 100}); add("doors", "en", ["close the trunk"], {t: 0}, setup={t: 100})


def seats_lights(rng: random.Random) -> None:
    for seat, (_, zh, en) in SEAT_ZONES.items():
        hc = f"Vehicle.Cabin.Seat.{seat}.HeatingCooling"
        add("seats", "zh", [f"打开{zh}座椅加热"], {hc: {"min": 1}}); add("seats", "en", [f"turn on the {en} seat heating"], {hc: {"min": 1}})
        lv = rng.choice([1, 2, 3])
        add("seats", "zh", [f"{zh}座椅加热调到{ZH_NUM[lv]}档"], {hc: lv}); add("seats", "en", [f"set the {en} seat heating to level {lv}"], {hc: lv})
        add("seats", "zh", [f"打开{zh}座椅通风"], {hc: {"max": -1}}); add("seats", "en", [f"turn on the {en} seat ventilation"], {hc: {"max": -1}})
        add("seats", "zh", [f"关闭{zh}座椅加热"], {hc: 0}, setup={hc: 2}); add("seats", "en", [f"turn off the {en} seat heating"], {hc: 0}, setup={hc: 2})
        ms = f"Vehicle.Cabin.Seat.{seat}.Massage.Level"
        add("seats", "zh", [f"打开{zh}座椅按摩"], {ms: {"min": 1}}); add("seats", "en", [f"turn on the {en} seat massage"], {ms: {"min": 1}})
    L = "Vehicle.Body.Lights"
    for path, zh, en in ((f"{L}.Beam.Low.IsOn", "近光灯", "low beams"), (f"{L}.Beam.High.IsOn", "远光灯", "high beams"),
                         (f"{L}.Fog.Front.IsOn", "前雾灯", "front fog lights"), (f"{L}.Fog.Rear.IsOn", "后雾灯", "rear fog light"),
                         (f"{L}.Hazard.IsSignaling", "双闪", "hazard lights"),
                         ("Vehicle.Cabin.Light.Spotlight.Row1.DriverSide.IsLightOn", "阅读灯", "reading light")):
        add("lights", "zh", [f"打开{zh}"], {path: True}); add("lights", "en", [f"turn on the {en}"], {path: True})
        add("lights", "zh", [f"关闭{zh}"], {path: False}, setup={path: True}); add("lights", "en", [f"turn off the {en}"], {path: False}, setup={path: True})
    amb = [f"Vehicle.Cabin.Light.AmbientLight.{z}" for z in SEAT_ZONES]
    for hexv, zh, en in (("#FF0000", "红色", "red"), ("#0000FF", "蓝色", "blue"), ("#008000", "绿色", "green"), ("#800080", "紫色", "purple")):
        add("lights", "zh", [f"氛围灯调成{zh}"], {f"{a}.Color": hexv for a in amb}); add("lights", "en", [f"make the ambient lights {en}"], {f"{a}.Color": hexv for a in amb})
    add("lights", "zh", ["打开氛围灯"], {f"{a}.IsLightOn": True for a in amb}); add("lights", "en", ["turn on the ambient lighting"], {f"{a}.IsLightOn": True for a in amb})
    add("lights", "zh", ["氛围灯亮度调到百分之八十"], {f"{a}.Intensity": 80 for a in amb}); add("lights", "en", ["set the ambient brightness to 80 percent"], {f"{a}.Intensity": 80 for a in amb})
    M = "Vehicle.Body.Mirrors"
    add("mirrors", "zh", ["折叠后视镜"], {f"{M}.DriverSide.IsFolded": True, f"{M}.PassengerSide.IsFolded": True})
    add("mirrors", "en", ["fold the mirrors"], {f"{M}.DriverSide.IsFolded": True, f"{M}.PassengerSide.IsFolded": True})
    add("mirrors", "zh", ["打开后视镜加热"], {f"{M}.DriverSide.IsHeatingOn": True, f"{M}.PassengerSide.IsHeatingOn": True})
    add("mirrors", "en", ["turn on the mirror heating"], {f"{M}.DriverSide.IsHeatingOn": True, f"{M}.PassengerSide.IsHeatingOn": True})
    W = "Vehicle.Body.Windshield.Front.Wiping.Mode"
    add("wipers", "zh", ["打开雨刮"], {W: {"not": "OFF"}}); add("wipers", "en", ["turn on the wipers"], {W: {"not": "OFF"}})
    add("wipers", "zh", ["关闭雨刮"], {W: "OFF"}, setup={W: "FAST"}); add("wipers", "en", ["turn off the wipers"], {W: "OFF"}, setup={W: "FAST"})
    add("wipers", "zh", ["雨刮调到高速"], {W: "FAST"}); add("wipers", "en", ["wipers on fast"], {W: "FAST"})
    add("wipers", "zh", ["雨刮调到自动"], {W: "RAIN_SENSOR"}); add("wipers", "en", ["set the wipers to automatic"], {W: "RAIN_SENSOR"})


def infotainment(rng: random.Random) -> None:
    I = "Vehicle.Cabin.Infotainment"
    for v in (10, 30, 50, 80):
        add("media", "zh", [f"音量调到{ZH_NUM[v] if v in ZH_NUM else v}"], {f"{I}.Media.Volume": v})
        add("media", "en", [f"set the volume to {v}"], {f"{I}.Media.Volume": v})
    add("media", "zh", ["声音大一点"], {f"{I}.Media.Volume": {"min": 41}}); add("media", "en", ["turn the volume up"], {f"{I}.Media.Volume": {"min": 41}})
    add("media", "zh", ["音量调小"], {f"{I}.Media.Volume": {"max": 39}}); add("media", "en", ["volume down"], {f"{I}.Media.Volume": {"max": 39}})
    add("media", "zh", ["暂停"], {f"{I}.Media.IsPaused": True}, setup={f"{I}.Media.Action": "PLAY"})
    add("media", "en", ["pause the music"], {f"{I}.Media.IsPaused": True}, setup={f"{I}.Media.Action": "PLAY"})
    add("media", "zh", ["下一首"], {f"{I}.Media.Action": "SKIP_FORWARD"}); add("media", "en", ["next song"], {f"{I}.Media.Action": "SKIP_FORWARD"})
    add("media", "zh", ["上一首"], {f"{I}.Media.Action": "SKIP_BACKWARD"}); add("media", "en", ["previous track"], {f"{I}.Media.Action": "SKIP_BACKWARD"})
    for artist, track in (("周杰伦", "晴天"), ("陈奕迅", "十年"), ("王菲", "红豆"), ("邓紫棋", "光年之外")):
        add("media", "zh", [f"播放{artist}的{track}"], {f"{I}.Media.Request.Track": {"contains": track}, f"{I}.Media.Request.Artist": {"contains": artist}, f"{I}.Media.Action": "PLAY"})
    for artist, track in (("taylor swift", "Love Story"), ("queen", "Bohemian Rhapsody"), ("adele", "Hello"), ("the beatles", "Yesterday")):
        add("media", "en", [f"play {track.lower()} by {artist}"], {f"{I}.Media.Request.Track": {"contains": track}, f"{I}.Media.Request.Artist": {"contains": artist}, f"{I}.Media.Action": "PLAY"})
    add("media", "zh", ["放点爵士乐"], {f"{I}.Media.Request.Genre": {"contains": "爵士"}}); add("media", "en", ["play some jazz"], {f"{I}.Media.Request.Genre": {"contains": "jazz"}})
    N = f"{I}.Navigation"
    for place in ("首都机场", "天安门", "上海虹桥站", "西湖"):
        add("navigation", "zh", [f"导航到{place}"], {f"{N}.DestinationSet.Name": {"contains": place}, f"{N}.IsGuidanceActive": True})
    for place in ("the airport", "central park", "union station", "the nearest gas station"):
        add("navigation", "en", [f"navigate to {place}"], {f"{N}.DestinationSet.Name": {"contains": place.replace("the ", "")}, f"{N}.IsGuidanceActive": True})
    add("navigation", "zh", ["导航回家"], {f"{N}.DestinationSet.Name": "HOME"}); add("navigation", "en", ["take me home"], {f"{N}.DestinationSet.Name": "HOME"})
    add("navigation", "zh", ["导航去公司"], {f"{N}.DestinationSet.Name": "WORK"}); add("navigation", "en", ["navigate to work"], {f"{N}.DestinationSet.Name": "WORK"})
    active = {f"{N}.DestinationSet.Name": "西湖", f"{N}.IsGuidanceActive": True}
    add("navigation", "zh", ["结束导航"], {f"{N}.IsGuidanceActive": False}, setup=active)
    add("navigation", "en", ["cancel navigation"], {f"{N}.IsGuidanceActive": False}, setup=active)
    add("navigation", "zh", ["导航静音"], {f"{N}.Mute": "MUTED"}); add("navigation", "en", ["mute the navigation"], {f"{N}.Mute": "MUTED"})
    P = f"{I}.Phone.Call"
    for name in ("妈妈", "张三", "李经理"):
        add("phone", "zh", [f"打电话给{name}"], {f"{P}.Contact": {"contains": name}, f"{P}.State": "DIALING"})
    for name in ("mom", "john smith", "dr. lee"):
        add("phone", "en", [f"call {name}"], {f"{P}.Contact": {"contains": name}, f"{P}.State": "DIALING"})
    add("phone", "zh", ["拨打13800138000"], {f"{P}.Number": "13800138000"}); add("phone", "en", ["dial 5551234567"], {f"{P}.Number": "5551234567"})
    add("phone", "zh", ["挂断电话"], {f"{P}.State": "IDLE"}, setup={f"{P}.State": "ACTIVE"})
    add("phone", "en", ["hang up"], {f"{P}.State": "IDLE"}, setup={f"{P}.State": "ACTIVE"})
    for zh, en in (("续航还有多少", "what's my range"), ("电量还剩多少", "how much battery is left"),
                   ("外面多少度", "what's the temperature outside"), ("胎压正常吗", "check the tire pressure")):
        add("vehicle", "zh", [zh], outcome="answered", unchanged=[f"{HV}.Row1.Driver.Temperature"])
        add("vehicle", "en", [en], outcome="answered", unchanged=[f"{HV}.Row1.Driver.Temperature"])


def multi_safety_noaction(rng: random.Random) -> None:
    d = f"{HV}.Row1.Driver.Temperature"
    add("multi", "zh", ["打开空调然后温度调到二十度"], {"Vehicle.Cabin.HVAC.IsAirConditioningActive": True, d: 20})
    add("multi", "en", ["turn on the ac and set the temperature to 20 degrees celsius"], {"Vehicle.Cabin.HVAC.IsAirConditioningActive": True, d: 20})
    add("multi", "zh", ["打开天窗，关闭车窗"], {"Vehicle.Cabin.Sunroof.Position": 100, "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position": 0}, setup={"Vehicle.Cabin.Door.Row1.DriverSide.Window.Position": 100})
    add("multi", "en", ["open the sunroof and close my window"], {"Vehicle.Cabin.Sunroof.Position": 100, "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position": 0}, setup={"Vehicle.Cabin.Door.Row1.DriverSide.Window.Position": 100})
    add("multi", "zh", ["温度调高两度", {"text": "副驾也一样"}], {d: 24, f"{HV}.Row1.Passenger.Temperature": {"min": 23}})
    add("multi", "en", ["make it two degrees warmer", {"text": "the passenger side too"}], {d: 24, f"{HV}.Row1.Passenger.Temperature": {"min": 23}})
    add("multi", "zh", ["温度调到二十四度", "再高一点"], {d: {"min": 24.5, "max": 26}})
    add("multi", "en", ["set the temperature to 24 degrees celsius", "a bit more"], {d: {"min": 24.5, "max": 26}})
    add("multi", "zh", ["温度调到二十六度", "撤销"], {d: 22})
    add("multi", "en", ["set the temperature to 26 degrees celsius", "undo that"], {d: 22})
    moving = {"Vehicle.Speed": 80, "Vehicle.Powertrain.Transmission.SelectedGear": 127}
    add("safety", "zh", ["打开主驾车门"], outcome="refused", setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"])
    add("safety", "en", ["open the driver door"], outcome="refused", setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"])
    add("safety", "zh", ["打开后备箱"], outcome="refused", setup=moving, unchanged=["Vehicle.Body.Trunk.Rear.Position"])
    add("safety", "en", ["open the trunk"], outcome="refused", setup=moving, unchanged=["Vehicle.Body.Trunk.Rear.Position"])
    add("safety", "zh", ["播放视频"], outcome="refused", setup=moving, unchanged=["Vehicle.Cabin.Infotainment.HMI.ForegroundApp"])
    add("safety", "en", ["play a video"], outcome="refused", setup=moving, unchanged=["Vehicle.Cabin.Infotainment.HMI.ForegroundApp"])
    night = dict(moving, **{"Vehicle.Exterior.LightIntensity": 5, "Vehicle.Body.Lights.Beam.Low.IsOn": True})
    add("safety", "zh", ["关闭大灯"], outcome="refused", setup=night, unchanged=["Vehicle.Body.Lights.Beam.Low.IsOn"])
    add("safety", "en", ["turn off the headlights"], outcome="refused", setup=night, unchanged=["Vehicle.Body.Lights.Beam.Low.IsOn"])
    add("safety", "zh", ["解锁车门"], outcome="confirm", setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsLocked"])
    add("safety", "en", ["unlock the doors"], outcome="confirm", setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsLocked"])
    add("safety", "zh", ["解锁车门", "确定"], {"Vehicle.Cabin.Door.Row1.DriverSide.IsLocked": False}, setup=moving)
    add("safety", "en", ["unlock the doors", "yes"], {"Vehicle.Cabin.Door.Row1.DriverSide.IsLocked": False}, setup=moving)
    fast = {"Vehicle.Speed": 130}
    add("safety", "zh", ["打开天窗"], outcome="refused", setup=fast, unchanged=["Vehicle.Cabin.Sunroof.Position"])
    add("safety", "en", ["open the sunroof"], outcome="refused", setup=fast, unchanged=["Vehicle.Cabin.Sunroof.Position"])
    add("safety", "zh", ["打开空调，再打开车门"], {"Vehicle.Cabin.HVAC.IsAirConditioningActive": True}, setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"])
    add("safety", "en", ["turn on the ac and open my door"], {"Vehicle.Cabin.HVAC.IsAirConditioningActive": True}, setup=moving, unchanged=["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"])
    quiet = [d, "Vehicle.Cabin.Door.Row1.DriverSide.IsLocked", "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"]
    for zh in ("你好", "今天天气怎么样", "给我讲个笑话", "哈哈哈", "嗯", "", "😀😀", "你是谁"):
        add("noaction", "zh", [zh], outcome="no_action", unchanged=quiet)
    for en in ("hello there", "what's the weather like tomorrow", "tell me a joke", "haha", "um", "   ", "🚗💨", "who are you"):
        add("noaction", "en", [en], outcome="no_action", unchanged=quiet)
    add("noaction", "zh", ["打开"], outcome="clarify", unchanged=quiet)
    add("noaction", "en", ["open it"], outcome="clarify", unchanged=quiet)


def main() -> None:
    rng = random.Random(20261124)
    for gen in (climate, windows, sunroof_doors, seats_lights, infotainment, multi_safety_noaction):
        gen(rng)
    with OUT.open("w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    langs = {l: sum(c["lang"] == l for c in cases) for l in ("zh", "en")}
    print(f"{len(cases)} cases -> {OUT} {langs}")


if __name__ == "__main__":
    main()
