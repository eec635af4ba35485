"""Planning: resolved intents -> concrete VSS writes, computed from the vehicle state.

Relative values, presets, unit conversion and range checks live here, driven by
the capability catalog; nothing here knows a language (a time parameter is read by
timeexpr, as the on-board services read theirs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from .capabilities import Capability, load_catalog
from .signals import SignalError, Value
from .understanding.types import Intent
from .vehicle import Vehicle, Write
from .zones import SEATS, to_scheme

_UP = {"up": 1, "more": 1, "down": -1, "less": -1}


@dataclass
class Action:
    cap: Capability
    intent: Intent
    zones: list[str | None]
    seats: tuple[str, ...]  # the seats the action was resolved to (for follow-ups)
    writes: list[Write] = field(default_factory=list)
    values: dict[str | None, Any] = field(default_factory=dict)  # zone -> resulting value (replies)
    at_limit: bool = False
    explicit_zone: bool = False


@dataclass
class Problem:
    kind: str  # out_of_range | unsupported | invalid | absent | not_now | missing
    cap: Capability | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def resolve_seats(cap: Capability, seats: tuple[str, ...] | None, speaker: str) -> tuple[str, ...]:
    """The seats an intent addresses: explicit ones, else the capability's default."""
    if seats is None or seats == ("speaker",):
        default = "speaker" if seats == ("speaker",) else cap.default_zone
        if default == "speaker":
            return (speaker,)
        if default == "front":
            return ("Row1.DriverSide", "Row1.PassengerSide")
        return SEATS
    if seats == ("all",):
        return SEATS
    if seats == ("other",):
        return (speaker,)  # nothing said before: "the other one" can only be a guess, take mine
    if seats and seats[0].startswith("side:"):
        return tuple(f"Row1.{s[5:]}" for s in seats)
    if seats and seats[0] in _RELATIVE:
        row, side = speaker.split(".")
        return (_RELATIVE[seats[0]](row, side),)
    return tuple(s if s != "speaker" else speaker for s in seats)


# Places named from where the speaker sits: "the window behind me", "我后面".
_RELATIVE = {
    "behind": lambda row, side: f"Row2.{side if side != 'Middle' else 'DriverSide'}",
    "ahead": lambda row, side: f"Row1.{side if side != 'Middle' else 'DriverSide'}",
}


def _zones(cap: Capability, seats: tuple[str, ...]) -> list[str | None]:
    if not cap.zones:
        return [None]
    if seats == SEATS:
        return cap.zone_names(None)
    return to_scheme(cap.zones, seats)


_MM = {"mm": 1.0, "cm": 10.0, "inch": 25.4}  # a length said in these units, in millimetres


def _to_celsius(value: float, unit: str | None, lang_hint_f: bool, relative: bool) -> float:
    fahrenheit = unit == "fahrenheit" or (unit in ("deg", None) and lang_hint_f and not relative
                                          and 50 <= value <= 90)
    if not fahrenheit:
        return value
    return value * 5 / 9 if relative else (value - 32) * 5 / 9


def _level_target(cap: Capability, it: Intent, current: float, fahrenheit_ok: bool) -> tuple[float | None, str | None]:
    """(new value in the capability's unit, problem) for a level capability."""
    vr = cap.value
    assert vr is not None
    op = it.op
    if it.value is not None and op in ("on", "off", "preset", None):
        op = "set"  # "fan on four", "seat heating on level three"
    if op in _UP and it.mag == "full" and it.value is None:
        up = _UP[op] > 0
        if cap.id == "window.position" and op in ("up", "down"):
            up = not up
        return (vr.max if up else vr.min) if cap.id != "sunroof.position" else (100 if up else 0), None
    if cap.full_travel and op in ("up", "down") and it.value is None and not it.mag:
        return (vr.max if op == "up" else vr.min), None  # "raise the rear sunshade": all the way
    if cap.id == "window.position" and op in ("up", "down") and it.value is None and not it.mag:
        return (0.0 if op == "up" else 100.0), None  # "window up": closed; "window down": open
    if op == "on" and it.mag == "full":
        op = "max"
    if op in ("on", "off") and it.mag in ("small", "big") and it.value is None and it.preset is None:
        op = "up" if op == "on" else "down"  # "开一点", "close it a bit": a step, not all the way
        if cap.id == "window.position":
            op = "more" if op == "up" else "less"
    if op == "preset" and it.preset == "crack" and it.preset not in cap.presets:
        op, it = "up", replace(it, mag="small")  # "温度再高一点点": 一点点 is a little, not a crack
    if op in ("max", "min") or (op == "preset" and it.preset) or op in ("on", "off"):
        name = it.preset if op == "preset" else op
        if name in cap.presets:
            return float(cap.presets[name]), None
        if name == "max":
            return vr.max, None
        if name == "min":
            return vr.min, None
        return None, "unsupported"
    sign = _UP.get(op or "", 1)
    if cap.id == "window.position" and op in ("up", "down"):
        sign = -sign  # raising a window closes it
    if it.value is not None:
        v = float(it.value)
        if cap.id == "hvac.temperature":
            v = _to_celsius(v, it.unit, fahrenheit_ok, it.relative)
        elif it.unit in _MM:
            if vr.unit != "mm":
                return None, "unsupported"  # "volume up 3 cm": a length of something with none
            v *= _MM[it.unit]
        elif it.unit == "level" and vr.level_scale:
            v *= vr.level_scale
        elif it.unit == "level" and vr.unit != "level" and it.relative:
            v = abs(v) * vr.step  # "lower the seat belt one notch": a step of its own
        elif it.unit in ("level", "times") and vr.unit != it.unit:
            return None, "unsupported"  # "steering wheel on level 8": a position has no levels
        elif it.unit is None and vr.level_scale and vr.unit == "percent" and v <= 10 and not it.relative \
                and float(v).is_integer() and cap.id not in ("media.volume",):
            v *= vr.level_scale  # "fan to 3": a level, not 3 %
        elif it.unit == "percent" and vr.unit == "level":
            v = round(v / 100 * vr.max)
        if it.relative:
            return current + sign * abs(v), None
        if op in ("down", "less") and v < 0:
            v = -v
        return v, None
    if op in _UP:
        step = vr.big_step if it.mag == "big" else vr.step
        return current + sign * step, None
    return None, "unsupported"


def _mode_target(cap: Capability, it: Intent, current: Any) -> Any:
    if it.option:
        return it.option if it.option in cap.options else None
    if it.op in ("on", "off"):
        return cap.values.get(it.op)
    if it.op == "max" and cap.order:
        return cap.order[-1]  # "wipers on full blast"
    if it.op in _UP and cap.order:
        idx = cap.order.index(current) if current in cap.order else 0
        idx = max(0, min(len(cap.order) - 1, idx + _UP[it.op]))
        return cap.order[idx]
    return None


def _fill(template: Any, slots: dict[str, str]) -> Any:
    if isinstance(template, str) and "{" in template:
        out = template
        for key in ("track", "artist", "genre", "collection", "place", "contact", "number", "color", "type", "time"):
            out = out.replace("{" + key + "}", slots.get(key, ""))
        return out
    return template


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def when_said(text: str, lang: str, now: datetime) -> datetime | None:
    """The moment a text names ("at 11 pm", 明早七点, an ISO time), or None."""
    from .timeexpr import find_when, normalize
    if _ISO.match(text.strip()):
        try:
            return datetime.fromisoformat(text.strip())  # a tool call's "2026-12-01T23:00"
        except ValueError:
            pass
    found = find_when(normalize(text, lang), lang, now)
    if found is None:
        return None
    return found.moment(now)


def _read_times(cap: Capability, it: Intent, lang: str, now: datetime) -> Intent:
    """A time parameter ("at 11 pm", 晚上十一点) from its slot or, when understanding left it
    empty, from the clause said; kept as VSS times are, ISO 8601 in UTC. A time that cannot be
    read is left out, so the action asks for it."""
    names = [k for k, p in cap.params.items() if p.get("type") == "time"]
    if not names:
        return it
    slots = dict(it.slots)
    for name in names:
        at = when_said(slots.get(name) or it.clause, lang, now)
        slots.pop(name, None)
        if at is not None:
            slots[name] = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return replace(it, slots=slots)


def plan(intents: list[Intent], vehicle: Vehicle, speaker: str, lang: str = "en",
         now: datetime | None = None) -> Plan:
    catalog = load_catalog()
    result = Plan()
    now = now or datetime.now()
    for it in intents:
        cap = catalog.get(it.cap or "")
        if cap is not None and cap.timed and it.op in ("on", "set") and when_said(it.clause, lang, now) is not None:
            it, cap = replace(it, cap=cap.timed, op="on"), catalog[cap.timed]  # "晚上十一点开始充电": a schedule
        if cap is not None and cap.kind == "action" and it.op in ("off", "down", "less") and cap.off_action:
            it, cap = replace(it, cap=cap.off_action, op="on", slots={}), catalog[cap.off_action]
        if cap is None:
            result.problems.append(Problem("unsupported", None, {"intent": it}))
            continue
        it = _read_times(cap, it, lang, now)
        if any(vehicle.get(sig) not in ok for sig, ok in cap.requires.items() if "{zone}" not in sig):
            result.problems.append(Problem("not_now", cap))  # "pick up" with no call ringing
            continue
        if cap.kind == "action" and cap.missing(it.slots) and not (cap.resume_writes and not it.slots):
            result.problems.append(Problem("missing", cap, {"missing": cap.missing(it.slots), "intent": it}))
            continue
        seats = resolve_seats(cap, it.seats, speaker)
        action = Action(cap=cap, intent=it, zones=_zones(cap, seats), seats=seats,
                        explicit_zone=it.seats not in (None, ("speaker",)))
        if cap.zones and not action.zones:  # "my side's shade" from a front seat: front doors have none
            result.problems.append(Problem("absent", cap, {"zones": []}))
            continue
        missing = _absent_zones(action, vehicle)
        if missing and (len(missing) == len(action.zones) or (action.explicit_zone and len(action.seats) == 1)):
            result.problems.append(Problem("absent", cap, {"zones": missing}))  # "this car has no fuel door"
            continue
        action.zones = [z for z in action.zones if z not in missing]
        if it.op != "query" and any(vehicle.get(cap.path(z, sig)) not in ok for z in action.zones
                                    for sig, ok in cap.requires.items() if "{zone}" in sig):
            result.problems.append(Problem("not_now", cap))  # a locked mirror does not move
            continue
        if it.op == "on" and cap.options_from and any(o.cap == cap.options_from for o in intents):
            # "按摩模式换成揉捏的": the programme changes; a massage already running keeps its strength
            action.zones = [z for z in action.zones if not vehicle.get(cap.path(z))]
            if not action.zones:
                continue
        problem = _plan_action(action, vehicle, lang == "en")
        if problem is not None:
            result.problems.append(problem)
            continue
        try:
            action.writes = [Write(w.path, vehicle.validate(w.path, w.value)) for w in action.writes]
        except SignalError as exc:
            result.problems.append(Problem("invalid", cap, {"error": str(exc)}))
            continue
        if action.writes or cap.kind == "query" or it.op == "query":
            result.actions.append(action)
    return result


_SIDE_ONLY = ("door", "rear_door", "mirror", "ambient")  # schemes whose middle seat borrows both sides


def _absent_zones(a: Action, vehicle: Vehicle) -> list[str | None]:
    """Zones where this car lacks the function: its signal is not reported at all (a fuel
    door on an electric car, thigh support on the rear bench), or the seat has no such zone."""
    if a.cap.kind not in ("level", "switch", "mode"):
        return []
    if not a.zones or (a.explicit_zone and a.seats == ("Row2.Middle",) and a.cap.zones in _SIDE_ONLY):
        return [None]  # "后排中间的车窗": the middle seat has no window, door or mirror of its own
    return [z for z in a.zones if vehicle.get(a.cap.path(z)) is None]


def _plan_action(a: Action, vehicle: Vehicle, fahrenheit_ok: bool) -> Problem | None:
    cap, it = a.cap, a.intent
    if cap.kind == "query":
        if it.op != "query":
            return Problem("unsupported", cap)
        a.values = {path: vehicle.get(path) for path in cap.reads}
        return None
    if it.op == "query":
        if cap.kind == "action":
            return Problem("unsupported", cap)  # a request has no state to read out ("Play is None")
        for zone in a.zones:
            a.values[zone] = vehicle.get(cap.path(zone))
        return None
    if it.slots.get("color") and not any(p.get("type") == "color" for p in cap.params.values()):
        return Problem("unsupported", cap)  # "make the headlights blue": a light without colours
    for zone in a.zones:
        path = cap.path(zone)
        current = vehicle.get(path)
        if cap.kind == "level":
            vr = cap.value
            assert vr is not None
            cur_level = max(0.0, float(current or 0) * vr.sign) if vr.sign < 0 else float(current or 0)
            zit = it
            if it.op in ("outward", "inward") and cap.outward.get(zone or ""):
                out = cap.outward[zone or ""]  # "the passenger mirror out": right on that side
                zit = replace(it, op=out if it.op == "outward" else ("down" if out == "up" else "up"))
            elif it.op in ("outward", "inward") and not cap.outward:
                zit = replace(it, op="up" if it.op == "outward" else "down")  # "方向盘往里推": shorter reach
            target, err = _level_target(cap, zit, cur_level, fahrenheit_ok)
            if err:
                return Problem(err, cap, {"op": it.op})
            assert target is not None
            if not it.relative and it.op not in _UP and not (vr.min <= target <= vr.max):
                return Problem("out_of_range", cap, {"value": target, "min": vr.min, "max": vr.max})
            clamped = vr.snap(vr.clamp(target))
            a.at_limit = a.at_limit or clamped != vr.snap(target)
            a.values[zone] = clamped
            if vr.sign < 0 and clamped == 0 and float(current or 0) > 0:
                continue  # "ventilation off" while the seat heats: nothing to stop
            if vr.sign > 0 and cap.id == "seat.heating" and clamped == 0 and float(current or 0) < 0:
                continue
            a.writes.append(Write(path, clamped * vr.sign if vr.sign < 0 else clamped))
            a.writes += [Write(cap.path(zone, p), vr.snap(clamped * k)) for p, k in cap.in_step.items()]  # Pan and Yaw
            a.writes += [Write(cap.path(zone, p), v) for p, v in cap.on_also.items()]  # tuning a station plays FM
        elif cap.kind == "switch":
            on = it.op not in ("off", "down", "less", "min")
            value = cap.switch_value(on)
            a.values[zone] = on
            a.writes.append(Write(path, value))
            if on:
                a.writes += [Write(cap.path(zone, p), v) for p, v in cap.on_also.items()]
        elif cap.kind == "mode":
            value = _mode_target(cap, it, current)
            if value is None:
                return Problem("unsupported", cap, {"op": it.op})
            a.values[zone] = value
            a.writes.append(Write(path, value))
            a.writes += [Write(cap.path(zone, p), v) for p, v in cap.on_also.items()]  # a light bar effect lights it
        else:  # action
            writes = cap.writes
            if cap.id == "media.play" and not it.slots and cap.resume_writes:
                writes = cap.resume_writes
            said = {**{k: str(spec["default"]) for k, spec in cap.params.items() if "default" in spec}, **it.slots}
            for p, v in writes.items():
                a.writes.append(Write(cap.path(zone, p), _fill(v, said)))
            a.values[zone] = dict(it.slots)
    return None


def undo_writes(previous: dict[str, Value | None], vehicle: Vehicle) -> list[Write]:
    """Writes that restore actuators to their values before the last turn."""
    out = []
    for path, value in previous.items():
        if value is None:
            continue
        try:
            vehicle.validate(path, value)
        except SignalError:
            continue  # a derived sensor: it follows its actuator back
        out.append(Write(path, value))
    return out
