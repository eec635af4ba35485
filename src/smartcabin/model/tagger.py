"""The slot tagger: which words of a request are its names (a song, a singer, a place, a
contact, a phone number), learned from tagged sentences and `train --add` logs.

A linear tagger over hashed features of each token (Chinese characters, English words): the
token and its neighbours, character pairs, the request's capability, the previous turn's
domain, and whether the car's own names (`understanding/entities.py`) cover the token. Scores
per token go through Viterbi decoding under the B/I/O rule (an I- only continues its own
slot). It costs tens of microseconds a sentence; only features seen in training are stored.
The catalog's text parameters are its slots; values are never made up, only cut from the text.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

BUCKETS = 1 << 20
_TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9'’&.+-]+|\d+")
_CN_DIGITS = set("零〇幺一二两三四五六七八九")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Chinese characters one by one; Latin words and digit runs whole."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _shape(t: str) -> str:
    if t in _CN_DIGITS:
        return "cnd"
    if t.isdigit():
        return "d"
    if "\u3400" <= t[0] <= "\u9fff":
        return "h"
    return "A" if t[:1].isupper() else "a"


def token_features(toks: Sequence[Token], cap: str | None, prev_domain: str | None,
                   gazette: Sequence[set[str]]) -> list[list[str]]:
    """The feature names of each token (hashed by `hashed`). `gazette[i]`: the library kinds
    covering token i, as B-kind / I-kind."""
    low = [t.text.lower() for t in toks]
    n = len(low)
    pad = ["<s>", "<s>"] + low + ["</s>", "</s>"]
    shapes = [_shape(t.text) for t in toks]
    out = []
    c = cap or "-"
    for i in range(n):
        w = low[i]
        p1, p2, n1, n2 = pad[i + 1], pad[i], pad[i + 3], pad[i + 4]
        f = ["b", f"w={w}", f"p1={p1}", f"p2={p2}", f"n1={n1}", f"n2={n2}", f"pw={p1}|{w}", f"wn={w}|{n1}",
             f"pp={p2}|{p1}", f"nn={n1}|{n2}", f"s={shapes[i]}", f"ps={shapes[i - 1] if i else '<s>'}|{shapes[i]}",
             f"c={c}", f"cw={c}|{w}", f"cp1={c}|{p1}", f"cn1={c}|{n1}", f"ctx={prev_domain or '-'}"]
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        for g in gazette[i] if gazette else ():
            f += [f"g={g}", f"cg={c}|{g}"]
        out.append(f)
    return out


def marks(toks: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[set[str]]:
    """The gazette: for each token, the kinds of the known names (start, end, kind) covering
    it, as B-kind at a name's first token and I-kind after."""
    out: list[set[str]] = [set() for _ in toks]
    for start, end, kind in spans:
        inside = [i for i, t in enumerate(toks) if t.start >= start and t.end <= end]
        for n, i in enumerate(inside):
            out[i].add(("B-" if n == 0 else "I-") + kind)
    return out


def hashed(names: Iterable[str]) -> np.ndarray:
    return np.fromiter((zlib.crc32(s.encode()) % BUCKETS for s in names), dtype=np.int64)


def allowed(labels: Sequence[str]) -> np.ndarray:
    """allowed[a, b]: label b may follow label a (I-x continues B-x or I-x only)."""
    n = len(labels)
    ok = np.ones((n + 1, n), bool)  # row n: the start of the sentence
    for b, lb in enumerate(labels):
        if lb.startswith("I-"):
            slot = lb[2:]
            for a in range(n + 1):
                ok[a, b] = a < n and labels[a] in (f"B-{slot}", f"I-{slot}")
    return ok


@dataclass
class SlotTagger:
    labels: list[str]  # "O", "B-track", "I-track", ...
    ids: np.ndarray  # (k,) sorted feature buckets seen in training
    weights: np.ndarray  # (k, labels) float32

    def __post_init__(self) -> None:
        self._allowed = allowed(self.labels)

    def scores(self, feats: list[list[str]]) -> np.ndarray:
        out = np.zeros((len(feats), len(self.labels)), np.float32)
        for i, names in enumerate(feats):
            h = hashed(names)
            at = np.searchsorted(self.ids, h)
            at = np.minimum(at, len(self.ids) - 1)
            known = self.ids[at] == h
            out[i] = self.weights[at[known]].sum(0)
        return out

    def decode(self, scores: np.ndarray) -> list[str]:
        """The best B/I/O sequence (Viterbi over the allowed transitions)."""
        n, k = scores.shape
        if n == 0:
            return []
        neg = np.float32(-1e9)
        best = np.where(self._allowed[k], scores[0], neg)
        back = np.zeros((n, k), np.int64)
        for i in range(1, n):
            cand = np.where(self._allowed[:k], best[:, None], neg)  # (from, to)
            back[i] = cand.argmax(0)
            best = cand.max(0) + scores[i]
        path = [int(best.argmax())]
        for i in range(n - 1, 0, -1):
            path.append(int(back[i, path[-1]]))
        return [self.labels[j] for j in reversed(path)]

    def tag(self, text: str, cap: str | None, prev_domain: str | None = None,
            gazette: Sequence[set[str]] | None = None) -> dict[str, str]:
        """The slots of the text, each cut from it (the first span of a slot wins)."""
        toks = tokens(text)
        if not toks or len(self.ids) == 0:
            return {}
        gz = gazette if gazette is not None else [set() for _ in toks]
        labels = self.decode(self.scores(token_features(toks, cap, prev_domain, gz)))
        return spans_of(text, toks, labels)

    def save_arrays(self) -> dict[str, np.ndarray]:
        return {"tag_labels": np.array(self.labels), "tag_ids": self.ids.astype(np.int32),
                "tag_w": self.weights.astype(np.float16)}

    @classmethod
    def from_arrays(cls, z: "np.lib.npyio.NpzFile") -> "SlotTagger | None":
        if "tag_ids" not in z.files:  # models trained before the tagger
            return None
        return cls([str(x) for x in z["tag_labels"]], z["tag_ids"].astype(np.int64), z["tag_w"].astype(np.float32))


def spans_of(text: str, toks: Sequence[Token], labels: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    i = 0
    while i < len(toks):
        lb = labels[i]
        if lb.startswith("B-"):
            slot, j = lb[2:], i + 1
            while j < len(toks) and labels[j] == f"I-{slot}":
                j += 1
            out.setdefault(slot, text[toks[i].start:toks[j - 1].end])
            i = j
        else:
            i += 1
    return out


def bio(text: str, toks: Sequence[Token], slots: dict[str, str]) -> list[str] | None:
    """The B/I/O labels of a tagged sentence; None when a slot value is not a run of its tokens."""
    labels = ["O"] * len(toks)
    for slot, value in slots.items():
        at = text.find(value) if value else -1
        if at < 0:
            return None
        inside = [i for i, t in enumerate(toks) if t.start >= at and t.end <= at + len(value)]
        if not inside or toks[inside[0]].start != at or toks[inside[-1]].end != at + len(value):
            return None
        for n, i in enumerate(inside):
            labels[i] = ("B-" if n == 0 else "I-") + slot
    return labels
