"""Per-turn latency on sentences the process has never seen, for any version of smartcabin.

Run: .venv/bin/python scripts/unseen_latency.py "data/eval/*.jsonl"
  or, against an older checkout in the same session (for a ratio):
     git worktree add /tmp/old REV && PYTHONPATH=/tmp/old/src .venv/bin/python scripts/unseen_latency.py "/tmp/old/data/eval/*.jsonl"

Uses only the public `Assistant(vehicle).turn` API, so it runs on versions before
`smartcabin bench` measured this way. One core, each sentence once, the first turn counted.
"""
from __future__ import annotations

import glob
import os
import sys

from smartcabin.assistant import Assistant
from smartcabin.evaluation import load_cases, percentile
from smartcabin.vehicle import SimulatedVehicle


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    seen: set[str] = set()
    lat: list[float] = []
    for case in load_cases(sorted(glob.glob(sys.argv[1]))):
        a = Assistant(SimulatedVehicle(case.get("setup") or {}))
        for turn in case.get("turns", []):
            if turn["text"] in seen:
                break
            seen.add(turn["text"])
            lat.append(a.turn(turn["text"], zone=turn.get("zone")).latency_ms)
    print(f"{len(lat)} unseen turns  p50 {percentile(lat, .5):.3f}  p95 {percentile(lat, .95):.3f}  "
          f"p99 {percentile(lat, .99):.3f}  max {max(lat):.1f} ms  first {lat[0]:.2f} ms")


if __name__ == "__main__":
    main()
