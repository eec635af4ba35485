"""The safety stage: every planned action, whoever proposed it, through the one policy
(smartcabin.safety) against the vehicle's state. Reads the vehicle, writes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .. import replies
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


NAMES_SURE = 0.8  # a spoken turn's confidence (voice.ports.Transcript) under which a strange name is asked back


def hold_misheard_names(out: Review, known: Callable[[str], bool], lang: str, event: EventFn) -> None:
    """A title, place or contact heard with little confidence and not among the car's names
    waits for a yes ("Play Bohemian Ratsity?"): a misheard name plays, calls or drives to the
    wrong one, and speech recognition mishears names most."""
    for a in list(out.allowed):
        strange = [str(v) for k, v in a.intent.slots.items()
                   if v and "names" in a.cap.params.get(k, {}) and not str(v).isupper() and not known(str(v))]
        if not strange:
            continue
        out.allowed.remove(a)
        out.confirm.append(a)
        reason = replies.phrases(lang)["heard_name"].format(name=strange[0])
        out.confirm_reasons.append(reason)
        event(EventType.CONFIRM, lambda a=a, reason=reason: {"cap": a.cap.id, "rule": "heard_name", "reason": reason})
