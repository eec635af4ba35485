"""Finding the car's own names in what was said: exact, by an alias, by sound (pinyin, since
speech recognition swaps homophones: 周杰轮 for 周杰伦) and, in English, by a close spelling.

One index per library, built once; lookups are dictionary hits, so scanning every span of a
sentence costs microseconds. A match is evidence, never a decision: the router decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..names import Entry, NameKind, NameLibrary
from .pinyin import primary

MAX_WORDS = 8  # an English name rarely runs longer
MAX_CHARS = 16
_DROP = re.compile(r"[\s'’.,!?·&\-\"“”《》「」]+")
_ARTICLE = re.compile(r"^the\s+")


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # character offsets in the text searched
    end: int
    how: str  # exact | sound | spelling

    @property
    def kind(self) -> NameKind:
        return self.entry.kind


def normal(text: str) -> str:
    return _DROP.sub("", _ARTICLE.sub("", text.strip().lower()))


def sound_key(text: str) -> str | None:
    """Toneless pinyin, each character's most common reading: None when a character has
    none (Latin letters, digits)."""
    out = []
    for ch in text:
        s = primary(ch)
        if s is None:
            return None
        out.append(s)
    return " ".join(out)


class NameIndex:
    def __init__(self, library: NameLibrary) -> None:
        self.library = library
        self._exact: dict[str, list[Entry]] = {}
        self._sound: dict[str, list[Entry]] = {}
        self._en: dict[str, list[str]] = {}  # first letter -> normal forms, for spelling matches
        for e in library.entries:
            for said in e.said():
                key = normal(said)
                if len(key) < 2:
                    continue
                self._exact.setdefault(key, []).append(e)
                if e.lang == "zh" and (sk := sound_key(key)) is not None:
                    self._sound.setdefault(sk, []).append(e)
                if key.isascii():
                    self._en.setdefault(key[0], []).append(key)

    def whole(self, text: str, lang: str) -> list[Match]:
        """The entries the whole text names (a bare name as a turn), best evidence first."""
        key = normal(text)
        if len(key) < 2:
            return []
        hits = [Match(e, 0, len(text), "exact") for e in self._exact.get(key, ())]
        if not hits and lang == "zh" and len(key) >= 3 and (sk := sound_key(key)) is not None:
            hits = [Match(e, 0, len(text), "sound") for e in self._sound.get(sk, ())]
        if not hits and key.isascii() and len(key) >= 5:
            close = [k for k in self._en.get(key[0], ()) if abs(len(k) - len(key)) <= 2
                     and SequenceMatcher(None, k, key).ratio() >= 0.88]
            hits = [Match(e, 0, len(text), "spelling") for k in close for e in self._exact[k]]
        if hits and hits[0].how != "exact" and len({m.entry.name for m in hits}) > 1:
            return []  # "john smith" sounds like both Jon Smith and John Smyth: no guessing whom
        return sorted(hits, key=lambda m: (not m.entry.recent, m.entry.lang != lang))

    def spans(self, text: str, lang: str) -> list[Match]:
        """Every exact or same-sounding name inside the text (the tagger's gazetteer)."""
        out: list[Match] = []
        if lang == "zh":
            n = len(text)
            for i in range(n):
                for j in range(i + 2, min(n, i + MAX_CHARS) + 1):
                    piece = text[i:j]
                    found = self._exact.get(normal(piece))
                    how = "exact"
                    if not found and j - i >= 3 and (sk := sound_key(piece)) is not None:
                        found, how = self._sound.get(sk), "sound"
                    out += [Match(e, i, j, how) for e in found or ()]
            return out
        words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9'’&]+", text)]
        for i in range(len(words)):
            for j in range(i, min(len(words), i + MAX_WORDS)):
                start, end = words[i][0], words[j][1]
                out += [Match(e, start, end, "exact") for e in self._exact.get(normal(text[start:end]), ())]
        return out
