"""Training the slot tagger (training only: the running car loads `SlotTagger` from the model
file and never imports this). An averaged structured perceptron: decode with the current
weights, move them toward the true labels where the decoding differs, average over all steps."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from ..model.tagger import SlotTagger, bio, hashed, token_features, tokens


@dataclass
class Tagged:
    text: str
    cap: str | None
    slots: dict[str, str]
    prev_domain: str | None = None
    gazette: list[set[str]] = field(default_factory=list)  # per token; empty: none


def _prepared(rows: list[Tagged]) -> tuple[list[str], list[tuple[list[np.ndarray], list[int]]]]:
    slots = sorted({s for r in rows for s in r.slots})
    labels = ["O"] + [f"{p}-{s}" for s in slots for p in ("B", "I")]
    index = {l: i for i, l in enumerate(labels)}
    data = []
    for r in rows:
        toks = tokens(r.text)
        gold = bio(r.text, toks, r.slots) if toks else None
        if gold is None:
            continue
        gz = r.gazette if len(r.gazette) == len(toks) else [set() for _ in toks]
        feats = [hashed(f) for f in token_features(toks, r.cap, r.prev_domain, gz)]
        data.append((feats, [index[g] for g in gold]))
    return labels, data


def fit_tagger(rows: list[Tagged], seed: int = 0, epochs: int = 6) -> SlotTagger:
    labels, data = _prepared(rows)
    buckets = np.unique(np.concatenate([f for feats, _ in data for f in feats])) if data else np.zeros(0, np.int64)
    rows_of = {int(b): i for i, b in enumerate(buckets)}
    data = [([np.array([rows_of[int(x)] for x in f]) for f in feats], gold) for feats, gold in data]
    k = len(labels)
    w = np.zeros((len(buckets), k), np.float32)
    acc = np.zeros_like(w)  # the sum of step * update, for the average
    tagger = SlotTagger(labels, np.zeros(0, np.int64), np.zeros((0, k), np.float32))
    index = {l: i for i, l in enumerate(labels)}
    rng = random.Random(seed)
    step = 1
    for _ in range(epochs):
        rng.shuffle(data)
        for feats, gold in data:
            scores = np.stack([w[f].sum(0) for f in feats])
            guess = [index[l] for l in tagger.decode(scores)]
            for f, g, p in zip(feats, gold, guess):
                if g != p:
                    w[f, g] += 1
                    w[f, p] -= 1
                    acc[f, g] += step
                    acc[f, p] -= step
            step += 1
    avg = w - acc / step
    used = np.abs(avg).sum(1) > 1e-6  # features that never moved a decision are not stored
    return SlotTagger(labels, buckets[used].astype(np.int64), avg[used].astype(np.float32))
