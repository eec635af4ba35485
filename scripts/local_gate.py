"""Measure whether the local model may propose actions, and write its gate.

Run: .venv/bin/python scripts/local_gate.py [FILES...] [--write]   (a few minutes on 2 cores)

Every turn of the given cases (default: the hold-out sets) goes to the local model alone,
acting without asking, so that each proposal is scored: a proposal is right when its case
passes and it wrote nothing the user did not ask for. Precision = right / proposals, and
the time each turn took. With --write the result goes to src/smartcabin/data/model/
local_gate.json, which the assistant reads: below 95 % (or under 100 proposals) the local
model proposes nothing, and small talk stays off unless a person turns it on there.
"""
from __future__ import annotations

import glob
import json
import sys
import time
from pathlib import Path

from smartcabin.engines import Engines
from smartcabin.evaluation import HandEverythingOff, load_cases, percentile, run_case
from smartcabin.llm.local import DEADLINE_S, MIN_PRECISION, Gate, LocalModel

GATE = Path(__file__).resolve().parents[1] / "src" / "smartcabin" / "data" / "model" / "local_gate.json"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    files = args or sorted(glob.glob("data/holdout*/*.jsonl"))
    model = LocalModel(gate=Gate(actions=True, small_talk=False))  # the measurement itself: ungated
    proposals = right = 0
    seconds: list[float] = []
    cases = load_cases(files)
    engines = Engines(HandEverythingOff(), local=model, confirm_local=False)  # each case its own tier
    for case in cases:
        start = time.perf_counter()
        r = run_case(case, engines)
        seconds.append((time.perf_counter() - start) / max(1, len(r.turns)))
        if any(t["writes"] for t in r.turns):
            proposals += 1
            right += r.passed and not r.wrong
    precision = right / proposals if proposals else None
    result = {"precision": round(precision, 4) if precision is not None else None, "cases": proposals,
              "right": right, "turns_asked": sum(len(c.get("turns", [])) for c in cases),
              "seconds_per_turn": {"p50": round(percentile(seconds, 0.5), 3), "p95": round(percentile(seconds, 0.95), 3)},
              "over_deadline": sum(s > DEADLINE_S for s in seconds), "files": files, "small_talk": False,
              "command": "python scripts/local_gate.py --write"}
    print(json.dumps(result, indent=1, ensure_ascii=False))
    verdict = precision is not None and precision >= MIN_PRECISION and proposals >= 100
    print(f"local model may propose actions: {'yes' if verdict else 'no'} "
          f"(precision {precision if precision is not None else 'n/a'}, bar {MIN_PRECISION}, {proposals} proposals)")
    if "--write" in sys.argv:
        GATE.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
