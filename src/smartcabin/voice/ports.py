"""The voice stages' small interfaces; each engine is an adapter behind one of them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np

from .audio import Audio


@dataclass(frozen=True)
class Transcript:
    text: str
    lang: str  # "zh" or "en"; "" when nothing was heard
    engine: str
    confidence: float | None = None  # the engine's own, 0-1, where it gives one
    seconds: float = 0.0  # time the recognizer took


class Recognizer(Protocol):
    name: str

    def transcribe(self, audio: Audio, lang: str | None = None) -> Transcript:
        """`lang`: "zh" or "en" when the speaker's language is known, else detected."""
        ...


class Synthesizer(Protocol):
    name: str
    langs: tuple[str, ...]

    def synthesize(self, text: str, lang: str) -> Iterator[Audio]:
        """The text as audio, a sentence at a time, so the first can play while the rest is made."""
        ...


class VoiceActivity(Protocol):
    chunk_samples: int

    def probability(self, chunk: np.ndarray) -> float:
        """Speech probability of one chunk of `chunk_samples` int16 samples."""
        ...

    def reset(self) -> None: ...


class WakeWord(Protocol):
    phrase: str
    chunk_samples: int

    def process(self, chunk: np.ndarray) -> bool:
        """True when the wake phrase ends in this chunk."""
        ...

    def reset(self) -> None: ...
