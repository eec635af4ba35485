"""`smartcabin bench`: per-turn latency of the edge path, cold start and peak RSS."""
from __future__ import annotations

import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .evaluation import load_cases, percentile

_COLD = (
    "import time; t0 = time.perf_counter()\n"
    "from smartcabin import Assistant\n"
    "a = Assistant(); t1 = time.perf_counter()\n"
    "r = a.turn('打开空调'); t2 = time.perf_counter()\n"
    "print(f'{(t1 - t0) * 1000:.1f} {(t2 - t0) * 1000:.1f}')\n"
)


def cold_start() -> dict[str, float]:
    """A fresh interpreter: import + build the assistant, and until the first reply."""
    wall0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _COLD], check=True, capture_output=True, text=True)
    wall = (time.perf_counter() - wall0) * 1000
    ready, first = (float(x) for x in out.stdout.split())
    return {"ready_ms": ready, "first_reply_ms": first, "process_total_ms": round(wall, 1)}


def _pin(cores: int) -> str:
    try:
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(allowed[:cores]))
        return f"pinned to {min(cores, len(allowed))} core(s)"
    except (AttributeError, OSError):
        return "not pinned"


def reply_length(text: str, lang: str) -> int:
    """Words in English, characters (no punctuation) in Chinese: what a driver has to listen to."""
    if lang == "zh":
        return sum(1 for ch in text if ch.isalnum())
    return len(text.split())


def unseen(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cases with every sentence said once: a turn whose text came earlier is dropped, so
    no turn profits from a cache another turn filled (a car hears each sentence new)."""
    seen: set[str] = set()
    out = []
    for case in cases:
        turns = []
        for turn in case.get("turns", []):
            text = turn.get("text", "")
            if text in seen:
                break  # later turns depend on this one: drop the rest of the case
            seen.add(text)
            turns.append(turn)
        if turns:
            out.append({**case, "turns": turns})
    return out


def run_turns(cases: list[dict[str, Any]], rounds: int, mode: str = "parser",
              model: Path | None = None) -> tuple[list[float], dict[str, list[int]], int]:
    """Per-turn latencies over the corpus, and reply lengths of single-action executed turns.
    `model`: an intent model file other than the packaged one."""
    from .assistant import Assistant
    from .engines import Engines
    from .reminders import ReminderStore
    from .vehicle import SimulatedVehicle

    edge = Engines.from_config(mode, model, llm=False).edge  # the run's composition root: the edge alone

    latencies: list[float] = []
    lengths: dict[str, list[int]] = {"zh": [], "en": []}
    model_turns = 0
    store = ReminderStore(Path(tempfile.mkdtemp()) / "reminders.json")  # never the user's own
    for r in range(rounds):
        for case in cases:
            assistant = Assistant(SimulatedVehicle(case.get("setup") or {}), understanding=edge, reminders=store)
            for turn in case.get("turns", []):
                result = assistant.turn(turn.get("text", ""), zone=turn.get("zone"))
                latencies.append(result.latency_ms)
                model_turns += result.understanding is not None and result.understanding.prediction is not None
                single = result.understanding is not None and len(result.understanding.intents) == 1
                if r == 0 and single and result.outcome == "executed" and result.lang in lengths:
                    lengths[result.lang].append(reply_length(result.reply, result.lang))
    return latencies, lengths, model_turns


def _quantiles(lat: list[float]) -> dict[str, float]:
    return {q: round(percentile(lat, v), 3) for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))}


def run(corpus: list[Path], rounds: int = 3, mode: str = "parser", cores: int = 1, warm: bool = False,
        model: Path | None = None) -> dict[str, Any]:
    """Default protocol: sentences the process has never seen, caches empty, the first turn
    after start counted. `warm` adds the old figure (repeated sentences, warmed caches)."""
    cold = cold_start()
    pinning = _pin(cores)
    cases = load_cases(corpus)
    fresh = unseen(cases)
    gc.collect()
    lat, lengths, model_turns = run_turns(fresh, 1, mode, model)  # no warm-up: the first turn counts
    warm_lat: list[float] = []
    if warm:
        warm_lat, _, _ = run_turns(cases, rounds, mode, model)  # every sentence now repeats
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {pinning}",
        "mode": mode,
        "protocol": "unseen sentences, empty caches, first turn counted",
        "turns": len(lat),
        "model_turns": model_turns,
        "latency_ms": _quantiles(lat),
        **({"warm_latency_ms": {**_quantiles(warm_lat), "turns": len(warm_lat)}} if warm else {}),
        "cold_start_ms": cold,
        "peak_rss_mb": round(rss_mb, 1),
        "reply_length_single_command": {
            lang: {"turns": len(v), "median": percentile([float(x) for x in v], 0.5),
                   "p95": percentile([float(x) for x in v], 0.95), "max": max(v) if v else 0}
            for lang, v in lengths.items()},
    }


def main(corpus: list[Path], rounds: int, as_json: bool, mode: str = "parser", cores: int = 1,
         warm: bool = False, model: Path | None = None) -> int:
    result = run(corpus, rounds, mode, cores, warm, model)
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    lat, cold = result["latency_ms"], result["cold_start_ms"]
    print(f"machine: {result['machine']}; understanding: {result['mode']}")
    print(f"unseen sentences, empty caches, first turn counted: {result['turns']} turns "
          f"({result['model_turns']} asked the model)  p50 {lat['p50']} ms  p95 {lat['p95']} ms  "
          f"p99 {lat['p99']} ms  max {lat['max']} ms")
    if "warm_latency_ms" in result:
        w = result["warm_latency_ms"]
        print(f"WARM (repeated sentences, filled caches): {w['turns']} turns  p50 {w['p50']} ms  "
              f"p95 {w['p95']} ms  p99 {w['p99']} ms  max {w['max']} ms")
    print(f"cold start: ready {cold['ready_ms']} ms, first reply {cold['first_reply_ms']} ms, "
          f"whole process {cold['process_total_ms']} ms")
    print(f"peak RSS: {result['peak_rss_mb']} MB")
    rl = result["reply_length_single_command"]
    print(f"reply length, single executed command: en median {rl['en']['median']:.0f} words, p95 "
          f"{rl['en']['p95']:.0f}, max {rl['en']['max']}; zh median {rl['zh']['median']:.0f} 字, "
          f"p95 {rl['zh']['p95']:.0f}, max {rl['zh']['max']}")
    return 0
