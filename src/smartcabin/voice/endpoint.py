"""Where an utterance starts and ends, from voice activity per chunk: pure logic, no engine."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Edge(StrEnum):
    NONE = "none"
    STARTED = "started"  # speech began (the chunks since `pre_roll` are the utterance's start)
    PAUSED = "paused"  # a short silence after speech: likely the end, so recognition may start early
    ENDED = "ended"  # enough silence after speech: the utterance is complete
    TIMEOUT = "timeout"  # nothing said within `wait_s` of listening
    TOO_LONG = "too_long"  # speech past `max_s`: cut here


@dataclass
class EndpointConfig:
    chunk_s: float = 0.032  # silero's 512 samples at 16 kHz
    on: float = 0.5  # probability above which a chunk is speech
    off: float = 0.35  # below which it is silence (hysteresis)
    start_s: float = 0.064  # speech this long starts an utterance (a click does not)
    end_s: float = 0.6  # silence this long after speech ends it
    early_s: float = 0.2  # silence this long after speech: recognize what was said while waiting for the end
    wait_s: float = 6.0  # listening this long with no speech: give up
    max_s: float = 15.0  # one command is never longer


class Endpointer:
    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig()
        self.reset()

    def reset(self) -> None:
        self.in_speech = False
        self._done = False  # ended (or cut, or gave up): nothing more until reset
        self._run = 0  # consecutive chunks of speech (before start) or silence (after)
        self._chunks = 0  # since listening began
        self._spoken = 0  # since speech began

    @property
    def silent_chunks(self) -> int:
        """Chunks of silence since speech last sounded (0 before speech began)."""
        return self._run if self.in_speech else 0

    def update(self, probability: float) -> Edge:
        edge = Edge.NONE if self._done else self._update(probability)
        self._done = self._done or edge in (Edge.ENDED, Edge.TIMEOUT, Edge.TOO_LONG)
        return edge

    def _update(self, probability: float) -> Edge:
        c = self.config
        self._chunks += 1
        if not self.in_speech:
            self._run = self._run + 1 if probability >= c.on else 0
            if self._run * c.chunk_s >= c.start_s:
                self.in_speech, self._run, self._spoken = True, 0, self._run
                return Edge.STARTED
            return Edge.TIMEOUT if self._chunks * c.chunk_s >= c.wait_s else Edge.NONE
        self._spoken += 1
        self._run = self._run + 1 if probability < c.off else 0
        if self._run * c.chunk_s >= c.end_s:
            return Edge.ENDED
        if self._run == max(1, round(c.early_s / c.chunk_s)):
            return Edge.PAUSED
        return Edge.TOO_LONG if self._spoken * c.chunk_s >= c.max_s else Edge.NONE
