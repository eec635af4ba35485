"""The voice engines a process shares (recognizer, synthesizers), built once, and a loop per
seat (voice activity and the wake word keep state, so each seat has its own)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..events import Sink
from .audio import Audio
from .loop import Heard, Player, VoiceLoop
from .ports import Recognizer
from .tts import Speech
from .vad import SileroActivity
from .wake import DEFAULT_WAKE, MicroWake

PUSH_TO_TALK = "push"  # the wake setting for no wake word: push-to-talk only (a Chinese speaker's)


@dataclass
class VoiceEngines:
    recognizer: Recognizer
    speech: Speech | None = field(default_factory=Speech)

    @classmethod
    def from_config(cls, threads: int = 2, speak: bool = True) -> "VoiceEngines":
        from .whisper import WhisperRecognizer

        return cls(WhisperRecognizer(threads), Speech() if speak else None)

    def loop(self, turn: Callable[[str], Any], zone: str = "", lang: str | None = None,
             wake: str = DEFAULT_WAKE, player: Player | None = None, on_event: Sink | None = None) -> VoiceLoop:
        return VoiceLoop(turn, self.recognizer, SileroActivity(), self.speech, player,
                         None if wake == PUSH_TO_TALK else MicroWake(wake), lang, zone, on_event)

    def one_utterance(self, loop: VoiceLoop, audio: Audio) -> Heard | None:
        """A recording as one press-to-talk utterance (say --audio, eval --audio)."""
        before = len(loop.heard)
        loop.press()
        loop.feed(audio.samples)
        loop.release()
        return loop.heard[-1] if len(loop.heard) > before else None
