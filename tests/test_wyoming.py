"""smartcabin as a Wyoming service, driven by Wyoming's own client on loopback, as a Home
Assistant satellite would: it describes itself, hears audio, runs a transcript as a turn on
the car, and speaks."""
from __future__ import annotations

import asyncio
import socket

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize

from smartcabin.reminders import ReminderStore
from smartcabin.service.cockpit import Cockpit
from smartcabin.vehicle import SimulatedVehicle
from smartcabin.voice.ports import Transcript as Heard
from smartcabin.voice.tts import Speech
from smartcabin.voice.wyoming_server import serve

WINDOW = "Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position"


class Scripted:
    name = "scripted"

    def __init__(self) -> None:
        self.given: list = []

    def transcribe(self, audio, lang=None):
        self.given.append((audio, lang))
        return Heard("open my window", "en", self.name, 0.9)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _session(port: int, events: list) -> None:
    async with AsyncTcpClient("127.0.0.1", port) as c:
        await c.write_event(Describe().event())
        events.append(Info.from_event(await c.read_event()))
        await c.write_event(Transcribe(language="en").event())
        await c.write_event(AudioStart(rate=22050, width=2, channels=2).event())  # converted to 16 kHz mono
        pcm = np.zeros(22050 * 2, dtype="<i2").tobytes()
        await c.write_event(AudioChunk(rate=22050, width=2, channels=2, audio=pcm).event())
        await c.write_event(AudioStop().event())
        events.append(Transcript.from_event(await c.read_event()))
        await c.write_event(Transcript(text="open my window").event())
        events.append(await c.read_event())
        await c.write_event(Transcript(text="Thank you.").event())
        events.append(await c.read_event())
        await c.write_event(Synthesize(text="The window is open.").event())
        audio = []
        while True:
            e = await c.read_event()
            if AudioStop.is_type(e.type):
                break
            if AudioChunk.is_type(e.type):
                audio.append(AudioChunk.from_event(e))
        events.append(audio)


def test_a_satellite_is_described_heard_obeyed_and_spoken_to(tmp_path):
    car = SimulatedVehicle()
    cockpit = Cockpit(car, reminders=ReminderStore(tmp_path / "r.json"))
    recognizer, port, events = Scripted(), _port(), []

    async def main() -> None:
        task = asyncio.create_task(serve(f"tcp://127.0.0.1:{port}", recognizer, Speech(),
                                         lambda text, zone: cockpit.turn(text, "w", zone)[0], "Row2.PassengerSide"))
        for _ in range(50):
            try:
                await asyncio.wait_for(_session(port, events), 60)
                break
            except ConnectionRefusedError:
                await asyncio.sleep(0.1)
        task.cancel()

    asyncio.run(main())
    info, heard, handled, phantom, audio = events
    assert [m.name for a in info.asr for m in a.models] == ["whisper-base"] and info.handle and info.tts
    assert heard.text == "open my window" and recognizer.given[0][1] == "en"
    assert abs(recognizer.given[0][0].seconds - 1.0) < 0.01  # 1 s of 22.05 kHz stereo became 1 s at 16 kHz
    assert Handled.is_type(handled.type) and handled.data["text"] and car.get(WINDOW) == 100  # the satellite's seat
    assert NotHandled.is_type(phantom.type)
    assert audio and all(a.rate == 16000 for a in audio) and sum(len(a.audio) for a in audio) > 16000


def test_external_wyoming_servers_serve_as_the_loops_recognizer_and_voice(tmp_path):
    from smartcabin.voice import EngineMissing
    from smartcabin.voice.audio import Audio
    from smartcabin.voice.wyoming_client import WyomingRecognizer, WyomingSynthesizer

    recognizer, port, got = Scripted(), _port(), {}
    cockpit = Cockpit(SimulatedVehicle(), reminders=ReminderStore(tmp_path / "r.json"))

    async def main() -> None:
        task = asyncio.create_task(serve(f"tcp://127.0.0.1:{port}", recognizer, Speech(),
                                         lambda text, zone: cockpit.turn(text, "w", zone)[0], "Row1.DriverSide"))
        await asyncio.sleep(0.3)
        uri = f"tcp://127.0.0.1:{port}"
        got["heard"] = await asyncio.to_thread(WyomingRecognizer(uri).transcribe, Audio(np.zeros(16000, np.int16)), "en")
        got["said"] = await asyncio.to_thread(lambda: list(WyomingSynthesizer(uri).synthesize("已打开空调", "zh")))
        task.cancel()

    asyncio.run(main())
    assert got["heard"].text == "open my window" and got["heard"].engine.startswith("wyoming:")
    assert got["said"] and got["said"][0].seconds > 0.5
    dead = WyomingRecognizer(f"tcp://127.0.0.1:{_port()}")  # nobody listens there
    try:
        dead.transcribe(Audio(np.zeros(1600, np.int16)), "en")
        raise AssertionError("a server that is not there must be a clear error")
    except EngineMissing as exc:
        assert "did not answer" in str(exc)
