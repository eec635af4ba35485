"""English recognition in about a tenth of a second: pocketsphinx 5 (BSD, its en-us acoustic model
bundled) over a trigram language model of the car's own sentences (data/voice/car-en.arpa,
built by training/speech_lm.py from the catalog, the lexicon and the car's names).

It knows only the car's words, so speech outside them comes out as car words: it is not the
default recognizer; docs/voice.md says where it stands."""
from __future__ import annotations

import threading
import time
from importlib import resources

from . import EngineMissing
from .audio import Audio
from .ports import Transcript


class SphinxRecognizer:
    name = "pocketsphinx-car"

    def __init__(self) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise EngineMissing("the fast English path needs pocketsphinx: pip install '.[voice]'") from None
        data = resources.files("smartcabin") / "data" / "voice"
        self._decoder = Decoder(lm=str(data / "car-en.arpa"), dict=str(data / "car-en.dict"), loglevel="FATAL")
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio, lang: str | None = None) -> Transcript:
        start = time.perf_counter()
        if lang == "zh":
            return Transcript("", "", self.name, None, 0.0)  # English only: the caller asks Whisper
        with self._lock:
            d = self._decoder
            d.start_utt()
            d.process_raw(audio.pcm(), full_utt=True)
            d.end_utt()
            hyp = d.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        return Transcript(text, "en" if text else "", self.name, None, time.perf_counter() - start)
