"""The act stage: the writes of allowed actions made on the vehicle in one batch, and
putting back what the last turn changed (itself checked by the safety policy)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dialog import Memory
from ..planning import Action, undo_writes
from ..safety import Rule, check
from ..vehicle import Vehicle, Write


@dataclass
class Applied:
    writes: list[Write] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    failed: int = 0  # confirmed actions the car's state no longer allows


def apply(actions: list[Action] | tuple[Action, ...], vehicle: Vehicle, speaker: str,
          waive: frozenset[str] = frozenset()) -> Applied:
    """`waive`: rules the driver's yes answered; every other rule is checked again, since the
    car may have changed between the question and the yes."""
    out = Applied()
    for a in actions:
        if waive and check(a.writes, vehicle, speaker, waive).decision != "allow":
            out.failed += 1
            continue
        out.writes += a.writes
        out.done.append(a)
    vehicle.write(out.writes)
    return out


def revert_last(memory: Memory, vehicle: Vehicle, speaker: str) -> list[Write] | Rule:
    """Put back what the last turn changed; the rule that forbids it where safety does
    ("undo" is a command like any other: it must not open a door at speed)."""
    if not memory.undo_stack:
        return []
    writes = undo_writes(memory.undo_stack[-1], vehicle)
    verdict = check(writes, vehicle, speaker)
    if verdict.decision != "allow" and verdict.rule is not None:
        return verdict.rule
    memory.undo_stack.pop()
    memory.last_undoable = False
    vehicle.write(writes)
    return writes
