"""Scoring the understanding on labelled logs (the `train --add` format with `slots`): intent
accuracy and macro-F1, slot F1, and the wrong-action rate, for the rules alone, the model alone
or both (`smartcabin score-logs`). A session's turns are read in order, each with the domain
the previous reading had, as in the car."""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .capabilities import load_catalog
from .datafiles import json_lines
from .model.classifier import NONE, reading_label
from .names import NameLibrary
from .understanding.entities import NameIndex, normal, sound_key
from .understanding.lexicon import load_lexicon
from .understanding.naming import index_for, phone_digits
from .understanding.router import EdgeUnderstanding
from .understanding.types import Intent

def label_for(it: Intent | None) -> str:
    """The log label of a reading: capability:op as `train --add` writes it."""
    return NONE if it is None else reading_label(it.cap, it.op)


def same_name(got: str, said: str, slot: str, lang: str, names: NameIndex | None = None) -> bool:
    """`got` (the reading) names what was `said` (the label): the same digits, the same
    letters or sound, the library's spelling of it ("老爸" is 爸爸), or the saved place it means."""
    if slot == "number":
        return (phone_digits(got, lang) or got) == (phone_digits(said, lang) or said)
    if normal(got) == normal(said):
        return True
    ka, kb = sound_key(normal(got)), sound_key(normal(said))
    if ka is not None and ka == kb:
        return True
    if names is not None and any(m.entry.name == got for m in names.whole(said, lang)):
        return True
    saved = {"HOME": "home_words", "WORK": "work_words"}.get(got)
    return saved is not None and said.lower() in load_lexicon(lang).words.get(saved, ())


@dataclass
class LogScore:
    turns: int = 0
    intent_right: int = 0
    exact: int = 0  # intent and every slot right
    wrong_actions: int = 0  # an action other than the one asked for (or one where none was)
    slot_tp: int = 0
    slot_fp: int = 0
    slot_fn: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted)
    sources: Counter = field(default_factory=Counter)
    by_lang: dict[str, "LogScore"] = field(default_factory=dict)

    def macro_f1(self) -> float:
        labels = {g for g, _ in self.confusion}
        f1s = []
        for lb in labels:
            tp = self.confusion[(lb, lb)]
            fp = sum(n for (g, p), n in self.confusion.items() if p == lb and g != lb)
            fn = sum(n for (g, p), n in self.confusion.items() if g == lb and p != lb)
            f1s.append(2 * tp / max(1, 2 * tp + fp + fn))
        return sum(f1s) / max(1, len(f1s))

    def slot_f1(self) -> float:
        return 2 * self.slot_tp / max(1, 2 * self.slot_tp + self.slot_fp + self.slot_fn)

    def to_dict(self) -> dict[str, Any]:
        n = max(1, self.turns)
        return {"turns": self.turns, "intent_accuracy": round(self.intent_right / n, 4),
                "intent_macro_f1": round(self.macro_f1(), 4), "slot_f1": round(self.slot_f1(), 4),
                "exact": round(self.exact / n, 4), "wrong_action_rate": round(self.wrong_actions / n, 4),
                "sources": dict(self.sources),
                **({"by_lang": {k: v.to_dict() for k, v in sorted(self.by_lang.items())}} if self.by_lang else {})}


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The labelled lines of a file; a line without a text, or with slots that are not text,
    is reported and skipped (training refuses a file with a line without a text)."""
    out = []
    for n, row in json_lines(path):
        slots = row.get("slots", {}) if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not isinstance(slots, dict) \
                or not all(isinstance(v, str) for v in slots.values()):
            print(f"{path}:{n}: skipped (needs a text, and slots as text)", file=sys.stderr)
            continue
        out.append(row)
    return out


def score(rows: list[dict[str, Any]], edge: EdgeUnderstanding, library: NameLibrary | None = None) -> LogScore:
    names = index_for(library) if library is not None else None
    out = LogScore()
    context: dict[str, str | None] = {}
    awaiting: dict[str, str | None] = {}  # as the assistant does, for the next turn only
    following: dict[str, str | None] = {}
    for row in rows:
        text, gold = row["text"], row.get("intent", NONE)
        session = str(row.get("session", ""))
        lang = row.get("lang") if row.get("lang") in ("zh", "en") else ("en" if text.isascii() else "zh")
        u = edge.understand(text, context.get(session), names=names, awaits=awaiting.get(session),
                            follows=following.get(session))
        awaiting[session] = following[session] = None
        it = u.intents[0] if u.intents and u.act in ("command", "query") else None
        for board in (out, out.by_lang.setdefault(lang, LogScore())):
            _count(board, row, it, gold, u.source, lang, names)
        if it is not None and it.cap in load_catalog():
            cap = load_catalog()[it.cap]
            context[session] = cap.domain
            # as the assistant does: a name-taking request without its name awaits it next turn
            awaiting[session] = cap.id if cap.takes_names() and not it.slots else None
            following[session] = cap.id if cap.takes_names() and it.slots else None
    return out


def _count(out: LogScore, row: dict[str, Any], it: Intent | None, gold: str, source: str, lang: str,
           names: NameIndex | None) -> None:
    got = label_for(it)
    out.turns += 1
    out.sources[source] += 1
    out.confusion[(gold, got)] += 1
    out.intent_right += got == gold
    out.wrong_actions += got != NONE and got != gold and not got.endswith(":query")
    want = dict(row.get("slots") or {})
    have = dict(it.slots) if it is not None else {}
    if "number" in have and "contact" in have and "number" not in want:
        have.pop("number")  # the library's number for a named contact: not said
    right = {k for k, v in want.items() if k in have and same_name(have[k], v, k, lang, names)}
    out.slot_tp += len(right)
    out.slot_fn += len(want) - len(right)
    out.slot_fp += len(have) - len(right)
    out.exact += got == gold and len(right) == len(want) == len(have)
