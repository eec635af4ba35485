"""How deep the intent classifier's encoder needs to be: train at each depth, then accuracy,
wrong actions and unseen-sentence latency on the same cases (docs/edge-model.md, "The early
exit").

Run: .venv/bin/python scripts/encoder_depth.py [--layers 12 4 3] [--bench FILES] [CASES ...]
(about 2-3 minutes a depth on 2 cores; the embedding cache makes repeats faster). CASES
default to data/eval and the development hold-outs; --bench files to hold-outs 6 and 7.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = ["data/eval/*.jsonl", "data/holdout2/*.jsonl", "data/holdout3/*.jsonl", "data/holdout5/*.jsonl",
       "data/holdout6/*.jsonl", "data/holdout7/*.jsonl"]
BENCH = ["data/holdout6/*.jsonl", "data/holdout7/*.jsonl"]


def _files(patterns: list[str]) -> list[str]:
    return sorted(f for p in patterns for f in glob.glob(str(REPO / p)) or [p])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", default=DEV)
    ap.add_argument("--layers", type=int, nargs="+", default=[12, 4, 3])
    ap.add_argument("--bench", nargs="+", default=BENCH)
    args = ap.parse_args()
    from smartcabin.evaluation import report as summary, run_cases, wrong_actions
    from smartcabin.training.train import train

    env = {**os.environ, "OMP_NUM_THREADS": "1", "SMARTCABIN_EMBED_THREADS": "1"}
    for layers in args.layers:
        out = Path(tempfile.mkdtemp()) / "intent.npz"
        report = train(out, layers=layers, progress=lambda *_: None)
        results = run_cases(_files(args.cases), model=out)
        wrong, accuracy = wrong_actions(results), summary(results)["summary"]["accuracy"]
        bench = subprocess.run([sys.executable, "-m", "smartcabin", "bench", "--json", "--model", str(out),
                                *_files(args.bench)], cwd=REPO, env=env, capture_output=True, text=True, check=True)
        lat = json.loads(bench.stdout)["latency_ms"]
        print(f"{layers:2} layers: classifier validation accuracy {report.val_accuracy:.3f}; "
              f"{len(results)} cases {accuracy:.1%}, wrong-action rate {wrong['wrong_action_rate']:.2%} "
              f"({wrong['wrong_action_cases']} cases); unseen p50 {lat['p50']} ms, p99 {lat['p99']} ms, "
              f"max {lat['max']} ms", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
