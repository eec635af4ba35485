"""The composition root: the engines a process shares, built once from configuration, and
the sessions (one per seat or client) that each hold their own conversation."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..assistant import Assistant, TurnResult
from ..engines import DEFAULT_MODE, Engines
from ..events import Event, EventHub, EventType
from ..reminders import ReminderStore
from ..understanding.naming import index_for
from ..vehicle import SimulatedVehicle, vehicle_from_config
from ..zones import DEFAULT_SPEAKER, SEATS


# what the driver's hands set and no function of the assistant writes: a scenario may set it
SCENARIO_CONTROLS = {"gear": "Vehicle.Powertrain.Transmission.SelectedGear"}


@dataclass
class Session:
    id: str
    assistant: Assistant
    zone: str = DEFAULT_SPEAKER
    created: float = field(default_factory=time.time)
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "zone": self.zone, "turns": self.turns, "created": round(self.created, 3)}


class Cockpit:
    """One car, the shared engines, and its sessions. Turns run one at a time on the car
    (a lock held for the turn): each turn's changes are its own, and events keep one order."""

    MAX_SESSIONS = 1000

    def __init__(self, vehicle: SimulatedVehicle | None = None, engines: Engines | None = None,
                 reminders: ReminderStore | None = None, hub: EventHub | None = None,
                 review_log: Path | None = None) -> None:
        self.vehicle = vehicle if vehicle is not None else vehicle_from_config()
        self.engines = engines if engines is not None else Engines.shared()
        self.reminders = reminders if reminders is not None else ReminderStore()
        self.hub = hub if hub is not None else EventHub()
        self.review_log = review_log  # turns routed away or failed, for labelling (every session's)
        self.names = index_for(self.vehicle.names())  # built once: every session reads the same car
        self.sessions: dict[str, Session] = {}
        self._sessions_lock = threading.Lock()
        # the data every conversation loads (lexicons, rules, replies, stories) loads now, at start,
        # not in the first session's first turn while the others wait
        Assistant(self.vehicle, understanding=self.engines.edge, reminders=self.reminders, names=self.names)
        self._voice: Any = None  # voice.engines.VoiceEngines, on first spoken turn
        self._voice_lock = threading.Lock()
        self._turn_lock = threading.Lock()
        self._turning: Session | None = None
        self.vehicle.subscribe(self._signals_changed)

    @classmethod
    def from_config(cls, model: Path | None = None, backend: str = "simulator", setup: dict[str, object] | None = None,
                    review_log: Path | None = None) -> "Cockpit":
        """The process's engines, once: the car, the edge understanding, the LLM tier if configured."""
        return cls(vehicle_from_config(backend, setup), Engines.from_config(DEFAULT_MODE, model), review_log=review_log)

    def session(self, sid: str, zone: str | None = None) -> Session:
        """The session of that id, made on first use (its seat from the first turn or `zone`)."""
        with self._sessions_lock:
            found = self.sessions.get(sid)
            if found is None:
                if len(self.sessions) >= self.MAX_SESSIONS:
                    oldest = min(self.sessions.values(), key=lambda s: s.created)
                    del self.sessions[oldest.id]  # bounded: a flood of new sessions cannot grow memory
                # the engines are shared; the conversation, its LLM history included, is the session's
                assistant = Assistant(self.vehicle, understanding=self.engines.edge,
                                      llm=self.engines.tier(self.reminders), reminders=self.reminders,
                                      session=sid, names=self.names, review_log=self.review_log)
                found = self.sessions[sid] = Session(sid, assistant, zone if zone in SEATS else DEFAULT_SPEAKER)
            return found

    def voice(self) -> Any:
        """The voice engines, built on first use (recognizer and voices load in about a second);
        voice.EngineMissing where the voice extra is not installed."""
        with self._voice_lock:  # its own lock: sessions are not held up while the engines load
            if self._voice is None:
                from ..voice.engines import VoiceEngines

                self._voice = VoiceEngines.from_config()
            return self._voice

    def hear(self, wav: bytes, sid: str, zone: str | None = None, lang: str | None = None,
             speak: bool = True) -> dict[str, Any]:
        """One press-to-talk turn from a recording: what was heard, the turn (None when nothing
        reliable was), and the spoken reply as base64 WAV. AudioError for bad audio."""
        import base64

        import numpy as np

        from ..voice.audio import Audio, read_wav
        from ..voice.engines import PUSH_TO_TALK
        from ..voice.loop import MemoryPlayer

        audio = read_wav(wav)
        engines, player = self.voice(), MemoryPlayer()
        seat = zone if zone in SEATS else self.session(sid).zone
        loop = engines.loop(lambda heard: self.turn(heard.text, sid, seat, heard.confidence)[0], zone=seat, lang=lang, wake=PUSH_TO_TALK,
                            player=player, on_event=self.hub.publish, session=sid)  # voice.* on the event stream
        loop.speech = engines.speech if speak else None
        heard = engines.one_utterance(loop, audio)
        said = heard.transcript if heard is not None else None
        reply = Audio(np.concatenate([a.samples for a in player.played])) if player.played else None
        return {"transcript": {"text": said.text if said else "", "lang": said.lang if said else "",
                               "engine": said.engine if said else "", "ms": round(heard.asr_ms, 1) if heard else 0.0},
                "turn": ({**heard.result.to_dict(), "session": sid, "zone": seat, "lang": heard.result.lang}
                         if heard is not None and heard.result is not None else None),
                "reply_audio": base64.b64encode(reply.wav()).decode() if reply is not None else None}

    WAIT_S = 30.0  # longest a turn waits for the car (one slow LLM turn ahead of it): then "busy"

    def turn(self, text: str, sid: str, zone: str | None = None,
             heard: float | None = None) -> tuple[TurnResult, str]:
        """One turn of that session, from `zone` (else the session's seat); returns the result and
        the seat it ran as; `heard`: the recognizer's confidence for a spoken turn. Raises
        TimeoutError when the car stays busy longer than WAIT_S."""
        s = self.session(sid, zone)
        with self._car():
            if zone in SEATS:
                s.zone = zone  # under the lock: two requests of one session never swap seats
            speaker = s.zone
            self._turning = s
            try:
                s.turns += 1
                return s.assistant.turn(text, zone=speaker, on_event=self.hub.publish, heard=heard), speaker
            finally:
                self._turning = None

    def set_sensors(self, values: dict[str, object], controls: dict[str, object] | None = None) -> dict[str, Any]:
        """Scenario controls: `values` may name sensors only (speed, light, rain, temperatures);
        `controls` are the driver's own (the gear lever, SCENARIO_CONTROLS). An actuator the
        assistant drives changes only through a turn and the safety policy. All or nothing."""
        checked = {p: self.vehicle.sensor_value(p, v) for p, v in values.items()}  # raises SignalError
        for name, value in (controls or {}).items():
            path = SCENARIO_CONTROLS[name]
            checked[path] = self.vehicle.validate(path, value)
        with self._car():
            for path, value in checked.items():
                self.vehicle.set_sensor(path, value)
        return {p: self.vehicle.get(p) for p in checked}

    @contextmanager
    def _car(self) -> Iterator[None]:
        """The car, one turn or scenario change at a time; TimeoutError after WAIT_S."""
        if not self._turn_lock.acquire(timeout=self.WAIT_S):
            raise TimeoutError("the car is busy with another turn")
        try:
            yield
        finally:
            self._turn_lock.release()

    def _signals_changed(self, changed: dict[str, Any]) -> None:
        s = self._turning
        self.hub.publish(Event(EventType.SIGNAL_CHANGED, {"changes": changed},
                               session=s.id if s is not None else "", turn=s.assistant.turns if s else 0))
