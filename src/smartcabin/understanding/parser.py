"""The deterministic parser: tags a sentence with lexicon spans, splits it into
clauses, and assembles intents clause by clause.

Stateless: follow-ups ("a bit more", "the passenger side too") come out as
intents with missing parts, which the dialog resolver fills from context.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from ..capabilities import Capability, load_catalog
from ..numerals import normalize_en, normalize_zh
from .freetext import free_text_intent
from .lexicon import Lexicon, load_lexicon
from .text import MAX_CHARS, clean, detect_lang, expand_contractions, garbled, meaningful
from .types import Intent, Understanding


@dataclass
class Span:
    start: int
    end: int
    tag: str
    payload: Any
    text: str


_QTY = {  # numbers of things that are not cabin settings: "还有20公里", "I'm 30", "31m"
    "zh": re.compile(r"\s*(公里|千米|米|岁|点钟|点|号|个|分钟|小时|块|元|年|月|日|天|人|次|楼|层|路|斤|秒|周|km|m\b)"),
    "en": re.compile(r"\s*(km|kilometers?|kilometres?|miles?|m|meters?|metres?|years?|yrs?|minutes?|mins?|hours?|hrs?"
                     r"|seconds?|secs?|dollars?|bucks|am|pm|o'clock|people|times|th|st|nd|rd|kg|lbs?|pounds?|feet|ft)\b"),
}
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
_STRONG_BREAK = re.compile(r"[，,。!！?？;；、]|(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bst)(?<!\bjr)\.(?=\s|$)")
_REL_OPS = {"up", "down", "more", "less"}
_SEP_REACH = {"zh": 4, "en": 12}  # how far after "and"/"和" the next command may start
_PRONOUN = {"zh": re.compile(r"它|这个|那个|一样"), "en": re.compile(r"\b(it|them|that|those|this|one|ones)\b")}
_DIGIT_COMMA = re.compile(r"(?<=\d)\s*[,，]\s*(?=\d)")  # "four one five, five five five": one number
_LONG_CLAUSE = {"zh": 14, "en": 8}  # a device named in passing in a longer clause is talk, not a request
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
    "lights.ambient_color": {"default": "lights.ambient_brightness"},
}


_YES_NO = {"en": re.compile(r"^\W*(is|are|was|were|does|do|did|has|have|is it|are they)\b"),
           "zh": re.compile(r"(吗|么|没有|了没|是不是|有没有|开着没)\W*$")}
_REQUEST_END = re.compile(r"(好吗|行吗|可以吗|能吗|好不好|行不行|可不可以)\W*$")
_CORRECTION = re.compile(r"^\W*(?:(?:no|actually|sorry|oh|wait)[\s,]+)*(make (?:that|it)|change (?:that|it) to|i meant?|"
                         r"not that,? |改成|改为|换成去|不对[，,]?是)\s*(.+)$")
_LATIN = re.compile(r"[a-z]{2,}")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_AND_START = re.compile(r"^(and|also|plus|what about|how about|还有|那|再)\b")
_NEED_CAPS = {"hvac.temperature", "hvac.fan", "media.volume", "screen.brightness"}
_PRESET_DEVICE = {"crack": "window.position", "tilt": "sunroof.position"}


def _numbers(lang: str, text: str) -> list[Span]:
    spans = []
    for m in _NUM[lang].finditer(text):
        if lang == "zh":
            raw, unit_word, prefix = m.group(1), m.group(2), None
        else:
            prefix, raw, unit_word = m.group(1), m.group(2), m.group(3) or m.group(4)
        digits = raw.lstrip("-")
        if not unit_word and not prefix and _QTY[lang].match(text, m.end()):
            spans.append(Span(m.start(), m.end(), "qty", None, m.group(0)))
            continue
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


_WORD = re.compile(r"[\w']")
_BONUS = {"dev": 0.1, "adev": 0.1, "phrase": 0.1, "artist": 0.05}  # ties go to the more specific reading


def _ascii_bounded(text: str, i: int, j: int) -> bool:
    """In Chinese or mixed text an English word must still be a whole word ("ac" not in "back")."""
    def word(ch: str) -> bool:
        return ch.isascii() and (ch.isalnum() or ch == "'")
    return not (word(text[i]) and i > 0 and word(text[i - 1])) and not (
        word(text[j - 1]) and j < len(text) and word(text[j]))


def _tag(lex: Lexicon, text: str) -> list[Span]:
    """Every lexicon phrase found, then the non-overlapping set that covers the most text:
    "打开后视镜加热" reads 打开 + 后视镜加热, "driver seat heating" reads driver + seat heating."""
    nums = _numbers(lex.lang, text)
    n = len(text)
    blocked = [False] * (n + 1)
    for s in nums:
        for i in range(s.start, s.end):
            blocked[i] = True
    if lex.lang == "en":
        starts = [i for i in range(n) if text[i] != " " and (i == 0 or not _WORD.match(text[i - 1]))]
        ends = {j for j in range(1, n + 1) if j == n or not _WORD.match(text[j])}
    else:
        starts, ends = list(range(n)), None
    cands: dict[int, list[tuple[int, str]]] = {}
    for i in starts:
        if blocked[i]:
            continue
        for j in range(i + 1, min(n, i + lex.max_len) + 1):
            if blocked[j - 1]:
                break
            if ends is not None and j not in ends:
                continue
            word = text[i:j]
            if word in lex.tags and (ends is not None or _ascii_bounded(text, i, j)):
                cands.setdefault(i, []).append((j, word))
    # best[i]: the best cover of text[i:]
    best = [0.0] * (n + 1)
    choice: list[tuple[int, str] | None] = [None] * (n + 1)
    num_at = {s.start: s for s in nums}
    for i in range(n - 1, -1, -1):
        if i in num_at:
            best[i], choice[i] = best[num_at[i].end] + (num_at[i].end - i), None
            continue
        best[i] = best[i + 1]
        for j, word in cands.get(i, ()):
            bonus = max(_BONUS.get(t, 0.0) for t, _ in lex.tags[word])
            score = (j - i) * (1 + bonus) - 0.01 + best[j]  # fewer, longer words win ties
            if score > best[i]:
                best[i], choice[i] = score, (j, word)
    spans: list[Span] = list(nums)
    i = 0
    while i < n:
        if i in num_at:
            i = num_at[i].end
            continue
        c = choice[i]
        if c is None:
            i += 1
            continue
        j, word = c
        for tag, payload in lex.tags[word]:
            spans.append(Span(i, j, tag, payload, word))
        i = j
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
        if after and after[0].tag in _CONTENT_TAGS and after[0].start - s.end <= _SEP_REACH[lex.lang]:
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
    for rel in ("behind", "ahead", "beside"):
        if rel in keys:
            return (rel,)
    if "all" in keys and not any(k != "all" and k != "speaker" for k in keys):
        return ("all",)
    keys = [k for k in keys if k != "all"]
    seats = [k for k in keys if k.startswith("Row")]
    rows = [r for r, w in (("Row1", "front"), ("Row2", "rear")) if w in keys]
    sides = [s for s, w in (("DriverSide", "left"), ("PassengerSide", "right")) if w in keys]
    if rows and sides:
        seats += [f"{r}.{s}" for r in rows for s in sides]
    elif rows:
        seats += [f"{r}.{s}" for r in rows for s in ("DriverSide", "PassengerSide")]
        seats += ["Row2.Middle"] if "Row2" in rows else []
    elif sides and not seats:
        return tuple(f"side:{s}" for s in sides)  # "the left one": the row comes from context
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
    unknown_verb: bool = False


def _clause(lex: Lexicon, catalog: dict[str, Capability], text: str, spans: list[Span]) -> _Clause:
    tags = {s.tag for s in spans}
    free = free_text_intent(lex, text, spans)
    if free is not None:
        return _Clause([free], [], tags, False)

    phrase_spans = [s for s in spans if s.tag == "phrase"]
    covered = [(p.start, p.end) for p in phrase_spans]
    inside = lambda s: any(a <= s.start and s.end <= b for a, b in covered)
    devs = [s for s in spans if s.tag == "dev" and not inside(s)]
    devs += [Span(s.start, s.end, "dev", s.payload[0], s.text) for s in spans if s.tag == "adev" and not inside(s)]
    alts = {s.start: s.payload for s in spans if s.tag == "adev"}
    for d in list(devs):
        fits = [a for a in alts.get(d.start, ()) if any(
            o is not d and o.payload in catalog and catalog[o.payload].domain == catalog[a].domain for o in devs)]
        if fits:  # "后视镜…加热": the ambiguous word takes the domain of the device beside it
            devs = [o for o in devs if o is d or catalog.get(o.payload) is None
                    or catalog[o.payload].domain != catalog[fits[0]].domain]
            devs[devs.index(d)] = Span(d.start, d.end, "dev", fits[0], d.text)
            alts.pop(d.start)
    neg = [s for s in spans if s.tag == "neg"]
    no_spans = {(s.start, s.end) for s in spans if s.tag == "no"}
    ops = _merge_ops([s for s in spans if s.tag == "op" and not inside(s)
                      and not any(n.start <= s.start < n.end for n in neg)
                      and not ((s.start, s.end) in no_spans and not devs)])
    if len(ops) > 1:
        # a bare "on"/"off" next to a real verb is a preposition: "disable the lock on the windows"
        ops = [o for o in ops if o.text not in ("on", "off")] or ops[:1]
    kinds = {o.payload for o in ops}
    if kinds & {"max", "min"}:
        ops = [o for o in ops if o.payload not in ("on", "set")]  # "put the fan on full blast"
    if kinds & {"on", "off"} and kinds & {"more", "less"}:
        ops = [o for o in ops if o.payload not in ("more", "less")]  # "close it a bit more"
        mags_extra = True
    else:
        mags_extra = False
    nums = [s for s in spans if s.tag == "num"]
    digits = [s.payload for s in spans if s.tag == "digits"]
    presets = [s for s in spans if s.tag == "preset"]
    mags = [s.payload for s in spans if s.tag == "mag"]
    colors = [s.payload for s in spans if s.tag == "color"]
    zone_keys = [s.payload for s in spans if s.tag == "zone"]
    plural = any(s.tag in ("plural", "all") for s in spans)
    opt_words = [s for s in spans if s.tag == "opt"]
    mag = "full" if "full" in mags else "big" if "big" in mags else ("small" if mags or mags_extra else None)
    question = "q" in tags or "?" in text or "？" in text
    yes_no = bool(_YES_NO[lex.lang].search(text)) and not _REQUEST_END.search(text)
    seats = _seats(zone_keys)
    prefer_before = lex.lang == "en"

    # Negation flips the verb after it: "别开空调" turns it off; "don't close it" does nothing.
    negated = {id(op) for op in ops if any(0 <= op.start - n.end <= 2 for n in neg)}

    intents: list[Intent] = []
    for p in phrase_spans:
        for spec in p.payload:
            it = Intent(cap=spec["cap"], op=spec["op"], option=spec.get("option"),
                        preset=spec.get("preset"), mag=spec.get("mag") or mag, seats=seats,
                        value=spec.get("value"), clause=text,
                        implied=spec["cap"] in _NEED_CAPS and spec["op"] in _REL_OPS)
            num = _near(p, nums, prefer_before=False)
            if num is not None and it.op in _REL_OPS:
                it.value, it.unit, it.relative = num.payload[0], num.payload[1], True
            elif num is not None and it.op in ("on", "set") and not it.option:
                it.value, it.unit, it.op = num.payload[0], num.payload[1], "set"
            if any(0 <= p.start - n.end <= 2 for n in neg):
                if it.op == "on":
                    it.op = "off"
                else:
                    continue
            intents.append(it)
    if intents and devs:
        named = {catalog[d.payload].domain for d in devs if d.payload in catalog}
        moved = [i for i in intents if i.cap in catalog and catalog[i.cap].domain not in named]
        if moved and all(not i.option for i in moved):
            # "mute the navigation voice", "the fan's way too loud": the device said wins,
            # with the phrase's direction
            first = moved[0]
            direction = first.op if first.op in _REL_OPS else "off" if (
                first.op == "off" or first.preset == "off") else "on"
            intents = [i for i in intents if i not in moved]
            ops = ops or [Span(0, 0, "op", direction, "")]
    phrase_caps = {i.cap for i in intents}
    devs = [d for d in devs if d.payload not in phrase_caps]
    devs = _combine(devs, catalog)
    if intents and not ops and not nums:
        devs = []  # a comfort phrase plus a device word: the phrase already says what to do

    # Each device takes its nearest verb; a verb with no device of its own takes the
    # clause's only device, or stays open for context ("turn it up").
    if not devs and len(ops) > 1:
        # "set it to 20": several verbs and no device are one operation on something said before
        anchor = nums[0] if nums else ops[-1]
        ops = [min(ops, key=lambda o: abs(o.start - anchor.start))]
    frames: list[tuple[Span | None, list[Span]]] = [(op, []) for op in ops]
    if not devs and not nums and not presets and not intents and "too" in tags and zone_keys:
        op = ops[0].payload if ops and ops[0].payload not in ("set",) else None
        return _Clause([Intent(cap=None, op=op, seats=seats, too=True, clause=text)], [], tags, False)
    if lex.lang == "zh":
        devs, ops = _adjacent_only(devs, ops, nums + presets + neg)
        frames = [(op, []) for op in ops]
    if not frames and devs:
        frames.append((None, []))
    for d in devs:
        if frames[0][0] is None:
            frames[0][1].append(d)
        else:
            op = _near(d, [f[0] for f in frames], prefer_before)
            next(f for f in frames if f[0] is op)[1].append(d)
    if len(devs) >= 1:
        lone = [f for f in frames if not f[1]]
        for f in lone:
            f[1].append(_near(f[0], devs, not prefer_before) if f[0] else devs[0])
    bare_number = nums and not ops and not devs and not presets and not colors and not zone_keys and all(
        n.payload[1] is None for n in nums) and len(text.strip()) > len(nums[0].text) + 2
    if not frames and (nums or presets or colors or mag == "full") and not intents and not bare_number:
        frames.append((None, []))
    if not devs and not nums and not presets and not intents and "too" in tags and zone_keys:
        # "…，副驾也一样": the sentence's previous command, for these seats
        return _Clause([Intent(cap=None, op=None, seats=seats, too=True, clause=text)], [], tags, False)

    bare: list[tuple[Span, Intent]] = []
    used_nums: set[int] = set()
    for op_span, fdevs in frames:
        anchor = op_span or (fdevs[0] if fdevs else None)
        num = None
        if nums:
            cand = [n for n in nums if id(n) not in used_nums] or nums
            num = _near(anchor, cand, prefer_before=False) if anchor else cand[0]
            used_nums.add(id(num))
        op = op_span.payload if op_span else ("max" if mag == "full" and num is None and not presets else None)
        if op_span is not None and id(op_span) in negated:
            if op == "on":
                op = "off"
            else:
                continue
        if not fdevs and op is None and num is None and not presets and not colors:
            continue
        if not fdevs and intents and not presets:
            continue  # "turn it down, it's way too loud", "make it one degree cooler": the phrase names what
        if not fdevs and op_span is not None and num is None and not presets and not opt_words \
                and lex.lang == "zh" and len(op_span.text) == 1 and _uncovered(text, spans) >= 3:
            continue  # "前面那辆车开得真烂": a lone 开/关 inside talk is not a request
        for dev in (fdevs or [None]):
            cap = dev.payload if dev else None
            it = Intent(cap=cap, op=op, mag=mag, seats=seats, clause=text,
                        alts=alts.get(dev.start, ()) if dev else ())
            if num is not None:
                it.value, it.unit = num.payload
                it.relative = op in _REL_OPS
                if it.op is None:
                    it.op = "set"
            if presets and it.value is None:
                it.preset = presets[0].payload
                it.op = "preset"  # "lower my window halfway": the preset is the target
                if it.cap is None and it.preset in _PRESET_DEVICE and not it.too:
                    it.cap = _PRESET_DEVICE[it.preset]  # "let some fresh air in": a window
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
            elif yes_no and it.cap and dev is not None and it.value is None:
                it.op = "query"  # "is the driver door open?", "空调开了吗": asking, not telling
            if it.op is None and it.cap:
                if question:
                    it.op = "query"
                elif neg:
                    it.op = "off"  # "不用导航了", "别锁了"
                elif _clause_len(lex.lang, text) > _LONG_CLAUSE[lex.lang]:
                    continue
                else:
                    bare.append((dev, it))
                    continue
            if it.cap is None and it.op == "set" and it.value is None and it.preset is None and not it.slots \
                    and not opt_words:
                continue  # "going to ...": a bare "to" sets nothing
            if op == "on" and it.preset is None and it.value is None and any(
                    f[0] is not None and f[0].payload in ("set",) and dev in f[1] for f in frames):
                continue  # "打开车窗到一半": the target covers the opening
            intents.append(it)
    first_dev = min((d.start for d in devs), default=0)
    unknown_verb = any(ch.isalnum() for i, ch in enumerate(text[:first_dev])
                       if not any(s.start <= i < s.end for s in spans))
    return _Clause(intents, bare, tags, question, unknown_verb)


def pick_alternative(alts: tuple[str, ...], domain: str, catalog: dict[str, Capability]) -> str:
    """The reading of an ambiguous device word that fits the domain being talked about."""
    return next((a for a in alts if catalog[a].domain == domain), alts[0])


def apply_options(lang: str, it: Intent) -> None:
    """Mode options ("自动", "fast") once the capability is known from context."""
    _apply_options(load_lexicon(lang), it.clause, it)


_COMBOS = {  # two devices named together that mean a third
    frozenset({"door.lock", "window.position"}): "window.child_lock",
}


def _combine(devs: list[Span], catalog: dict[str, Capability]) -> list[Span]:
    caps = {d.payload for d in devs}
    for pair, target in _COMBOS.items():
        if pair <= caps:
            first = next(d for d in devs if d.payload in pair)
            devs = [d for d in devs if d.payload not in pair] + [Span(first.start, first.end, "dev", target, first.text)]
    return devs


def _adjacent_only(devs: list[Span], ops: list[Span], values: list[Span]) -> tuple[list[Span], list[Span]]:
    """A one-character 门/窗/锁 or 开/关 counts only next to its partner: "开门" is a request,
    "在门口哭了半个钟头…都是我惯的" is not."""
    def gap(a: Span, b: Span) -> int:
        return max(a.start - b.end, b.start - a.end, 0)

    keep_devs = [d for d in devs if len(d.text) > 1 or any(gap(d, o) <= 2 for o in ops + values)]
    keep_ops = [o for o in ops if len(o.text) > 1 or not keep_devs or any(gap(o, d) <= 3 for d in keep_devs)]
    return keep_devs, keep_ops


_SHORT = {"zh": 3, "en": 8}  # letters of unknown words a bare device request may carry ("打双闪", "crank the AC")


def _spans_in(spans: list[Span], text: str, clause: str) -> list[Span]:
    at = text.find(clause)
    if at < 0:
        return []
    return [Span(s.start - at, s.end - at, s.tag, s.payload, s.text) for s in spans
            if s.start >= at and s.end <= at + len(clause)]


def _uncovered(text: str, spans: list[Span]) -> int:
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    return sum(1 for i, ch in enumerate(text) if i not in covered and ch.isalnum())


def _noisy(text: str, spans: list[Span]) -> bool:
    uncovered = _uncovered(text, spans)
    covered = sum(1 for ch in text if ch.isalnum()) - uncovered
    return uncovered > 8 and uncovered > 3 * covered


def _clause_len(lang: str, text: str) -> int:
    return len(text.split()) if lang == "en" else len(re.sub(r"\W", "", text))


def _apply_options(lex: Lexicon, text: str, it: Intent) -> None:
    if not it.cap or it.cap not in lex.options:
        return
    pattern, table = lex.options[it.cap]
    m = pattern.search(text)
    if m:
        it.op, it.option = "set", table[m.group(0)]


def redirect(it: Intent) -> None:
    """Public form for the dialog: a switch given a number after context filled it in."""
    _redirect(it, load_catalog())


def _redirect(it: Intent, catalog: dict[str, Capability]) -> None:
    table = _REDIRECT.get(it.cap or "")
    if not table:
        return
    numeric = it.value is not None or it.op in _REL_OPS or it.op in ("max", "min") or (
        it.preset in ("max", "min", "half"))
    if not numeric or (it.cap == "lights.ambient_color" and it.slots.get("color")):
        return
    key = "level" if it.unit == "level" else (it.op if it.op in table else "default")
    target = table.get(key, table.get("default"))
    if target is not None:
        it.cap = target


def warm_up() -> None:
    """Compile the catalog and both lexicons now, so the first spoken turn is not the slow one."""
    load_catalog()
    for lang in ("zh", "en", "mixed"):
        load_lexicon(lang)


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
    if garbled(raw):
        return Understanding(text=raw, lang=lang, act="none", reason="noise")
    if not text or not meaningful(text):
        return Understanding(text=raw, lang=lang, act="none", reason="empty" if not text else "noise")
    mixed = lang == "zh" and _LATIN.search(text) is not None
    if lang == "zh":
        text = normalize_zh(text)
        if mixed:
            text = normalize_en(expand_contractions(text))
    else:
        text = normalize_en(expand_contractions(text))
    text = _DIGIT_COMMA.sub(" ", text)
    lex = load_lexicon("mixed" if mixed or (lang == "en" and _CJK_CHAR.search(text)) else lang)
    catalog = load_catalog()
    spans = _tag(lex, text)
    tags = {s.tag for s in spans}

    fix = _CORRECTION.match(text)
    if fix and not any(s.tag in ("num", "dev", "op", "phrase") for s in spans if s.start >= fix.start(2)):
        name = fix.group(2).strip(" .!?。！？")
        return Understanding(text=raw, lang=lang, act="command",
                             intents=[Intent(cap=None, op="reslot", slots={"name": name})])
    clauses: list[_Clause] = []
    for a, b in _segments(lex, text, spans):
        sub = [Span(s.start - a, s.end - a, s.tag, s.payload, s.text) for s in spans
               if s.start >= a and s.end <= b]
        clause = _clause(lex, catalog, text[a:b], sub)
        if _noisy(text[a:b], sub) and not any(i.slots for i in clause.intents):
            clause.intents, clause.bare_devs = [], []  # a word we know inside noise we don't
        clauses.append(clause)
    _inherit(clauses, lex.lang)

    intents = _dedupe(_drop_implied([i for c in clauses for i in c.intents]))
    intents = _expand_too(intents)
    leftover = [it for c in clauses for _, it in c.bare_devs]
    only = tags - {"filler", "q", "mag", "sep"}
    if "undo" in tags and (clauses and "undo" in clauses[0].tags or not intents):
        return Understanding(text=raw, lang=lang, act="undo")
    loose = _uncovered(text, spans) <= 2
    affirm = "yes" in tags and "neg" not in tags and loose
    deny = "no" in tags and loose
    if "too" in tags and leftover and not intents:
        for it in leftover:  # "and the sunroof too": the last verb, on this device
            it.too = True
        return Understanding(text=raw, lang=lang, act="command", intents=leftover)
    if not intents and not leftover:
        if "too" in tags and "zone" not in tags and only <= {"too", "yes"}:
            return Understanding(text=raw, lang=lang, act="command",
                                 intents=[Intent(cap=None, op=None, seats=("speaker",), too=True)])
        short = _clause_len(lang, text) <= (8 if lang == "zh" else 6)
        if "zone" in tags and short and ("too" in tags or "neg" in tags or "no" in tags or _AND_START.match(text)):
            # "副驾也一样" repeats the last action there; "右边的不用了" turns it off there
            seats = _seats([s.payload for s in spans if s.tag == "zone"])
            off = "neg" in tags or "no" in tags
            return Understanding(text=raw, lang=lang, act="command", intents=[
                Intent(cap=None, op="off" if off else None, seats=seats, too=not off)])
        whole = _uncovered(text, spans) == 0  # "今天天气真好" holds a 好 but is not a yes
        if only and only <= {"yes"} and whole:
            return Understanding(text=raw, lang=lang, act="yes")
        if only and only <= {"no", "neg", "op"} and "no" in tags and whole:
            return Understanding(text=raw, lang=lang, act="no")
        if "inject" in tags:
            return Understanding(text=raw, lang=lang, act="none", reason="injection")
        reason = "question" if any(c.question for c in clauses) else "chitchat"
        return Understanding(text=raw, lang=lang, act="none", reason=reason, confidence=0.0)
    for it in leftover:
        # A device named alone: switches mean "on"; anything else needs a question back.
        cap = catalog.get(it.cap or "")
        if intents:
            continue
        if cap is not None and cap.kind in ("switch", "action") and cap.safety != "door" \
                and it.clause and _uncovered(it.clause, _spans_in(spans, text, it.clause)) <= _SHORT[lang]:
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
    _restore_case(intents, raw)
    act = "query" if all(i.op == "query" for i in intents) else "command"
    return Understanding(text=raw, lang=lang, act=act, intents=intents, affirm=affirm, deny=deny)


def _restore_case(intents: list[Intent], raw: str) -> None:
    """Names keep the user's spelling ("Starbucks", "iPhone"): slots are read lower-cased."""
    folded = unicodedata.normalize("NFKC", raw)
    lowered = folded.lower()
    for it in intents:
        for key, value in it.slots.items():
            at = lowered.find(value) if value and key not in ("color", "number") else -1
            if at >= 0 and len(lowered) == len(folded):
                it.slots[key] = folded[at:at + len(value)]


def _dedupe(intents: list[Intent]) -> list[Intent]:
    """"set the temperature to 24": two set verbs, one request."""
    out: list[Intent] = []
    for it in intents:
        key = (it.cap, it.op, it.value, it.unit, it.preset, it.option, it.seats, tuple(sorted(it.slots.items())))
        if it.cap and any((o.cap, o.op, o.value, o.unit, o.preset, o.option, o.seats,
                           tuple(sorted(o.slots.items()))) == key for o in out):
            continue
        out.append(it)
    return out


def _drop_implied(intents: list[Intent]) -> list[Intent]:
    """"有点热，温度调低两度": the need and the command are one request."""
    if any(not i.implied for i in intents):
        return [i for i in intents if not i.implied]  # "太吵了，关窗": the need explains the command
    return intents


def _expand_too(intents: list[Intent]) -> list[Intent]:
    """A "too" clause after commands in the same sentence repeats them for its seats."""
    out: list[Intent] = []
    for it in intents:
        if it.too and it.cap is None and out:
            prior = [p for p in out if not p.too and p.cap]
            out += [replace(p, seats=it.seats, too=False) for p in prior if catalog_zoned(p.cap)]
            continue
        out.append(it)
    return out


def catalog_zoned(cap: str | None) -> bool:
    c = load_catalog().get(cap or "")
    return bool(c and c.zones)


def _inherit(clauses: list[_Clause], lang: str) -> None:
    """Clauses lacking a verb or a device borrow them from their neighbours in the sentence:
    "把车窗和天窗都打开", "open the windows and the sunroof", "turn on the AC and set it to 22"."""
    for i, c in enumerate(clauses):
        if not c.bare_devs or c.unknown_verb:
            continue  # "close the windows and crank the AC": crank is a verb we don't know, not "close"
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
    last: Intent | None = None
    catalog = load_catalog()
    for n, c in enumerate(clauses):
        kept = []
        others_named = any(i.cap for j, o in enumerate(clauses) if j != n for i in o.intents)
        for it in c.intents:
            if it.alts and last is not None and last.cap:
                it.cap = pick_alternative(it.alts, catalog[last.cap].domain, catalog)
            if it.cap is None and not it.too and others_named:
                said = it.value is not None or it.preset or it.option or _PRONOUN[lang].search(it.clause)
                if not said:
                    continue  # "…, some guy broke down ahead": a verb with nothing to act on
                if last is not None and last.cap:
                    it.cap = last.cap
                    if it.seats is None:
                        it.seats = last.seats
                    _redirect(it, catalog)
            kept.append(it)
            last = it if it.cap else last
        c.intents = kept
