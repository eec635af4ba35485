"""The capability catalog (data/capabilities.yaml) as typed objects.

One declaration per function drives the parser, planner, safety policy, replies,
LLM tool schemas and docs; see the YAML file's header for the fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .datafiles import load_yaml
from .signals import SignalSpec, load_signals
from .zones import scheme_names, to_scheme, all_seats

KINDS = ("level", "switch", "mode", "action", "query")


@dataclass(frozen=True)
class ValueRange:
    unit: str
    min: float
    max: float
    step: float
    big_step: float
    round: float = 1.0
    level_scale: float | None = None  # "level n" means n * level_scale
    sign: int = 1  # -1: the signal stores the level negated (seat ventilation)

    def clamp(self, v: float) -> float:
        return min(self.max, max(self.min, v))

    def snap(self, v: float) -> float:
        r = round(v / self.round) * self.round
        return int(r) if float(r).is_integer() else round(r, 2)


@dataclass(frozen=True)
class Capability:
    id: str
    domain: str
    kind: str
    name: dict[str, str]
    description: dict[str, str]
    safety: str
    signal: str | None = None
    zones: str | None = None
    default_zone: str = "all"
    value: ValueRange | None = None
    presets: dict[str, Any] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # switch: on/off signal values
    on_also: dict[str, Any] = field(default_factory=dict)
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    writes: dict[str, Any] = field(default_factory=dict)
    resume_writes: dict[str, Any] = field(default_factory=dict)
    reads: tuple[str, ...] = ()
    off_action: str | None = None  # the action that undoes this one ("不用导航了")
    pair: dict[str, str] = field(default_factory=dict)
    outward: dict[str, str] = field(default_factory=dict)  # zone -> the op "outward" means there
    options_from: str | None = None  # a sibling whose options this device's word may take
    sided: str | None = None  # the zoned sibling meant when a side or seat is named ("my side's shade")
    covers: bool = False  # 100 covers (a roller blind), where 100 opens for most positions
    full_travel: bool = False  # "raise"/"lower" without an amount goes all the way (blinds)
    warms: bool = False  # a heater the body feels: "warmer" after it means more of it
    opening: bool = False  # a level that opens something: replies say open/closed, not a number
    numeric: str | None = None  # the level a number or a change means: "cruise to 100" is its speed
    requires: dict[str, list[Any]] = field(default_factory=dict)  # state in which the action makes sense ({zone}: per zone)  # front/rear twins of a whole-car function
    in_step: dict[str, float] = field(default_factory=dict)  # a level kept on another signal too, times the factor
    timed: str | None = None  # said with a time ("start charging at 11 pm"), the request is this function
    stops_running: dict[str, list[Any]] = field(default_factory=dict)  # a bare "cancel" runs this while a signal holds one of these

    def takes_names(self) -> bool:
        """A request whose object is one of the car's names (a song, a place, a contact)."""
        return any(p.get("names") for p in self.params.values())

    def missing(self, slots: dict[str, str]) -> list[str]:
        """Required parameters the slots lack: an action never runs half-specified."""
        need = [k for k, p in self.params.items() if p.get("required") is True and not slots.get(k)]
        any_of = [k for k, p in self.params.items() if p.get("required") == "one_of"]
        if any_of and not any(slots.get(k) for k in any_of):
            need.append("/".join(any_of))
        return need

    def zone_names(self, seats: tuple[str, ...] | None) -> list[str | None]:
        """Scheme zone names for seats (None = every seat); [None] for whole-car functions."""
        if not self.zones:
            return [None]
        return to_scheme(self.zones, seats if seats is not None else all_seats(self.zones))

    def path(self, zone: str | None, template: str | None = None) -> str:
        t = template or self.signal or ""
        return t.replace("{zone}", zone) if zone is not None else t

    def templates(self, reads: bool = True) -> list[str]:
        """The signal templates this function touches: its signal, its side writes and, unless
        `reads` is False, the sensors it reads to answer."""
        out = ([self.signal] if self.signal else []) + list(self.in_step) + list(self.writes) + list(self.on_also) \
            + list(self.resume_writes)
        return list(dict.fromkeys(out + list(self.reads) if reads else out))

    def signal_paths(self, reads: bool = True) -> list[str]:
        """Every concrete VSS path of `templates`, over all of its zones."""
        return list(dict.fromkeys(self.path(z, t) for t in self.templates(reads) for z in self.zone_names(None)))

    def switch_value(self, on: bool) -> Any:
        return self.values.get("on" if on else "off", on)


def _build(cid: str, d: dict[str, Any]) -> Capability:
    v = d.get("value")
    vr = None
    if v:
        vr = ValueRange(unit=v["unit"], min=v["min"], max=v["max"], step=v["step"],
                        big_step=v.get("big_step", v["step"] * 3), round=v.get("round", 1),
                        level_scale=v.get("level_scale"), sign=v.get("sign", 1))
    return Capability(
        id=cid, domain=d["domain"], kind=d["kind"], name=d["name"], description=d["description"],
        safety=d["safety"], signal=d.get("signal"), zones=d.get("zones"),
        default_zone=d.get("default_zone", "all"), value=vr, presets=d.get("presets", {}),
        options=d.get("options", {}), order=tuple(d.get("order", ())),
        values=d.get("values") or {k: d[k] for k in ("on", "off") if k in d},
        on_also=d.get("on_also", {}), params=d.get("params", {}), writes=d.get("writes", {}),
        resume_writes=d.get("resume_writes", {}), reads=tuple(d.get("reads", ())),
        off_action=d.get("off_action"), pair=d.get("pair", {}), numeric=d.get("numeric"), opening=d.get("opening", False), warms=d.get("warms", False), full_travel=d.get("full_travel", False), options_from=d.get("options_from"), sided=d.get("sided"), covers=d.get("covers", False), outward=d.get("outward", {}), requires=d.get("requires", {}),
        in_step=d.get("in_step", {}), timed=d.get("timed"), stops_running=d.get("stops_running", {}),
    )


def _check(cap: Capability, signals: dict[str, SignalSpec], ids: set[str]) -> None:
    """Fail at load time on a catalog entry that names an unknown signal or scheme."""
    if cap.kind not in KINDS:
        raise ValueError(f"{cap.id}: unknown kind {cap.kind}")
    if cap.zones and cap.zones not in scheme_names():
        raise ValueError(f"{cap.id}: unknown zone scheme {cap.zones}")
    for ref in (cap.numeric, cap.off_action, cap.options_from, cap.sided, cap.timed):
        if ref is not None and ref not in ids:
            raise ValueError(f"{cap.id}: unknown capability {ref}")
    for p in (*cap.signal_paths(), *cap.stops_running):
        if p not in signals:
            raise ValueError(f"{cap.id}: unknown signal {p}")


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, Capability]:
    raw = load_yaml("smartcabin.data", "capabilities.yaml")
    signals = load_signals()
    catalog = {cid: _build(cid, d) for cid, d in raw.items()}
    for cap in catalog.values():
        _check(cap, signals, set(catalog))
    return catalog


@lru_cache(maxsize=None)
def with_unit(unit: str) -> tuple[str, ...]:
    """The functions whose value is in `unit` ("celsius": the cabin temperature)."""
    return tuple(c.id for c in load_catalog().values() if c.value and c.value.unit == unit)
