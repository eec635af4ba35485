"""The fast reader: an intent classifier over hashed n-grams, asked before the embedding.

fastText-style: each hashed n-gram of the sentence (gate.grams, plus English word pairs and
the previous turn's domain) has a small vector; their mean goes through one linear layer to
the same labels as the MLP, `none` included. It costs tens of microseconds a sentence against
10-25 ms for the sentence embedding, so a turn it reads with high calibrated confidence
does not pay for the embedding; anything else still goes to the embedding and the MLP
(the router also asks that the parser's verb agree before the reader acts alone).

Only the n-grams seen in training are stored (sorted bucket ids and their vectors). An
n-gram never seen adds nothing but still counts in the mean, so a sentence of unknown words
("turn on the flux capacitor") reads with less confidence, never more; and an action is read
alone only from a sentence mostly of known n-grams (`Evidence`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gate import grams, hashed


def reader_grams(text: str, prev_domain: str | None) -> list[str]:
    """The gate's n-grams, English word pairs ("turn on" vs "turn off" the same words), and the
    previous domain (a bare song name after music is a request)."""
    extra = [f"@{prev_domain}"] if prev_domain and prev_domain != "None" else []
    return grams(text, word_pairs=True) + extra


def reader_features(text: str, prev_domain: str | None) -> np.ndarray:
    return hashed(reader_grams(text, prev_domain))


def _spans_two_letters(gram: str) -> bool:
    """A Chinese bigram, an English word of two letters or more, a word pair, "<op": not one letter."""
    return gram[0] != "@" and len(gram[1:].replace("<", "").replace(">", "")) >= 2


MIN_KNOWN = 3  # n-grams seen in training that an action read alone must rest on


@dataclass(frozen=True)
class Evidence:
    """How much of a sentence the reader was taught: a confident reading of a few single
    letters in a string of symbols ("💼?嵅f", "d凤") is no request."""
    known: int  # the sentence's n-grams seen in training
    grams: int  # all of them
    spans: int = 0  # known n-grams that span two letters or more

    @property
    def enough(self) -> bool:
        return self.known >= MIN_KNOWN and 2 * self.known >= self.grams and self.spans >= 1


@dataclass
class FastReader:
    ids: np.ndarray  # (n,) sorted int64 bucket ids of the n-grams seen in training
    vectors: np.ndarray  # (n, dim) float32
    w: np.ndarray  # (dim, labels)
    b: np.ndarray  # (labels,)
    temperature: float = 1.0
    threshold: float = 1.1  # a request this probable is read without the embedding
    doubt: float = 0.0  # no request more probable than this: not for the car, no embedding

    def sure(self, confidence: float, evidence: Evidence) -> bool:
        """Whether its request stands without the embedding."""
        return confidence >= self.threshold and evidence.enough

    def decides(self, probs: np.ndarray, none_index: int, evidence: Evidence) -> bool:
        """Sure of its request, or that no request is plausible (before the router's own checks)."""
        if float(best_request(probs, none_index)) <= self.doubt:
            return True
        return probs.argmax() != none_index and self.sure(float(probs.max()), evidence)

    def logits(self, feats: np.ndarray) -> np.ndarray:
        at, known = self._lookup(feats)
        return self._logits(feats, at[known])

    def read(self, text: str, prev_domain: str | None) -> tuple[np.ndarray, Evidence]:
        """Calibrated label probabilities, and how much of the sentence was seen in training."""
        names = reader_grams(text, prev_domain)
        feats = hashed(names)
        at, known = self._lookup(feats)
        probs = softmax(self._logits(feats, at[known])[None, :] / self.temperature)[0]
        spans = sum(k and _spans_two_letters(g) for g, k in zip(names, known))
        return probs, Evidence(int(known.sum()), len(feats), int(spans))

    def _lookup(self, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each n-gram's row in the table, and whether it has one (was seen in training)."""
        at = np.minimum(np.searchsorted(self.ids, feats), len(self.ids) - 1)
        return at, self.ids[at] == feats

    def _logits(self, feats: np.ndarray, rows: np.ndarray) -> np.ndarray:
        # the mean over every n-gram, known or not: unknown words weaken the reading
        return self.vectors[rows].sum(axis=0) / max(1, len(feats)) @ self.w + self.b


def best_request(probs: np.ndarray, none_index: int) -> np.ndarray:
    """The probability of the most probable request (any label but `none`), per row."""
    return np.delete(probs, none_index, axis=-1).max(axis=-1)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


@dataclass
class Batch:
    """Examples as one flat array of compact feature indices with per-example offsets."""
    flat: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, rows: list[np.ndarray]) -> "Batch":
        lengths = np.array([len(r) for r in rows], np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        return cls(np.concatenate(rows), starts, lengths)

    def mean(self, table: np.ndarray) -> np.ndarray:
        return np.add.reduceat(table[self.flat], self.starts, axis=0) / self.lengths[:, None]


@dataclass
class _Adam:
    """Adam for one parameter; `rows` updates only the n-gram vectors a batch touched (lazy
    Adam), so a step costs the batch, not the table."""
    param: np.ndarray
    lr: float

    def __post_init__(self) -> None:
        self.m = np.zeros_like(self.param)
        self.v = np.zeros_like(self.param)

    def step(self, grad: np.ndarray, t: int, rows: np.ndarray | slice = slice(None)) -> None:
        self.m[rows] = 0.9 * self.m[rows] + 0.1 * grad
        self.v[rows] = 0.999 * self.v[rows] + 0.001 * grad * grad
        mh = self.m[rows] / (1 - 0.9 ** t)
        vh = self.v[rows] / (1 - 0.999 ** t)
        self.param[rows] -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def fit_reader(feats: list[np.ndarray], y: np.ndarray, weight: np.ndarray, classes: int,
               rng: np.random.Generator, dim: int = 64, epochs: int = 10, lr: float = 1e-2,
               batch: int = 64) -> FastReader:
    """Softmax over the mean n-gram vector, with Adam (numpy only; seconds for the whole set)."""
    ids, inverse = np.unique(np.concatenate(feats), return_inverse=True)
    rows = np.split(inverse.astype(np.int64), np.cumsum([len(f) for f in feats])[:-1])
    vectors = rng.normal(0, 0.1, (len(ids), dim)).astype(np.float32)
    w = rng.normal(0, np.sqrt(1 / dim), (dim, classes)).astype(np.float32)
    b = np.zeros(classes, np.float32)
    opt_v, opt_w, opt_b = _Adam(vectors, lr), _Adam(w, lr), _Adam(b, lr)
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(rows))
        for start in range(0, len(rows), batch):
            pick = order[start:start + batch]
            bt = Batch.of([rows[i] for i in pick])
            h = bt.mean(vectors)
            g = softmax(h @ w + b)
            g[np.arange(len(pick)), y[pick]] -= 1
            g *= (weight[pick] / weight[pick].sum())[:, None]
            gh = (g @ w.T) / bt.lengths[:, None]
            touched, at = np.unique(bt.flat, return_inverse=True)
            gv = np.zeros((len(touched), dim), np.float32)
            np.add.at(gv, at, np.repeat(gh, bt.lengths, axis=0))
            t += 1
            opt_w.step(h.T @ g, t)
            opt_b.step(g.sum(0), t)
            opt_v.step(gv, t, touched)
    return FastReader(ids.astype(np.int64), vectors, w, b)


def calibrate(reader: FastReader, feats: list[np.ndarray], y: np.ndarray, none_index: int = 0,
              precision: float = 0.99, miss_budget: float = 0.005) -> None:
    """On held-out data: the temperature by likelihood; the lowest confidence at which the
    reader's requests are right at least `precision` of the time (a wrong action is the worst
    outcome); and the highest `doubt` (at most 0.5) at which at most `miss_budget` of the car
    requests would be routed away (a missed request is "I can't", as with the gate)."""
    logits = np.stack([reader.logits(f) for f in feats])
    best_t, best_nll = 1.0, np.inf
    for t in np.linspace(0.5, 5.0, 46):
        p = softmax(logits / t)
        nll = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    reader.temperature = best_t
    probs = softmax(logits / best_t)
    pred, conf = probs.argmax(1), probs.max(1)
    request = best_request(probs, none_index)
    acts, car = pred != none_index, y != none_index
    reader.threshold, reader.doubt = 1.1, 0.0  # neither, unless held-out data shows a safe level
    for t in np.linspace(0.5, 0.99, 50):
        sel = acts & (conf >= t)
        if sel.sum() >= 50 and (pred[sel] == y[sel]).mean() >= precision:
            reader.threshold = float(t)
            break
    for t in np.linspace(0.5, 0.05, 46):
        if car.sum() >= 50 and (car & (request <= t)).sum() <= miss_budget * car.sum():
            reader.doubt = float(t)
            break
