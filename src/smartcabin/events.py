"""Typed events: what a turn and the vehicle tell whoever listens (CLI, service, voice).

A turn is a stream: started, understood, planned, (refused or held by safety), (sentences),
writes applied, outcome. The vehicle adds
signal changes. Every event carries the session, the turn number within it and a sequence
number that is global to the process, so a listener can tell lost, repeated or reordered
events, and a reconnecting one can ask for what it missed.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from enum import StrEnum
from typing import Any, Callable


log = logging.getLogger(__name__)


class EventType(StrEnum):
    TURN_STARTED = "turn.started"  # text and seat, before understanding
    UNDERSTOOD = "turn.understood"  # who understood it (route, source) and what it asks for
    PLANNED = "turn.planned"  # the actions planned (their writes) and what could not be planned
    REFUSED = "turn.refused"  # an action the safety policy stopped, with the rule and its reason
    CONFIRM = "turn.confirm"  # an action the policy holds for the driver's yes
    ACKNOWLEDGED = "turn.ack"  # what is said at once when the answer will take a while (the LLM tier's)
    SENTENCE = "turn.sentence"  # a sentence that can be said now (the LLM tier streams them)
    WRITES_APPLIED = "turn.writes"  # the actuator writes made and what they changed
    OUTCOME = "turn.outcome"  # the turn object of the eval format: outcome, reply, latency
    SIGNAL_CHANGED = "signal.changed"  # any signal that changed, whoever changed it
    # the voice loop (smartcabin.voice.loop), around the turn its transcript starts
    WAKE = "voice.wake"  # the wake phrase, or push-to-talk: listening now
    SPEECH_STARTED = "voice.speech_started"
    SPEECH_ENDED = "voice.speech_ended"  # the utterance is complete: recognition starts
    TRANSCRIPT = "voice.transcript"  # what was heard, by which engine, how long it took
    NOT_HEARD = "voice.not_heard"  # nothing said, or nothing reliable: no turn, no action
    AUDIO_STARTED = "voice.audio_started"  # the reply's first synthesized audio goes out
    BARGE_IN = "voice.barge_in"  # the speaker talked over the reply: it stopped
    FOLLOW_UP = "voice.follow_up"  # the assistant asked something: listening without the wake word


class Outcome(StrEnum):
    """How a turn ended (eval-format.md)."""
    EXECUTED = "executed"
    REFUSED = "refused"
    CONFIRM = "confirm"
    CLARIFY = "clarify"
    ANSWERED = "answered"
    NO_ACTION = "no_action"
    FAILED = "failed"


class Route(StrEnum):
    EDGE = "edge"
    LOCAL_LLM = "local_llm"
    CLOUD_LLM = "cloud_llm"
    OFFLINE = "offline"  # handed to the LLM tier, but no model was reachable: the car's honest reply


@dataclass(frozen=True)
class Event:
    type: EventType
    data: dict[str, Any]
    session: str = ""
    turn: int = 0  # the turn's number within its session; 0 for signal changes
    seq: int = 0  # global, increasing by one per event published
    at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "seq": self.seq, "session": self.session, "turn": self.turn,
                "at": round(self.at, 3), "data": self.data}

    @cached_property
    def json(self) -> str:
        """The event as JSON text, made once however many listeners it goes to."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


Sink = Callable[[Event], None]


class EventHub:
    """Publish once, deliver to every subscriber, in one order. Thread-safe; the last
    `keep` events stay for a listener that reconnects (`since`)."""

    def __init__(self, keep: int = 2048) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._recent: deque[Event] = deque(maxlen=keep)
        self._subscribers: list[Sink] = []

    def publish(self, event: Event) -> Event:
        with self._lock:  # numbering and delivery under one lock: every subscriber sees one order
            self._seq += 1
            stamped = Event(event.type, event.data, event.session, event.turn, self._seq, event.at)
            self._recent.append(stamped)
            for sink in list(self._subscribers):
                try:
                    sink(stamped)
                except Exception:  # a listener's fault (a closed loop at shutdown) never fails the turn
                    log.exception("event listener failed; event %d", stamped.seq)
        return stamped

    def subscribe(self, sink: Sink, since: int | None = None) -> Callable[[], None]:
        """Deliver every event from now on; with `since`, first those after that sequence
        number still kept. Returns the function that unsubscribes."""
        with self._lock:
            if since is not None:
                for e in self._recent:
                    if e.seq > since:
                        sink(e)
            self._subscribers.append(sink)

        def cancel() -> None:
            with self._lock:
                if sink in self._subscribers:
                    self._subscribers.remove(sink)
        return cancel

    @property
    def last_seq(self) -> int:
        return self._seq

    @property
    def listeners(self) -> int:
        return len(self._subscribers)
