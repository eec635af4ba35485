"""Quality loss: the local LLM tier alone vs the edge path, on the same evaluation cases.

Run: .venv/bin/python scripts/quality_loss.py [--json OUT]   (about 40 minutes on 2 cores)
Each set is run in both modes in one process: `hybrid` (the edge: parser + model) and
`local_llm` (every turn to the embedded Gemma 3 270M tier, acting without asking first so
that what it proposes is scored). The hold-out set is reported in aggregate only.
"""
from __future__ import annotations

import glob
import json
import sys

from smartcabin.evaluation import evaluate

SETS = {"hold-out (data/holdout2)": sorted(glob.glob("data/holdout2/*.jsonl")),
        "natural (data/eval/natural*)": sorted(glob.glob("data/eval/natural*.jsonl")),
        "template (data/eval/template)": ["data/eval/template.jsonl"]}
MODES = ("hybrid", "local_llm")


def main() -> None:
    out: dict[str, dict[str, dict]] = {}
    print("| set | cases | edge (hybrid) | local LLM tier | loss | local p50 / p95 per turn |")
    print("|---|---|---|---|---|---|")
    for name, files in SETS.items():
        reports = {m: evaluate(files, mode=m)["summary"] for m in MODES}  # aggregates only
        out[name] = reports
        edge, local = reports["hybrid"], reports["local_llm"]
        lat = local["latency_ms"]
        print(f"| {name} | {edge['cases']} | {edge['accuracy']:.1%} | {local['accuracy']:.1%} "
              f"| {(edge['accuracy'] - local['accuracy']) * 100:.1f} points | {lat['p50']:.0f} / {lat['p95']:.0f} ms |",
              flush=True)
    print("\nBy domain, natural set (edge / local):")
    nat = out["natural (data/eval/natural*)"]
    for d, acc in sorted(nat["hybrid"]["by_domain"].items()):
        print(f"- {d}: {acc:.0%} / {nat['local_llm']['by_domain'].get(d, 0):.0%}")
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
