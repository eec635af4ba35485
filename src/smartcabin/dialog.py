"""Conversation context: what the last turns did, so follow-ups can refer to it.

"再高一点", "the passenger side too", "actually make it 20", "undo that" and
"yes" to a confirmation question are resolved here, against this memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .capabilities import load_catalog, with_unit
from .planning import Action
from .signals import Value
from .understanding.lexicon import load_lexicon
from .understanding.parser import apply_options, pick_alternative, redirect
from .understanding.types import Intent


@dataclass
class Pending:
    """Actions held until the user confirms, and the rules that asked."""
    actions: list[Action]
    rules: frozenset[str]


@dataclass
class Memory:
    last_actions: list[Action] = field(default_factory=list)
    pending: Pending | None = None
    undo_stack: list[dict[str, Value | None]] = field(default_factory=list)
    partial: Intent | None = None  # half a request awaiting the other half ("打开" ... "车窗")
    last_undoable: bool = False  # the top of undo_stack is what last_actions changed ("only …" reverts it)
    asked: Intent | None = None  # a request whose time was asked back ("schedule charging" ... "at 11 pm")
    awaits: str | None = None  # the request whose name the next turn may be ("打电话" ... "给谁？" ... "张伟")
    follows: str | None = None  # the request with a name the next turn may correct ("play Coldplay" ... "nah, Adele")

    def remember(self, actions: list[Action], previous: dict[str, Value | None]) -> None:
        if actions:
            self.last_actions = actions
            self.last_undoable = bool(previous)
        if previous:
            self.undo_stack.append(previous)
            del self.undo_stack[:-20]  # bounded: a long drive must not grow memory


def resolve(intents: list[Intent], memory: Memory, lang: str, playing: bool = True) -> list[Intent] | None:
    """Fill what follow-ups leave out, from a half-said request or the last actions.
    None means nothing can: the caller asks, and this turn's half is kept for the next.
    `playing`: media is playing, so a bare "turn it up" can only mean its volume."""
    out: list[Intent] = []
    last = [a for a in memory.last_actions if a.cap.kind != "query"]
    partial, memory.partial = memory.partial, None
    catalog = load_catalog()
    siblings = [i.cap for i in intents if i.cap]
    for it in intents:
        if it.op == "reslot":
            fixed = _reslot(it, last, lang)
            if fixed is None:
                return None
            out.append(fixed)
            continue
        if it.instead:
            if not last:
                return None
            seats = in_context_rows(it.seats, last) or it.seats
            out += [replace(last[-1].intent, seats=seats, too=False)]
            continue
        if it.only:
            if not last:
                return None
            narrowed = [replace(a.intent, seats=seats, too=False) for a in last
                        if (seats := _narrowed(a.seats, it.seats or ()))]
            if not narrowed:
                return None
            out += narrowed
            continue
        if it.seats and last:
            it = replace(it, seats=in_context_rows(it.seats, last))
        if last and it.cap and (narrow := _narrowed_by(it.cap, last[-1], lang)) is not None:
            # "打开颈部加热" ... "风也调大一点": the neck scarf's own fan, on that seat
            it = replace(it, cap=narrow, seats=it.seats if it.seats not in (None, ("speaker",)) else last[-1].seats,
                         too=False)
        if it.op == "again" and last:
            # "再来两度": the last change again, by this much
            prev = last[-1].intent
            it = replace(it, op=prev.op if prev.op in _CHANGE else "up", relative=it.value is not None,
                         cap=it.cap or prev.cap)
        if it.alts and last:
            if it.cap is None and not any(catalog[a].domain == last[-1].cap.domain for a in it.alts):
                return None  # "fast" after closing a window: no function just used has that option
            it = replace(it, cap=pick_alternative(it.alts, last[-1].cap.domain, catalog))
            own = catalog.get(last[-1].cap.numeric or "")
            if own is not None and own.id not in it.alts and own.value and all(
                    catalog[a].value and catalog[a].value.unit == own.value.unit for a in it.alts):
                it = replace(it, cap=own.id)  # "交互灯打开" ... "亮度调到最高": the light bar's own brightness
            if it.option is None and it.op == "set":
                apply_options(lang, it)  # "now settings": the option, of the function picked
        if it.implied and last and last[-1].cap.warms and it.op in _CHANGE and it.cap in with_unit("celsius"):
            # "turn on the wheel heater" ... "warmer": that heater, not the cabin temperature
            it = replace(it, cap=last[-1].cap.id, seats=last[-1].seats, implied=False, mag=None)
        if partial is not None:
            if it.cap and it.op is None and partial.op:
                it = replace(partial, cap=it.cap, seats=it.seats or partial.seats, alts=())
            elif it.cap is None and partial.cap:
                it = replace(it, cap=partial.cap, seats=it.seats or partial.seats, op=it.op or "set")
                apply_options(lang, it)
                out.append(it)
                continue
        if it.cap and it.op is None:
            memory.partial = it
            return None
        if it.too and it.cap and it.op is None:
            if not last:
                return None
            a = last[-1]  # "and the sunroof too": the last verb, on another device
            out.append(replace(a.intent, cap=it.cap, seats=it.seats, too=False, alts=()))
            continue
        if it.too:
            if not last:
                return None
            for a in last:
                out.append(_repeat(a, it))
            continue
        if it.cap is None:
            if not last and _temperature_like(it, lang):
                out.append(replace(it, cap="hvac.temperature"))  # "make it 23 in here"
                continue
            if not last and siblings:
                # "turn it down, it's way too loud": the other clause says what "it" is
                out.append(replace(it, cap=siblings[0]))
                continue
            if not last and playing and it.op in _CHANGE and it.value is None and _VOLUME_HINT[lang].search(it.clause):
                out.append(replace(it, cap="media.volume"))  # "turn it up": in a car, the volume
                continue
            if not last:
                memory.partial = it
                return None
            a = last[-1]
            if (it.value is not None or it.op in _CHANGE) and a.cap.kind != "level":
                # "按摩打开用揉捏的" … "力度调到八档": the amount is the level's, not the mode's just set with it
                a = next((b for b in reversed(last) if b.cap.kind == "level"), a)
            seats = it.seats if it.seats is not None else a.seats
            op = it.op or "set"
            if op in ("left", "right"):
                op = load_lexicon(lang).raw.get("sideways", {}).get(a.cap.id, {}).get(op)
                if op is None:
                    return None  # "往左一点" after the AC: no way to go left; ask
            if op == "more" and a.intent.op in ("down", "less") and _FURTHER[lang].search(it.clause):
                op = a.intent.op  # "move the seat forward" ... "more": further the same way
            it = replace(it, cap=a.cap.id, seats=seats, op=op)
            apply_options(lang, it)
            redirect(it)
            if it.cap != a.cap.id and it.seats == a.seats and not a.cap.zones:
                it = replace(it, seats=None)  # "AC on" then "make it 20": my zone, not the car
            out.append(it)
            continue
        out.append(it)
    return out


_CHANGE = {"up", "down", "more", "less"}
_FURTHER = {"en": re.compile(r"^\W*(a (little|bit|touch|tad) |even |some |just a bit )?(more|further)\b[\s\w]{0,8}$"),
            "zh": re.compile(r"^\W*再?(多|来)?(一点|一些|点|些)?(吧|啊)?\W*$")}
_VOLUME_HINT = {"en": re.compile(r"\b(it|that|this)\b"), "zh": re.compile(r"^\W*(大声|小声|声音|大点|小点|大一点|小一点)")}


_MAIN_SLOT = {"navigation.go": "place", "phone.call": "contact", "media.play": "track"}


def _reslot(it: Intent, last: list[Action], lang: str) -> Intent | None:
    """"actually, make that Fisherman's Wharf": the last request with the new name;
    "actually make it flowing" after a light bar effect: the new option of that function."""
    name = it.slots.get("name", "")
    if last:
        option = replace(last[-1].intent, op="set", option=None, clause=name, too=False)
        apply_options(lang, option)
        if option.option is not None:
            return option
    for a in reversed(last):
        key = _MAIN_SLOT.get(a.cap.id)
        if key:
            slots = {key: name} if a.cap.id != "media.play" else {**a.intent.slots, "track": name}
            return replace(a.intent, slots=slots, too=False)
    return None


def _narrowed_by(cap: str, prev: Action, lang: str) -> str | None:
    """The particular device a general word means right after a turn about the device beside
    it (the same branch of signals: Seat.*.NeckScarf)."""
    catalog = load_catalog()
    branch = prev.cap.signal.rsplit(".", 1)[0] if prev.cap.signal else None
    for specific in load_lexicon(lang).raw.get("narrows", {}).get(cap, ()):
        signal = catalog[specific].signal if specific in catalog else None
        if branch and signal and signal.rsplit(".", 1)[0] == branch and specific != prev.cap.id:
            return specific
    return None


def _temperature_like(it: Intent, lang: str) -> bool:
    """A bare number that can only be a cabin temperature."""
    if it.unit in ("celsius", "fahrenheit", "deg"):
        return True
    if it.value is None or it.relative or it.unit is not None:
        return False
    return 16 <= it.value <= 32 or (lang == "en" and 60 <= it.value <= 85)


def _rows(seats: tuple[str, ...] | None) -> set[str]:
    return {s.split(".")[0] for s in seats or () if s.startswith("Row")}


def _narrowed(done: tuple[str, ...], said: tuple[str, ...]) -> tuple[str, ...]:
    """The seats just changed that the words name: "the passenger side" of the rear doors is
    the rear right one; a seat said outright counts only if it was among them."""
    exact = tuple(s for s in done if s in said)
    sides = {s.split(".")[-1].replace("side:", "") for s in said}
    return exact or tuple(s for s in done if s.split(".")[-1] in sides)


def in_context_rows(seats: tuple[str, ...] | None, last: list[Action]) -> tuple[str, ...] | None:
    """"the left one" after the rear windows is the rear left one; "the other one" is the
    opposite side of what was just changed."""
    if seats == ("other",) and last:
        flip = {"DriverSide": "PassengerSide", "PassengerSide": "DriverSide"}
        done = [s for s in last[-1].seats if s.startswith("Row")]
        return tuple(dict.fromkeys(f"{s.split('.')[0]}.{flip.get(s.split('.')[1], 'DriverSide')}" for s in done)) or None
    if not seats or not seats[0].startswith("side:") or not last:
        return seats
    rows = _rows(last[-1].seats)
    row = rows.pop() if len(rows) == 1 else "Row1"
    return tuple(f"{row}.{s[5:]}" for s in seats)


def _repeat(a: Action, it: Intent) -> Intent:
    """The last action again, for other seats: the same resulting setting, or a new verb."""
    seats = it.seats or a.seats
    if not a.cap.zones and a.cap.pair and it.seats:
        rows = _rows(it.seats)
        twin = a.cap.pair.get("rear" if rows == {"Row2"} else "front" if rows == {"Row1"} else "")
        if twin:  # "and the front one" after the rear defroster
            return replace(a.intent, cap=twin, seats=None, too=False)
    if it.op is not None:
        return replace(a.intent, op=it.op, seats=seats, too=False, value=it.value,
                       unit=it.unit, relative=it.relative, preset=it.preset)
    if a.cap.kind == "level" and a.values:
        value = next(iter(a.values.values()))
        unit = a.cap.value.unit if a.cap.value else None
        return Intent(cap=a.cap.id, op="set", value=value, unit=unit, seats=seats)
    return replace(a.intent, seats=seats, too=False)
