"""Compile a language's lexicon (data/lexicon/<lang>.yaml) into fast matchers.

Every phrase goes into one dictionary (phrase -> tags) that the tagger looks substrings
up in; the verbs that open free-text requests and each mode's options become regexes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..datafiles import load_yaml
from .homophones import Homophones
# YAML list key -> span tag
_FLAT = {
    "all_words": "all", "plural": "plural", "too_words": "too",
    "undo_words": "undo", "yes_words": "yes", "no_words": "no", "negations": "neg",
    "question_words": "q", "dou_words": "dou", "llm_requests": "llm", "fillers": "filler", "separators": "sep", "injection": "inject",
    "third_party": "other", "only_words": "only",
}
# YAML mapping key (name -> phrases) -> span tag
_KEYED = {"devices": "dev", "ops": "op", "zones": "zone", "presets": "preset",
          "magnitudes": "mag", "colors": "color", "services": "svc"}


@dataclass
class Lexicon:
    lang: str
    tags: dict[str, list[tuple[str, Any]]]  # phrase -> [(tag, payload)]
    options: dict[str, tuple[re.Pattern[str], dict[str, str]]]  # cap -> (regex, phrase -> option)
    raw: dict[str, Any] = field(repr=False)
    max_len: int = 1
    verbs: dict[str, re.Pattern[str]] = field(default_factory=dict)  # play/nav/call at clause start
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plain phrase lists
    slips: tuple[re.Pattern[str], dict[str, str]] | None = None  # ASR homophone slip -> the word meant
    unsupported: re.Pattern[str] | None = None  # things this car lacks, matched before numbers are read
    past: re.Pattern[str] | None = None  # words that place a sentence in the past ("yesterday", "上次")
    homophones: Homophones | None = None  # zh: a word misheard as one that sounds like it

    def fix_slips(self, text: str) -> str:
        """"把空掉打开" is 空调: speech recognition swaps homophones; read the word meant."""
        if self.slips is None:
            return text
        pattern, table = self.slips
        return pattern.sub(lambda m: table[m.group(0)], text)

    def tells_of_past(self, text: str) -> bool:
        return self.past is not None and self.past.search(text.lower()) is not None

    def bounded(self, alternation: str) -> str:
        if self.lang == "zh":
            return f"(?:{alternation})"
        return rf"(?<![\w'])(?:{alternation})(?![\w'])"


def _alternation(phrases: list[str]) -> str:
    uniq = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    return "|".join(re.escape(p) for p in uniq)


def _compile(lang: str, raw: dict[str, Any]) -> Lexicon:
    tags: dict[str, list[tuple[str, Any]]] = {}

    def add(phrase: Any, tag: str, payload: Any = None) -> None:
        entry = (tag, payload)
        bucket = tags.setdefault(str(phrase).lower(), [])
        if entry not in bucket:
            bucket.append(entry)

    for key, tag in _FLAT.items():
        for phrase in raw.get(key, []):
            add(phrase, tag)
    for key, tag in _KEYED.items():
        for name, phrases in raw.get(key, {}).items():
            for phrase in phrases:
                add(phrase, tag, name)
    for phrase, intents in raw.get("phrases", {}).items():
        add(phrase, "phrase", intents)
    for phrase, caps in raw.get("ambiguous_devices", {}).items():
        add(phrase, "adev", tuple(caps))

    for key, tag in (("artists", "artist"), ("genres", "genre")):
        for phrase in raw.get(key, []):
            add(phrase, tag, str(phrase).lower())
    lex = Lexicon(lang=lang, tags=tags, options={}, raw=raw)
    lex.max_len = max(len(p) for p in tags)
    for cap, opts in raw.get("options", {}).items():
        table = {str(p).lower(): name for name, phrases in opts.items() for p in phrases}
        for phrase in table:
            add(phrase, "opt", cap)
        lex.options[cap] = (re.compile(lex.bounded(_alternation(list(table)))), table)
    for key in ("play_verbs", "nav_verbs", "call_verbs", "call_suffixes", "call_prefixes"):
        if raw.get(key):
            lex.verbs[key] = re.compile(lex.bounded(_alternation([str(p).lower() for p in raw[key]])))
    for key in ("home_words", "work_words", "media_nouns", "genres", "artists", "fillers", "not_titles", "not_places",
                "there_words", "call_alone", "nobody_named", "not_names", "later_words", "play_leads", "place_leads", "particle_followers", "pronouns", "harmless_modifiers"):
        lex.words[key] = tuple(str(p).lower() for p in raw.get(key, []))
    # longest first, once: strip_fillers tries them in this order on every clause
    lex.words["fillers"] = tuple(sorted(lex.words["fillers"], key=len, reverse=True))
    lex.words.update({f"marker_{k}": tuple(v) for k, v in raw.get("media_markers", {}).items()})
    if raw.get("past_words"):
        lex.past = re.compile(lex.bounded(_alternation([str(p).lower() for p in raw["past_words"]])))
    if raw.get("unsupported"):
        lex.unsupported = re.compile(lex.bounded(_alternation([str(p).lower() for p in raw["unsupported"]])))
    if lang == "zh":
        lex.homophones = Homophones.of(lex.tags)
    slips = {str(s): str(w) for w, subs in raw.get("asr_slips", {}).items() for s in subs}
    if slips:
        lex.slips = (re.compile(_alternation(list(slips))), slips)
    return lex


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a.get(k), b.get(k)) if k in a and k in b else a.get(k, b.get(k))
                for k in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return a + [x for x in b if x not in a]
    return a


@lru_cache(maxsize=None)
def load_lexicon(lang: str) -> Lexicon:
    """`zh`, `en`, or `mixed`: both vocabularies for sentences like "play 周杰伦的稻香",
    read the Chinese way (no spaces needed) with English words kept whole."""
    if lang == "mixed":
        raw = _merge(load_yaml("smartcabin.data.lexicon", "zh.yaml"), load_yaml("smartcabin.data.lexicon", "en.yaml"))
        return _compile("zh", raw)
    raw = load_yaml("smartcabin.data.lexicon", f"{lang}.yaml")
    return _compile(lang, raw)
