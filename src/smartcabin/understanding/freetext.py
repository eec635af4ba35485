"""Requests that carry a name as said: play a song, navigate to a place, call someone.

A verb at the start of the clause opens a free-text slot; the rest of the clause,
minus politeness, is the name. Lexicon lists (artists, genres, markers) only decide
which slot the name fills, so unknown names still work.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .types import Intent

if TYPE_CHECKING:
    from .lexicon import Lexicon

_TRAIL = {
    "zh": re.compile(r"(吧|啊|呀|呢|嘛|哦|哈|了|一下|一首|好吗|好不好|可以吗|行吗|谢谢|去|那里|那儿|这首歌|这首|的电话|电话|的歌曲|歌曲|的歌|好了|\s)+$"),
    "en": re.compile(r"([\s.!?,]+(please|now|thanks|thank you|for me|for us|right now|again|real quick|ok|okay|then|instead)?)+$"),
}
_LEAD = {
    "zh": re.compile(r"^(一下|一个|的)+"),
    "en": re.compile(r"^((some|me|us|the song|a song called|the track|a song|song|track|something called|called|by the name of|to)\s+)+"),
}
_MEDIA_LEAD = {"zh": re.compile(r"^(一首|首|一些|一点|点|个|些|首歌|几首|一期|一集|一段|一章|一回)+")}
_DIGITS = re.compile(r"^\+?[\d\s-]{3,}$")
_FREQUENCY = re.compile(r"^(fm\s*)?\d{2,3}(\.\d)?\s*(fm|mhz|am|兆赫)?$|^(调频|fm)\s*\d")
_NOT_PLACE = re.compile(r"^(\d+(\.\d+)?\s*(度|%|档)|掉|了|吧|掉吧|哪|什么地方|的|时候|一直|换个|换成|where\b|somewhere\b"
                        r"|(?:be|get|have|do|make|take|see|miss|try|need|stop|pick|grab|hit|eat|sleep|work on)\b)")
_BARE_NAV = {"go", "head", "take me", "take us", "回"}


def strip_fillers(lex: "Lexicon", text: str) -> str:
    fillers = lex.words.get("fillers", ())
    changed = True
    while changed and text:
        changed = False
        for f in fillers:  # longest first (lexicon.py sorts them)
            nxt = text[len(f):len(f) + 1]
            # an English filler ends at a word's end, in mixed text too ("carplay" holds no "car")
            whole = not (f[-1:].isascii() and nxt.isascii() and nxt.isalnum())
            if text.startswith(f) and (lex.lang == "zh" and whole or nxt in ("", " ")):
                text = text[len(f):].lstrip()
                changed = True
                break
    return text


def _clean(lex: "Lexicon", name: str) -> str:
    name = _TRAIL[lex.lang].sub("", name.strip())
    name = _LEAD[lex.lang].sub("", name).strip(" \"'“”「」《》")
    return name


def _blocked(spans: list[Any], start: int, verb_end: int, verb: str = "", rest: str = "") -> bool:
    """A longer lexicon phrase at the verb ("play a video", "放下"), or a device right after it."""
    for s in spans:
        if s.start <= start and s.end > verb_end and s.tag in ("phrase", "op", "dev"):
            return True
        if s.tag == "phrase" and s.start < start and s.end >= verb_end and \
                not rest[s.end - verb_end:].strip(_ENDS + "呢嘛了").strip():
            return True  # "再来一首": a phrase of its own around the verb (the next song)
        if verb_end <= s.start <= verb_end + 1 and s.tag in ("dev", "op", "phrase") and s.payload not in (
                "media.play", "navigation.go", "on", "set") and _rest_is_empty(spans, s.end):
            return True  # "来点风", "放下车窗"; but "play blinding lights by the weeknd" is a song
        gap = 1 if verb.startswith(("switch", "change")) else 0
        if verb_end <= s.start <= verb_end + gap and s.tag in ("color", "opt"):
            return True  # "换成蓝色" recolours, "switch to fahrenheit" sets a unit: neither is a song
    return False


def _a_request(spans: list[Any], begin: int, end: int, rest: str) -> bool:
    """The words after the verb are a request of the car's in words the lexicon knows
    ("导航音量调大", "导航闭嘴"): no place and no title."""
    letters = sum(1 for ch in rest if ch.isalnum())
    said = [s for s in spans if begin <= s.start and s.end <= end and s.tag in ("dev", "op", "phrase", "adev")
            and s.payload not in ("media.play", "navigation.go")]
    if not letters or not any(s.tag in ("op", "phrase") for s in said):
        return False
    covered = set()
    for s in said:
        covered.update(range(s.start, s.end))
    return sum(1 for i in covered if (begin <= i < end) and rest[i - begin].isalnum()) >= 0.6 * letters


def _rest_is_empty(spans: list[Any], end: int) -> bool:
    later = [s for s in spans if s.start >= end and s.tag not in ("filler", "mag", "q")]
    return not later or all(s.tag in ("dev", "op", "phrase", "zone", "preset", "num", "all") for s in later)


def _media(lex: "Lexicon", name: str) -> Intent:
    words = lex.words
    slots: dict[str, str] = {}
    for marker in words.get("marker_podcast", ()):  # "the podcast serial", "播客得到": not a song
        if marker in name:
            title = _clean(lex, name.replace(marker, " ").strip())
            title = re.sub(r"^(a|an|called|named|episode of)\s+", "", title).strip(" 的")
            kind = "AUDIOBOOK" if any(w in marker for w in ("audiobook", "audio book", "有声")) else "PODCAST"
            return Intent(cap="media.podcast", op="on", slots={"type": kind, **({"collection": title} if title else {})})
    if lex.lang == "zh":
        for marker in words.get("marker_artist", ()):
            if name.endswith(marker):
                slots["artist"] = name[: -len(marker)]
                name = ""
                break
        if name.endswith("的") and len(name) > 1:
            slots["artist"], name = name[:-1], ""  # "换成五月天的"
        if name and "的" in name:
            artist, _, rest = name.partition("的")
            if artist.startswith("我") and any(c in rest for c in words.get("marker_collection", ())):
                return Intent(cap="media.play", op="on", slots={"collection": name})  # "我收藏的歌单"
            if artist and rest and any(rest.startswith(c) for c in words.get("marker_collection", ())):
                slots["artist"] = artist  # "周杰伦的专辑叶惠美"
                name = re.sub(r"^(专辑|歌单|电台)", "", rest) or rest
                slots["collection"] = name
                name = ""
            elif artist and rest and not any(c in name for c in words.get("marker_collection", ())):
                slots["artist"], name = artist.strip(), rest.strip()
    else:
        m = re.match(r"^(.*?)\s+by\s+(.+)$", name)
        if m:
            first, artist = m.group(1).strip(), m.group(2).strip()
            slots["artist"] = artist
            name = "" if first in words.get("media_nouns", ()) or first in ("songs", "music", "something", "anything") else first
        else:
            m = re.match(r"^(.+?)'s\s+(.+)$", name)
            if m and m.group(1) in words.get("artists", ()):
                slots["artist"], name = m.group(1), m.group(2)
    if name:
        bare = re.sub(r"(音乐|歌曲|的歌|歌|music|songs|tunes)$", "", name).strip()
        collection_markers = words.get("marker_collection", ())
        if bare in words.get("genres", ()) or name in words.get("genres", ()):
            slots["genre"] = bare if bare in words.get("genres", ()) else name
        elif any(m in name for m in collection_markers):
            slots["collection"] = re.sub(r"^(the album|album|the playlist|playlist|专辑|歌单)\s*", "", name).strip()
        elif name in words.get("artists", ()) or bare in words.get("artists", ()):
            slots["artist"] = name if name in words.get("artists", ()) else bare
        elif name not in words.get("media_nouns", ()):
            slots["track"] = name
    return Intent(cap="media.play", op="on", slots=slots)


def free_text_intent(lex: "Lexicon", clause: str, spans: list[Any]) -> Intent | None:
    """The play / navigate / call intent this clause opens with, if any."""
    body = strip_fillers(lex, clause.strip())
    offset = clause.find(body) if body else 0
    candidates = [(clause.strip(), clause.find(clause.strip())), (body, offset)]
    if any(text.strip(_ENDS) in lex.words.get("call_alone", ()) for text, _ in candidates):
        return Intent(cap="phone.call", op="on")  # "make a call": whom is asked next
    for text, start in candidates:
        it = _call(lex, text, spans, start)
        if it is not None:
            return it
    for text, start in candidates:
        for key in ("nav_verbs", "play_verbs"):
            m = _verb_at(lex, key, text, spans, start)
            if not m or _blocked(spans, start + m.start(), start + m.end(), m.group(0), text[m.end():]) \
                    or _a_request(spans, start + m.end(), start + len(text), text[m.end():]):
                continue
            rest = _clean(lex, text[m.end():])
            there = lex.words.get("there_words", ())
            if key == "nav_verbs" and (strip_fillers(lex, text[m.end():]).strip(_ENDS) in there
                                       or m.group(0).endswith(there) and not rest):
                return Intent(cap="navigation.go", op="on", slots={"place": ""})  # "导航过去": the place said before
            if key == "nav_verbs":
                it = _nav(lex, m.group(0), rest)
                if it is not None:
                    return it
            else:
                if any(s.tag == "phrase" and any(p.get("cap") == "media.source" for p in s.payload) for s in spans):
                    return None  # "play music from my phone over bluetooth": a source, not a title
                if _FREQUENCY.match(rest):
                    return None  # "put on 101.1 FM": a station, tuned by the radio
                if any(s.tag == "num" and s.payload[1] == "times" for s in spans):
                    return None  # "play the podcast at 1.5x speed": a speed, not a title
                lead = _MEDIA_LEAD.get(lex.lang)
                rest = lead.sub("", rest).strip() if lead else rest
                if _not_a_title(lex, m.group(0), rest):
                    return None  # "我要放东西", "放松一点", "play nice with your sister": the verb is not "play"
                return _media(lex, rest)
    return None


def _not_a_title(lex: "Lexicon", verb: str, rest: str) -> bool:
    """The words after the verb make it another verb: 放 in "放个行李", "play" in "play nice"."""
    words = lex.words.get("not_titles", ())
    if lex.lang == "zh":
        return len(verb) <= 2 and verb[0] in "放播" and rest.startswith(words)
    low = rest.lower()
    return any(low == w or low.startswith(w + " ") for w in words)


_PREFIX_MAX = {"zh": 4, "en": 12}
_ENDS = " ,.!?，。！？吧啊呀"


def _verb_at(lex: "Lexicon", key: str, text: str, spans: list[Any], start: int) -> re.Match[str] | None:
    """The verb at the clause start, or after a short lead-in that says nothing itself
    ("帮我们导航到国贸", "ok so navigate to ...")."""
    pattern = lex.verbs.get(key)
    if pattern is None:
        return None
    m = pattern.match(text)
    if m:
        return m
    if key == "play_verbs":  # "突然想听寂寞沙洲冷了": an adverb before the verb says nothing itself
        m = pattern.search(text, 1)
        lead = text[:m.start()].strip() if m else ""
        return pattern.match(text, m.start()) if m and lead in lex.words.get("play_leads", ()) else None
    if key != "nav_verbs":
        return None
    m = pattern.search(text, 1)
    if m is None or m.start() > _PREFIX_MAX[lex.lang]:
        return None
    if text[:m.start()].rstrip().endswith(("这", "那", "这个", "那个", "的", "你这")):
        return None  # "这导航不靠谱啊": the navigation talked about, not a verb
    lead = [s for s in spans if start <= s.start < start + m.start() and s.tag in ("dev", "op", "phrase", "num")]
    if lead:
        return None
    return pattern.match(text, m.start())


def _names_no_one(said: str) -> bool:
    """A pronoun or a demonstrative of either language ("你", "that"): no contact, no place."""
    from .lexicon import load_lexicon  # cached; the lexicon module does not import this one back at load
    return any(said in load_lexicon(lang).words.get("pronouns", ()) for lang in ("zh", "en"))


def _nav(lex: "Lexicon", verb: str, place: str) -> Intent | None:
    home, work = lex.words.get("home_words", ()), lex.words.get("work_words", ())
    if place in home:
        return Intent(cap="navigation.go", op="on", slots={"place": "HOME"})
    if place in work:
        return Intent(cap="navigation.go", op="on", slots={"place": "WORK"})
    place = re.sub(r"^(那个|这个|那家|这家)(?=.)", "", place)  # "附近的那个银行": the bank
    lead = verb.strip()
    if not place or lead in _BARE_NAV or _NOT_PLACE.match(place) or "会儿" in place or _names_no_one(place) \
            or place.startswith(lex.words.get("not_places", ())):
        return None  # "找个东西": looking for something in the car; "the nearest one": no place named
    if lead in lex.words.get("place_leads", ()):
        place = f"{lead}{place}" if lex.lang == "zh" else f"{lead} {place}"  # "附近的充电站": all of it
    return Intent(cap="navigation.go", op="on", slots={"place": place})


def _call(lex: "Lexicon", text: str, spans: list[Any], start: int) -> Intent | None:
    verbs = lex.verbs
    target = None
    m = verbs["call_verbs"].match(text) if "call_verbs" in verbs else None
    if m and not _blocked(spans, start, start + m.end()):
        target = text[m.end():]
    elif "call_prefixes" in verbs and (p := verbs["call_prefixes"].search(text)) and p.start() <= 4:
        s = verbs["call_suffixes"].search(text, p.end())
        if s and s.start() > p.end():
            target = text[p.end():s.start()]
    elif lex.lang == "en" and (g := re.match(r"^give\s+(.+?)\s+a\s+(call|ring)\b", text)):
        target = g.group(1)
    if target is None:
        return None
    if lex.lang == "zh" and "call_suffixes" in verbs:
        target = verbs["call_suffixes"].sub("", target)
    target = re.sub(r"\s+(on|at)\s+(the\s+|his\s+|her\s+|their\s+|my\s+)?(mobile|cell|phone|work|home)(\s+(number|phone))?$",
                    "", target.strip())
    target = _clean(lex, target)
    if not target:
        return None
    if _names_no_one(target):
        return Intent(cap="phone.call", op="on")  # "到楼下给你打电话": a call to no one named; ask whom
    if target in lex.words.get("nobody_named", ()):
        return Intent(cap="phone.call", op="on")  # "我想打个电话", "call someone": ask whom
    compact = target.replace(" ", "").replace("-", "")
    if _DIGITS.match(target) and compact.lstrip("+").isdigit():
        return Intent(cap="phone.call", op="on", slots={"number": compact.lstrip("+")})
    return Intent(cap="phone.call", op="on", slots={"contact": target})
