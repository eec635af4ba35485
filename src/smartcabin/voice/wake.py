"""The wake word: microWakeWord (pymicro-wakeword, its English models bundled). No Chinese
wake model ships anywhere; Chinese speakers use push-to-talk or a keyword-spotting phrase
(voice.sphinx.KeywordSpotter)."""
from __future__ import annotations

import numpy as np

from . import EngineMissing

# the bundled models and the phrases they hear
PHRASES = {"okay_nabu": "okay nabu", "hey_jarvis": "hey jarvis", "hey_mycroft": "hey mycroft", "alexa": "alexa"}
DEFAULT_WAKE = "hey_mycroft"  # fired on none of the near-misses tried; "hey jarvis" fired on "call Jarvis"
# detection cutoffs above the model's own, where scripts/wake_bench.py measured fewer false
# accepts for no missed phrase (hey_mycroft: 4 an hour at its 0.95, 2 at 0.99; 24 of 24 either way)
_CUTOFFS = {"hey_mycroft": 0.99}


class MicroWake:
    chunk_samples = 160  # features every 10 ms

    def __init__(self, model: str = DEFAULT_WAKE, cutoff: float | None = None) -> None:
        """`cutoff`: the averaged probability a detection needs (None: ours where measured, else
        the model's own); higher means fewer false accepts and more misses."""
        try:
            from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model
        except ImportError:
            raise EngineMissing("the wake word needs pymicro-wakeword: pip install '.[voice]'") from None
        if model not in PHRASES:
            raise EngineMissing(f"no wake model {model!r}; bundled: {', '.join(PHRASES)}")
        self.name, self.phrase = model, PHRASES[model]
        self._model = MicroWakeWord.from_builtin(Model(model))
        cutoff = cutoff if cutoff is not None else _CUTOFFS.get(model)
        if cutoff is not None:
            self._model.probability_cutoff = cutoff
        self._features = MicroWakeWordFeatures()

    @property
    def cutoff(self) -> float:
        return float(self._model.probability_cutoff)

    def process(self, chunk: np.ndarray) -> bool:
        fired = False
        for f in self._features.process_streaming(chunk.astype("<i2").tobytes()):
            fired |= bool(self._model.process_streaming(f))
        return fired

    def reset(self) -> None:
        self._model.reset()
        self._features.reset()


class KeywordWake:
    """A wake phrase of the owner's choosing, by keyword spotting (pocketsphinx, en-us acoustic
    model): any words its dictionary can pronounce ("hey car", "hello cabin"). `threshold`
    trades misses for false accepts (1e-20 .. 1e-40 in trials)."""
    chunk_samples = 512

    def __init__(self, phrase: str, threshold: float = 1e-25) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise EngineMissing("a wake phrase of your own needs pocketsphinx: pip install '.[voice]'") from None
        self.phrase, self.name = phrase.lower().strip(), "keyword"
        try:
            self._decoder = Decoder(keyphrase=self.phrase, kws_threshold=threshold, loglevel="FATAL")
        except (RuntimeError, ValueError) as exc:
            raise EngineMissing(f"cannot spot {phrase!r}: {exc} (use words of the English dictionary)") from None
        self._decoder.start_utt()

    def process(self, chunk: np.ndarray) -> bool:
        self._decoder.process_raw(chunk.astype("<i2").tobytes())
        if self._decoder.hyp() is None:
            return False
        self.reset()
        return True

    def reset(self) -> None:
        self._decoder.end_utt()
        self._decoder.start_utt()
