"""The dialog stage: what an understood turn asks for, read in its conversation (a pending
question, a time asked back, the last actions). It updates the conversation's memory of
what this turn consumes, and touches no vehicle."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from .. import replies
from ..capabilities import load_catalog
from ..dialog import Memory, resolve
from ..events import Outcome
from ..planning import Action, when_said
from ..understanding import Intent, Understanding
from ..vehicle import Vehicle

_MEDIA_ACTION = "Vehicle.Cabin.Infotainment.Media.Action"  # the VSS signal of what the player does



class Step(StrEnum):
    ANSWER = "answer"  # nothing to do to the car: say `reply`
    REVIEW = "review"  # plan `intents`, review them, run what is allowed
    RUN = "run"  # run actions the driver confirmed (their rules waived, every other one checked)
    UNDO = "undo"  # put back what the last turn changed
    SERVICE = "service"  # one of the car's own services, and `intents` said with it


@dataclass(frozen=True)
class Decision:
    step: Step
    intents: tuple[Intent, ...] = ()
    actions: tuple[Action, ...] = ()
    waive: frozenset[str] = frozenset()
    service: str = ""
    outcome: Outcome = Outcome.NO_ACTION
    reply: str = ""
    revert_first: bool = False  # "only the passenger side": the last turn's changes go back first
    retime: bool = True  # a time said in a clause of its own may complete an untimed request
    commands: bool = False  # SERVICE: the turn said commands with it (`intents`, resolved)


def answer(outcome: Outcome, reply: str) -> Decision:
    return Decision(Step.ANSWER, outcome=outcome, reply=reply)


def _long(u: Understanding) -> bool:
    return len(u.text.split()) > 8 if u.lang == "en" else len(u.text) > 14


def _cancel_running(vehicle: Vehicle, lang: str) -> Decision:
    """What a bare "cancel" stops when nothing asked a question: the catalog's first function
    that stops something running now (its `stops_running`), in catalog order."""
    for cap in load_catalog().values():
        if any(vehicle.get(path) in values for path, values in cap.stops_running.items()):
            return Decision(Step.REVIEW, (Intent(cap=cap.id, op="on"),))
    return answer(Outcome.NO_ACTION, replies.phrases(lang)["nothing_pending"])


def decide(u: Understanding, memory: Memory, vehicle: Vehicle, story_told: bool) -> Decision:
    """`story_told`: a story is being told, so a bare "go on" continues it."""
    p = replies.phrases(u.lang)
    pending, memory.pending = memory.pending, None
    asked, memory.asked = memory.asked, None
    if asked is not None and u.act in ("none", "command") and u.reason not in ("injection", "too_long", "declined") \
            and not u.deny and not any(i.cap for i in u.intents) and when_said(u.text, u.lang, datetime.now()) is not None:
        # "schedule charging" ... "What time?" ... "at 11 pm": the time asked for
        return Decision(Step.REVIEW, (replace(asked, clause=u.text),), retime=False)
    vague = all(i.cap is None and i.value is None and not i.preset and not i.option and not i.slots
                for i in u.intents)
    if pending is not None and u.affirm and not u.deny and u.act == "command" and vague:
        return Decision(Step.RUN, actions=tuple(pending.actions), waive=pending.rules)  # "yeah, turn them off"
    if u.deny and vague and all(i.op is None for i in u.intents) and u.act in ("command", "no"):
        if pending is not None:  # "cancel" / "取消" answers the question
            return answer(Outcome.NO_ACTION, p["confirm_cancelled"])
        return _cancel_running(vehicle, u.lang)
    if u.act == "yes" and pending is None and story_told:
        return _service("story.continue", u, memory)  # "go on" / "继续" while a story is told
    if u.act == "service":
        return _service(u.reason or "", u, memory)
    if u.act == "yes":
        if pending is None:
            return answer(Outcome.NO_ACTION, p["nothing_pending"])
        return Decision(Step.RUN, actions=tuple(pending.actions), waive=pending.rules)
    if u.act == "no":
        if pending is None:
            return _cancel_running(vehicle, u.lang)
        return answer(Outcome.NO_ACTION, p["confirm_cancelled"])
    if u.act == "undo":
        if not memory.undo_stack:
            return answer(Outcome.NO_ACTION, p["nothing_to_undo"])
        return Decision(Step.UNDO)
    if u.act == "none" and u.reason == "declined" and u.deny and memory.undo_stack:
        return Decision(Step.UNDO)  # "算了，先别锁了" right after locking: take it back
    if u.act == "none":
        # an injected turn is refused as a whole, its harmless part too: never a partial action
        refused = u.reason == "injection" and any(i.cap for i in u.intents)
        return answer(Outcome.REFUSED if refused else Outcome.NO_ACTION, p[f"none_{u.reason or 'chitchat'}"])
    intents = resolve(u.intents, memory, u.lang, playing=vehicle.get(_MEDIA_ACTION) == "PLAY")
    if intents is None and _long(u):
        memory.partial = None  # a verb lost in a long story is not a request to ask about
        return answer(Outcome.NO_ACTION, p["none_chitchat"])
    if intents is None:
        op = next((i.op for i in u.intents if i.op), None)
        return answer(Outcome.CLARIFY,
                      p["clarify_target"].format(op=p["ops"][op]) if op in p["ops"] else p["clarify_generic"])
    only = any(i.only or i.instead for i in u.intents)
    if only and not memory.last_undoable:  # nothing changed last time, or it was undone: ask
        return answer(Outcome.CLARIFY, p["clarify_generic"])
    return Decision(Step.REVIEW, tuple(intents), revert_first=only)


def _service(service_id: str, u: Understanding, memory: Memory) -> Decision:
    """"what time is it, and turn on the AC": the command said with the service runs too."""
    intents = tuple(resolve(u.intents, memory, u.lang) or []) if u.intents else ()
    return Decision(Step.SERVICE, intents, service=service_id, commands=bool(u.intents))
