"""The safety stage: every planned action, whoever proposed it, through the one policy
(smartcabin.safety) against the vehicle's state. Reads the vehicle, writes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..events import EventType
from ..planning import Action, Plan
from ..safety import check
from ..vehicle import Vehicle

EventFn = Callable[[EventType, Callable[[], dict[str, Any]]], None]  # a turn's events, payload made on demand


@dataclass
class Review:
    allowed: list[Action] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # each refusal's reason, in the turn's language
    confirm: list[Action] = field(default_factory=list)  # held for the driver's yes
    confirm_rules: frozenset[str] = frozenset()  # the rules a yes waives
    confirm_reasons: list[str] = field(default_factory=list)


def _writes(a: Action) -> list[dict[str, Any]]:
    return [{"path": w.path, "value": w.value} for w in a.writes]


def review(planned: Plan, vehicle: Vehicle, speaker: str, lang: str, event: EventFn) -> Review:
    event(EventType.PLANNED, lambda: {
        "actions": [{"cap": a.cap.id, "writes": _writes(a)} for a in planned.actions],
        "problems": [{"kind": pr.kind, "cap": pr.cap.id if pr.cap else None} for pr in planned.problems]})
    out = Review()
    rules: set[str] = set()
    for a in planned.actions:
        verdict = check(a.writes, vehicle, speaker)
        if verdict.decision == "allow":
            out.allowed.append(a)
            continue
        reason = verdict.rule.reason[lang] if verdict.rule else ""
        event(EventType.REFUSED if verdict.decision == "refuse" else EventType.CONFIRM,
              lambda a=a, verdict=verdict, reason=reason: {
                  "cap": a.cap.id, "rule": verdict.rule.id if verdict.rule else None, "reason": reason})
        if verdict.decision == "refuse":
            out.refused.append(reason)
        else:
            out.confirm.append(a)
            rules.add(verdict.rule.id if verdict.rule else "")
            if verdict.rule:
                out.confirm_reasons.append(reason)
    out.confirm_rules = frozenset(rules)
    return out
