"""The safety policy: one declarative rule set (data/safety.yaml) that every planned
write passes, whoever proposed it. Rules read the vehicle state at that moment."""
from __future__ import annotations

import fnmatch
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .datafiles import load_yaml
from .vehicle import Vehicle, Write

_OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
        "eq": operator.eq, "ne": operator.ne}


@dataclass(frozen=True)
class Rule:
    id: str
    glob: str
    path: re.Pattern[str]
    value: Any  # None (any), a plain value, or {op, value}
    when: tuple[tuple[str, str, Any], ...]
    speaker: str | None
    decision: str  # refuse | confirm
    reason: dict[str, str]

    def matches(self, write: Write, vehicle: Vehicle, speaker: str) -> bool:
        if not self.path.fullmatch(write.path):
            return False
        if self.speaker and not fnmatch.fnmatchcase(speaker, self.speaker):
            return False
        if self.value is not None and not _holds(write.value, self.value):
            return False
        return all(_compare(vehicle.get(sig), op, v) for sig, op, v in self.when)


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if actual is None:
        return False
    try:
        return bool(_OPS[op](actual, expected))
    except TypeError:
        return False


def _holds(value: Any, cond: Any) -> bool:
    if isinstance(cond, dict):
        return _compare(value, cond["op"], cond["value"])
    return value == cond


@dataclass(frozen=True)
class Verdict:
    decision: str  # allow | refuse | confirm
    rule: Rule | None = None


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    rules = []
    for r in load_yaml("smartcabin.data", "safety.yaml"):
        rules.append(Rule(
            id=r["id"], glob=r["path"], path=re.compile(fnmatch.translate(r["path"])), value=r.get("value"),
            when=tuple((c["signal"], c["op"], c["value"]) for c in r.get("when", [])),
            speaker=r.get("speaker"), decision=r["decision"], reason=r["reason"]))
    return tuple(rules)


def check(writes: list[Write], vehicle: Vehicle, speaker: str,
          waive: frozenset[str] = frozenset()) -> Verdict:
    """The strictest verdict over a group of writes (one action: all or nothing).
    `waive` names confirm-rules the user has just confirmed."""
    verdict = Verdict("allow")
    for w in writes:
        for rule in load_rules():
            if rule.id in waive or not rule.matches(w, vehicle, speaker):
                continue
            if rule.decision == "refuse":
                return Verdict("refuse", rule)
            if verdict.decision == "allow":
                verdict = Verdict("confirm", rule)
    return verdict
