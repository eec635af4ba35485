"""CPU cost of the always-on part of the voice loop (wake word + voice activity) as a real-time
factor on one core, over 60 s of synthesized speech and car-like noise; and the time from a
reply's text to its first synthesized audio, for the product's voices, on replies the
assistant gives (one core, each voice loaded and warmed first).

    .venv/bin/python scripts/voice_rtf.py
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from smartcabin.voice.audio import RATE
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


REPLIES = {"en": ["Window open 50%.", "Temperature 22 °C.", "Air conditioning on.", "Seat heating level 2.",
                   "Navigating to the airport. About 35 minutes.", "Sorry, I didn't catch that.",
                   "Doors unlocked. Driving at 30 km/h: shall I?", "Playing jazz."],
           "zh": ["已打开空调", "温度已调到22度", "左后车窗已打开", "座椅加热已调到2档", "开始导航去机场，大约35分钟",
                  "抱歉，没听清", "车速30公里每小时，确定要解锁吗？", "正在播放爵士乐"]}


def first_audio() -> None:
    from smartcabin.evaluation import percentile
    from smartcabin.voice.tts import Speech

    speech = Speech()
    for lang, texts in REPLIES.items():
        next(iter(speech.synthesize(texts[0], lang)))  # loaded and warmed
        times = []
        for _ in range(3):
            for text in texts:
                t0 = time.perf_counter()
                next(iter(speech.synthesize(text, lang)))
                times.append((time.perf_counter() - t0) * 1000)
        print(f"{lang} ({speech.voice(lang).name}): reply text to first audio p50 {percentile(times, 0.5):.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms over {len(times)} replies")


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
    first_audio()
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, pinned to one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
