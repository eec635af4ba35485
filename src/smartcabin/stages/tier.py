"""The model tier's stage: a turn the edge hands off goes to the LLM tier (smartcabin.llm),
which reaches the car only through `TierCar`, a llm.tier.CarPort: what it proposes is
planned, reviewed and applied by the same stages as every other request, or held for the
driver's yes."""
from __future__ import annotations

from typing import Any, Callable

from .. import replies
from ..dialog import Memory, Pending
from ..events import Outcome
from ..llm.tier import HELD, HELD_UNSURE, Emit, LLMTier
from ..planning import Action, Plan, plan
from ..understanding import Intent
from ..vehicle import Vehicle, Write
from .compose import Done

# a model's action that did not run, by weight: the outcome of a turn where nothing ran
_VERDICTS = (Outcome.CONFIRM, Outcome.REFUSED, Outcome.CLARIFY, Outcome.FAILED)


class TierCar:
    """The tier's port to the car for one turn. `carry_out` reviews and applies a plan."""

    def __init__(self, vehicle: Vehicle, speaker: str, lang: str, memory: Memory,
                 carry_out: Callable[[Plan], Done]) -> None:
        self.vehicle, self.speaker, self.lang, self.memory = vehicle, speaker, lang, memory
        self.carry_out = carry_out
        self.done: list[Write] = []
        self.held: list[Action] = []
        self.verdicts: list[Outcome] = []  # what planning and safety made of each proposal

    def act(self, intents: list[Intent], hold: bool = False) -> dict[str, Any]:
        planned = plan(intents, self.vehicle, self.speaker, self.lang)
        if hold and planned.actions:  # proposed after untrusted content or by a small model: the user decides
            self.held.extend(planned.actions)
            return {"held": True, "reply": "waiting for the user's confirmation"}
        done = self.carry_out(planned)
        self.done.extend(done.writes)
        self.verdicts.append(done.outcome)
        self.memory.last_actions = done.executed or self.memory.last_actions
        return {"outcome": done.outcome.value, "writes": [{"path": w.path, "value": w.value} for w in done.writes],
                "reply": " ".join(done.parts)}

    def read(self, paths: list[str]) -> dict[str, Any]:
        return {p: self.vehicle.get(p) for p in paths}


def ask_tier(llm: LLMTier, text: str, car: TierCar, edge: Done, emit: Emit,
             cancelled: Callable[[], bool]) -> tuple[str, Done]:
    """The tier's route and the turn it makes of `edge` (what the edge did before handing off)."""
    lang = car.lang
    car.done[:0] = edge.writes
    moving = (car.vehicle.get("Vehicle.Speed") or 0) > 0
    answer = llm.answer(text, lang, car, moving, emit, cancelled)
    held = car.held
    if held:
        car.memory.pending = Pending(held, frozenset({"llm-untrusted-content"}))
    spoken = answer.spoken or answer.text
    parts = [spoken] if spoken.strip() else []
    if held and answer.held_why == "unsure":
        what = "; ".join(replies.describe(a, lang).rstrip("。.") for a in held)
        parts.append(HELD_UNSURE.get(lang, HELD_UNSURE["en"]).format(what=what))
    elif held:
        parts.append(HELD.get(lang, HELD["en"]))
    outcome = Outcome.CONFIRM if held else Outcome.EXECUTED if len(car.done) > len(edge.writes) else \
        next((v for v in _VERDICTS if v in car.verdicts), Outcome.ANSWERED)
    if answer.route == "offline":
        outcome = Outcome.NO_ACTION
    return answer.route, Done(outcome, parts, car.done, edge.executed, edge.handoff)
