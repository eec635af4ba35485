"""The wake word, measured: detection rate on synthesized wake phrases (two voices, three
speaking rates, clean and over car noise), and false accepts per hour on an hour of other
speech (eval sentences in both languages) over car noise. One core.

    .venv/bin/python scripts/wake_bench.py [--model hey_mycroft] [--minutes 60]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from smartcabin.voice.audio import RATE
from smartcabin.voice.evaluation import add_noise
from smartcabin.voice.tts import EspeakVoice, HibariVoice, PiperVoice
from smartcabin.voice.wake import PHRASES, MicroWake

ROOT = Path(__file__).resolve().parents[1]
SNRS = (None, 20.0, 10.0, 5.0)


def fires(wake: MicroWake, x: np.ndarray) -> int:
    """Detections in `x`, a second apart at least (one phrase fires once)."""
    wake.reset()
    count, last = 0, -RATE
    for i in range(0, len(x) - 159, 160):
        if wake.process(x[i:i + 160]) and i - last >= RATE:
            count, last = count + 1, i
    return count


def sentences() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"en": [], "zh": []}
    for path in sorted((ROOT / "data" / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                for t in case.get("turns", []):
                    if case.get("lang") in out and isinstance(t.get("text"), str):
                        out[case["lang"]].append(t["text"])
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="hey_mycroft", choices=sorted(PHRASES))
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--cutoff", type=float, help="detection probability (default: the model's own)")
    args = ap.parse_args()
    os.sched_setaffinity(0, {0})
    wake = MicroWake(args.model, args.cutoff)
    phrase = PHRASES[args.model].title() + "."
    quiet = np.zeros(RATE // 2, dtype=np.int16)
    tried = hit = 0
    for name, voice in (("hibari", lambda s: HibariVoice(speed=s)), ("piper-joe", lambda s: PiperVoice(length_scale=1 / s))):
        for speed in (0.85, 1.0, 1.2):
            x = np.concatenate([quiet] + [a.samples for a in voice(speed).synthesize(phrase, "en")] + [quiet, quiet])
            for n, snr in enumerate(SNRS):
                tried += 1
                hit += fires(wake, add_noise(x, snr, n)) >= 1
    print(f"wake '{phrase}' ({args.model}, cutoff {wake.cutoff}): detected {hit}/{tried} "
          f"(voices hibari and piper-joe, rates 0.85/1.0/1.2, clean and 20/10/5 dB car noise)")
    said = sentences()
    en, zh, parts, seconds = HibariVoice(), EspeakVoice(), [], 0.0
    target = args.minutes * 60
    while seconds < target:  # other speech, both languages, a pause after each sentence
        for lang, voice in (("en", en), ("zh", zh)):
            for text in said[lang][: 400]:
                x = np.concatenate([a.samples for a in voice.synthesize(text, lang)] + [quiet])
                parts.append(x)
                seconds += len(x) / RATE
                if seconds >= target:
                    break
            if seconds >= target:
                break
    speech = np.concatenate(parts)[: int(target * RATE)]
    x = add_noise(speech, 10.0, 7)
    t0 = time.process_time()
    false = fires(wake, x)
    cpu = time.process_time() - t0
    hours = len(x) / RATE / 3600
    print(f"false accepts: {false} in {hours * 60:.0f} min of other speech over car noise at 10 dB "
          f"({false / hours:.1f} per hour); wake word CPU real-time factor {cpu / (len(x) / RATE):.4f}")
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
