"""The assistant: a conversation whose turns run the stages of smartcabin.stages in order,
input -> understanding -> decide -> plan -> safety -> act -> reply (and the model tier for
what the edge hands off), each stage emitting its typed events."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from . import replies
from .capabilities import load_catalog
from .dialog import Memory, Pending
from .engines import DEFAULT_MODE, Engines, Reader
from .events import Event, EventType, Outcome, Route, Sink
from .llm.tier import LLMTier
from .planning import Action, Plan, plan
from .reminders import ReminderStore
from .safety import Rule, load_rules
from .services import Services, warm_up as warm_services
from .signals import Value
from .stages.act import Applied, apply, revert_last
from .stages.compose import Done, ran, reviewed, said
from .stages.decide import Decision, Step, decide
from .stages.plan import asks_name, asks_time, plan_turn
from .stages.review import NAMES_SURE, EventFn, hold_misheard_names, review
from .stages.tier import TierCar, ask_tier
from .understanding import Understanding
from .understanding.entities import NameIndex
from .understanding.naming import index_for
from .understanding.parser import warm_up
from .vehicle import SimulatedVehicle, Vehicle, Write
from .zones import DEFAULT_SPEAKER, is_seat

log = logging.getLogger(__name__)

OUTCOMES = tuple(o.value for o in Outcome)


@dataclass
class TurnResult:
    text: str
    outcome: str
    route: str
    writes: list[Write]
    changes: dict[str, Value]
    reply: str
    latency_ms: float
    lang: str = "en"
    understanding: Understanding | None = None
    handoff: str | None = None  # why the edge declined: for the LLM tier

    def to_dict(self) -> dict[str, Any]:
        """The turn object of eval-format.md."""
        return {"text": self.text, "outcome": self.outcome, "route": self.route,
                "writes": [{"path": w.path, "value": w.value} for w in self.writes],
                "changes": dict(self.changes), "reply": self.reply,
                "latency_ms": round(self.latency_ms, 3)}


_HANDOFF = {"chitchat", "question", "out_of_domain", "low_confidence", "llm_request"}  # for the LLM tier
class Assistant:
    """A conversation with one vehicle. Not thread-safe: one speaker turn at a time."""

    def __init__(self, vehicle: Vehicle | None = None, mode: str = DEFAULT_MODE,
                 understanding: Reader | None = None, review_log: Path | None = None,
                 session: str | None = None, llm: LLMTier | None = None,
                 reminders: ReminderStore | None = None, names: NameIndex | None = None) -> None:
        self.vehicle: Vehicle = vehicle if vehicle is not None else SimulatedVehicle()
        self.memory = Memory()
        store = reminders or (llm.reminders if llm is not None else None)
        self.services = Services(store if store is not None else ReminderStore())
        self.review_log = review_log
        self.llm = llm
        self.session = session or time.strftime("%Y%m%dT%H%M%S")
        self.turns = 0  # turns taken in this conversation: each turn's events carry its number
        self.edge = understanding or Engines.shared(mode).edge  # a composition root passes its own
        # the car's contacts, media and places (a service shares one index among its sessions)
        self.names = names if names is not None else index_for(self.vehicle.names())
        warm_up()  # data and patterns load here, so the first spoken turn is as fast as the rest
        load_rules()
        replies.phrases("en")
        warm_services()

    def reset(self) -> None:
        self.memory = Memory()

    def _context_domain(self) -> str | None:
        """The domain the next turn continues: a request awaiting its name ("打电话" … "张伟"),
        a half-said or time-asked request, else the last action's."""
        held = self.memory.partial or self.memory.asked
        for cap_id in (self.memory.awaits, held.cap if held is not None else None):
            if cap_id in load_catalog():
                return load_catalog()[cap_id].domain
        last = self.memory.last_actions
        return last[-1].cap.domain if last else None

    def _awaits_after(self, executed: list[Action]) -> str | None:
        """The request whose name the next turn, and only the next, may be: one that asked for
        it ("打电话" … "给谁？"), or one that ran without it ("我想听歌": music resumed)."""
        if self.memory.awaits is not None:
            return self.memory.awaits  # asked this turn (set by _reviewed)
        if len(executed) == 1 and executed[0].cap.takes_names() \
                and not any(executed[0].intent.slots.get(k) for k in executed[0].cap.params):
            return executed[0].cap.id
        return None

    def turn(self, text: str, zone: str | None = None, emit: Callable[[str], None] | None = None,
             cancelled: Callable[[], bool] = lambda: False, on_event: Sink | None = None,
             heard: float | None = None) -> TurnResult:
        """One turn. `emit` receives what can be said at once (the LLM tier's acknowledgement,
        then its answer sentence by sentence); `cancelled` stops a streaming answer;
        `on_event` receives the turn's typed events (events.EventType) as they happen;
        `heard`: the recognizer's confidence when the text was spoken (None: typed)."""
        start = time.perf_counter()
        self.turns += 1
        number = self.turns

        def event(kind: EventType, data: Callable[[], dict[str, Any]]) -> None:
            if on_event is not None:  # the payload is built only for a listener: no cost on a bare turn
                on_event(Event(kind, data(), self.session, number))

        spoken: list[str] = []

        def say(sentence: str) -> None:  # the LLM tier's first words are its acknowledgement, then its sentences
            event(EventType.SENTENCE if spoken else EventType.ACKNOWLEDGED, lambda: {"text": sentence})
            spoken.append(sentence)
            if emit is not None:
                emit(sentence)

        speaker = zone if zone and is_seat(zone) else DEFAULT_SPEAKER
        event(EventType.TURN_STARTED, lambda: {"text": text if isinstance(text, str) else "", "zone": speaker})
        awaits, follows = self.memory.awaits, self.memory.follows
        u = self.edge.understand(text, self._context_domain(), names=self.names, awaits=awaits, follows=follows)
        event(EventType.UNDERSTOOD, lambda: {"lang": u.lang, "act": u.act, "reason": u.reason, "source": u.source,
                                     "intents": [i.to_dict() for i in u.intents]})
        self.memory.awaits = self.memory.follows = None  # for this turn only: "打电话" … "取消" … "妈妈" dials no one
        before = self.vehicle.snapshot()
        try:
            decision = decide(u, self.memory, self.vehicle, story_told=self.services.story is not None)
            done = self._carry_out(decision, u, speaker, event, heard)
        except Exception:  # a bug must cost one turn, never the session; writes are all-or-nothing
            log.exception("turn failed: %r", text)
            done = said(Outcome.FAILED, replies.phrases(u.lang)["failed"])
        route = Route.EDGE
        handoff_now = (done.outcome is Outcome.NO_ACTION and u.reason in _HANDOFF) or done.handoff
        if self.llm is not None and handoff_now and isinstance(text, str):
            car = TierCar(self.vehicle, speaker, u.lang, self.memory,
                          lambda planned: self._reviewed(planned, speaker, u.lang, event))
            tier_route, tier_done = ask_tier(self.llm, text, car, done, say, cancelled)
            if not (done.handoff and tier_done.outcome is Outcome.NO_ACTION):
                route, done = Route(tier_route), tier_done
        return self._finish(text, u, done, route, before, start, event)

    def _finish(self, text: str, u: Understanding, done: Done, route: Route, before: dict[str, Value],
                start: float, event: EventFn) -> TurnResult:
        """What the conversation remembers of the turn, and its result and outcome event."""
        after = self.vehicle.snapshot()
        changes = {k: v for k, v in after.items() if before.get(k, object()) != v}
        previous = {k: before.get(k) for k in changes}
        self.memory.remember(done.executed, previous)
        self.memory.awaits = self._awaits_after(done.executed)
        named = [a for a in done.executed if a.cap.takes_names() and any(a.intent.slots.values())]
        self.memory.follows = named[-1].cap.id if len(done.executed) == 1 and named else None
        reply = replies.join(done.parts, u.lang)
        handoff = u.reason if done.outcome is Outcome.NO_ACTION and u.reason in _HANDOFF else None
        if self.llm is not None and route is Route.EDGE and reply and isinstance(text, str) and u.act != "none":
            self.llm.remember(text, reply)
        writes = done.writes
        result = TurnResult(text=text if isinstance(text, str) else "", outcome=done.outcome.value, route=route.value,
                            writes=writes, changes=changes, reply=reply,
                            latency_ms=(time.perf_counter() - start) * 1000, lang=u.lang,
                            understanding=u, handoff=handoff)
        if self.review_log is not None and (handoff or done.outcome in (Outcome.CLARIFY, Outcome.FAILED)):
            self._log_for_review(result)
        if writes:
            event(EventType.WRITES_APPLIED, lambda: {"writes": [{"path": w.path, "value": w.value} for w in writes],
                                             "changes": dict(changes)})
        event(EventType.OUTCOME, lambda: {**result.to_dict(), "lang": u.lang})
        return result

    def _log_for_review(self, r: TurnResult) -> None:
        """Turns the edge routed away or could not do, in the line format `train --add` reads
        once someone adds the truth (`intent` or `expect`)."""
        u = r.understanding
        row = {"text": r.text, "lang": r.lang, "session": self.session, "outcome": r.outcome,
               "reason": r.handoff or (u.reason if u else None)}
        if u is not None and u.prediction is not None:
            row["model"] = {"label": u.prediction.label, "confidence": round(u.prediction.confidence, 3)}
        with open(self.review_log, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    # -- the stages after understanding -------------------------------------
    def _carry_out(self, d: Decision, u: Understanding, speaker: str, event: EventFn,
                   heard: float | None = None) -> Done:
        """A decision through plan, safety, act and reply."""
        p = replies.phrases(u.lang)
        if d.step is Step.ANSWER:
            return said(d.outcome, d.reply)
        if d.step is Step.RUN:
            return ran(apply(d.actions, self.vehicle, speaker, waive=d.waive), u.lang)
        if d.step is Step.SERVICE:
            return self._service(d, u, speaker, event)
        reverted: list[Write] = []
        if d.step is Step.UNDO or d.revert_first:
            back = revert_last(self.memory, self.vehicle, speaker)
            if isinstance(back, Rule):
                return said(Outcome.REFUSED, p["refused"].format(reason=back.reason[u.lang]))
            if d.step is Step.UNDO:
                return Done(Outcome.EXECUTED, [p["undone"]], back)
            reverted = back  # "only the passenger side": the others went back as they were
        planned = plan_turn(list(d.intents), u.text, u.lang, self.vehicle, speaker, retime=d.retime)
        done = self._reviewed(planned, speaker, u.lang, event, heard)
        return replace(done, writes=reverted + done.writes) if reverted else done

    def _reviewed(self, planned: Plan, speaker: str, lang: str, event: EventFn,
                  heard: float | None = None) -> Done:
        """Safety per action: allowed ones run, refused ones are reported, confirm ones wait."""
        checked = review(planned, self.vehicle, speaker, lang, event)
        if heard is not None and heard < NAMES_SURE:
            hold_misheard_names(checked, lambda name: bool(self.names.whole(name, lang)), lang, event)
        applied = apply(checked.allowed, self.vehicle, speaker) if checked.allowed else Applied()
        self.memory.asked = next((pr.detail["intent"] for pr in planned.problems if asks_time(pr)), None)
        self.memory.awaits = next((pr.cap.id for pr in planned.problems if asks_name(pr)), None)
        if checked.confirm:
            self.memory.pending = Pending(checked.confirm, checked.confirm_rules)
        return reviewed(planned, checked, applied, lang)

    def _service(self, d: Decision, u: Understanding, speaker: str, event: EventFn) -> Done:
        """The car's own services (clock, timers, reminders, stories, driver state): no write;
        an offer ("shall I let in fresh air?") is planned now and held for the driver's yes."""
        moving = (self.vehicle.get("Vehicle.Speed") or 0) > 0
        result = self.services.handle(d.service, u.text, u.lang, moving)
        if d.commands:  # "what time is it, and turn on the AC": the command runs too
            done = self._reviewed(plan(list(d.intents), self.vehicle, speaker, u.lang), speaker, u.lang, event)
            executed = bool(done.writes) or result.outcome is Outcome.EXECUTED
            return replace(done, parts=[result.reply] + done.parts,
                           outcome=Outcome.EXECUTED if executed else done.outcome)
        outcome = result.outcome
        if result.offer:
            planned = plan(result.offer, self.vehicle, speaker, u.lang)
            if planned.actions:
                self.memory.pending = Pending(planned.actions, frozenset())
            else:
                outcome = Outcome.ANSWERED
        return Done(outcome, [result.reply],
                    handoff=self.llm is not None and (result.handoff or result.outcome is Outcome.CLARIFY))
