"""Short spoken replies in the user's language, worded from data/replies.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .capabilities import Capability
from .datafiles import load_yaml
from .planning import Action, Problem


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    return load_yaml("smartcabin.data", "replies.yaml")


def phrases(lang: str) -> dict[str, Any]:
    return _all()[lang if lang in _all() else "en"]


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


@lru_cache(maxsize=2)
def _color_names(lang: str) -> dict[str, str]:
    from .understanding.lexicon import load_lexicon  # colour names live in the lexicon
    raw = load_lexicon(lang).raw.get("colors", {})
    return {hexv: names[0] for hexv, names in raw.items()}


def _name(cap: Capability, lang: str, zone_label: str) -> str:
    name = cap.name.get(lang, cap.name["en"])
    return name if zone_label or lang == "zh" else name[:1].upper() + name[1:]


def _zone_label(a: Action, lang: str) -> str:
    p = phrases(lang)
    if not a.cap.zones or not a.explicit_zone and len(a.zones) == 1:
        return ""
    if len(a.zones) == len(a.cap.zone_names(None)) and len(a.zones) > 1:
        return p["all_zones"]
    groups = {str(z).split(".")[0] for z in a.zones}
    if len(groups) == 1 and "." in str(a.zones[0]) and (group := groups.pop()) in p["zones"] and \
            len(a.zones) == sum(1 for z in a.cap.zone_names(None) if z.startswith(group + ".")):
        return p["zones"][group].strip() + (" " if lang == "en" else "")  # "the rear sensors", not each one
    labels = [p["zones"].get(z or "", "").strip() for z in a.zones]
    text = p["zone_join"].join(labels)
    return text + (" " if lang == "en" else "")


def _value_text(cap: Capability, value: Any, lang: str) -> str:
    p = phrases(lang)
    if cap.kind == "mode":
        return cap.options.get(value, {}).get(lang, str(value))
    if isinstance(value, bool):
        return p["on_word"] if value else p["off_word"]
    if cap.value and cap.value.unit == "level":
        return p["level_word"].format(value=_num(value))
    unit = p["units"].get(cap.value.unit if cap.value else "", "")
    return f"{_num(value)}{unit}"


def describe(a: Action, lang: str) -> str:
    p = phrases(lang)
    cap, it = a.cap, a.intent
    zone = _zone_label(a, lang)
    name = _name(cap, lang, zone)
    value = next(iter(a.values.values()), None)
    special = p["actions"]
    if cap.kind == "query":
        return _query(cap, a, lang)
    if it.op == "query" and not cap.opening:
        return p["query_value"].format(zone=zone, name=name, value=_value_text(cap, value, lang))
    if cap.kind == "action":
        return _action(cap, value or {}, lang)
    if cap.kind == "switch":
        on = bool(value)
        if cap.id in special:
            return special[cap.id]["on" if on else "off"].format(zone=zone, name=name)
        return p["switch_on" if on else "switch_off"].format(zone=zone, name=name)
    if cap.kind == "mode":
        return p["mode_set"].format(zone=zone, name=name, value=_value_text(cap, value, lang))
    if cap.opening:
        key = "position_tilt" if value < 0 else "position_closed" if value == 0 else \
            "position_open" if value == 100 else "position_partial"
        return p[key].format(zone=zone, name=name, value=_value_text(cap, value, lang))
    key = "level_limit" if a.at_limit else "level_set"
    return p[key].format(zone=zone, name=name, value=_value_text(cap, value, lang))


def _action(cap: Capability, slots: dict[str, str], lang: str) -> str:
    s = phrases(lang)["actions"]
    if cap.id == "media.play":
        if slots.get("track") and slots.get("artist"):
            key = "media.play_track_artist"
        else:
            key = next((f"media.play_{k}" for k in ("track", "artist", "genre", "collection")
                        if slots.get(k)), "media.resume")
        return s[key].format(**slots)
    if cap.id == "navigation.go":
        place = slots.get("place", "")
        key = {"HOME": "navigation.home", "WORK": "navigation.work"}.get(place, "navigation.go")
        return s[key].format(place=place)
    if cap.id == "phone.call":
        key = "phone.call_contact" if slots.get("contact") else "phone.call_number"
        return s[key].format(contact=slots.get("contact", ""), number=slots.get("number", ""))
    said = {k: _param_text(p.get("type"), slots.get(k, ""), lang) for k, p in cap.params.items()}
    return s.get(cap.id, cap.name.get(lang, cap.id)).format(**said)


def _param_text(kind: str | None, value: str, lang: str) -> str:
    """A parameter as said back: a colour by its name, a time as a moment ("today at 23:00")."""
    if kind == "color":
        return _color_names(lang).get(value, value)
    if kind == "time" and value:
        from datetime import datetime
        from .timeexpr import moment_words
        at = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone().replace(tzinfo=None)
        return moment_words(at, datetime.now(), lang)
    return value


def _query(cap: Capability, a: Action, lang: str) -> str:
    q = phrases(lang)["queries"]
    values = a.values
    if cap.id == "vehicle.tyre_pressure":
        nums = [v for v in values.values() if v is not None]
        low = any(v < 200 for v in nums)
        return q["vehicle.tyre_pressure_low" if low else cap.id].format(value=", ".join(_num(v) for v in nums))
    value = next(iter(values.values()), None)
    if value is None:
        return phrases(lang)["failed"]
    if cap.id not in q:
        return phrases(lang)["query_value"].format(zone="", name=_name(cap, lang, ""), value=_value_text(cap, value, lang))
    if cap.id == "vehicle.range":
        value = round(value / 1000)
    return q[cap.id].format(value=_num(round(value, 1) if isinstance(value, float) else value))


def problem(pr: Problem, lang: str) -> str:
    p = phrases(lang)
    name = pr.cap.name.get(lang, "") if pr.cap else ""
    if pr.kind == "out_of_range":
        name = name[:1].upper() + name[1:] if lang == "en" else name
        return p["out_of_range"].format(name=name, min=_num(pr.detail["min"]), max=_num(pr.detail["max"]))
    if pr.kind == "not_now" and pr.cap is not None:
        return p["actions"].get(f"not_now_{pr.cap.id}", p["nothing_pending"])
    if pr.kind == "missing" and pr.cap is not None:
        return p["actions"].get(f"missing_{pr.cap.id}", p["clarify_generic"])
    if pr.kind == "absent" and pr.cap is not None:
        return p["absent" if pr.cap.zones is None else "absent_zone"].format(name=name)
    if pr.kind == "unsupported" and pr.cap is not None:
        return p["unsupported"].format(name=name)
    return p["failed"]


SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.!?])\s")  # where a spoken sentence ends, in either language


def sentences(text: str) -> list[str]:
    """The sentences of a reply, each one that can be said (and synthesized) on its own."""
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def join(parts: list[str], lang: str) -> str:
    parts = [x[:1].upper() + x[1:] if lang == "en" else x for x in parts if x]
    sep = phrases(lang)["joiner"]
    return sep.join(parts)
