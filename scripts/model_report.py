"""Measurements for the edge model (issue #3), printed as Markdown for docs/benchmarks.md.

Run: .venv/bin/python scripts/model_report.py [--skip-add]
  1. accuracy of parser only / model only / both on template, natural and hold-out cases,
     with per-turn latency of each;
  2. routing precision and recall: does the edge act on car requests and leave the rest?
  3. the effect of `train --add`: half of the hand-written cases (by id hash) become labelled
     logs; the other half is the test. Base model vs adapted model, both seeded.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from smartcabin.engines import Engines
from smartcabin.evaluation import load_cases, percentile, run_case
from smartcabin.model.classifier import IntentModel
from smartcabin.training.dataset import _key
from smartcabin.model.embedder import process_embedder
from smartcabin.training.logs import cases_as_logs, read_logs
from smartcabin.training.train import train
from smartcabin.understanding.router import EdgeUnderstanding

SETS = {"template": ["data/eval/template.jsonl"], "natural": sorted(glob.glob("data/eval/natural*.jsonl")),
        "hold-out": sorted(glob.glob("data/holdout2/*.jsonl"))}
ACTED = {"executed", "answered", "refused", "confirm", "failed"}


def run(cases, edge):
    engines = Engines(edge)
    results = [run_case(c, engines) for c in cases]
    lat = [t["latency_ms"] for r in results for t in r.turns]
    acc = sum(r.passed for r in results) / len(results)
    return results, acc, lat


def routing(results, cases):
    """Last turns of single-turn cases: should the edge act (the case expects a car outcome)?"""
    tp = fp = fn = tn = 0
    for r, c in zip(results, cases):
        if len(c.get("turns", [])) != 1 or not c.get("outcome"):
            continue
        want = c["outcome"] in ACTED
        got = r.turns[-1]["outcome"] in ACTED
        tp += want and got
        fp += got and not want
        fn += want and not got
        tn += not want and not got
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp + fn, fp + tn


def half(case_id: str) -> int:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-add", action="store_true")
    ap.add_argument("--only-add", action="store_true")
    args = ap.parse_args()
    if args.only_add:
        return add_experiment()
    modes = {m: EdgeUnderstanding(m) for m in ("parser", "model", "hybrid")}
    for e in modes.values():
        e.warm_up()
    print("| set | cases | parser only | model only | both | p50 / p99 ms (parser, model, both) |")
    print("|---|---|---|---|---|---|")
    routing_rows = []
    for name, files in SETS.items():
        cases = load_cases(files)
        row, lats = [], []
        for m, edge in modes.items():
            results, acc, lat = run(cases, edge)
            row.append(f"{acc:.1%}")
            lats.append(f"{percentile(lat, .5):.2f}/{percentile(lat, .99):.1f}")
            if name != "template":
                routing_rows.append((name, m, *routing(results, cases)))
        print(f"| {name} | {len(cases)} | {' | '.join(row)} | {', '.join(lats)} |")
    print()
    print("| set | understanding | routing precision | routing recall | car requests | other turns |")
    print("|---|---|---|---|---|---|")
    for name, m, p, r, pos, neg in routing_rows:
        print(f"| {name} | {m} | {p:.1%} | {r:.1%} | {pos} | {neg} |")
    if not args.skip_add:
        add_experiment()


def add_experiment() -> None:
    natural = load_cases(SETS["natural"])
    logs = [c for c in natural if half(c["id"]) == 0]
    test = [c for c in natural if half(c["id"]) == 1]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "logs.jsonl"
        log_path.write_text("\n".join(json.dumps(l, ensure_ascii=False) for l in cases_as_logs(logs)), encoding="utf-8")
        extra = read_logs(log_path)
        base, adapted = Path(tmp) / "base.npz", Path(tmp) / "adapted.npz"
        quiet = lambda *_: None
        # never train on the test half or the hold-out; the log half is what --add brings
        exclude = {_key(t["text"]) for c in test + load_cases(SETS["hold-out"]) for t in c["turns"]}
        train(base, seed=0, progress=quiet, exclude=exclude | {_key(l["text"]) for l in cases_as_logs(logs)})
        train(adapted, seed=0, extra=extra, progress=quiet, exclude=exclude)
        print()
        print(f"`--add` with {len(extra)} labelled lines from half of the natural cases; test: the other half "
              f"({len(test)} cases)")
        print()
        test_path = Path(tmp) / "test.jsonl"
        test_path.write_text("\n".join(json.dumps(l, ensure_ascii=False) for l in cases_as_logs(test)), encoding="utf-8")
        truth = read_logs(test_path)  # the held-back half, labelled the same way
        print(f"Intent accuracy is on the {len(truth)} labelled lines of the held-back half.")
        print()
        print("| model | intent accuracy (model) | cases, model only | cases, both |")
        print("|---|---|---|---|")
        for label, path in (("base", base), ("adapted with --add", adapted)):
            model = IntentModel.load(path)
            preds = model.predict(process_embedder(model.embed_layers).embed([e.text for e in truth]), [e.prev_domain for e in truth])
            intent_acc = sum(p.label == e.label for p, e in zip(preds, truth)) / len(truth)
            accs = [run(test, EdgeUnderstanding(m, path))[1] for m in ("model", "hybrid")]
            print(f"| {label} | {intent_acc:.1%} | {accs[0]:.1%} | {accs[1]:.1%} |")


if __name__ == "__main__":
    sys.exit(main())
