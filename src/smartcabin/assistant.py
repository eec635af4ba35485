"""The assistant: one turn flows input -> understanding -> plan -> safety -> vehicle -> reply."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable

from . import replies
from .capabilities import load_catalog
from .dialog import Memory, Pending, resolve
from .events import Event, EventType, Outcome, Sink
from .planning import Action, Plan, Problem, plan, undo_writes, when_said
from .safety import check, load_rules
from .signals import Value
from .understanding import Intent, Understanding
from .understanding.entities import NameIndex
from .understanding.naming import index_for
from .understanding.router import EdgeUnderstanding
from .llm.tier import HELD, HELD_UNSURE, LLMTier
from .understanding.parser import warm_up
from .reminders import ReminderStore
from .services import Services, warm_up as warm_services
from .vehicle import SimulatedVehicle, Vehicle, Write
from .zones import DEFAULT_SPEAKER, is_seat

_MEDIA_ACTION = "Vehicle.Cabin.Infotainment.Media.Action"  # the VSS signal of what the player does

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


@dataclass
class _Turn:
    """What one turn accumulates on its way through the stages."""
    lang: str
    speaker: str
    executed: list[Action] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    outcome: str | None = None
    handoff: bool = False  # a service a configured LLM can do better
    event: Callable[[EventType, Callable[[], dict[str, Any]]], None] = lambda kind, data: None  # the turn's events


DEFAULT_MODE = "hybrid"  # parser first, the learned model when the parser has no reading
_HANDOFF = {"chitchat", "question", "out_of_domain", "low_confidence", "llm_request"}  # for the LLM tier
_LLM_VERDICTS = ("confirm", "refused", "clarify", "failed")  # a model's action that did not run, by weight
_instances: dict[tuple[str, Path | None], EdgeUnderstanding] = {}


def understanding_for(mode: str, model: Path | None = None) -> EdgeUnderstanding:
    """One model per process, mode and model file (None: the packaged one), however many
    conversations; loaded and warmed here, at start, not in the first turn."""
    key = (mode, model)
    if key not in _instances:
        _instances[key] = EdgeUnderstanding(mode, model)
        _instances[key].warm_up()
    return _instances[key]


def _asks_time(pr: Problem) -> bool:
    """A request planning could not run for want of its time ("schedule charging")."""
    return pr.kind == "missing" and pr.cap is not None and any(
        p.get("type") == "time" for p in pr.cap.params.values())


def _asks_name(pr: Problem) -> bool:
    """A request planning could not run for want of its name ("call" … "who?")."""
    return pr.kind == "missing" and pr.cap is not None and pr.cap.takes_names()


def _long(u: Understanding) -> bool:
    return len(u.text.split()) > 8 if u.lang == "en" else len(u.text) > 14


class _TierCar:
    """The model tier's port to the car for one turn (llm.tier.CarPort): what it proposes is
    planned and passes the same safety policy as every other request, or waits for the driver."""

    def __init__(self, assistant: "Assistant", t: _Turn, lang: str) -> None:
        self.assistant, self.t, self.lang = assistant, t, lang
        self.done: list[Write] = []
        self.held: list[Action] = []
        self.verdicts: list[str] = []  # what planning and safety made of each proposed action

    def act(self, intents: list[Intent], hold: bool = False) -> dict[str, Any]:
        a, t = self.assistant, self.t
        planned = plan(intents, a.vehicle, t.speaker, self.lang)
        if hold and planned.actions:  # proposed after untrusted content or by a small model: the user decides
            self.held.extend(planned.actions)
            return {"held": True, "reply": "waiting for the user's confirmation"}
        sub = _Turn(lang=self.lang, speaker=t.speaker, event=t.event)
        new = a._review(planned, sub)
        self.done.extend(new)
        self.verdicts.append(sub.outcome or "no_action")
        a.memory.last_actions = sub.executed or a.memory.last_actions
        return {"outcome": sub.outcome, "writes": [{"path": w.path, "value": w.value} for w in new],
                "reply": " ".join(sub.parts)}

    def read(self, paths: list[str]) -> dict[str, Any]:
        return {p: self.assistant.vehicle.get(p) for p in paths}


class Assistant:
    """A conversation with one vehicle. Not thread-safe: one speaker turn at a time."""

    def __init__(self, vehicle: Vehicle | None = None, mode: str = DEFAULT_MODE,
                 understanding: EdgeUnderstanding | None = None, review_log: Path | None = None,
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
        self.edge = understanding or understanding_for(mode)
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

    def _awaits_after(self, t: "_Turn") -> str | None:
        """The request whose name the next turn, and only the next, may be: one that asked for
        it ("打电话" … "给谁？"), or one that ran without it ("我想听歌": music resumed)."""
        if self.memory.awaits is not None:
            return self.memory.awaits  # asked this turn (set by _review)
        if len(t.executed) == 1 and t.executed[0].cap.takes_names() \
                and not any(t.executed[0].intent.slots.get(k) for k in t.executed[0].cap.params):
            return t.executed[0].cap.id
        return None

    def turn(self, text: str, zone: str | None = None, emit: Callable[[str], None] | None = None,
             cancelled: Callable[[], bool] = lambda: False, on_event: Sink | None = None) -> TurnResult:
        """One turn. `emit` receives what can be said at once (the LLM tier's acknowledgement,
        then its answer sentence by sentence); `cancelled` stops a streaming answer;
        `on_event` receives the turn's typed events (events.EventType) as they happen."""
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
        t = _Turn(lang=u.lang, speaker=speaker, event=event)
        try:
            writes = self._handle(u, t)
        except Exception:  # a bug must cost one turn, never the session; writes are all-or-nothing
            log.exception("turn failed: %r", text)
            writes, t.outcome, t.parts = [], "failed", [replies.phrases(u.lang)["failed"]]
        route = "edge"
        handoff_now = (t.outcome == "no_action" and u.reason in _HANDOFF) or t.handoff
        if self.llm is not None and handoff_now and isinstance(text, str):
            kept = (t.outcome, list(t.parts)) if t.handoff else None
            route, writes = self._ask_llm(text, u.lang, t, writes, say, cancelled)
            if kept is not None and t.outcome == "no_action":
                t.outcome, t.parts, route = kept[0], kept[1], "edge"  # no model answered: the car's own answer stands
        after = self.vehicle.snapshot()
        changes = {k: v for k, v in after.items() if before.get(k, object()) != v}
        previous = {k: before.get(k) for k in changes}
        self.memory.remember(t.executed, previous)
        self.memory.awaits = self._awaits_after(t)
        named = [a for a in t.executed if a.cap.takes_names() and any(a.intent.slots.values())]
        self.memory.follows = named[-1].cap.id if len(t.executed) == 1 and named else None
        outcome = t.outcome or ("executed" if writes else "no_action")
        reply = replies.join(t.parts, u.lang)
        handoff = u.reason if outcome == "no_action" and u.reason in _HANDOFF else None
        if self.llm is not None and route == "edge" and reply and isinstance(text, str) and u.act != "none":
            self.llm.remember(text, reply)
        result = TurnResult(text=text if isinstance(text, str) else "", outcome=outcome, route=route,
                            writes=writes, changes=changes, reply=reply,
                            latency_ms=(time.perf_counter() - start) * 1000, lang=u.lang,
                            understanding=u, handoff=handoff)
        if self.review_log is not None and (handoff or outcome in ("clarify", "failed")):
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

    def _ask_llm(self, text: str, lang: str, t: _Turn, writes: list[Write], emit, cancelled) -> tuple[str, list[Write]]:
        """Hand the turn to the LLM tier: its tool calls act through planning and safety."""
        car = _TierCar(self, t, lang)
        done, held, verdicts = car.done, car.held, car.verdicts
        done[:0] = writes
        moving = (self.vehicle.get("Vehicle.Speed") or 0) > 0
        answer = self.llm.answer(text, lang, car, moving, emit, cancelled)
        if held:
            self.memory.pending = Pending(held, frozenset({"llm-untrusted-content"}))
        t.parts = [answer.spoken or answer.text] if (answer.spoken or answer.text).strip() else []
        if held and answer.held_why == "unsure":
            what = "; ".join(replies.describe(a, lang).rstrip("。.") for a in held)
            t.parts.append(HELD_UNSURE.get(lang, HELD_UNSURE["en"]).format(what=what))
        elif held:
            t.parts.append(HELD.get(lang, HELD["en"]))
        t.outcome = "confirm" if held else "executed" if len(done) > len(writes) else \
            next((v for v in _LLM_VERDICTS if v in verdicts), "answered")
        if answer.route == "offline":
            t.outcome = "no_action"
        return answer.route, done

    # -- acts --------------------------------------------------------------
    def _handle(self, u: Understanding, t: _Turn) -> list[Write]:
        p = replies.phrases(u.lang)
        pending, self.memory.pending = self.memory.pending, None
        asked, self.memory.asked = self.memory.asked, None
        if asked is not None and u.act in ("none", "command") and u.reason not in ("injection", "too_long", "declined") \
                and not u.deny and not any(i.cap for i in u.intents) and when_said(u.text, u.lang, datetime.now()) is not None:
            # "schedule charging" ... "What time?" ... "at 11 pm": the time asked for
            return self._review(plan([replace(asked, clause=u.text)], self.vehicle, t.speaker, u.lang), t)
        vague = all(i.cap is None and i.value is None and not i.preset and not i.option and not i.slots
                    for i in u.intents)
        if pending is not None and u.affirm and not u.deny and u.act == "command" and vague:
            return self._execute(pending.actions, t, waive=pending.rules)  # "yeah, turn them off"
        if u.deny and vague and all(i.op is None for i in u.intents) and u.act in ("command", "no"):
            if pending is not None:  # "cancel" / "取消" answers the question
                t.outcome, t.parts = "no_action", [p["confirm_cancelled"]]
                return []
            return self._cancel_running(t)
        if u.act == "yes" and pending is None and self.services.story is not None:
            return self._service("story.continue", u, t)  # "go on" / "继续" while a story is told
        if u.act == "service":
            return self._service(u.reason or "", u, t)
        if u.act == "yes":
            if pending is None:
                t.outcome, t.parts = "no_action", [p["nothing_pending"]]
                return []
            return self._execute(pending.actions, t, waive=pending.rules)
        if u.act == "no":
            if pending is None:
                return self._cancel_running(t)
            t.outcome, t.parts = "no_action", [p["confirm_cancelled"]]
            return []
        if u.act == "undo":
            return self._undo(t)
        if u.act == "none" and u.reason == "declined" and u.deny and self.memory.undo_stack:
            return self._undo(t)  # "算了，先别锁了" right after locking: take it back
        if u.act == "none":
            # an injected turn is refused as a whole, its harmless part too: never a partial action
            t.outcome = "refused" if u.reason == "injection" and any(i.cap for i in u.intents) else "no_action"
            t.parts = [p[f"none_{u.reason or 'chitchat'}"]]
            return []
        intents = resolve(u.intents, self.memory, u.lang, playing=self._playing())
        if intents is None and _long(u):
            self.memory.partial = None  # a verb lost in a long story is not a request to ask about
            t.outcome, t.parts = "no_action", [p["none_chitchat"]]
            return []
        if intents is None:
            op = next((i.op for i in u.intents if i.op), None)
            t.outcome = "clarify"
            t.parts = [p["clarify_target"].format(op=p["ops"][op]) if op in p["ops"] else p["clarify_generic"]]
            return []
        reverted: list[Write] = []
        if any(i.only or i.instead for i in u.intents):
            if not self.memory.last_undoable:  # nothing changed last time, or it was undone: ask
                t.outcome, t.parts = "clarify", [p["clarify_generic"]]
                return []
            reverted = self._revert_last(t)  # "only the passenger side": the others go back as they were
            if reverted is None:
                return []
        planned = plan(intents, self.vehicle, t.speaker, u.lang)
        untimed = {pr.cap.id for pr in planned.problems if _asks_time(pr)}
        if untimed and when_said(u.text, u.lang, datetime.now()) is not None:
            # "预约充电，晚上十一点": the time said in a clause of its own
            intents = [replace(i, clause=u.text) if i.cap in untimed else i for i in intents]
            planned = plan(intents, self.vehicle, t.speaker, u.lang)
        return reverted + self._review(planned, t)

    def _playing(self) -> bool:
        """Media is playing: what a bare "turn it up" refers to when nothing was said before."""
        return self.vehicle.get(_MEDIA_ACTION) == "PLAY"

    def _service(self, service_id: str, u: Understanding, t: _Turn) -> list[Write]:
        """The car's own services (clock, timers, reminders, stories, driver state): no write;
        an offer ("shall I let in fresh air?") is planned now and held for the driver's yes."""
        moving = (self.vehicle.get("Vehicle.Speed") or 0) > 0
        result = self.services.handle(service_id, u.text, u.lang, moving)
        t.outcome, t.parts = result.outcome.value, [result.reply]
        if u.intents:  # "what time is it, and turn on the AC": the command runs too
            intents = resolve(u.intents, self.memory, u.lang) or []
            t.parts = []
            done = self._review(plan(intents, self.vehicle, t.speaker, u.lang), t)
            t.parts = [result.reply] + t.parts
            t.outcome = "executed" if done or result.outcome.value == "executed" else t.outcome
            return done
        t.handoff = self.llm is not None and (result.handoff or result.outcome.value == "clarify")
        if result.offer:
            planned = plan(result.offer, self.vehicle, t.speaker, u.lang)
            if planned.actions:
                self.memory.pending = Pending(planned.actions, frozenset())
            else:
                t.outcome = "answered"
        return []

    def _review(self, planned: Plan, t: _Turn) -> list[Write]:
        """Safety per action: allowed ones run, refused ones are reported, confirm ones wait."""
        p = replies.phrases(t.lang)
        allowed: list[Action] = []
        refused: list[str] = []
        confirm: list[Action] = []
        confirm_rules: set[str] = set()
        t.event(EventType.PLANNED, lambda: {
            "actions": [{"cap": a.cap.id, "writes": [{"path": w.path, "value": w.value} for w in a.writes]}
                        for a in planned.actions],
            "problems": [{"kind": pr.kind, "cap": pr.cap.id if pr.cap else None} for pr in planned.problems]})
        for a in planned.actions:
            verdict = check(a.writes, self.vehicle, t.speaker)
            if verdict.decision != "allow":
                t.event(EventType.REFUSED if verdict.decision == "refuse" else EventType.CONFIRM,
                        lambda verdict=verdict, a=a: {"cap": a.cap.id, "rule": verdict.rule.id if verdict.rule else None,
                         "reason": verdict.rule.reason[t.lang] if verdict.rule else ""})
            if verdict.decision == "allow":
                allowed.append(a)
            elif verdict.decision == "refuse":
                refused.append(verdict.rule.reason[t.lang] if verdict.rule else "")
            else:
                confirm.append(a)
                confirm_rules.add(verdict.rule.id if verdict.rule else "")
                if verdict.rule:
                    t.parts.append(p["confirm"].format(reason=verdict.rule.reason[t.lang]))
        writes = self._execute(allowed, t) if allowed else []
        t.parts = [x for x in t.parts if x] + [p["refused"].format(reason=r) for r in dict.fromkeys(refused)]
        t.parts += [replies.problem(pr, t.lang) for pr in planned.problems]
        self.memory.asked = next((pr.detail["intent"] for pr in planned.problems if _asks_time(pr)), None)
        self.memory.awaits = next((pr.cap.id for pr in planned.problems if _asks_name(pr)), None)
        if confirm:
            self.memory.pending = Pending(confirm, frozenset(confirm_rules))
        if writes or any(a.cap.kind == "query" or a.intent.op == "query" for a in allowed):
            t.outcome = "executed" if writes else "answered"
        elif confirm:
            t.outcome = "confirm"
        elif refused:
            t.outcome = "refused"
        elif planned.problems and all(pr.kind in ("not_now", "absent") for pr in planned.problems):
            t.outcome = "no_action"
        elif planned.problems:
            kinds = {pr.kind for pr in planned.problems}
            t.outcome = "clarify" if kinds & {"out_of_range", "unsupported", "missing"} else "failed"
        else:
            t.outcome = "no_action"
        return writes

    def _execute(self, actions: list[Action], t: _Turn, waive: frozenset[str] = frozenset()) -> list[Write]:
        writes: list[Write] = []
        done: list[Action] = []
        for a in actions:
            if waive and check(a.writes, self.vehicle, t.speaker, waive).decision != "allow":
                t.parts.append(replies.phrases(t.lang)["failed"])
                continue
            writes += a.writes
            done.append(a)
        self.vehicle.write(writes)
        t.executed = done
        # one reply per function and seats: the last of several changes to it is what the driver gets
        final = [a for n, a in enumerate(done)
                 if not any(b.cap.id == a.cap.id and b.zones == a.zones for b in done[n + 1:])]
        t.parts = [replies.describe(a, t.lang) for a in final] + t.parts
        t.outcome = "executed" if writes else ("answered" if done else "failed")
        return writes

    def _undo(self, t: _Turn) -> list[Write]:
        p = replies.phrases(t.lang)
        if not self.memory.undo_stack:
            t.outcome, t.parts = "no_action", [p["nothing_to_undo"]]
            return []
        writes = self._revert_last(t)
        if writes is None:
            return []
        t.outcome, t.parts = "executed", [p["undone"]]
        return writes

    def _revert_last(self, t: _Turn) -> list[Write] | None:
        """Put back what the last turn changed; None (and the refusal said) where safety forbids it."""
        if not self.memory.undo_stack:
            return []
        writes = undo_writes(self.memory.undo_stack[-1], self.vehicle)
        verdict = check(writes, self.vehicle, t.speaker)
        if verdict.decision != "allow" and verdict.rule is not None:
            # undoing is a command like any other: "undo" must not open a door at speed
            p = replies.phrases(t.lang)
            t.outcome, t.parts = "refused", [p["refused"].format(reason=verdict.rule.reason[t.lang])]
            return None
        self.memory.undo_stack.pop()
        self.memory.last_undoable = False
        self.vehicle.write(writes)
        return writes

    def _cancel_running(self, t: _Turn) -> list[Write]:
        """A bare "cancel" with nothing to answer stops what is running: guidance, then a call."""
        for path, value, cap in (("Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive", True, "navigation.cancel"),
                                 ("Vehicle.Cabin.Infotainment.Phone.Call.State", "DIALING", "phone.hangup"),
                                 ("Vehicle.Cabin.Infotainment.Phone.Call.State", "ACTIVE", "phone.hangup")):
            if self.vehicle.get(path) == value:
                return self._review(plan([Intent(cap=cap, op="on")], self.vehicle, t.speaker, t.lang), t)
        t.outcome, t.parts = "no_action", [replies.phrases(t.lang)["nothing_pending"]]
        return []
