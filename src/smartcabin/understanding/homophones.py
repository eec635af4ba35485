"""Chinese words misheard as their homophones (副架 for 副驾, 月毒灯 for 阅读灯, 做以 for 座椅):
speech recognition, and pinyin input methods, write a word that sounds like the lexicon's.
A run of characters the lexicon does not know is read as the lexicon word it sounds like,
character for character (toneless pinyin; -in/-ing and -en/-eng alike, as many speakers
and Whisper merge them).

Two characters sound like too much ("做一下" is not "座椅下"), so a two-character word is
read only beside a device, a place or a verb ("副架的窗户", "做以加热"); three or more
characters stand alone ("以表盘" is 仪表盘)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .pinyin import primary

# the words read: what to act on and where; not verbs, whose homophones are everyday words
# (太高 "too high" is no 抬高 "raise", 紧一点 no 近一点)
_TAGS = ("dev", "zone", "phrase", "opt", "adev")
_NEIGHBOURS = _TAGS + ("op",)  # what a two-character word must stand beside
_LINK = "的"  # "副架的窗户": a particle between the word and its neighbour


def _loose(s: str) -> str:
    return s[:-1] if s.endswith(("ing", "eng")) else s


@lru_cache(maxsize=8192)
def _sound(ch: str) -> str | None:
    """The character's common reading only: the rare ones make nearly anything sound alike
    (能 can be read "tai", 大 "dai")."""
    reading = primary(ch)
    return _loose(reading) if reading else None


@dataclass(frozen=True)
class Homophones:
    by_sound: dict[tuple[str, str], tuple[str, ...]]  # the first two characters' sounds -> words, longest first

    @classmethod
    def of(cls, phrases: dict[str, list[tuple[str, object]]]) -> "Homophones":
        words: dict[tuple[str, str], list[str]] = {}
        for phrase, tags in phrases.items():
            if len(phrase) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in phrase) \
                    and any(tag in _TAGS for tag, _ in tags):
                if (key := _key(phrase, 0)) is not None:
                    words.setdefault(key, []).append(phrase)
        return cls({k: tuple(sorted(w, key=len, reverse=True)) for k, w in words.items()})

    def mend(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        """`text` with each unknown run that sounds like a lexicon word written as that word;
        `spans`: what the lexicon already reads (start, end, tag). A known word may sit inside the
        word heard ("遮阳脸": 遮阳 is known, 遮阳帘 is meant), never across its edge."""
        known = [(a, b) for a, b, _ in spans]
        taken = [False] * len(text)
        for a, b in known:
            for i in range(a, b):
                taken[i] = True
        if all(taken[i] or not "\u4e00" <= ch <= "\u9fff" for i, ch in enumerate(text)):
            return text  # every character read already: most turns
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(text):
            hit = self._word_at(text, i, taken, known)
            if hit is None:
                i += 1
                continue
            found.append((i, i + len(hit), hit))
            i += len(hit)
        kept = [(a, b) for a, b, tag in spans if tag in _NEIGHBOURS
                and not any(x <= a and b <= y for x, y, _ in found)]
        words = kept + [(a, b) for a, b, _ in found]
        out, at = [], 0
        for a, b, word in found:
            if len(word) == 2 and not _beside(text, a, b, [w for w in words if w != (a, b)]):
                continue
            out += [text[at:a], word]
            at = b
        return "".join(out) + text[at:]

    def _word_at(self, text: str, i: int, taken: list[bool], known: list[tuple[int, int]]) -> str | None:
        """The longest lexicon word that the characters from `i` sound like, one of those that
        differ at least unknown to the lexicon ("紧不加热": 不 is a word, 颈部加热 is meant)."""
        if taken[i] and not any(a == i for a, _ in known):
            return None
        for word in self.by_sound.get(_key(text, i), ()):  # longest first: the first that fits
            end = i + len(word)
            said = text[i:end]
            if end > len(text) or said == word or any(a < end < b or a < i < b for a, b in known):
                continue
            differ = [k for k, (a, b) in enumerate(zip(said, word), i) if a != b]
            if any(not taken[k] for k in differ) and \
                    all(_sound(text[k]) is not None and _sound(text[k]) == _sound(word[k - i]) for k in differ):
                return word
        return None


def _key(text: str, i: int) -> tuple[str, str] | None:
    """The sounds of the two characters from `i`: where a word that sounds alike is looked up."""
    if i + 1 >= len(text) or (a := _sound(text[i])) is None or (b := _sound(text[i + 1])) is None:
        return None
    return a, b


def _beside(text: str, a: int, b: int, others: list[tuple[int, int]]) -> bool:
    """Another word starts right after [a, b) or ends right before it, a 的 between allowed."""
    after = {b, b + 1} if text[b:b + 1] == _LINK else {b}
    before = {a, a - 1} if a and text[a - 1] == _LINK else {a}
    return any(x in after or y in before for x, y in others)
