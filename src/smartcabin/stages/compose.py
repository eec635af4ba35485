"""The reply stage: a turn's outcome and what is said, from what review and act did."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import replies
from ..events import Outcome
from ..planning import Action, Plan
from ..vehicle import Write
from .act import Applied
from .review import Review


@dataclass(frozen=True)
class Done:
    """What a turn did: its writes, the actions they came from, its outcome and reply parts."""
    outcome: Outcome
    parts: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    executed: list[Action] = field(default_factory=list)
    handoff: bool = False  # a service a configured LLM can do better


def said(outcome: Outcome, text: str) -> Done:
    return Done(outcome, [text])


def _described(done: list[Action], lang: str) -> list[str]:
    # one reply per function and seats: the last of several changes to it is what the driver gets
    final = [a for n, a in enumerate(done)
             if not any(b.cap.id == a.cap.id and b.zones == a.zones for b in done[n + 1:])]
    return [replies.describe(a, lang) for a in final]


def ran(applied: Applied, lang: str) -> Done:
    """Actions the driver confirmed, run."""
    parts = _described(applied.done, lang) + [replies.phrases(lang)["failed"]] * applied.failed
    outcome = Outcome.EXECUTED if applied.writes else Outcome.ANSWERED if applied.done else Outcome.FAILED
    return Done(outcome, parts, applied.writes, applied.done)


def reviewed(planned: Plan, review: Review, applied: Applied, lang: str) -> Done:
    """A plan after safety and the vehicle: what ran, what waits for a yes, what was refused
    and why, and what could not be planned."""
    p = replies.phrases(lang)
    parts = _described(applied.done, lang) + [p["confirm"].format(reason=r) for r in review.confirm_reasons]
    parts = [x for x in parts if x] + [p["refused"].format(reason=r) for r in dict.fromkeys(review.refused)]
    parts += [replies.problem(pr, lang) for pr in planned.problems]
    queried = any(a.cap.kind == "query" or a.intent.op == "query" for a in review.allowed)
    kinds = {pr.kind for pr in planned.problems}
    if applied.writes or queried:
        outcome = Outcome.EXECUTED if applied.writes else Outcome.ANSWERED
    elif review.confirm:
        outcome = Outcome.CONFIRM
    elif review.refused:
        outcome = Outcome.REFUSED
    elif kinds and kinds <= {"not_now", "absent"}:
        outcome = Outcome.NO_ACTION
    elif kinds:
        outcome = Outcome.CLARIFY if kinds & {"out_of_range", "unsupported", "missing"} else Outcome.FAILED
    else:
        outcome = Outcome.NO_ACTION
    return Done(outcome, parts, applied.writes, applied.done)
