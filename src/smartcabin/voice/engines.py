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
from .wake import DEFAULT_WAKE, KeywordWake, MicroWake

PUSH_TO_TALK = "push"  # the wake setting for no wake word: push-to-talk only (a Chinese speaker's)
PHRASE = "phrase:"  # "phrase:hello cabin": a wake phrase of one's own, by keyword spotting


def wake_word(setting: str):
    """The wake stage a setting names: a bundled model, "phrase:WORDS", or None for push-to-talk."""
    if setting == PUSH_TO_TALK:
        return None
    if setting.startswith(PHRASE):
        return KeywordWake(setting[len(PHRASE):])
    return MicroWake(setting)


class FastFirst:
    """English through the fast recognizer when what it heard is a command of closed vocabulary
    (`accept`: no names, every intent a known function); everything else, and Chinese, through
    the full one. What the fast one mishears as another command is the risk: the voice
    evaluation measures it (`eval --audio --recognizer fast`)."""

    def __init__(self, fast: Recognizer, full: Recognizer, accept: Callable[[str], bool]) -> None:
        self.fast, self.full, self.accept = fast, full, accept
        self.name = f"{fast.name}+{full.name}"

    def transcribe(self, audio: Audio, lang: str | None = None):
        if lang in (None, "en"):
            quick = self.fast.transcribe(audio, "en")
            if quick.text and self.accept(quick.text):
                return quick
        return self.full.transcribe(audio, lang)


def closed_command(understand: Callable[[str], Any]) -> Callable[[str], bool]:
    """A transcript the fast path may act on: a command whose every intent names a function
    and no name (a contact, place or title is open vocabulary the fast model cannot know)."""
    def accept(text: str) -> bool:
        u = understand(text)
        return u.act == "command" and bool(u.intents) and all(
            i.cap and not any(i.slots.values()) for i in u.intents)
    return accept


@dataclass
class VoiceEngines:
    recognizer: Recognizer
    speech: Speech | None = field(default_factory=Speech)

    @classmethod
    def from_config(cls, threads: int = 2, speak: bool = True, recognizer: str = "whisper",
                    understand: Callable[[str], Any] | None = None) -> "VoiceEngines":
        """`recognizer`: "whisper" (both languages), or "fast": English commands through
        pocketsphinx first (`understand` reads its transcripts: the edge's)."""
        import os

        from .whisper import WhisperRecognizer

        asr, tts = os.environ.get("SMARTCABIN_WYOMING_ASR"), os.environ.get("SMARTCABIN_WYOMING_TTS")
        if asr or tts:  # external Wyoming servers, where configured, in place of the built-in engines
            from .wyoming_client import WyomingRecognizer, WyomingSynthesizer

            speech = Speech(lambda: WyomingSynthesizer(tts), lambda: WyomingSynthesizer(tts)) if tts else Speech()
            return cls(WyomingRecognizer(asr) if asr else WhisperRecognizer(threads), speech if speak else None)
        full = WhisperRecognizer(threads)
        if recognizer == "fast":
            from .sphinx import SphinxRecognizer

            if understand is None:
                raise ValueError("the fast path needs the edge understanding to read what it heard")
            return cls(FastFirst(SphinxRecognizer(), full, closed_command(understand)), Speech() if speak else None)
        return cls(full, Speech() if speak else None)

    def loop(self, turn: Callable[[str], Any], zone: str = "", lang: str | None = None,
             wake: str = DEFAULT_WAKE, player: Player | None = None, on_event: Sink | None = None,
             session: str | None = None) -> VoiceLoop:
        return VoiceLoop(turn, self.recognizer, SileroActivity(), self.speech, player, wake_word(wake), lang, zone,
                         on_event, session=session)

    def one_utterance(self, loop: VoiceLoop, audio: Audio) -> Heard | None:
        """A recording as one press-to-talk utterance (say --audio, the web cockpit's button): it
        arrives whole, so recognizing early would hide nothing."""
        loop.early = False
        before = len(loop.heard)
        loop.press()
        loop.feed(audio.samples)
        loop.release()
        return loop.heard[-1] if len(loop.heard) > before else None
