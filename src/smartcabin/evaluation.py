"""`smartcabin eval`: run cases of eval-format.md against fresh simulated cars."""
from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .assistant import Assistant
from .engines import DEFAULT_MODE, Engines
from .understanding.text import detect_lang
from .understanding.types import Understanding
from .capabilities import load_catalog
from .reminders import ReminderStore
from .signals import SignalError
from .events import EventType
from .vehicle import COUPLINGS, SimulatedVehicle


def matches(value: Any, matcher: Any) -> bool:
    """One matcher of eval-format.md against a signal value."""
    if isinstance(matcher, dict):
        ok = True
        if "min" in matcher or "max" in matcher:
            if not _is_num(value):
                return False
            ok &= value >= matcher.get("min", -math.inf) - 1e-9
            ok &= value <= matcher.get("max", math.inf) + 1e-9
        if "in" in matcher:
            ok &= any(_equal(value, v) for v in matcher["in"])
        if "not" in matcher:
            ok &= not _equal(value, matcher["not"])
        if "contains" in matcher:
            ok &= isinstance(value, str) and str(matcher["contains"]).lower() in value.lower()
        return bool(ok)
    return _equal(value, matcher)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _equal(a: Any, b: Any) -> bool:
    if _is_num(a) and _is_num(b):
        return abs(a - b) <= 0.01
    return a == b


@dataclass
class CaseResult:
    id: str
    passed: bool
    failures: list[str]
    turns: list[dict[str, Any]]
    lang: str
    domain: str
    wrong: list[str] = field(default_factory=list)  # signals written that the case did not ask for
    wrong_turns: int = 0  # turns whose changes include one of them
    set: str = ""  # the file the case came from


@lru_cache(maxsize=1)
def _owners() -> dict[str, frozenset[str]]:
    """Signal -> the capabilities that write it (their signal, side writes, derived sensors)."""
    out: dict[str, set[str]] = {}
    derived = {src: dst for src, dst, _ in COUPLINGS}
    for cap in load_catalog().values():
        for path in cap.signal_paths(reads=False):
            for p in (path, derived.get(path)):
                if p:
                    out.setdefault(p, set()).add(cap.id)
    return {k: frozenset(v) for k, v in out.items()}


def wrong_writes(case: dict[str, Any], start: dict[str, Any], final: dict[str, Any]) -> list[str]:
    """Signals a case's turns changed that the user did not ask for: changed to a value its
    matcher rejects, protected by `unchanged`, or owned by no function the case expects.
    A case that expects nothing asked for no write at all."""
    expected: dict[str, Any] = dict(case.get("expect") or {})
    alts = case.get("expect_any") or []
    asked = set(expected) | {p for alt in alts for p in alt}
    owners = _owners()
    scope = {c for p in asked for c in owners.get(p, ())}
    wrong = []
    for path in sorted(k for k in set(start) | set(final) if final.get(k) != start.get(k)):
        value = final.get(path)
        if path in expected:
            if not matches(value, expected[path]):
                wrong.append(path)
        elif path in asked:
            if not any(path in alt and matches(value, alt[path]) for alt in alts):
                wrong.append(path)
        elif path in (case.get("unchanged") or []) or not (owners.get(path, frozenset()) & scope):
            wrong.append(path)
    return wrong


LLM_MODES = ("local_llm", "cloud_llm")  # every turn to the LLM tier: the tier alone, on the same cases


class HandEverythingOff:
    """An understanding that reads nothing: each turn goes to the LLM tier."""

    def understand(self, text: str, prev_domain: str | None = None, names: object = None,
                   awaits: str | None = None, follows: str | None = None) -> Understanding:
        lang = detect_lang(text) if isinstance(text, str) else "en"
        return Understanding(text=text if isinstance(text, str) else "", lang=lang, act="none",
                             reason="out_of_domain", source="llm")

    def warm_up(self) -> None:
        pass


def text_turn(assistant: Assistant, text: str, zone: str | None, on_event: Any) -> Any:
    return assistant.turn(text, zone=zone, on_event=on_event)


def run_case(case: dict[str, Any], engines: Engines, say: Any = text_turn) -> CaseResult:
    """One case on a car of its own, with a conversation of its own over the run's engines.
    `say(assistant, text, zone, on_event)` takes each turn (text; voice.evaluation speaks it)
    and returns its TurnResult, or None when nothing reliable was heard (no turn ran)."""
    cid = str(case.get("id", "?"))
    failures: list[str] = []
    try:
        vehicle = SimulatedVehicle(case.get("setup") or {})
    except SignalError as exc:
        return CaseResult(cid, False, [f"setup: {exc}"], [], case.get("lang", "?"), cid.split("-")[0])
    start = vehicle.snapshot()
    with tempfile.TemporaryDirectory() as tmp:  # timers and reminders of a case stay in the case
        store = ReminderStore(Path(tmp) / "reminders.json")
        assistant = Assistant(vehicle, understanding=engines.edge, llm=engines.tier(store), reminders=store)
        turns = []
        for turn in case.get("turns", []):
            said: dict[str, Any] = {}  # the evaluation reads a turn as any consumer does: its outcome event
            result = say(assistant, turn.get("text", ""), turn.get("zone"),
                         lambda e: said.update(e.data) if e.type is EventType.OUTCOME else None)
            if result is None:  # nothing heard: no turn, nothing changed
                said = {"text": turn.get("text", ""), "outcome": "no_action", "route": "edge", "writes": [],
                        "changes": {}, "reply": "", "latency_ms": 0.0}
            turns.append({**{k: v for k, v in said.items() if k != "lang"},
                          **({"heard": result.text} if result is not None and say is not text_turn else {})})
    final = vehicle.snapshot()
    for path, matcher in (case.get("expect") or {}).items():
        if not matches(final.get(path), matcher):
            failures.append(f"{path}: got {final.get(path)!r}, want {matcher!r}")
    if case.get("expect_any"):
        if not any(all(matches(final.get(p), m) for p, m in alt.items()) for alt in case["expect_any"]):
            failures.append("expect_any: no alternative holds")
    for path in case.get("unchanged") or []:
        if final.get(path) != start.get(path):
            failures.append(f"{path}: changed from {start.get(path)!r} to {final.get(path)!r}")
    want, got = case.get("outcome"), turns[-1]["outcome"] if turns else None
    if want and got != want:
        failures.append(f"outcome: got {got}, want {want}")
    wrong = wrong_writes(case, start, final)
    wrong_turns = sum(1 for t in turns if any(p in wrong for p in t["changes"]))
    return CaseResult(cid, not failures, failures, turns, case.get("lang", "?"), cid.split("-")[0],
                      wrong, wrong_turns, str(case.get("_set", "")))


def load_cases(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    cases = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        case = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
                    if not isinstance(case, dict) or not isinstance(case.get("turns", []), list):
                        raise ValueError(f"{path}:{n}: a case must be a JSON object with a list of turns")
                    case["_set"] = f"{Path(path).parent.name}/{Path(path).stem}"
                    cases.append(case)
    return cases


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _accuracy(rs: list[CaseResult]) -> float:
    return round(sum(r.passed for r in rs) / len(rs), 4) if rs else 0.0


def report(results: list[CaseResult]) -> dict[str, Any]:
    by_lang: dict[str, list[CaseResult]] = {}
    by_domain: dict[str, list[CaseResult]] = {}
    for r in results:
        by_lang.setdefault(r.lang, []).append(r)
        by_domain.setdefault(r.domain, []).append(r)
    latencies = [t["latency_ms"] for r in results for t in r.turns]
    routes: dict[str, int] = {"edge": 0, "local_llm": 0, "cloud_llm": 0}
    for r in results:
        for t in r.turns:
            routes[t["route"]] = routes.get(t["route"], 0) + 1
    return {
        "summary": {
            "cases": len(results), "passed": sum(r.passed for r in results), "accuracy": _accuracy(results),
            "by_lang": {k: _accuracy(v) for k, v in sorted(by_lang.items())},
            "by_domain": {k: _accuracy(v) for k, v in sorted(by_domain.items())},
            "latency_ms": {q: round(percentile(latencies, v), 3)
                           for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))},
            "routes": routes,
        },
        "cases": [{"id": r.id, "passed": r.passed, "failures": r.failures, "turns": r.turns}
                  for r in results],
    }


def wrong_actions(results: list[CaseResult]) -> dict[str, Any]:
    """Turns that wrote something the user did not ask for, overall and per set (file): the
    worst outcome, counted on its own beside accuracy (the report keeps the contract's keys)."""
    def rate(rs: list[CaseResult]) -> float:
        n = sum(len(r.turns) for r in rs)
        return round(sum(r.wrong_turns for r in rs) / n, 4) if n else 0.0

    by_set: dict[str, list[CaseResult]] = {}
    for r in results:
        by_set.setdefault(r.set, []).append(r)
    return {"wrong_action_rate": rate(results), "wrong_action_cases": sum(1 for r in results if r.wrong),
            "by_set": {k: {"cases": len(v), "accuracy": _accuracy(v), "wrong_action_rate": rate(v)}
                       for k, v in sorted(by_set.items())},
            "cases": {f"{r.set}:{r.id}": r.wrong for r in results if r.wrong}}  # ids repeat across sets


def run_cases(paths: Iterable[str | Path], mode: str | None = None, model: Path | None = None) -> list[CaseResult]:
    """Run cases over one set of engines (the run's composition root); `mode` defaults to the
    assistant's own (engines.DEFAULT_MODE)."""
    engines = llm_engines(mode) if mode in LLM_MODES else Engines.from_config(mode or DEFAULT_MODE, model, llm=False)
    return [run_case(c, engines) for c in load_cases(paths)]


def evaluate(paths: Iterable[str | Path], mode: str | None = None, model: Path | None = None) -> dict[str, Any]:
    """The report of eval-format.md."""
    return report(run_cases(paths, mode, model))


def llm_engines(mode: str) -> Engines:
    """The LLM tier alone answers every turn (each case its own history) and acts without
    asking first, so that what it proposes is what is scored."""
    if mode == "cloud_llm":
        from .llm.client import ChatClient
        from .llm.config import load_config

        cfg = load_config()
        if cfg is None:
            raise SystemExit("cloud_llm: no LLM configured (SMARTCABIN_LLM_BASE_URL, SMARTCABIN_LLM_MODEL)")
        return Engines(HandEverythingOff(), cloud=ChatClient(cfg), confirm_local=False)
    from .llm.local import Gate
    from .llm.tier import local_from_env

    engine = local_from_env()
    if engine is None:
        raise SystemExit("local_llm: no local model installed (pip install '.[local]')")
    engine.gate = Gate(actions=True)  # measuring the model itself: its gate would hide it
    return Engines(HandEverythingOff(), local=engine, confirm_local=False)
