"""Tagging: lexicon spans over a sentence (best cover), numbers with their units,
and how much of a text the spans cover."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .lexicon import Lexicon


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
    "zh": re.compile(r"(?<![\d.])(-?\d+(?:\.\d+)?)\s*(%|摄氏度|华氏度|度|℃|°c|°f|°|档|挡|级|格|倍速|倍|厘米|公分|毫米|cm|mm)?"),
    "en": re.compile(
        r"(?:\b(level|setting|notch|speed|number|position|volume)\s+)?(?<![\w.])(-?\d+(?:\.\d+)?)"
        r"(?:\s*(%|percent|per cent|degrees|degree|deg|°f|°c|°|fahrenheit|celsius|f|c|levels|level"
        r"|notches|notch|steps|step|clicks|click|bars|bar|times|x speed|x|speed"
        r"|centimeters?|centimetres?|cm|millimeters?|millimetres?|mm|inches|inch|in)\b|\s*(%|°f|°c|°))?"),
}
_UNITS = {
    "%": "percent", "percent": "percent", "per cent": "percent",
    "度": "deg", "°": "deg", "degree": "deg", "degrees": "deg", "deg": "deg",
    "摄氏度": "celsius", "℃": "celsius", "°c": "celsius", "celsius": "celsius", "c": "celsius",
    "华氏度": "fahrenheit", "°f": "fahrenheit", "fahrenheit": "fahrenheit", "f": "fahrenheit",
    "倍速": "times", "倍": "times", "times": "times", "x": "times", "x speed": "times",
    # lengths, read in millimetres by the seat axes: "腿托伸出来三厘米" is 30 mm
    "厘米": "cm", "公分": "cm", "cm": "cm", "centimeter": "cm", "centimeters": "cm", "centimetre": "cm",
    "centimetres": "cm", "毫米": "mm", "mm": "mm", "millimeter": "mm", "millimeters": "mm", "millimetre": "mm",
    "millimetres": "mm", "inch": "inch", "inches": "inch", "in": "inch",
}
_LEVEL_UNITS = {"档", "挡", "级", "格", "level", "levels", "notch", "notches", "step", "steps",
                "click", "clicks", "bar", "bars", "setting", "speed"}


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
        if unit_word == "speed" and "." in raw:
            unit = "times"  # "play it at 1.5 speed": a playback rate, not fan speed 1
        if prefix == "volume":
            unit = unit or "percent"
        spans.append(Span(m.start(), m.end(), "num", (float(raw), unit), m.group(0)))
    return spans


_WORD = re.compile(r"[\w']")
_BONUS = {"dev": 0.1, "adev": 0.1, "phrase": 0.1, "artist": 0.05}  # ties go to the more specific reading


def _ascii_bounded(text: str, i: int, j: int) -> bool:
    """In Chinese or mixed text an English word must still be a whole word ("ac" not in "back")."""
    def word(ch: str) -> bool:  # a digit ends an English word: "fm99.6" names the FM band
        return ch.isascii() and (ch.isalpha() or ch == "'")
    return not (word(text[i]) and i > 0 and word(text[i - 1])) and not (
        word(text[j - 1]) and j < len(text) and word(text[j]))


def word_kinds(lex: Lexicon, text: str) -> set[str]:
    """The kinds of lexicon words in a text (op, dev, phrase, filler, artist, ...): what the
    parser would read in it, for callers that only need to know whether it says anything."""
    return {s.tag for s in _tag(lex, text.lower() if lex.lang == "en" else text)}


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
    if lex.lang == "en":
        spans = [s for s in spans if not _degree_too(s, text) and not _intensifier(s, text, spans)]
    else:
        spans = [s for s in spans if not _full_of(s, text)]
    return spans


def _full_of(s: Span, text: str) -> bool:
    """"后背全是汗", "玻璃上全是雾": 全 says how much, not every seat ("车窗全是开着的吗" still asks of every one)."""
    return s.tag == "all" and s.text == "全" and text.startswith("是", s.end) and text[s.end + 1:s.end + 2] not in "开关打"


_BEFORE_ALL = re.compile(r"(?:'s|\b(?:is|are|i'm|im|was|were|got|getting))\s+$")
_AFTER_ALL = re.compile(r"\s+(?:the|of|my|our|your|four|around)\b")


def _intensifier(s: Span, text: str, spans: list[Span]) -> bool:
    """"my back's all sweaty", "the glass is all fogged": a degree, not every seat ("are all the
    windows closed", "are all windows shut" still name every one)."""
    if s.text != "all" or not _BEFORE_ALL.search(text[:s.start]) or _AFTER_ALL.match(text, s.end):
        return False
    return not any(o.tag in ("dev", "plural") and o.start in (s.end, s.end + 1) for o in spans)


_AFTER_ALSO = re.compile(r"\s*($|[^\w\s]|(please|thanks|thank|then|ok|okay|as|and|now|for)\b)")


def _degree_too(s: Span, text: str) -> bool:
    """"too far back", "too close": a degree, not "also" ("the passenger side too")."""
    return s.tag == "too" and s.text == "too" and not _AFTER_ALSO.match(text, s.end)


def _uncovered(text: str, spans: list[Span]) -> int:
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    return sum(1 for i, ch in enumerate(text) if i not in covered and ch.isalnum())


def spans_in(spans: list[Span], text: str, clause: str) -> list[Span]:
    at = text.find(clause)
    if at < 0:
        return []
    return [Span(s.start - at, s.end - at, s.tag, s.payload, s.text) for s in spans
            if s.start >= at and s.end <= at + len(clause)]


def noisy(text: str, spans: list[Span]) -> bool:
    uncovered = _uncovered(text, spans)
    covered = sum(1 for ch in text if ch.isalnum()) - uncovered
    return uncovered > 8 and uncovered > 3 * covered


def clause_len(lang: str, text: str) -> int:
    return len(text.split()) if lang == "en" else len(re.sub(r"\W", "", text))
