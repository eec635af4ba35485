"""Score labelled logs (the `train --add` format) with the code of an older commit, for a
before/after beside `smartcabin score-logs` (which older commits lack). Names are compared
letter for letter (no library, no sound), so its slot F1 is stricter than score-logs'.

Usage: git worktree add /tmp/old COMMIT && cd /tmp/old &&
       PYTHONPATH=/tmp/old/src python /path/to/scripts/score_logs_legacy.py data/logs/test.jsonl
"""
from __future__ import annotations

import json
import sys
from collections import Counter

from smartcabin.capabilities import load_catalog
from smartcabin.understanding.router import EdgeUnderstanding

CATALOG = load_catalog()
_OPS = {"more": "up", "less": "down", "max": "set", "min": "set", "preset": "set"}


def label(it) -> str:
    if it is None or it.cap not in CATALOG:
        return "none"
    cap, op = CATALOG[it.cap], _OPS.get(it.op, it.op)
    if cap.kind == "action":
        return f"{cap.off_action}:on" if op == "off" and cap.off_action else f"{cap.id}:on"
    return f"{cap.id}:{op}"


def macro_f1(confusion: Counter) -> float:
    labels = {g for g, _ in confusion}
    total = 0.0
    for lb in labels:
        tp = confusion[(lb, lb)]
        fp = sum(n for (g, p), n in confusion.items() if p == lb and g != lb)
        fn = sum(n for (g, p), n in confusion.items() if g == lb and p != lb)
        total += 2 * tp / max(1, 2 * tp + fp + fn)
    return total / max(1, len(labels))


def main(path: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for mode in ("parser", "model", "hybrid"):
        edge = EdgeUnderstanding(mode)
        edge.warm_up()
        context: dict[str, str] = {}
        confusion: Counter = Counter()
        right = wrong = tp = fp = fn = 0
        for r in rows:
            u = edge.understand(r["text"], context.get(r["session"]))
            it = u.intents[0] if u.intents and u.act in ("command", "query") else None
            gold, got = r["intent"], label(it)
            confusion[(gold, got)] += 1
            right += gold == got
            wrong += got != "none" and got != gold and not got.endswith(":query")
            want, have = r.get("slots") or {}, dict(it.slots) if it else {}
            fold = lambda s: s.lower().replace(" ", "")  # noqa: E731
            ok = {k for k, v in want.items() if k in have and fold(have[k]) == fold(v)}
            tp, fn, fp = tp + len(ok), fn + len(want) - len(ok), fp + len(have) - len(ok)
            if it is not None and it.cap in CATALOG:
                context[r["session"]] = CATALOG[it.cap].domain
        n = len(rows)
        print(f"{mode:7} intent accuracy {right / n:.3f}  macro-F1 {macro_f1(confusion):.3f}  "
              f"slot F1 {2 * tp / max(1, 2 * tp + fp + fn):.3f}  wrong-action rate {wrong / n:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
