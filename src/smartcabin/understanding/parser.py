"""The deterministic parser: tags a sentence with lexicon spans, splits it into
clauses, and assembles intents clause by clause.

Stateless: follow-ups ("a bit more", "the passenger side too") come out as
intents with missing parts, which the dialog resolver fills from context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..capabilities import Capability, load_catalog
from ..numerals import normalize_en, normalize_zh
from .freetext import free_text_intent
from .lexicon import Lexicon, load_lexicon
from .text import MAX_CHARS, clean, detect_lang, expand_contractions, meaningful
from .types import Intent, Understanding


@dataclass
class Span:
    start: int
    end: int
    tag: str
    payload: Any
    text: str


_NUM = {
    "zh": re.compile(r"(?<![\d.])(-?\d+(?:\.\d+)?)\s*(%|摄氏度|华氏度|度|℃|°c|°f|°|档|挡|级|格)?"),
    "en": re.compile(
        r"(?:\b(level|setting|notch|speed|number|position|volume)\s+)?(?<![\w.])(-?\d+(?:\.\d+)?)"
        r"(?:\s*(%|percent|per cent|degrees|degree|deg|°f|°c|°|fahrenheit|celsius|f|c|levels|level"
        r"|notches|notch|steps|step|clicks|click|bars|bar)\b|\s*(%|°f|°c|°))?"),
}
_UNITS = {
    "%": "percent", "percent": "percent", "per cent": "percent",
    "度": "deg", "°": "deg", "degree": "deg", "degrees": "deg", "deg": "deg",
    "摄氏度": "celsius", "℃": "celsius", "°c": "celsius", "celsius": "celsius", "c": "celsius",
    "华氏度": "fahrenheit", "°f": "fahrenheit", "fahrenheit": "fahrenheit", "f": "fahrenheit",
}
_LEVEL_UNITS = {"档", "挡", "级", "格", "level", "levels", "notch", "notches", "step", "steps",
                "click", "clicks", "bar", "bars", "setting", "speed"}
_STRONG_BREAK = re.compile(r"[，,。!！?？;；、]|\.(?=\s|$)")
_REL_OPS = {"up", "down", "more", "less"}
_CONTENT_TAGS = {"dev", "op", "phrase", "zone", "num", "color", "too", "undo"}

# A switch named with a value or a change means its numeric sibling: "空调调到22度"
# is the temperature, "AC up" is warmer, "music louder" is the volume.
_REDIRECT = {
    "hvac.ac": {"level": "hvac.fan", "more": "hvac.fan", "less": "hvac.fan", "default": "hvac.temperature"},
    "hvac.auto": {"level": "hvac.fan", "more": "hvac.fan", "less": "hvac.fan", "default": "hvac.temperature"},
    "hvac.air_direction": {"default": "hvac.fan"},
    "lights.ambient": {"default": "lights.ambient_brightness"},
    "media.play": {"default": "media.volume"},
    "screen.app": {"default": "screen.brightness"},
    "lights.dome": {"default": None},
}


def _numbers(lang: str, text: str) -> list[Span]:
    spans = []
    for m in _NUM[lang].finditer(text):
        if lang == "zh":
            raw, unit_word, prefix = m.group(1), m.group(2), None
        else:
            prefix, raw, unit_word = m.group(1), m.group(2), m.group(3) or m.group(4)
        digits = raw.lstrip("-")
        if "." not in digits and len(digits) >= 5:
            spans.append(Span(m.start(), m.end(), "digits", digits, m.group(0)))
            continue
        unit = _UNITS.get(unit_word or "")
        if (unit_word in _LEVEL_UNITS) or (prefix in _LEVEL_UNITS):
            unit = "level"
        if prefix == "volume":
            unit = unit or "percent"
        spans.append(Span(m.start(), m.end(), "num", (float(raw), unit), m.group(0)))
    return spans


def _tag(lex: Lexicon, text: str) -> list[Span]:
    nums = _numbers(lex.lang, text)
    spans: list[Span] = list(nums)
    for m in lex.pattern.finditer(text):
        if any(n.start < m.end() and m.start() < n.end for n in nums):
            continue
        for tag, payload in lex.tags.get(m.group(0), ()):
            spans.append(Span(m.start(), m.end(), tag, payload, m.group(0)))
    spans.sort(key=lambda s: (s.start, -s.end))
    return spans


def _segments(lex: Lexicon, text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Clause boundaries: punctuation always; a conjunction only when content follows it."""
    cuts = [(m.start(), m.end()) for m in _STRONG_BREAK.finditer(text)
            if not (m.group(0) == "." and m.start() > 0 and text[m.start() - 1].isdigit())]
    for s in spans:
        if s.tag != "sep":
            continue
        after = [t for t in spans if t.start >= s.end and t.tag not in ("filler", "sep")]
        if after and after[0].tag in _CONTENT_TAGS and after[0].start - s.end <= 4:
            cuts.append((s.start, s.end))
        elif any(v.match(text, _skip_space(text, s.end)) for v in lex.verbs.values()):
            cuts.append((s.start, s.end))
    bounds, pos = [], 0
    for a, b in sorted(cuts):
        if a > pos:
            bounds.append((pos, a))
        pos = max(pos, b)
    if pos < len(text):
        bounds.append((pos, len(text)))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _seats(keys: list[str]) -> tuple[str, ...] | None:
    """Zone words to seats; 'all' and 'speaker' stay as markers for the planner."""
    if not keys:
        return None
    if "all" in keys:
        return ("all",)
    seats = [k for k in keys if k.startswith("Row")]
    rows = [r for r, w in (("Row1", "front"), ("Row2", "rear")) if w in keys]
    sides = [s for s, w in (("DriverSide", "left"), ("PassengerSide", "right")) if w in keys]
    if rows and sides:
        seats += [f"{r}.{s}" for r in rows for s in sides]
    elif rows:
        seats += [f"{r}.{s}" for r in rows for s in ("DriverSide", "PassengerSide")]
        seats += ["Row2.Middle"] if "Row2" in rows else []
    elif sides:
        seats += [f"Row1.{s}" for s in sides]
    if not seats:
        return ("speaker",) if "speaker" in keys else None
    return tuple(dict.fromkeys(seats))


def _near(target: Span, candidates: list[Span], prefer_before: bool) -> Span | None:
    best, best_d = None, 1e9
    for c in candidates:
        d = target.start - c.end if c.end <= target.start else c.start - target.end
        d = max(d, 0) + (0 if (c.end <= target.start) == prefer_before else 0.5)
        if d < best_d:
            best, best_d = c, d
    return best


def _merge_ops(ops: list[Span]) -> list[Span]:
    """'调高' + '到', 'turn up' + 'to': a change verb followed by a target marker is a set."""
    out: list[Span] = []
    for op in ops:
        if out and op.payload == "set" and op.start - out[-1].end <= 1:
            out[-1] = Span(out[-1].start, op.end, "op", "set", out[-1].text + op.text)
            continue
        if out and out[-1].payload == op.payload and op.start - out[-1].end <= 1:
            continue
        out.append(op)
    return out


@dataclass
class _Clause:
    intents: list[Intent]
    bare_devs: list[tuple[Span, Intent]]  # a device named with no operation yet
    tags: set[str]
    question: bool


def _clause(lex: Lexicon, catalog: dict[str, Capability], text: str, spans: list[Span]) -> _Clause:
    tags = {s.tag for s in spans}
    free = free_text_intent(lex, text, spans)
    if free is not None:
        return _Clause([free], [], tags, False)

    phrase_spans = [s for s in spans if s.tag == "phrase"]
    covered = [(p.start, p.end) for p in phrase_spans]
    inside = lambda s: any(a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in covered)
    devs = [s for s in spans if s.tag == "dev" and not inside(s)]
    neg = [s for s in spans if s.tag == "neg"]
    ops = _merge_ops([s for s in spans if s.tag == "op" and not inside(s)
                      and not any(n.start <= s.start < n.end for n in neg)])
    nums = [s for s in spans if s.tag == "num"]
    digits = [s.payload for s in spans if s.tag == "digits"]
    presets = [s for s in spans if s.tag == "preset"]
    mags = [s.payload for s in spans if s.tag == "mag"]
    colors = [s.payload for s in spans if s.tag == "color"]
    zone_keys = [s.payload for s in spans if s.tag == "zone"]
    plural = any(s.tag in ("plural", "all") for s in spans)
    mag = "big" if "big" in mags else ("small" if mags else None)
    question = "q" in tags or "?" in text or "？" in text
    seats = _seats(zone_keys)
    prefer_before = lex.lang == "en"

    # Negation flips the verb after it: "别开空调" turns it off; "don't close it" does nothing.
    negated = {id(op) for op in ops if any(0 <= op.start - n.end <= 2 for n in neg)}

    intents: list[Intent] = []
    for p in phrase_spans:
        for spec in p.payload:
            it = Intent(cap=spec["cap"], op=spec["op"], option=spec.get("option"),
                        preset=spec.get("preset"), mag=spec.get("mag") or mag, seats=seats,
                        value=spec.get("value"))
            num = _near(p, nums, prefer_before=False)
            if num is not None and it.op in _REL_OPS:
                it.value, it.unit, it.relative = num.payload[0], num.payload[1], True
            if any(0 <= p.start - n.end <= 2 for n in neg):
                if it.op == "on":
                    it.op = "off"
                else:
                    continue
            intents.append(it)
    phrase_caps = {i.cap for i in intents}
    devs = [d for d in devs if d.payload not in phrase_caps]
    if intents and not ops and not nums:
        devs = []  # a comfort phrase plus a device word: the phrase already says what to do

    # Each device takes its nearest verb; a verb with no device of its own takes the
    # clause's only device, or stays open for context ("turn it up").
    if not devs and len(ops) > 1:
        # "set it to 20": several verbs and no device are one operation on something said before
        anchor = nums[0] if nums else ops[-1]
        ops = [min(ops, key=lambda o: abs(o.start - anchor.start))]
    frames: list[tuple[Span | None, list[Span]]] = [(op, []) for op in ops]
    for d in devs:
        if frames:
            op = _near(d, [f[0] for f in frames], prefer_before)
            next(f for f in frames if f[0] is op)[1].append(d)
        else:
            frames.append((None, [d]))
    if len(devs) >= 1:
        lone = [f for f in frames if not f[1]]
        for f in lone:
            f[1].append(_near(f[0], devs, not prefer_before) if f[0] else devs[0])
    if not frames and (nums or presets or colors) and not intents:
        frames.append((None, []))

    bare: list[tuple[Span, Intent]] = []
    used_nums: set[int] = set()
    for op_span, fdevs in frames:
        anchor = op_span or (fdevs[0] if fdevs else None)
        num = None
        if nums:
            cand = [n for n in nums if id(n) not in used_nums] or nums
            num = _near(anchor, cand, prefer_before=False) if anchor else cand[0]
            used_nums.add(id(num))
        op = op_span.payload if op_span else None
        if op_span is not None and id(op_span) in negated:
            if op == "on":
                op = "off"
            else:
                continue
        for dev in (fdevs or [None]):
            cap = dev.payload if dev else None
            it = Intent(cap=cap, op=op, mag=mag, seats=seats)
            if num is not None:
                it.value, it.unit = num.payload
                it.relative = op in _REL_OPS
                if it.op is None:
                    it.op = "set"
            if presets and it.value is None:
                it.preset = presets[0].payload
                it.op = "preset" if it.op in (None, "set", "on") else it.op
            if colors:
                it.cap, it.op, it.slots = "lights.ambient_color", "set", {"color": colors[0]}
            if digits and cap in ("phone.call",):
                it.slots = {"number": digits[0]}
            if plural and seats is None and cap:
                it.seats = ("all",)
            _apply_options(lex, text, it)
            _redirect(it, catalog)
            if it.cap and it.cap in catalog and catalog[it.cap].kind == "query":
                it.op = "query"
            if it.op is None and it.cap:
                if question:
                    it.op = "query"
                else:
                    bare.append((dev, it))
                    continue
            if op == "on" and it.preset is None and it.value is None and any(
                    f[0] is not None and f[0].payload in ("set",) and dev in f[1] for f in frames):
                continue  # "打开车窗到一半": the target covers the opening
            intents.append(it)
    return _Clause(intents, bare, tags, question)


def _apply_options(lex: Lexicon, text: str, it: Intent) -> None:
    if not it.cap or it.cap not in lex.options:
        return
    pattern, table = lex.options[it.cap]
    m = pattern.search(text)
    if m:
        it.op, it.option = "set", table[m.group(0)]


def _redirect(it: Intent, catalog: dict[str, Capability]) -> None:
    table = _REDIRECT.get(it.cap or "")
    if not table:
        return
    numeric = it.value is not None or it.op in _REL_OPS or it.op in ("max", "min") or (
        it.preset in ("max", "min", "half"))
    if not numeric or it.cap == "lights.ambient_color":
        return
    key = "level" if it.unit == "level" else (it.op if it.op in table else "default")
    target = table.get(key, table.get("default"))
    if target is not None:
        it.cap = target


def parse(text: str, lang: str | None = None) -> Understanding:
    """Understand one utterance without context."""
    if not isinstance(text, str):
        return Understanding(text="", lang=lang or "en", act="none", reason="empty")
    raw = text
    if len(raw) > MAX_CHARS:
        return Understanding(text=raw[:80], lang=lang or detect_lang(raw[:200]), act="none",
                             reason="too_long")
    text = clean(raw)
    lang = lang or detect_lang(text)
    if not text or not meaningful(text):
        return Understanding(text=raw, lang=lang, act="none", reason="empty" if not text else "noise")
    text = normalize_zh(text) if lang == "zh" else normalize_en(expand_contractions(text))
    lex = load_lexicon(lang)
    catalog = load_catalog()
    spans = _tag(lex, text)
    tags = {s.tag for s in spans}

    clauses: list[_Clause] = []
    for a, b in _segments(lex, text, spans):
        sub = [Span(s.start - a, s.end - a, s.tag, s.payload, s.text) for s in spans
               if s.start >= a and s.end <= b]
        clauses.append(_clause(lex, catalog, text[a:b], sub))
    _inherit(clauses, lex.lang)

    intents = [i for c in clauses for i in c.intents]
    leftover = [it for c in clauses for _, it in c.bare_devs]
    only = tags - {"filler", "q", "mag", "sep"}
    if not intents and not leftover:
        if "undo" in tags:
            return Understanding(text=raw, lang=lang, act="undo")
        if "too" in tags and "zone" in tags:
            seats = _seats([s.payload for s in spans if s.tag == "zone"])
            return Understanding(text=raw, lang=lang, act="command",
                                 intents=[Intent(cap=None, op=None, seats=seats, too=True)])
        if only and only <= {"yes"}:
            return Understanding(text=raw, lang=lang, act="yes")
        if only and only <= {"no", "neg", "op"} and "no" in tags:
            return Understanding(text=raw, lang=lang, act="no")
        if "inject" in tags:
            return Understanding(text=raw, lang=lang, act="none", reason="injection")
        reason = "question" if any(c.question for c in clauses) else "chitchat"
        return Understanding(text=raw, lang=lang, act="none", reason=reason, confidence=0.0)
    for it in leftover:
        # A device named alone: switches mean "on"; anything else needs a question back.
        cap = catalog.get(it.cap or "")
        if cap is not None and cap.kind in ("switch", "action"):
            it.op = "on"
            intents.append(it)
        elif not intents:
            return Understanding(text=raw, lang=lang, act="clarify", intents=[it], reason="no_operation")
    if "dou" in tags and len({i.cap for i in intents}) == 1:
        for it in intents:  # "车窗都打开": every window; "车窗和天窗都打开": both devices, my seat
            if it.seats is None:
                it.seats = ("all",)
    if any(s.tag == "too" for s in spans):
        for it in intents:
            if it.cap is None:
                it.too = True
    act = "query" if all(i.op == "query" for i in intents) else "command"
    return Understanding(text=raw, lang=lang, act=act, intents=intents)


def _inherit(clauses: list[_Clause], lang: str) -> None:
    """Clauses lacking a verb or a device borrow them from their neighbours in the sentence:
    "把车窗和天窗都打开", "open the windows and the sunroof", "turn on the AC and set it to 22"."""
    for i, c in enumerate(clauses):
        if not c.bare_devs:
            continue
        order = [i + 1, i - 1] if lang == "zh" else [i - 1, i + 1]
        donor = None
        for j in order:
            if 0 <= j < len(clauses):
                ops = [it for it in clauses[j].intents if it.op not in (None, "query")]
                if ops:
                    donor = ops[-1] if j < i else ops[0]
                    break
        if donor is None:
            continue
        for _, it in c.bare_devs:
            it.op, it.value, it.unit, it.relative = donor.op, donor.value, donor.unit, donor.relative
            it.preset, it.mag = donor.preset, donor.mag
            if it.seats is None and donor.seats is not None:
                it.seats = donor.seats
            c.intents.append(it)
        c.bare_devs = []
    last_cap = None
    catalog = load_catalog()
    for c in clauses:
        for it in c.intents:
            if it.cap is None and last_cap and not it.too:
                it.cap = last_cap
                _redirect(it, catalog)
            last_cap = it.cap or last_cap
