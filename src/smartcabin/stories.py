"""Children's stories told offline: Aesop's fables, Grimm's fairy tales and classic Chinese fables.

The tales are in the public domain; the retellings in data/stories/{en,zh}.yaml were written
for this project (sources: data/stories/README.md). A request picks a story by its topics or
title ("a story about foxes", "讲个关于老虎的故事"); while driving, a story is told two sentences
at a time so the assistant can ask whether to go on.
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

LANGS = ("en", "zh")
DRIVING_CHUNK = 2  # sentences per part while driving
MAX_REQUEST_CHARS = 1000  # a spoken request is short; only its start is searched for topics

TITLE_WEIGHT = 3  # naming the tale itself outweighs any one topic word
TOPIC_WEIGHT = 1

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z]+")
# Everyday Chinese words that contain a one-character topic but do not mean it (马上 = "at once").
_ZH_FALSE_FRIENDS = ("马上", "马路", "马达", "鼠标")
_ARTICLES = frozenset({"the", "a", "an"})
_IRREGULAR = {
    "mice": "mouse", "geese": "goose", "wolves": "wolf", "elves": "elf", "calves": "calf",
    "leaves": "leaf", "knives": "knife", "lives": "life", "children": "child", "men": "man",
    "women": "woman", "oxen": "ox", "feet": "foot", "teeth": "tooth",
}


@dataclass(frozen=True)
class Story:
    """One retold tale in one language."""

    id: str
    lang: str
    title: str
    source: str
    topics: tuple[str, ...]
    sentences: tuple[str, ...]


def _lang(lang: str) -> str:
    """en or zh from "en", "zh-CN", "EN_us"...; ValueError for a language without stories."""
    base = re.split(r"[-_]", str(lang).strip().lower(), maxsplit=1)[0]
    if base not in LANGS:
        raise ValueError(f"no stories in language {lang!r}; have {', '.join(LANGS)}")
    return base


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what}: expected a non-empty string, got {value!r}")
    return value.strip()


def _texts(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{what}: expected a non-empty list, got {value!r}")
    return tuple(_text(v, f"{what}[{i}]") for i, v in enumerate(value))


@lru_cache(maxsize=None)
def _load(lang: str) -> tuple[Story, ...]:
    name = f"{lang}.yaml"
    raw = yaml.safe_load(resources.files("smartcabin.data.stories").joinpath(name).read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{name}: expected a list of stories")
    stories = []
    for i, entry in enumerate(raw):
        where = f"{name} entry {i}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping, got {entry!r}")
        where = f"{name} {entry.get('id', i)!r}"
        stories.append(Story(
            id=_text(entry.get("id"), f"{where} id"),
            lang=lang,
            title=_text(entry.get("title"), f"{where} title"),
            source=_text(entry.get("source"), f"{where} source"),
            topics=tuple(t.lower() for t in _texts(entry.get("topics"), f"{where} topics")),
            sentences=_texts(entry.get("sentences"), f"{where} sentences"),
        ))
    return tuple(stories)


def load_stories(lang: str) -> tuple[Story, ...]:
    """All stories in a language (en or zh), in file order; read once, then cached."""
    return _load(_lang(lang))


# -- matching ---------------------------------------------------------------------------------

def _forms(word: str) -> frozenset[str]:
    """A word and its likely singulars: foxes -> fox, ponies -> pony, mice -> mouse."""
    forms = {word}
    if word in _IRREGULAR:
        forms.add(_IRREGULAR[word])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
        if word.endswith("ves"):
            forms.update((word[:-3] + "f", word[:-3] + "fe"))
    return frozenset(forms)


@dataclass(frozen=True)
class _Index:
    """Match keys of one language: CJK strings (found as substrings) and Latin word sequences."""

    cjk: tuple[tuple[str, dict[int, int]], ...]  # key -> {story index: weight}
    latin: tuple[tuple[tuple[frozenset[str], ...], dict[int, int]], ...]
    topic_keys: frozenset[str]  # keys that come from topics (the rest come from titles only)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _title_key(title: str) -> str:
    if _CJK.search(title):
        return _norm(title)
    words = _LATIN_WORD.findall(_norm(title))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=None)
def _index(lang: str) -> _Index:
    keys: dict[str, dict[int, int]] = {}
    topic_keys = set()
    for i, story in enumerate(_load(lang)):
        weighted = [(_norm(t), TOPIC_WEIGHT) for t in story.topics]
        topic_keys.update(k for k, _ in weighted)
        weighted.append((_title_key(story.title), TITLE_WEIGHT))
        for key, weight in weighted:
            if key:
                slot = keys.setdefault(key, {})
                slot[i] = max(slot.get(i, 0), weight)
    cjk, latin = [], []
    for key, stories in keys.items():
        if _CJK.search(key):
            cjk.append((key, stories))
        else:
            words = _LATIN_WORD.findall(key)
            if words:
                latin.append((tuple(_forms(w) for w in words), stories))
    return _Index(tuple(cjk), tuple(latin), frozenset(topic_keys))


def _unsubsumed(spans: list[tuple[int, int, int]]) -> set[int]:
    """Keys (by number) with an occurrence not inside a longer matched span: 山羊 hides 羊."""
    keep = set()
    for start, end, key in spans:
        if key in keep:
            continue
        if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans):
            keep.add(key)
    return keep


def _scores(request: object, lang: str) -> dict[int, int]:
    """Story index -> match score for the request; empty when nothing matched."""
    if not isinstance(request, str):
        return {}
    text = _norm(request[:MAX_REQUEST_CHARS])
    for word in _ZH_FALSE_FRIENDS:
        text = text.replace(word, " " * len(word))
    index = _index(lang)
    scores: dict[int, int] = {}

    def add(stories: dict[int, int]) -> None:
        for i, weight in stories.items():
            scores[i] = scores.get(i, 0) + weight

    spans = []
    for n, (key, _) in enumerate(index.cjk):
        at = text.find(key)
        while at >= 0:
            spans.append((at, at + len(key), n))
            at = text.find(key, at + 1)
    for n in _unsubsumed(spans):
        add(index.cjk[n][1])

    tokens = [_forms(w) for w in _LATIN_WORD.findall(text)]
    spans = []
    for n, (words, _) in enumerate(index.latin):
        for at in range(len(tokens) - len(words) + 1):
            if all(w & tokens[at + j] for j, w in enumerate(words)):
                spans.append((at, at + len(words), n))
    for n in _unsubsumed(spans):
        add(index.latin[n][1])
    return scores


def _safe_lang(lang: object) -> str:
    try:
        return _lang(lang)  # type: ignore[arg-type]
    except ValueError:
        return "en"


def topic_matched(request: str, lang: str) -> bool:
    """Whether the request names any story's topic (or title): "a fox story", "讲个老虎的故事"."""
    return bool(_scores(request, _safe_lang(lang)))


def choose(request: str, lang: str, seed: int | None = None,
           exclude: frozenset[str] = frozenset()) -> Story:
    """The story that best matches the request's words; a random one when none match.

    Ties are broken at random (seeded when `seed` is given). Stories whose ids are in `exclude`
    (those already told) are skipped while any other is left, so "another story" is a new one,
    even if that means leaving the topic once all of its stories have been told. Never raises
    for any request; an unknown language falls back to English.
    """
    stories = load_stories(_safe_lang(lang))
    try:
        told = frozenset(exclude) if not isinstance(exclude, str) else frozenset({exclude})
    except TypeError:
        told = frozenset()
    pool = [i for i, s in enumerate(stories) if s.id not in told] or list(range(len(stories)))
    scores = _scores(request, stories[0].lang)
    best = max(scores.get(i, 0) for i in pool)
    candidates = [i for i in pool if scores.get(i, 0) == best]
    return stories[random.Random(seed).choice(candidates)]


def parts(story: Story, driving: bool) -> list[str]:
    """The story as spoken parts: all of it at once when parked, two sentences at a time while
    driving (the assistant tells one part, then asks whether to go on)."""
    sep = "" if story.lang == "zh" else " "
    if not driving:
        return [sep.join(story.sentences)]
    step = DRIVING_CHUNK
    return [sep.join(story.sentences[i:i + step]) for i in range(0, len(story.sentences), step)]


def sources(stories: Iterable[Story]) -> list[str]:
    """The distinct sources of some stories, in order of first appearance."""
    return list(dict.fromkeys(s.source for s in stories))
