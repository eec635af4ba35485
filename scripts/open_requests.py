"""What the LLM tier does with open-ended requests offline (no cloud model configured).

Run: .venv/bin/python scripts/open_requests.py [--ungated]

Every line of data/open-requests.txt is said once to a fresh assistant with the embedded
local model behind it. Reported: the route and outcome of each turn, the time to the reply,
and whether anything in the car changed. By default the local model runs behind its gate
(data/model/local_gate.json); --ungated shows what the 270M model itself would say and how
long the driver would wait for it.
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

from smartcabin import Assistant
from smartcabin.evaluation import percentile
from smartcabin.llm.local import Gate, LocalModel
from smartcabin.llm.tier import LLMTier
from smartcabin.vehicle import SimulatedVehicle

LINES = Path(__file__).resolve().parents[1] / "data" / "open-requests.txt"


def main() -> None:
    texts = [l.strip() for l in LINES.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    gate = Gate(actions=True, small_talk=True) if "--ungated" in sys.argv else None
    local = LocalModel(gate=gate)
    seconds, routes, changed = [], collections.Counter(), 0
    for text in texts:
        car = SimulatedVehicle()
        a = Assistant(car, llm=LLMTier(local=local))
        start = time.perf_counter()
        r = a.turn(text)
        seconds.append((time.perf_counter() - start) * 1000)
        routes[f"{r.route}/{r.outcome}"] += 1
        changed += bool(r.changes)
        print(f"{seconds[-1]:7.1f} ms  {r.route:9} {r.outcome:9} {text}  ->  {r.reply}")
    print(f"\n{len(texts)} requests, {'ungated' if gate else 'gated'}: routes {dict(routes)}; "
          f"car changed in {changed}; reply p50 {percentile(seconds, 0.5):.1f} ms, "
          f"p99 {percentile(seconds, 0.99):.1f} ms, max {max(seconds):.1f} ms")


if __name__ == "__main__":
    main()
