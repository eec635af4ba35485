"""A cheap first look before the embedding: hashed character n-grams and a logistic
regression that recognises plain talk ("tell me a joke", "宝宝别哭了"). The sentence
embedding costs 10-25 ms on a car CPU; the gate costs tens of microseconds, so talk that is
obviously not for the car is routed away without it."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

BUCKETS = 1 << 18
_WORDS = re.compile(r"[a-z0-9']+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def grams(text: str, word_pairs: bool = False) -> list[str]:
    """Character uni-/bi-grams (Chinese) and words and 3-grams (English); `word_pairs` adds
    English word bigrams (the fast reader's "turn on" against "turn off")."""
    t = text.lower()
    out: list[str] = []
    han = "".join(_CJK.findall(t))
    out += [f"c{ch}" for ch in han] + [f"b{han[i:i + 2]}" for i in range(len(han) - 1)]
    words = _WORDS.findall(t)
    for w in words:
        out.append(f"w{w}")
        padded = f"<{w}>"
        out += [f"t{padded[i:i + 3]}" for i in range(len(padded) - 2)]
    if word_pairs:
        out += [f"p{a} {b}" for a, b in zip(words, words[1:])]
    return out or ["<empty>"]


def hashed(names: list[str]) -> np.ndarray:
    return np.fromiter((zlib.crc32(g.encode()) % BUCKETS for g in names), dtype=np.int64, count=len(names))


def features(text: str) -> np.ndarray:
    """Hashed ids of the sentence's n-grams (`grams`)."""
    return hashed(grams(text))


@dataclass
class Gate:
    weights: np.ndarray  # (BUCKETS,) float32
    bias: float
    threshold: float  # skip the embedding when P(talk) is at least this

    def talk_probability(self, text: str) -> float:
        z = float(self.weights[features(text)].sum()) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


def fit_gate(texts: list[str], is_talk: np.ndarray, rng: np.random.Generator, epochs: int = 8,
             lr: float = 0.05, decay: float = 1e-6) -> tuple[np.ndarray, float]:
    """Logistic regression with sparse updates (numpy only)."""
    feats = [features(t) for t in texts]
    w = np.zeros(BUCKETS, np.float32)
    b = 0.0
    for _ in range(epochs):
        for i in rng.permutation(len(texts)):
            f = feats[i]
            p = 1.0 / (1.0 + np.exp(-(w[f].sum() + b)))
            g = p - is_talk[i]
            np.subtract.at(w, f, lr * g)
            b -= lr * g
        w *= (1 - decay)
    return w, b


def choose_threshold(gate: Gate, texts: list[str], is_talk: np.ndarray, miss_budget: float = 0.005) -> float:
    """The lowest P(talk) at which at most `miss_budget` of car requests would skip the model."""
    scores = np.array([gate.talk_probability(t) for t in texts])
    car = scores[is_talk == 0]
    if len(car) == 0:
        return 0.99
    return float(min(0.995, max(0.5, np.quantile(car, 1 - miss_budget) + 1e-3)))
