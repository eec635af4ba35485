"""Audio as the voice stages pass it: 16 kHz mono 16-bit PCM, and WAV files read into it with a
clear error for anything else (not a WAV, truncated, an unsupported encoding, too long)."""
from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16_000  # every stage works at this rate
WIDTH = 2  # bytes per sample: 16-bit
MAX_TURN_S = 30.0  # one spoken turn; a longer file is not a command
MAX_FILE_S = 600.0  # what `transcribe` reads; an hour-long file is refused before it is read
_MIN_RATE, _MAX_RATE = 8_000, 192_000


class AudioError(ValueError):
    """Audio the voice stages cannot take: the message says why, for the user."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # int16, mono, at RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def floats(self) -> np.ndarray:
        return self.samples.astype(np.float32) / 32768.0

    def pcm(self) -> bytes:
        return self.samples.astype("<i2").tobytes()

    def wav(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(WIDTH)
            w.setframerate(RATE)
            w.writeframes(self.pcm())
        return out.getvalue()

    def clipped(self) -> float:
        """The share of samples at full scale: above a few percent, the input was overdriven."""
        if not len(self.samples):
            return 0.0
        return float(np.mean(np.abs(self.samples.astype(np.int32)) >= 32767))

    def level_db(self) -> float:
        """RMS level in dB of full scale (-inf for digital silence)."""
        if not len(self.samples):
            return float("-inf")
        rms = float(np.sqrt(np.mean(self.floats() ** 2)))
        return 20 * np.log10(rms) if rms > 0 else float("-inf")

    @classmethod
    def from_pcm(cls, data: bytes, rate: int = RATE) -> "Audio":
        """Raw 16-bit little-endian mono PCM at `rate`."""
        if len(data) % WIDTH:
            data = data[:-(len(data) % WIDTH)]  # a torn last sample
        return cls(resample(np.frombuffer(data, dtype="<i2"), rate))

    @classmethod
    def from_floats(cls, samples: np.ndarray, rate: int = RATE) -> "Audio":
        ints = np.clip(np.asarray(samples, dtype=np.float32) * 32768.0, -32768, 32767).astype(np.int16)
        return cls(resample(ints, rate))


def _lowpass(rate: int) -> np.ndarray:
    """A windowed-sinc FIR passing speech below 7.2 kHz at `rate` (anti-aliasing for 16 kHz)."""
    taps = 63
    cutoff = 0.45 * RATE / rate  # of the sampling rate
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(2 * cutoff * n) * np.hanning(taps)
    return (h / h.sum()).astype(np.float32)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """int16 mono at `rate` -> int16 at RATE: low-pass first when downsampling, then linear
    interpolation (speech for recognition and the cabin's loudspeaker, not hi-fi)."""
    if rate == RATE or not len(samples):
        return samples.astype(np.int16, copy=False)
    x = samples.astype(np.float32)
    if rate > RATE:
        x = np.convolve(x, _lowpass(rate), mode="same")
    n = int(round(len(x) * RATE / rate))
    t = np.arange(n, dtype=np.float64) * (rate / RATE)
    y = np.interp(t, np.arange(len(x), dtype=np.float64), x)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def read_wav(source: str | Path | bytes, max_seconds: float = MAX_TURN_S) -> Audio:
    """A WAV file (path or bytes) as Audio: PCM of 8, 16, 24 or 32 bits, any channels (mixed
    down), 8-192 kHz (resampled). Raises AudioError with the reason otherwise."""
    data = source if isinstance(source, bytes) else _read_bytes(Path(source), max_seconds)
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError("not a WAV file (no RIFF/WAVE header)")
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            if not _MIN_RATE <= rate <= _MAX_RATE:
                raise AudioError(f"sample rate {rate} Hz is not supported (8-192 kHz)")
            if frames / rate > max_seconds:
                raise AudioError(f"audio is {frames / rate:.0f} s long; at most {max_seconds:.0f} s")
            raw = w.readframes(frames)
    except wave.Error as exc:
        raise AudioError(f"unsupported WAV: {exc} (PCM only: 8, 16, 24 or 32-bit integer)") from None
    except EOFError:
        raise AudioError("truncated WAV: the header ends early") from None
    if width not in (1, 2, 3, 4) or channels < 1:
        raise AudioError(f"unsupported WAV: {width * 8}-bit samples, {channels} channels")
    got = len(raw) // (width * channels)
    if got < frames:
        raise AudioError(f"truncated WAV: the header promises {frames} frames, the file holds {got}")
    return Audio(resample(_mono(raw, width, channels), rate))


def _read_bytes(path: Path, max_seconds: float) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioError(f"cannot read {path}: {exc.strerror}") from None
    # even 8 channels of 32-bit audio at 192 kHz fit in this: a bigger file is refused unread
    if size > 44 + max_seconds * _MAX_RATE * 4 * 8:
        raise AudioError(f"file is {size / 1e6:.0f} MB; one recording is at most {max_seconds:.0f} s")
    return path.read_bytes()


def _mono(raw: bytes, width: int, channels: int) -> np.ndarray:
    if width == 1:  # unsigned 8-bit
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16))
        x = np.where(x >= 1 << 23, x - (1 << 24), x) >> 8
    else:
        x = np.frombuffer(raw, dtype="<i4").astype(np.int64) >> 16
    x = x.reshape(-1, channels).mean(axis=1) if channels > 1 else x
    return np.clip(x, -32768, 32767).astype(np.int16)
