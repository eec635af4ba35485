"""Clauses: where a sentence splits, and the intents one clause asks for (zone
words to seats, verbs paired with devices and values, capability redirects, options)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..capabilities import Capability, load_catalog, with_unit
from .freetext import free_text_intent
from .lexicon import Lexicon, load_lexicon
from .tagging import Span, _uncovered, clause_len
from .types import Intent


_STRONG_BREAK = re.compile(r"[，,。!！?？;；、]|(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bst)(?<!\bjr)\.(?=\s|$)")
_SEP_REACH = {"zh": 4, "en": 12}  # how far after "and"/"和" the next command may start
_CONTENT_TAGS = {"dev", "op", "phrase", "zone", "num", "color", "too", "undo"}


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])(?<!的)\s+(?=[\u3400-\u9fff])")  # speech recognition's comma


def segments(lex: Lexicon, text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Clause boundaries: punctuation always (a space between Chinese characters is one); a
    conjunction only when content follows it."""
    cuts = [(m.start(), m.end()) for m in _STRONG_BREAK.finditer(text)
            if not (m.group(0) == "." and m.start() > 0 and text[m.start() - 1].isdigit())]
    cuts += [(m.start(), m.end()) for m in _CJK_GAP.finditer(text)]  # ("周杰伦的 稻香" stays one)
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


def _seats(keys: list[str], own_side: bool = False) -> tuple[str, ...] | None:
    """Zone words to seats; 'all' and 'speaker' stay as markers for the planner. `own_side`: the
    speaker named their own side or seat ("my side", "我这边"), not only something of theirs ("my rider")."""
    if not keys:
        return None
    for rel in ("behind", "ahead", "other"):
        if rel in keys:
            return (rel,)
    if "all" in keys and not any(k != "all" and k != "speaker" for k in keys):
        return ("all",)
    keys = [k for k in keys if k != "all"]
    seats = [k for k in keys if k.startswith("Row")]
    rows = [r for r, w in (("Row1", "front"), ("Row2", "rear")) if w in keys]
    sides = [s for s, w in (("DriverSide", "left"), ("PassengerSide", "right")) if w in keys]
    if own_side and "speaker" in keys and rows and not sides and not seats:
        return ("speaker",)  # "chilly back here, warm up my side": the row says where the speaker sits
    if rows and sides:
        seats += [f"{r}.{s}" for r in rows for s in sides]
    elif rows:
        rows = [r for r in rows if not any(s.startswith(r + ".") for s in seats)]  # "the front passenger's"
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


_COMBOS = {  # two devices named together that mean a third
    frozenset({"door.lock", "window.position"}): "window.child_lock",
    frozenset({"door.child_lock", "door.open"}): "door.child_lock",  # "child lock on the rear left door"
    frozenset({"door.child_lock", "window.position"}): "window.child_lock",  # "the child lock on the windows"
    frozenset({"door.lock", "trunk.position"}): "trunk.lock",  # "is the trunk locked"
    frozenset({"door.lock", "frunk.position"}): "frunk.lock",  # "lock the frunk"
    frozenset({"door.lock", "mirror.fold"}): "mirror.lock",  # "lock the side mirrors so nobody knocks them"
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


@dataclass
class Clause:
    intents: list[Intent]
    bare_devs: list[tuple[Span, Intent]]  # a device named with no operation yet
    tags: set[str]
    question: bool
    unknown_verb: bool = False
    declined: bool = False  # a negated request ("don't stop the music"): no action at all
    explicit: bool = False  # a verb or a device word said: a command, not only a need or a reason
    remark: bool = False  # a need or a report in words we partly lack ("好像要下雨了", "透透气")
    unknown_device: bool = False  # its device said with a word we don't know: one this car may lack
    unknown_after: bool = False  # zh: words we don't know after its device, where a verb would be


_YES_NO = {"en": re.compile(r"^\W*(is|are|was|were|does|do(?! not)|did(?! not)|has|have(?= (?:you|i|we|they)\b)|is it|are they)\b"),
           "zh": re.compile(r"(吗|么|没有|了没|是不是|有没有|开着没)\W*$")}
_REQUEST_END = re.compile(r"(好吗|行吗|可以吗|能吗|好不好|行不行|可不可以)\W*$")
_NEED_CAPS = {"hvac.temperature", "hvac.fan", "media.volume", "screen.brightness"}
_PRESET_DEVICE = {"crack": "window.position", "tilt": "sunroof.position"}
_REL_OPS = {"up", "down", "more", "less"}
_SIDED = {"left", "right", "speaker", "rear"}
_LINKS = set("的把给让")  # "左后的阅读灯": a particle before the device is no unknown verb
_OWNERS = set("我你您他她咱")  # "我头顶的阅读灯": the speaker's own
_PARTICLES = set("了吧呢啊吗呀哦嘛也都")  # after a device: no verb of its own ("车窗和天窗都打开": 都)
_HESITATION = re.compile(r"^\W*((hmm|hm|uh|um|actually|no|wait|oh|嗯|呃|那就|还是)\W*)+")  # "hmm, actually 19": a value
_WHEN = re.compile(r"的时候")  # "导航的时候屏幕老是黑掉": the device before it names the moment
_PRONOUN_IN = re.compile(r"\b(it|them|that)\b|它")  # "tilt it all the way back": a device said before
_OWN_SIDE = re.compile(r"side|seat|这边|这侧|这里|座")  # "warm up my side", "我这边": the speaker's own seat
_MINE = re.compile(r"\bmy\b|我这边|我这侧|我的")  # "heat my mirror": the phrase says whose
_FLIP = {"on": "off", "off": "on", "up": "down", "down": "up", "more": "less", "less": "more"}
_LONG_CLAUSE = {"zh": 14, "en": 8}  # a device named in passing in a longer clause is talk, not a request
_TALK = {"zh": 3, "en": 5}  # unknown letters around a colour word that make it talk, not a request
_STATEMENT = {"zh": re.compile(r"\W*(我(?!的|这|要|想|需要)|有点|有些|好(?!的)|太|真|这(?!边|个|里)|外面|今天|天气|天黑|天亮|路上|看不清|看不见|听不清|下雨了|下雪了|起雾了|一会儿?|待会儿?|等会儿?|快要|马上要|好像)"),  # said of oneself or the world: a need
              "en": re.compile(r"\W*(i|we|it|this|that|there|so|kind of|the kids|the baby|he|she|they|let us|can not see|cannot see)\b")}


def _clause(lex: Lexicon, catalog: dict[str, Capability], text: str, spans: list[Span]) -> Clause:
    tags = {s.tag for s in spans}
    if "other" in tags and not any(s.tag in ("op", "phrase") and s.text not in ("on", "off", "开", "关") for s in spans) \
            and free_text_intent(lex, text, spans) is None:  # "call John on his mobile" is a call
        return Clause([], [], tags, False)  # "the guy behind me has his brights on": a report, not a request
    short = lex.raw.get("short_only", ())
    if short and clause_len(lex.lang, text) > 4:  # "I can't see the next lane" is no skip
        spans = [s for s in spans if not (s.tag == "phrase" and s.text in short)]
    # "don't turn the heat up", "不用导航去公司": a clause that opens with a negation asks for nothing
    lead_neg = any(s.tag == "neg" and _lead(text[:s.start], lex.lang) for s in spans)
    ending = lead_neg and _ENDING.search(text) is not None  # "I don't need directions anymore"
    free = free_text_intent(lex, text, spans)
    if free is not None:
        stop = catalog[free.cap].off_action if free.cap in catalog else None
        if ending and stop:
            return Clause([Intent(cap=stop, op="on", clause=text)], [], tags, False)
        if lead_neg:
            return Clause([], [], tags, False, declined=True)
        return Clause([free], [], tags, False, explicit=True)
    if ending:
        lead_neg = False  # the device named is to stop: "anymore" makes the clause an off

    phrase_spans = [s for s in spans if s.tag == "phrase"]
    covered = [(p.start, p.end) for p in phrase_spans]
    inside = lambda s: any(a <= s.start and s.end <= b for a, b in covered)
    devs = [s for s in spans if s.tag == "dev" and not inside(s)]
    when = _WHEN.search(text) if lex.lang == "zh" else None
    if when:  # "导航的时候屏幕老是黑掉": the device before "的时候" is the moment, not the request
        devs = [d for d in devs if d.end > when.start()]
    devs += [Span(s.start, s.end, "dev", s.payload[0], s.text) for s in spans if s.tag == "adev" and not inside(s)]
    if lex.lang == "en":  # "turn on the auto-demming mirror": a word we don't know names a device we don't have
        harmless = lex.words.get("harmless_modifiers", ())
        known = [d for d in devs if not _unknown_word_before(text, spans, d.start, harmless)]
        if devs and not known:
            return Clause([], [], tags, False, unknown_device=True)
        devs = known
    else:  # "部架的窗户" (副驾 misheard): whose window we don't know is no window to guess
        known = [d for d in devs if not _unknown_owner(text, spans, d.start)]
        if devs and not known:
            return Clause([], [], tags, False, unknown_device=True)
        devs = known
    # (a run of unknown characters right before a device, with no 的, is as often part of a word
    # we know in another form, "前挡风玻璃", "交通广播": the homophones module reads the misheard ones)
    alts = {s.start: s.payload for s in spans if s.tag == "adev"}
    for d in list(devs):
        fits = [a for a in alts.get(d.start, ()) if any(
            o is not d and o.payload in catalog and catalog[o.payload].domain == catalog[a].domain for o in devs)]
        if fits:  # "后视镜…加热": the ambiguous word takes the domain of the device beside it
            devs = [o for o in devs if o is d or catalog.get(o.payload) is None
                    or catalog[o.payload].domain != catalog[fits[0]].domain]
            devs[devs.index(d)] = Span(d.start, d.end, "dev", fits[0], d.text)
            alts.pop(d.start)
    neg = [] if ending else [s for s in spans if s.tag == "neg"]
    no_spans = {(s.start, s.end) for s in spans if s.tag == "no"}
    ops = _merge_ops([s for s in spans if s.tag == "op" and not inside(s)
                      and not any(n.start <= s.start < n.end for n in neg)
                      and not ((s.start, s.end) in no_spans and not devs)])
    if lex.lang == "en":  # "the Shell station on Main": "on" before a name we don't know is a preposition
        after = lex.words.get("particle_followers", ())
        ops = [o for o in ops if not (o.text in ("on", "off") and _unknown_word_at(text, spans, o.end, after))]
    particles = lex.raw.get("verb_particles", {})  # "shut the gps lady up": "up" is shut's, no op of its own
    ops = [o for o in ops if not any(p is not o and particles.get(p.text) == o.text and p.end <= o.start for p in ops)]
    bound = lex.raw.get("bound_ops", ())
    if not devs and bound:
        ops = [o for o in ops if o.text not in bound]  # "打一下方向": 打 turns on only a device said with it
    if len(ops) > 1:
        # a bare "on"/"off" next to a real verb is a preposition: "disable the lock on the windows"
        ops = [o for o in ops if o.text not in ("on", "off")] or ops[:1]
    if ending:
        ops = [Span(o.start, o.end, "op", "off", o.text) for o in ops if o.payload in ("on", "off")] or \
            [Span(0, 0, "op", "off", "")]
    if not ops:  # "lock the passenger door", "把门锁上": the device word is the verb
        verbs = lex.raw.get("device_verbs", {})
        ops = [Span(d.start, d.end, "op", verbs[d.text], d.text) for d in devs if d.text in verbs
               and _verb_position(d, devs, text, lex)][:1]
        if ops:  # the door it locks is its object, not a door to open or close
            devs = [d for d in devs if not (d.payload == "door.open" and any(o.payload == "door.lock" for o in devs))]
            locks = lex.raw.get("locks", {})
            if any(d.payload in locks for d in devs):
                # "unlock the passenger side mirror": that device's own lock, not the doors'
                devs = [Span(d.start, d.end, "dev", locks[d.payload], d.text) for d in devs if d.payload in locks]
        verb_devices = {id(o) for o in ops}  # "别锁了" is not "unlock": such a verb is never flipped
    else:
        verb_devices = set()
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
    if colors and not devs and not ops and _uncovered(text, spans) >= _TALK[lex.lang]:
        colors = []  # "purple monkey dishwasher": a colour word inside talk is no request
    zone_keys = [s.payload for s in spans if s.tag == "zone"]
    placed = lex.raw.get("device_zones", {})
    if not zone_keys:  # "倒车雷达关掉": the name of the device says where it is (the rear sensors)
        zone_keys = [placed[d.text] for d in devs if d.text in placed][:1]
    plural = any(s.tag in ("plural", "all") for s in spans)
    opt_words = [s for s in spans if s.tag == "opt"]
    mag = "full" if "full" in mags else "big" if "big" in mags else ("small" if mags or mags_extra else None)
    question = "q" in tags or "?" in text or "？" in text
    yes_no = bool(_YES_NO[lex.lang].search(text)) and not _REQUEST_END.search(text)
    own_side = any(s.tag == "zone" and s.payload == "speaker" and _OWN_SIDE.search(s.text) for s in spans)
    seats = _seats(zone_keys, own_side)
    prefer_before = lex.lang == "en"

    complaint = False  # the clause's verb is a complaint's direction, not a word said
    # Negation flips the verb after it: "别开空调" turns it off; "don't close it" does nothing.
    negated = {id(op) for op in ops if any(0 <= op.start - n.end <= 2 for n in neg)}
    declined = False

    intents: list[Intent] = []
    for p in phrase_spans:
        for spec in p.payload:
            it = Intent(cap=spec["cap"], op=spec["op"], option=spec.get("option"),
                        preset=spec.get("preset"), mag=spec.get("mag") or mag,
                        seats=tuple(spec["seats"]) if spec.get("seats") else seats or (
                            ("speaker",) if _MINE.search(p.text) else None),
                        value=spec.get("value"), clause=text, alts=tuple(spec.get("alts", ())),
                        implied=(spec["cap"] in _NEED_CAPS and spec["op"] in _REL_OPS)
                        or _COMPLAINT.search(p.text) is not None)
            num = _near(p, nums, prefer_before=False)
            target = num is not None and any(o.payload == "set" and p.end <= o.start <= num.start for o in ops)
            if num is not None and it.op in _REL_OPS and target:
                it.value, it.unit, it.op = num.payload[0], num.payload[1], "set"  # "recline to 30 degrees"
            elif num is not None and it.op in _REL_OPS:
                it.value, it.unit, it.relative = num.payload[0], num.payload[1], True
            elif num is not None and it.op in ("on", "set") and not it.option:
                it.value, it.unit, it.op = num.payload[0], num.payload[1], "set"
            elif num is None and it.op in ("on", "up") and (extreme := next(
                    (o for o in ops if o.payload in ("max", "min") and o.start >= p.end), None)) is not None:
                it.op = extreme.payload  # "heat my seat on high"
            elif num is None and presets and it.op in ("on", "up", "set") and not it.option and it.cap in catalog \
                    and presets[0].payload in catalog[it.cap].presets and presets[0].payload != "crack":
                it.preset, it.op = presets[0].payload, "preset"  # "遮阳帘拉起一半": the phrase, that far
            # "太晒了把我这边的遮阳帘拉上来" (a side said; "the sun's cooking my head" names none)
            _to_side(it, [k for k in zone_keys if k != "speaker" or own_side], catalog)
            if any(0 <= p.start - n.end <= 2 for n in neg) or lead_neg:
                if it.op == "on" and lex.lang == "zh" and _settable(catalog, it.cap):
                    it.op = "off"  # "别开空调了": turn it off
                else:
                    declined = True  # "don't turn the heat up": nothing to do, and nothing else
                    continue
            intents.append(it)
    if intents and not ops and _YES_NO[lex.lang].search(text) and not _REQUEST_END.search(text):
        intents = []  # "下午会下雨吗", "is it raining?": a question about the weather, not a need
    locks = lex.raw.get("locks", {})
    for it in intents:  # "前备箱也解锁一下": the front trunk's lock, not the doors'
        own = [locks[d.payload] for d in devs if d.payload in locks]
        if own and it.cap in catalog and (catalog[it.cap].signal or "").endswith(".IsLocked"):
            it.cap = own[0]
    if intents and devs:
        named = {catalog[d.payload].domain for d in devs if d.payload in catalog}
        moved = [i for i in intents if i.cap in catalog and catalog[i.cap].domain not in named]
        for it in (i for i in moved if i.option):
            # "CarLife用蓝牙连就行": the option of the device said (its connection), not the music's source
            own = [catalog[d.payload].options_from for d in devs if d.payload in catalog]
            it.cap = next((o for o in own if o and it.option in catalog[o].options), it.cap)
        if moved and all(not i.option for i in moved):
            # "mute the navigation voice", "the fan's way too loud": the device said wins,
            # with the phrase's direction
            first = moved[0]
            direction = first.op if first.op in _REL_OPS else "off" if (
                first.op == "off" or first.preset == "off") else "on"
            intents = [i for i in intents if i not in moved]
            voices, heaters = lex.raw.get("voices", {}), lex.raw.get("heaters", {})
            silenced = [voices[d.payload] for d in devs if d.payload in voices]
            warmed = [heaters[d.payload] for d in devs if d.payload in heaters]
            if first.preset == "off" and first.cap in with_unit("percent") and silenced:
                intents, devs, ops = [Intent(cap=silenced[0], op="off", clause=text)], [], []  # "导航…给它静音"
            elif first.cap in with_unit("celsius") and first.op in ("up", "more") and warmed:
                intents, devs, ops = [Intent(cap=warmed[0], op="on", clause=text)], [], []  # "wheel is like ice, heat it up"
            else:
                complaint = not ops and all(i.implied for i in moved)
                ops = ops or [Span(0, 0, "op", direction, "")]
    owners = {s.payload for s in spans if s.tag == "opt"}
    opt = next((s for s in spans if s.tag == "opt"), None)
    if not devs and not intents and not nums and len(owners) == 1 and opt is not None and any(
            o.payload in ("on", "set") and len(o.text) > (1 if lex.lang == "zh" else 2) and 0 <= opt.start - o.end <= 1
            for o in ops):
        # "switch to fahrenheit": the option follows its verb, and only one function has it
        devs = [Span(opt.start, opt.end, "dev", opt.payload, opt.text)]
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
        return Clause([Intent(cap=None, op=op, seats=seats, too=True, clause=text)], [], tags, False)
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
        n.payload[1] is None for n in nums) and len(_HESITATION.sub("", text).strip()) > len(nums[0].text) + 2
    if not frames and (nums or presets or colors or mag == "full") and not intents and not bare_number:
        frames.append((None, []))
    if not devs and not nums and not presets and not intents and "too" in tags and zone_keys:
        # "…，副驾也一样": the sentence's previous command, for these seats
        return Clause([Intent(cap=None, op=None, seats=seats, too=True, clause=text)], [], tags, False)

    bare: list[tuple[Span, Intent]] = []
    used_nums: set[int] = set()
    where: dict[int, int] = {}  # intent -> where its device word starts
    for op_span, fdevs in frames:
        anchor = op_span or (fdevs[0] if fdevs else None)
        num = None
        if nums:
            cand = [n for n in nums if id(n) not in used_nums] or nums
            num = _near(anchor, cand, prefer_before=False) if anchor else cand[0]
            used_nums.add(id(num))
        op = op_span.payload if op_span else ("max" if mag == "full" and num is None and not presets else None)
        if op_span is not None and (id(op_span) in negated or lead_neg):
            if op == "on" and lex.lang == "zh" and id(op_span) not in verb_devices \
                    and all(_settable(catalog, d.payload) for d in fdevs):
                op = "off"
            else:
                declined = True
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
            voice = lex.raw.get("voices", {}).get(cap or "")
            if op == "off" and voice and catalog[cap].kind == "level":
                it.cap = voice  # "shut the gps lady up", "turn the nav voice off": muted, not a volume of 0
            if op == "off" and op_span is not None and cap in catalog and catalog[cap].covers \
                    and op_span.text in lex.raw.get("raise_words", ()):
                it.op = "on"  # "后挡那个遮阳帘升起来": a blind rises to cover, as a window rises to close
            if num is not None:
                it.value, it.unit = num.payload
                it.relative = op in _REL_OPS
                if it.op is None:
                    it.op = "set"
                if it.cap is None and it.unit in ("celsius", "fahrenheit"):
                    it.cap = next(iter(with_unit("celsius")), None)  # "set the cabin to 68 fahrenheit"
                if it.unit == "times" and (it.cap is None or it.cap in catalog and (
                        catalog[it.cap].domain == "media" or catalog[it.cap].kind == "query")):
                    it.cap = next(iter(with_unit("times")), it.cap)  # "1.5倍速", "the podcast at 1.5x"
            fits = it.cap is None or it.cap not in catalog or presets and (
                presets[0].payload in catalog[it.cap].presets or presets[0].payload in ("max", "min", "crack"))
            if presets and it.value is None and (fits or it.op is None):
                it.preset = presets[0].payload
                it.op = "preset"  # "lower my window halfway": the preset is the target
                if it.cap is None and it.preset in _PRESET_DEVICE and not it.too and not _PRONOUN_IN.search(text):
                    it.cap = _PRESET_DEVICE[it.preset]  # "let some fresh air in": a window
            _to_side(it, zone_keys, catalog)
            if colors:
                it.cap, it.op, it.slots = _color_function(catalog, it.cap), "set", {"color": colors[0]}
            if digits and cap in ("phone.call",):
                it.slots = {"number": digits[0]}
            if plural and seats is None and cap:
                it.seats = ("all",)
            _apply_options(lex, text, it)
            _redirect(it, catalog)
            if it.cap and it.cap in catalog and catalog[it.cap].kind == "query":
                it.op = "query"
            elif question and it.cap and it.op == "set" and it.value is None and not it.preset and not it.option \
                    and not it.slots and not opt_words:
                it.op = "query"  # "what's the seat heating at?": asking, not setting
            elif yes_no and it.cap and dev is not None and it.value is None:
                it.op = "query"  # "is the driver door open?", "空调开了吗": asking, not telling
            if it.op is None and it.cap:
                if question:
                    it.op = "query"
                elif neg and catalog[it.cap].safety == "lock":
                    declined = True  # "别锁了": don't lock, which is not "unlock"
                    continue
                elif neg and not _STATEMENT[lex.lang].match(text):
                    it.op = "off"  # "不用导航了", "空调不用了"; "I can't see over the hood" is no order
                elif clause_len(lex.lang, text) > _LONG_CLAUSE[lex.lang]:
                    continue
                else:
                    bare.append((dev, it))
                    continue
            if (it.cap is None or op_span is not None and op_span.text == "to") and it.op == "set" \
                    and it.value is None and it.preset is None and not it.slots and not opt_words and not it.option:
                continue  # "going to ...", "I need to grab the charging cable": a bare "to" sets nothing
            if op == "on" and it.preset is None and it.value is None and any(
                    f[0] is not None and f[0].payload in ("set",) and dev in f[1] for f in frames):
                continue  # "打开车窗到一半": the target covers the opening
            if complaint and op_span is not None and not op_span.text:
                it.implied = it.named = True  # "雨刮吵死了": the need, said of its device
            intents.append(it)
            if dev is not None:
                where[id(it)] = dev.start
    _drop_subject(intents, where, ops, catalog)
    other_axis(lex, text, intents)
    first_dev = min((d.start for d in devs), default=0)
    unknown_verb = any(ch.isalnum() and ch not in _LINKS for i, ch in enumerate(text[:first_dev])
                       if not any(s.start <= i < s.end for s in spans))
    unknown_after = False
    if lex.lang == "zh" and bare and not ops:  # "后排窗户官上": a verb after the device, one we don't know
        last_dev = max(d.end for d in devs)
        unknown_after = any(ch.isalnum() and ch not in _PARTICLES for i, ch in enumerate(text[last_dev:], last_dev)
                            if not any(s.start <= i < s.end for s in spans))
    explicit = bool(ops) and any(o.text for o in ops) or bool(devs)
    said_of = is_statement(lex.lang, text)
    comparative = bool(ops) and all(o.payload in ("more", "less") for o in ops) and not devs
    remark = (not explicit or comparative and said_of) and not nums and (bool(presets) or said_of)
    # ("it's more relaxing" beside "make the ambient lighting blue": a reason, its "more" no order)
    return Clause(intents, bare, tags, question, unknown_verb, (declined or lead_neg) and not intents and not bare,
                  explicit, remark, unknown_after=unknown_after)


def other_axis(lex: Lexicon, text: str | None, intents: list[Intent]) -> None:
    """"tilt my headrest forward", "头枕往前调": the direction (in `text`, or each intent's own
    clause) names the device's other axis."""
    axes = lex.raw.get("axes") or {}
    for it in intents:
        axis = axes.get(it.cap or "")
        if not axis:
            continue
        said = text if text is not None else it.clause
        for op in ("down", "up"):  # "tilt back" before "tilt"
            if any(re.search(lex.bounded(re.escape(w)), said) for w in axis.get(op, ())):
                it.cap = axis["to"]
                if it.op in ("up", "down", "more", "less", "on", "query", "inward", "outward", None) and it.value is None:
                    # ("passenger mirror a touch to the left" has no verb, yet asks nothing)
                    it.op = op if it.op not in ("more", "less") or op == "up" else "down"
                break


def _drop_subject(intents: list[Intent], where: dict[int, int], ops: list[Span],
                  catalog: dict[str, Capability]) -> None:
    """"set the climate to auto mode", "switch the headlights to daytime running lights": the
    device before "to" names what changes, the one after it says to what; only the target is set."""
    targets = [o.start for o in ops if o.payload == "set"]
    def empty(i: Intent) -> bool:
        return i.op == "set" and i.value is None and not i.preset and not i.option and not i.slots

    def domain(i: Intent) -> str | None:
        return catalog[i.cap].domain if i.cap in catalog else None

    for it in [i for i in intents if empty(i) and id(i) in where]:
        if any(where[id(it)] < t and any(o is not it and where.get(id(o), -1) > t and domain(o) == domain(it)
                                         for o in intents) for t in targets):
            intents.remove(it)


# a phrase that complains ("离方向盘太远了", "too bright") is the reason for a command said beside it
_COMPLAINT = re.compile(r"太|死了|死我了|\btoo\b")
_ENDING = re.compile(r"\b(anymore|any more|no longer|any longer)\b")


def is_statement(lang: str, text: str) -> bool:
    """Said of oneself or the world ("I need to grab the cable", "我好冷"), or a complaint
    ("后排冷气太足了"): a need, not an order."""
    return _STATEMENT["zh" if lang == "zh" else "en"].match(text) is not None or _COMPLAINT.search(text) is not None


def _verb_position(d: Span, devs: list[Span], text: str, lex: Lexicon) -> bool:
    """A device word acts as the verb where a verb stands: first in an English clause (after
    politeness), next to its object in Chinese; "the lock is broken", "后来锁也坏了" only mention it."""
    if lex.lang != "zh":
        before = text[:d.start].split()
        polite = set(lex.words.get("fillers", ())) - {"the", "a", "my", "our", "that", "it", "some"}
        return all(w in polite for w in before) or " ".join(before) in polite
    return any(o is not d and (0 <= d.start - o.end <= 1 or 0 <= o.start - d.end <= 1) for o in devs)


def _lead(before: str, lang: str) -> bool:
    """A negation near the start governs the clause: "我不想听…", "i do not want…", "please don't…"."""
    before = before.strip(" ,，")
    return len(before) <= 1 if lang == "zh" else len(before.split()) <= 1


def _settable(catalog: dict[str, Capability], cap: str | None) -> bool:
    """"别开空调" turns a setting off; "别挂电话" (an action) and "先别锁后视镜" (a lock: not
    locking is no unlocking) ask for nothing."""
    c = catalog.get(cap or "")
    return c is not None and c.kind in ("switch", "level", "mode") and c.safety != "lock"


def _apply_options(lex: Lexicon, text: str, it: Intent) -> None:
    sibling = load_catalog()[it.cap].options_from if it.cap in load_catalog() else None
    if sibling and it.cap not in lex.options and sibling in lex.options and lex.options[sibling][0].search(text) \
            and it.op in ("on", "set", None):
        it.cap = sibling  # "switch the navigation voice to a male one": the option is its sibling's
    if not it.cap or it.cap not in lex.options:
        return
    pattern, table = lex.options[it.cap]
    m = pattern.search(text)
    if m and it.op == "off" and "off" in load_catalog()[it.cap].values:
        return  # "turn off the parking lights": the mode's off, not the option named
    if m:
        it.op, it.option = "set", table[m.group(0)]


def _unknown_word_at(text: str, spans: list[Span], at: int, common: tuple[str, ...] = ()) -> bool:
    """The next word after `at` is one no lexicon span covers and no common word either
    ("on for my wife": a verb's particle still)."""
    m = re.compile(r"\s+([a-z][\w']*)").match(text, at)
    return bool(m) and m.group(1) not in common and not any(s.start <= m.start(1) < s.end for s in spans)


# an unknown word in an adjective's place: after a determiner, right before the device
_WORD_BEFORE = re.compile(r"\b(?:the|a|an|my|your|our|his|her|their|this|that|these|those)\s+([a-z][\w'-]*)\s+$")


def _unknown_word_before(text: str, spans: list[Span], at: int, common: tuple[str, ...] = ()) -> bool:
    """The word just before `at`, after a determiner, is one no common word is, with letters no
    lexicon span covers ("the auto-demming mirror": "auto" is a word we know, "demming" is not)."""
    m = _WORD_BEFORE.search(text, 0, at)
    if not m or m.group(1) in common or m.group(1).endswith("'s"):
        return False  # "the map's auto zoom", "my wife's seat": whose device, not another one
    return any(ch.isalpha() and not any(s.start <= i < s.end for s in spans)
               for i, ch in enumerate(text[m.start(1):m.end(1)], m.start(1)))


def _unknown_owner(text: str, spans: list[Span], at: int) -> bool:
    """Before `at`, 的 after exactly two Chinese characters no lexicon span covers, with nothing
    before them but the start, a verb, a filler or 把: a seat's name misheard ("部架的窗户";
    "副驾那边的", "我头顶的", "后排两个孩子的" say whose)."""
    if at < 3 or text[at - 1] != "的":
        return False
    covering = lambda i: next((s for s in spans if s.start <= i < s.end), None)  # noqa: E731
    if any(not "\u4e00" <= text[i] <= "\u9fff" or text[i] in _OWNERS or covering(i) is not None for i in (at - 3, at - 2)):
        return False
    i = at - 4
    if i < 0 or not text[i].isalnum() or text[i] in _LINKS:
        return True
    before = covering(i)
    return before is not None and before.tag in ("op", "filler")


def _to_side(it: Intent, zone_keys: list[str], catalog: dict[str, Capability]) -> None:
    """"左后的遮阳帘", "my side's shade": a device said with a side is that side's own one."""
    sided = catalog[it.cap].sided if it.cap in catalog else None
    if sided and any(k in _SIDED or k.startswith("Row") for k in zone_keys):
        if catalog[sided].covers != catalog[it.cap].covers:
            it.op = _FLIP.get(it.op or "", it.op)  # closing a sunroof shade is raising a blind
        it.cap = sided


def color_function(named: str | None) -> str | None:
    """Public form for the parser: the colour function of the light named."""
    return _color_function(load_catalog(), named)


def _color_function(catalog: dict[str, Capability], named: str | None) -> str | None:
    """The colour of the light named ("make my reading light red", "交互灯换成蓝色"): the colour
    function that lights that light's own signal; with no light named, the first (the ambient light)."""
    colored, by_signal = _color_functions()
    cap = catalog.get(named or "")
    if cap is not None and cap.id in colored:
        return cap.id
    if cap is not None and cap.signal in by_signal:
        return by_signal[cap.signal]
    if cap is not None and cap.domain == "lights":
        return cap.id  # "make the light strip orange": a light without colours says so, no other light changes
    return colored[0] if colored else None


@lru_cache(maxsize=1)
def _color_functions() -> tuple[tuple[str, ...], dict[str, str]]:
    """The colour functions in catalog order, and which one each light's signal belongs to."""
    colored = [c for c in load_catalog().values() if any(p.get("type") == "color" for p in c.params.values())]
    by_signal: dict[str, str] = {}
    for c in colored:
        for sig in c.writes:
            by_signal.setdefault(sig, c.id)
    return tuple(c.id for c in colored), by_signal


def apply_options(lang: str, it: Intent) -> None:
    """Mode options ("自动", "fast") once the capability is known from context."""
    _apply_options(load_lexicon(lang), it.clause, it)


# A switch named with a value or a change means its numeric sibling: "空调调到22度"
# is the temperature, "AC up" is warmer, "music louder" is the volume.
_REDIRECT = {
    "hvac.ac": {"level": "hvac.fan", "more": "hvac.fan", "less": "hvac.fan", "default": "hvac.temperature"},
    "hvac.auto": {"level": "hvac.fan", "more": "hvac.fan", "less": "hvac.fan", "default": "hvac.temperature"},
    "hvac.air_direction": {"default": "hvac.fan"},
    "lights.ambient": {"default": "lights.ambient_brightness"},
    "media.play": {"default": "media.volume"},
    "media.radio": {"up": "media.volume", "down": "media.volume", "more": "media.volume", "less": "media.volume"},
    "screen.app": {"default": "screen.brightness"},
    "lights.dome": {"default": None},
    "lights.ambient_color": {"default": "lights.ambient_brightness"},
}


def _redirect(it: Intent, catalog: dict[str, Capability]) -> None:
    cap = catalog.get(it.cap or "")
    table = _REDIRECT.get(it.cap or "") or ({"default": cap.numeric} if cap is not None and cap.numeric else None)
    if not table:
        return
    numeric = it.value is not None or it.op in _REL_OPS or it.op in ("max", "min") or (
        it.preset in ("max", "min", "half"))
    if not numeric or it.slots.get("color"):
        return
    key = "level" if it.unit == "level" else (it.op if it.op in table else "default")
    target = table.get(key, table.get("default"))
    if target is not None:
        it.cap = target


def redirect(it: Intent) -> None:
    """Public form for the dialog: a switch given a number after context filled it in."""
    _redirect(it, load_catalog())


def pick_alternative(alts: tuple[str, ...], domain: str, catalog: dict[str, Capability]) -> str:
    """The reading of an ambiguous device word that fits the domain being talked about."""
    return next((a for a in alts if catalog[a].domain == domain), alts[0])
