"""External Wyoming speech-to-text and text-to-speech servers as engines of the voice loop
(SMARTCABIN_WYOMING_ASR / SMARTCABIN_WYOMING_TTS = tcp://HOST:PORT): any Wyoming server of
the Home Assistant ecosystem (faster-whisper, piper, ...) behind the same ports as ours."""
from __future__ import annotations

import asyncio
import time
from typing import Iterator
from urllib.parse import urlparse

from wyoming.asr import Transcribe, Transcript as WyTranscript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.tts import Synthesize, SynthesizeVoice

from . import EngineMissing
from .audio import RATE, Audio
from .ports import Transcript

TIMEOUT_S = 15.0  # a server that does not answer within this is treated as absent


def _address(uri: str) -> tuple[str, int]:
    u = urlparse(uri)
    if u.scheme != "tcp" or not u.hostname or not u.port:
        raise EngineMissing(f"a Wyoming server is named tcp://HOST:PORT, not {uri!r}")
    return u.hostname, u.port


async def _exchange(uri: str, events: list, until: type) -> list:
    host, port = _address(uri)
    got = []
    async with AsyncTcpClient(host, port) as client:
        for e in events:
            await client.write_event(e.event())
        while True:
            e = await client.read_event()
            if e is None:
                return got
            got.append(e)
            if until.is_type(e.type):
                return got


def _run(uri: str, events: list, until: type) -> list:
    try:
        return asyncio.run(asyncio.wait_for(_exchange(uri, events, until), TIMEOUT_S))
    except (OSError, asyncio.TimeoutError) as exc:
        raise EngineMissing(f"the Wyoming server at {uri} did not answer: {exc or 'timeout'}") from None


class WyomingRecognizer:
    def __init__(self, uri: str) -> None:
        self.uri, self.name = uri, f"wyoming:{uri}"
        _address(uri)

    def transcribe(self, audio: Audio, lang: str | None = None) -> Transcript:
        start = time.perf_counter()
        pcm = audio.pcm()
        events = [Transcribe(language=lang), AudioStart(rate=RATE, width=2, channels=1)]
        events += [AudioChunk(rate=RATE, width=2, channels=1, audio=pcm[i:i + 8192]) for i in range(0, len(pcm), 8192)]
        events.append(AudioStop())
        got = _run(self.uri, events, WyTranscript)
        said = next((WyTranscript.from_event(e) for e in got if WyTranscript.is_type(e.type)), None)
        text = (said.text or "").strip() if said else ""
        heard = (said.language or lang or "") if said else ""
        return Transcript(text, heard[:2] if text else "", self.name, None, time.perf_counter() - start)


class WyomingSynthesizer:
    langs = ("zh", "en")

    def __init__(self, uri: str) -> None:
        self.uri, self.name = uri, f"wyoming:{uri}"
        _address(uri)

    def synthesize(self, text: str, lang: str) -> Iterator[Audio]:
        got = _run(self.uri, [Synthesize(text=text, voice=SynthesizeVoice(language=lang))], AudioStop)
        to_16k = AudioChunkConverter(rate=RATE, width=2, channels=1)
        pcm = b"".join(to_16k.convert(AudioChunk.from_event(e)).audio for e in got if AudioChunk.is_type(e.type))
        if pcm:
            yield Audio.from_pcm(pcm)
