"""smartcabin as a Wyoming service (wyoming 1.10.2, the protocol of Home Assistant's voice
satellites): speech to text, text to speech, and intent handling (a transcript in, the car's
turn and its reply out), so existing satellites and Home Assistant can talk to the car.

    smartcabin wyoming --uri tcp://127.0.0.1:10700 [--zone SEAT]

A thin adapter: each connection is one client (one seat); its audio goes through the same
recognizer, and its transcripts through the same Cockpit session, as every other input."""
from __future__ import annotations

import asyncio
from functools import partial
from typing import Any, Callable

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (AsrModel, AsrProgram, Attribution, Describe, HandleModel, HandleProgram, Info,
                          TtsProgram, TtsVoice)
from wyoming.server import AsyncEventHandler, AsyncServer
from wyoming.tts import Synthesize

from .audio import MAX_TURN_S, RATE, Audio
from .loop import unreliable
from .ports import Recognizer

_ME = Attribution(name="smartcabin", url="https://github.com/smartcabin")
_LANGS = ["zh", "en"]
_MAX_BYTES = int(MAX_TURN_S * RATE * 2)  # a stream longer than one turn is cut there


def info() -> Info:
    def art(cls: Any, name: str, description: str, **extra: Any) -> Any:
        return cls(name=name, attribution=_ME, installed=True, description=description, version="0.1.0", **extra)

    return Info(
        asr=[art(AsrProgram, "smartcabin-asr", "offline recognition (Whisper base)",
                 models=[art(AsrModel, "whisper-base", "Whisper base, int8", languages=_LANGS)])],
        tts=[art(TtsProgram, "smartcabin-tts", "offline speech (hibari for English, espeak-ng for Mandarin)",
                 voices=[art(TtsVoice, "hibari", "English", languages=["en"]),
                         art(TtsVoice, "espeak-cmn", "Mandarin", languages=["zh"])])],
        handle=[art(HandleProgram, "smartcabin", "the car's assistant: a transcript in, the turn and its reply out",
                    models=[art(HandleModel, "smartcabin-edge", "edge understanding", languages=_LANGS)])])


class Handler(AsyncEventHandler):
    """One connection: `turn(text, zone)` runs a turn and returns its TurnResult."""

    def __init__(self, reader: Any, writer: Any, recognizer: Recognizer, speech: Any,
                 turn: Callable[[str, str], Any], zone: str) -> None:
        super().__init__(reader, writer)
        self.recognizer, self.speech, self.turn, self.zone = recognizer, speech, turn, zone
        self._audio = bytearray()
        self._lang: str | None = None
        self._to_16k = AudioChunkConverter(rate=RATE, width=2, channels=1)

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(info().event())
        elif Transcribe.is_type(event.type):
            lang = Transcribe.from_event(event).language
            self._lang = lang if lang in _LANGS else None
        elif AudioStart.is_type(event.type):
            self._audio.clear()
        elif AudioChunk.is_type(event.type):
            chunk = self._to_16k.convert(AudioChunk.from_event(event))  # any rate, width, channels
            self._audio += chunk.audio[: max(0, _MAX_BYTES - len(self._audio))]
        elif AudioStop.is_type(event.type):
            audio = Audio.from_pcm(bytes(self._audio))
            heard = await asyncio.to_thread(self.recognizer.transcribe, audio, self._lang)
            await self.write_event(Transcript(text=heard.text, language=heard.lang or None).event())
        elif Transcript.is_type(event.type):  # intent handling: the transcript is the request
            said = Transcript.from_event(event)
            if unreliable(said.text or ""):
                await self.write_event(NotHandled(text="").event())
                return True
            result = await asyncio.to_thread(self.turn, said.text, self.zone)
            done = result.outcome in ("executed", "answered", "confirm", "clarify", "refused")
            reply = (Handled if done else NotHandled)(text=result.reply, context={"outcome": result.outcome})
            await self.write_event(reply.event())
        elif Synthesize.is_type(event.type) and self.speech is not None:
            request = Synthesize.from_event(event)
            voice = request.voice.language if request.voice and request.voice.language else None
            lang = voice if voice in _LANGS else ("en" if request.text.isascii() else "zh")
            await self._send_speech(request.text, lang)
        return True

    async def _send_speech(self, text: str, lang: str) -> None:
        parts = await asyncio.to_thread(lambda: list(self.speech.synthesize(text, lang)))
        await self.write_event(AudioStart(rate=RATE, width=2, channels=1).event())
        for part in parts:
            pcm = part.pcm()
            for i in range(0, len(pcm), 4096):
                await self.write_event(AudioChunk(rate=RATE, width=2, channels=1, audio=pcm[i:i + 4096]).event())
        await self.write_event(AudioStop().event())


async def serve(uri: str, recognizer: Recognizer, speech: Any, turn: Callable[[str, str], Any], zone: str,
                ready: Callable[[AsyncServer], None] = lambda s: None) -> None:
    server = AsyncServer.from_uri(uri)
    ready(server)
    await server.run(partial(Handler, recognizer=recognizer, speech=speech, turn=turn, zone=zone))
