"""CPU cost of the always-on part of the voice loop (wake word + voice activity) as a real-time
factor on one core, over 60 s of synthesized speech and car-like noise.

    .venv/bin/python scripts/voice_rtf.py
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from smartcabin.voice.audio import RATE, Audio
from smartcabin.voice.tts import HibariVoice
from smartcabin.voice.vad import SileroActivity
from smartcabin.voice.wake import MicroWake

SENTENCES = ["Turn on the air conditioning.", "Open the rear left window halfway.", "Play some jazz.",
             "How far is it to the next charging station?", "Set the temperature to twenty two degrees."]


def audio(seconds: float = 60.0) -> np.ndarray:
    voice, rng = HibariVoice(), np.random.default_rng(0)
    speech = np.concatenate([a.samples for s in SENTENCES for a in voice.synthesize(s)] +
                            [np.zeros(RATE, np.int16)])
    n = int(seconds * RATE)
    reps = np.tile(speech, n // len(speech) + 1)[:n].astype(np.float32)
    rumble = np.convolve(rng.normal(0, 1, n), np.ones(64) / 64, mode="same") * 8000  # low-frequency road noise
    return np.clip(reps + rumble, -32768, 32767).astype(np.int16)


def main() -> int:
    os.sched_setaffinity(0, {0})
    x = audio()
    vad, wake = SileroActivity(), MicroWake()
    for name, engine, n in (("voice activity (Silero v6, onnxruntime)", vad.probability, vad.chunk_samples),
                            ("wake word (microWakeWord hey_mycroft)", wake.process, 512)):
        t0 = time.process_time()
        for i in range(0, len(x) - n + 1, n):
            engine(x[i:i + n])
        cpu = time.process_time() - t0
        print(f"{name}: {cpu:.2f} s CPU for {len(x) / RATE:.0f} s of audio: real-time factor {cpu / (len(x) / RATE):.4f}")
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, pinned to one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
