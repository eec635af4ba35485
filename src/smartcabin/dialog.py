"""Conversation context: what the last turns did, so follow-ups can refer to it.

"再高一点", "the passenger side too", "actually make it 20", "undo that" and
"yes" to a confirmation question are resolved here, against this memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .planning import Action
from .signals import Value
from .understanding.types import Intent


@dataclass
class Pending:
    """Actions held until the user confirms, and the rules that asked."""
    actions: list[Action]
    rules: frozenset[str]


@dataclass
class Memory:
    last_actions: list[Action] = field(default_factory=list)
    pending: Pending | None = None
    undo_stack: list[dict[str, Value | None]] = field(default_factory=list)
    turns: int = 0

    def remember(self, actions: list[Action], previous: dict[str, Value | None]) -> None:
        if actions:
            self.last_actions = actions
        if previous:
            self.undo_stack.append(previous)
            del self.undo_stack[:-20]  # bounded: a long drive must not grow memory


def resolve(intents: list[Intent], memory: Memory) -> list[Intent] | None:
    """Fill what follow-ups leave out from the last actions; None when nothing can."""
    out: list[Intent] = []
    last = [a for a in memory.last_actions if a.cap.kind != "query"]
    for it in intents:
        if it.too:
            if not last:
                return None
            for a in last:
                out.append(_repeat(a, it))
            continue
        if it.cap is None:
            if it.unit in ("celsius", "fahrenheit", "deg") and not last:
                out.append(replace(it, cap="hvac.temperature"))
                continue
            if not last:
                return None
            a = last[-1]
            seats = it.seats if it.seats is not None else a.seats
            out.append(replace(it, cap=a.cap.id, seats=seats, op=it.op or "set"))
            continue
        out.append(it)
    return out


def _repeat(a: Action, it: Intent) -> Intent:
    """The last action again, for other seats: the same resulting setting, or a new verb."""
    seats = it.seats or a.seats
    if it.op is not None:
        return replace(a.intent, op=it.op, seats=seats, too=False, value=it.value,
                       unit=it.unit, relative=it.relative, preset=it.preset)
    if a.cap.kind == "level" and a.values:
        value = next(iter(a.values.values()))
        unit = a.cap.value.unit if a.cap.value else None
        return Intent(cap=a.cap.id, op="set", value=value, unit=unit, seats=seats)
    return replace(a.intent, seats=seats, too=False)
