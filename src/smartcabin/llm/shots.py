"""Few-shot examples for the local model, chosen per request by sentence similarity.

A 270M model cannot hold the whole catalog in its head; shown the handful of training
sentences nearest to the request, each with its call line, it mostly has to pick and
adapt. The bank is built by `smartcabin train` from the (decontaminated) training set,
with the call lines the parser reads from those sentences, and ships as one .npz.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np

from ..model.classifier import NONE
from ..model.paths import shots_path
from ..understanding.parser import parse
from . import calls

if TYPE_CHECKING:  # the bank is built at training time; the running car only reads it
    from ..training.dataset import Example

BANK_SIZE = 4000


@dataclass
class ShotBank:
    texts: list[str]
    lines: list[str]
    vectors: np.ndarray  # (n, dim), unit length

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
        """The k most similar examples, least similar first (the nearest sits next to the request)."""
        scores = self.vectors @ vector.astype(np.float32)
        top = np.argsort(-scores)[:k][::-1]
        return [(self.texts[i], self.lines[i], float(scores[i])) for i in top]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part.npz")
        np.savez_compressed(part, texts=np.array(self.texts), lines=np.array(self.lines),
                            vectors=self.vectors.astype(np.float16))
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path | None = None) -> "ShotBank":
        with np.load(path or shots_path(), allow_pickle=False) as z:
            return cls([str(t) for t in z["texts"]], [str(l) for l in z["lines"]], z["vectors"].astype(np.float32))


def line_for(example: Example) -> str | None:
    """The call line for a training sentence: `none`, or what the parser reads when that
    agrees with the sentence's label; None when there is no trustworthy line."""
    if example.label == NONE:
        return calls.NONE
    u = parse(example.text)
    rendered = [calls.render(i) for i in u.intents]
    if not rendered or any(r is None for r in rendered):
        return None
    cap = example.label.split(":")[0]
    if u.intents[0].cap != cap:
        return None
    return " ; ".join(r for r in rendered if r)


def build_bank(examples: Iterable[Example], embed: Callable[[list[str]], np.ndarray], seed: int = 0,
               size: int = BANK_SIZE) -> ShotBank:
    """Up to `size` examples: every hand-written request and talk sentence (weight > 1), then
    a seeded sample of the generated ones. Talk must be well represented: a request whose
    nearest example is talk is not a command."""
    pairs, seen = [], set()
    for e in examples:  # a bare name means a request only in context: not an example here
        if e.text not in seen and (e.prev_domain is None or e.label == NONE) and (line := line_for(e)):
            seen.add(e.text)
            pairs.append((e, line))
    keep = [p for p in pairs if p[0].weight > 1][:size]
    rest = [p for p in pairs if p[0].weight <= 1]
    random.Random(seed).shuffle(rest)
    keep += rest[:size - len(keep)]
    texts = [e.text for e, _ in keep]
    return ShotBank(texts, [line for _, line in keep], embed(texts))
