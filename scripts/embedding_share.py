"""How many unseen turns pay for a sentence embedding, and which reader decided each turn.

Run: .venv/bin/python scripts/embedding_share.py [--model PATH]   (a few seconds)

Each set's cases go through `bench.unseen` (every sentence said once, so no turn profits from
a cache) and the hybrid edge understanding, one Assistant per case as in `smartcabin bench`.
An embedding is counted when the engine computes one (a cache miss). The p99 target of
10 ms on one core allows fewer than about 1 % of turns to pay for it.

Hold-outs may be untouched (see each README): only aggregate counts are printed for every
set, never a sentence.
"""
from __future__ import annotations

import argparse
import glob
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from smartcabin.assistant import Assistant
from smartcabin.bench import unseen
from smartcabin.evaluation import load_cases
from smartcabin.model.embedder import Embedder
from smartcabin.reminders import ReminderStore
from smartcabin.understanding.router import EdgeUnderstanding
from smartcabin.vehicle import SimulatedVehicle

SETS = {"eval": "data/eval/*.jsonl", "holdout2": "data/holdout2/*.jsonl",
        "holdout3": "data/holdout3/*.jsonl", "holdout4": "data/holdout4/*.jsonl",
        "holdout5": "data/holdout5/*.jsonl", "holdout6": "data/holdout6/*.jsonl",
        "holdout7": "data/holdout7/*.jsonl"}


@dataclass
class Share:
    turns: int = 0
    embeddings: int = 0
    sources: Counter = field(default_factory=Counter)

    def line(self, name: str) -> str:
        pct = 100 * self.embeddings / max(1, self.turns)
        by = "  ".join(f"{k} {v}" for k, v in sorted(self.sources.items()))
        return f"{name:9} unseen turns {self.turns:5}  embeddings {self.embeddings:4} ({pct:.2f} %)   decided by: {by}"


class _Counting:
    """Counts the sentences the engine actually embeds (the ones not in its cache)."""

    def __init__(self) -> None:
        self.computed = 0
        self._original = Embedder.embed

    def install(self) -> None:
        counter = self

        def embed(emb: Embedder, texts: list[str]):
            counter.computed += len([t for t in dict.fromkeys(texts) if t not in emb._cache])
            return counter._original(emb, texts)

        Embedder.embed = embed  # type: ignore[method-assign]


def measure(edge: EdgeUnderstanding, counting: _Counting, files: list[str]) -> Share:
    share = Share()
    edge._embedder._cache.clear()  # each set starts with empty caches, as in `smartcabin bench`
    store = ReminderStore(Path(tempfile.mkdtemp()) / "reminders.json")
    for case in unseen(load_cases(files)):
        assistant = Assistant(SimulatedVehicle(case.get("setup") or {}), understanding=edge, reminders=store)
        for turn in case.get("turns", []):
            before = counting.computed
            r = assistant.turn(turn.get("text", ""), zone=turn.get("zone"))
            share.turns += 1
            share.embeddings += counting.computed - before
            share.sources[r.understanding.source if r.understanding is not None else "none"] += 1
    return share


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="an intent model file other than the packaged one")
    args = ap.parse_args()
    counting = _Counting()
    counting.install()
    edge = EdgeUnderstanding("hybrid", Path(args.model) if args.model else None)
    edge.warm_up()
    if edge.model_error:
        raise SystemExit(f"model unavailable: {edge.model_error}")
    total = Share()
    for name, pattern in SETS.items():
        files = sorted(glob.glob(pattern))
        if not files:
            continue
        share = measure(edge, counting, files)
        print(share.line(name))  # aggregate counts only: hold-out sentences are never shown
        total.turns += share.turns
        total.embeddings += share.embeddings
        total.sources.update(share.sources)
    print(total.line("all"))


if __name__ == "__main__":
    main()
