"""The voice loop of one seat: wake word (or push-to-talk) -> voice activity and end of speech
-> recognition -> the assistant's turn -> synthesis, with barge-in (speaking over the reply
stops it) and a follow-up window without the wake word after the assistant asks something.

It is fed 16 kHz mono PCM as it comes (`feed`) and runs each stage in the feeding thread, so
the same loop serves a live microphone, a file and a test; its clock is the audio it has
been fed. It emits typed events (events.EventType, voice.*) beside the turn's own."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Callable, Protocol

import numpy as np

from .. import replies
from ..events import Event, EventType, Outcome, Sink
from .audio import MAX_TURN_S, RATE, Audio
from .endpoint import Edge, EndpointConfig, Endpointer
from .ports import Recognizer, Transcript, VoiceActivity, WakeWord

_PRE_ROLL_S = 0.3  # audio kept from before speech started: the first syllable
_BARGE_S = 0.25  # speech this long over the reply stops it (a cough does not)
# below this recognizer confidence a transcript is not acted on: in the voice evaluation's trials
# on data/eval, Whisper base's transcripts under it were nearly all garbled, and garbled words
# can read as a command (请按按钮 -> 按按: massage on)
MIN_CONFIDENCE = 0.45
# what Whisper says over noise or silence: never a request
_PHANTOMS = re.compile(r"^(thank you\.?|thanks for watching\.?|you|bye\.?|字幕.*|请不吝点赞.*|谢谢观看.*|\W*)$", re.I)


class State(StrEnum):
    IDLE = "idle"  # waiting for the wake word (or a press)
    LISTENING = "listening"  # collecting an utterance
    SPEAKING = "speaking"  # the reply plays
    FOLLOW_UP = "follow_up"  # listening without the wake word, for `follow_up_s`


class Player(Protocol):
    """The seat's loudspeaker: `play` queues audio at time `at` (the loop's clock, seconds)."""

    def play(self, audio: Audio, at: float) -> None: ...
    def stop(self) -> None: ...
    def busy(self, now: float) -> bool: ...


class MemoryPlayer:
    """A loudspeaker that keeps what it was given: for files, tests and the evaluation."""

    def __init__(self) -> None:
        self.played: list[Audio] = []
        self._until = 0.0
        self.stopped = 0

    def play(self, audio: Audio, at: float) -> None:
        self.played.append(audio)
        self._until = max(self._until, at) + audio.seconds

    def stop(self) -> None:
        self._until = 0.0
        self.stopped += 1

    def busy(self, now: float) -> bool:
        return now < self._until


@dataclass(frozen=True)
class Heard:
    """One utterance's way through the loop, for the caller (say --audio, eval --audio)."""
    transcript: Transcript
    result: Any | None  # the TurnResult, None when nothing reliable was heard
    asr_ms: float
    action_ms: float | None  # end of speech -> the turn done (its writes made)
    first_audio_ms: float | None  # end of speech -> the first synthesized audio out


def _unsure(heard: Transcript) -> bool:
    return heard.confidence is not None and heard.confidence < MIN_CONFIDENCE


def _trusted(heard: Transcript) -> bool:
    """A transcript the turn may act on: something said, and the recognizer sure enough of it."""
    return not unreliable(heard.text) and not _unsure(heard)


def unreliable(text: str) -> bool:
    """A transcript that is no request: empty, a known phantom, or a decoder loop."""
    t = text.strip()
    if not t or _PHANTOMS.match(t):
        return True
    if re.search(r"(.{2,8}?)[，,。 ]*(?:\1[，,。 ]*){2,}", t):  # the same piece three times running
        return True
    if re.search(r"([\u4e00-\u9fff]{4,}).*\1", t):  # four characters said twice: a decoder echo, not a request
        return True
    words = re.findall(r"[a-z']+", t.lower())
    grams = [" ".join(words[i:i + 4]) for i in range(len(words) - 3)]
    return (len(words) >= 6 and len(set(words)) <= len(words) // 3) or len(grams) != len(set(grams))


class VoiceLoop:
    def __init__(self, turn: Callable[[str], Any], recognizer: Recognizer, vad: VoiceActivity,
                 speech: Any | None = None, player: Player | None = None, wake: WakeWord | None = None,
                 lang: str | None = None, zone: str = "", on_event: Sink | None = None,
                 endpoint: EndpointConfig | None = None, follow_up_s: float = 5.0, barge_in: bool = True,
                 session: str | None = None, early: bool = True) -> None:
        """`turn(transcript)` runs one turn on what was heard (ports.Transcript: its text and the
        recognizer's confidence) and returns its TurnResult; `speech` synthesizes a reply
        (voice.tts.Speech), `player` plays it; `wake` None means push-to-talk only; `lang`
        "zh" or "en" fixes the recognizer's language (faster), None detects it; `session`: the
        conversation its events belong to (default the seat, one conversation per seat); `early`:
        recognize during the silence that ends an utterance (`EndpointConfig.early_s`), so that at
        the end the transcript is ready."""
        self.turn, self.recognizer, self.vad, self.speech, self.wake = turn, recognizer, vad, speech, wake
        self.player = player if player is not None else MemoryPlayer()
        self.lang, self.zone, self.on_event = lang, zone, on_event
        self.session = zone if session is None else session
        self.endpointer = Endpointer(endpoint)
        self.follow_up_s, self.barge_in, self.early = follow_up_s, barge_in, early
        self._early: tuple[int, Transcript] | None = None  # recognized in a pause: (chunks it heard, transcript)
        self.state = State.IDLE
        self.heard: list[Heard] = []
        self._clock = 0.0
        self._pending = np.zeros(0, dtype=np.int16)  # fed but not yet a whole VAD chunk
        self._pre: list[np.ndarray] = []
        self._utterance: list[np.ndarray] = []
        self._barge = 0
        self._follow_until = 0.0
        self._pressed = False

    # -- input ------------------------------------------------------------------------------
    def feed(self, pcm: np.ndarray | bytes) -> None:
        samples = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, (bytes, bytearray)) else pcm.astype(np.int16)
        self._pending = np.concatenate([self._pending, samples])
        n = self.vad.chunk_samples
        while len(self._pending) >= n:
            chunk, self._pending = self._pending[:n], self._pending[n:]
            self._clock += n / RATE
            self._step(chunk)

    def listen(self) -> None:
        """Listen now, as after the wake word: voice activity finds the end of speech."""
        self._listen(EventType.WAKE, {"by": "call"})

    def press(self) -> None:
        """Push-to-talk pressed: listen now, no wake word (and stop a reply that plays)."""
        if self.state is State.SPEAKING:
            self.player.stop()
        self._pressed = True
        self._listen(EventType.WAKE, {"by": "press"})

    def release(self) -> None:
        """Push-to-talk released: the utterance ends here."""
        if self._pressed and self.state is State.LISTENING:
            self._pressed = False
            self._finish()

    def flush(self) -> None:
        """The input ended (end of file): an utterance in progress ends with it."""
        if self.state is State.LISTENING and self.endpointer.in_speech:
            self._finish()

    # -- the stages -------------------------------------------------------------------------
    def _emit(self, kind: EventType, data: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(Event(kind, {**data, "zone": self.zone, "at_s": round(self._clock, 3)}, session=self.session))

    def _listen(self, why: EventType, data: dict[str, Any], keep: int = 0) -> None:
        """Collect an utterance from now; `keep`: chunks of the pre-roll it starts with."""
        self.state = State.LISTENING
        self.endpointer.reset()
        self._utterance = self._pre[-keep:] if keep else []
        self._early = None
        self._emit(why, data)

    def _step(self, chunk: np.ndarray) -> None:
        # voice activity runs on every chunk (the model keeps state across them); the wake word
        # only while nobody is being listened to
        p = self.vad.probability(chunk)
        self._pre = (self._pre + [chunk])[-max(1, int(_PRE_ROLL_S * RATE / len(chunk))):]
        on = self.endpointer.config.on
        if self.state is State.SPEAKING:
            if not self.player.busy(self._clock):
                self._after_reply()
            elif self.barge_in:
                self._barge = self._barge + 1 if p >= on else 0
                if self._barge * len(chunk) / RATE >= _BARGE_S:
                    self.player.stop()
                    self._emit(EventType.BARGE_IN, {})
                    self._listen(EventType.WAKE, {"by": "barge_in"}, keep=len(self._pre))
                return
            else:
                return
        if self.state is State.IDLE:
            if self.wake is not None and self.wake.process(chunk):
                self._listen(EventType.WAKE, {"by": self.wake.phrase})
            return
        if self.state is State.FOLLOW_UP:
            if self._clock >= self._follow_until:
                self.state = State.IDLE
                return
            if p < on:
                return
            self._listen(EventType.SPEECH_STARTED, {"follow_up": True}, keep=len(self._pre) - 1)
        self._utterance.append(chunk)
        if len(self._utterance) * len(chunk) / RATE > MAX_TURN_S:  # a button held down, or a stuck channel
            self._finish()
            return
        edge = self.endpointer.update(p)
        if edge is Edge.STARTED:
            self._emit(EventType.SPEECH_STARTED, {})
        elif edge is Edge.PAUSED and self.early:
            # (in a live loop the microphone's buffer holds what comes meanwhile)
            self._early = (len(self._utterance), self.recognizer.transcribe(Audio(np.concatenate(self._utterance)), self.lang))
        elif edge in (Edge.ENDED, Edge.TOO_LONG) and not self._pressed:
            self._finish()
        elif edge is Edge.TIMEOUT and not self._pressed:
            self._emit(EventType.NOT_HEARD, {"why": "no speech"})
            self.state = State.IDLE

    def _finish(self) -> None:
        ended = time.perf_counter()
        audio = Audio(np.concatenate(self._utterance) if self._utterance else np.zeros(0, dtype=np.int16))
        chunks, self._utterance, self._pressed = self._utterance, [], False
        self.vad.reset()
        if self.wake is not None:
            self.wake.reset()
        self._emit(EventType.SPEECH_ENDED, {"seconds": round(audio.seconds, 3)})
        early, self._early = self._early, None
        silent = self.endpointer.silent_chunks
        if early is not None and len(chunks) - early[0] <= silent and _trusted(early[1]):
            # nothing but silence since the early transcript: it is the utterance's; what of its
            # time the silence after it did not cover is the time recognition added (a doubtful
            # one is heard again whole: with a short tail of noise Whisper sometimes loops)
            heard = early[1]
            hidden = (len(chunks) - early[0]) * self.vad.chunk_samples / RATE
            asr_ms = max(0.0, heard.seconds - hidden) * 1000
            ended -= asr_ms / 1000
        else:
            heard = self.recognizer.transcribe(audio, self.lang)
            asr_ms = (time.perf_counter() - ended) * 1000
        self._emit(EventType.TRANSCRIPT, {"text": heard.text, "lang": heard.lang, "engine": heard.engine,
                                          "confidence": heard.confidence, "ms": round(asr_ms, 1)})
        if not _trusted(heard):
            self._emit(EventType.NOT_HEARD, {"why": "unsure" if _unsure(heard) and heard.text else "nothing reliable heard",
                                             "text": heard.text, "confidence": heard.confidence})
            self.heard.append(Heard(heard, None, asr_ms, None, None))
            self.state = State.IDLE
            if heard.text.strip() and self.speech is not None:  # something was said: say it was not understood
                lang = heard.lang or self.lang or "en"
                self._speak(replies.phrases(lang)["not_heard"], lang, ended)
            return
        result = self.turn(heard)
        action_ms = (time.perf_counter() - ended) * 1000
        first_ms = self._speak(getattr(result, "reply", ""), getattr(result, "lang", "en"), ended)
        self.heard.append(Heard(heard, result, asr_ms, action_ms, first_ms))
        asks = getattr(result, "outcome", None) in (Outcome.CONFIRM, Outcome.CLARIFY)
        self._follow_until = self._clock + self.follow_up_s if asks else 0.0
        if self.state is not State.SPEAKING:
            self._after_reply()

    def _speak(self, reply: str, lang: str, ended: float) -> float | None:
        if self.speech is None or not reply:
            return None
        first: float | None = None
        at = self._clock
        for audio in self.speech.synthesize(reply, lang):
            if first is None:
                first = (time.perf_counter() - ended) * 1000
                self._emit(EventType.AUDIO_STARTED, {"ms": round(first, 1)})
            self.player.play(audio, at)
            at += audio.seconds
        if first is not None:
            self.state, self._barge = State.SPEAKING, 0
        return first

    def _after_reply(self) -> None:
        if self._follow_until > self._clock:
            self.state = State.FOLLOW_UP
            self._emit(EventType.FOLLOW_UP, {"seconds": self.follow_up_s})
        else:
            self.state = State.IDLE
