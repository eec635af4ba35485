"""The voice loop as a driver meets it: the wake word or the button starts listening, the
end of speech runs the turn, speaking over the reply stops it, a question is answered without
the wake word, and noise or silence does nothing to the car. Engines are stand-ins here
(tests/test_voice.py runs the real ones)."""
from __future__ import annotations

import numpy as np
import pytest

from smartcabin.assistant import Assistant
from smartcabin.events import EventType
from smartcabin.vehicle import SimulatedVehicle
from smartcabin.voice.audio import RATE, Audio
from smartcabin.voice.endpoint import Edge, EndpointConfig, Endpointer
from smartcabin.voice.loop import MemoryPlayer, State, VoiceLoop, unreliable
from smartcabin.voice.ports import Transcript

WINDOW = "Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position"
SPEECH, WAKE = 8000, 3000  # sample values the stand-ins read as speech and as the wake phrase


def tone(seconds: float, level: int) -> np.ndarray:
    return np.full(int(seconds * RATE), level, dtype=np.int16)


class LoudIsSpeech:
    chunk_samples = 512

    def probability(self, chunk: np.ndarray) -> float:
        return 1.0 if np.abs(chunk).mean() >= SPEECH else 0.0

    def reset(self) -> None:
        pass


class MarkerWake:
    phrase, chunk_samples = "hey car", 160

    def process(self, chunk: np.ndarray) -> bool:
        return bool(np.any(chunk == WAKE))

    def reset(self) -> None:
        pass


class Scripted:
    """Hears the next line of its script for each utterance, and keeps what it was given."""
    name = "scripted"

    def __init__(self, *lines: str) -> None:
        self.lines, self.given = list(lines), []

    def transcribe(self, audio: Audio, lang: str | None = None) -> Transcript:
        self.given.append(audio)
        line = self.lines.pop(0) if self.lines else ""
        text, confidence = line if isinstance(line, tuple) else (line, 0.9)
        return Transcript(text, "en" if text.isascii() else "zh", self.name, confidence)


class Voice:
    name, langs = "flat", ("en", "zh")

    def synthesize(self, text: str, lang: str):
        yield Audio(tone(0.2 * len(text.split()) + 1.0, 100))  # a second or more of reply


def make(*lines: str, wake: bool = True, setup: dict | None = None):
    car = SimulatedVehicle(setup or {})
    assistant = Assistant(car)
    events: list = []
    player = MemoryPlayer()
    loop = VoiceLoop(lambda heard: assistant.turn(heard.text, zone="Row2.PassengerSide", heard=heard.confidence),
                     Scripted(*lines), LoudIsSpeech(),
                     Voice(), player, MarkerWake() if wake else None, zone="Row2.PassengerSide",
                     on_event=events.append)
    return loop, car, player, events


def kinds(events) -> list[EventType]:
    return [e.type for e in events]


def test_the_wake_word_then_a_command_moves_the_speakers_window_and_the_reply_is_spoken():
    loop, car, player, events = make("open my window")
    loop.feed(tone(0.5, 0))
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(1.0, SPEECH))
    loop.feed(tone(1.0, 0))  # the silence that ends the utterance
    assert car.get(WINDOW) == 100  # the rear right passenger's own window
    assert kinds(events)[:5] == [EventType.WAKE, EventType.SPEECH_STARTED, EventType.SPEECH_ENDED,
                                 EventType.TRANSCRIPT, EventType.AUDIO_STARTED]
    assert player.played and loop.state is State.SPEAKING
    heard = loop.heard[-1]
    assert heard.result.outcome == "executed" and heard.action_ms is not None and heard.first_audio_ms is not None


def test_recognition_runs_in_the_silence_so_the_transcript_is_ready_at_the_end():
    loop, car, _, _ = make("open my window")
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(1.0, SPEECH))
    loop.feed(tone(0.3, 0))  # a pause: likely the end, recognized now
    assert len(loop.recognizer.given) == 1 and car.get(WINDOW) == 0  # not acted on before the end
    loop.feed(tone(0.7, 0))
    assert car.get(WINDOW) == 100 and len(loop.recognizer.given) == 1  # that transcript, no second pass
    assert loop.heard[-1].asr_ms < 50  # what the silence hid is not counted again


def test_speech_after_a_pause_is_heard_whole():
    loop, car, _, _ = make("open my", "open my window")  # the pause's early pass heard only the start
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(0.5, SPEECH))
    loop.feed(tone(0.3, 0))
    loop.feed(tone(0.5, SPEECH))
    loop.feed(tone(1.0, 0))
    first, second = loop.recognizer.given
    assert second.seconds > first.seconds + 0.4 and loop.heard[-1].transcript.text == "open my window"
    assert car.get(WINDOW) == 100


def test_speech_without_the_wake_word_does_nothing():
    loop, car, _, events = make("open my window")
    loop.feed(tone(2.0, SPEECH))
    loop.feed(tone(1.0, 0))
    assert car.get(WINDOW) == 0 and events == [] and loop.recognizer.given == []


def test_push_to_talk_needs_no_wake_word_and_the_release_ends_the_utterance():
    loop, car, _, events = make("open my window", wake=False)
    loop.press()
    loop.feed(tone(0.8, SPEECH))
    loop.release()
    assert car.get(WINDOW) == 100
    assert kinds(events)[0] is EventType.WAKE and events[0].data["by"] == "press"


@pytest.mark.parametrize("confidence, outcome", [(0.6, "confirm"), (0.95, "executed")])
def test_how_sure_the_recognizer_was_reaches_the_turn(confidence, outcome):
    """A strange title heard with little confidence is asked back; heard surely, it plays."""
    loop, car, _, _ = make(("Play Bohemian Ratsity by Queen", confidence), wake=False)
    loop.press()
    loop.feed(tone(0.8, SPEECH))
    loop.release()
    assert loop.heard[-1].result.outcome == outcome
    assert (car.get("Vehicle.Cabin.Infotainment.Media.Request.Track") == "Bohemian Ratsity") == (outcome == "executed")


def test_speaking_over_the_reply_stops_it_and_is_heard_as_the_next_request():
    loop, car, player, events = make("open my window", "close it")
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(0.8, SPEECH))
    loop.feed(tone(0.7, 0))
    assert loop.state is State.SPEAKING and car.get(WINDOW) == 100
    loop.feed(tone(0.6, SPEECH))  # the driver talks over the reply
    assert player.stopped == 1 and EventType.BARGE_IN in kinds(events)
    loop.feed(tone(0.8, 0))
    assert car.get(WINDOW) == 0  # "close it" ran without a new wake word
    assert loop.recognizer.given[1].seconds >= 0.5  # the barge-in's own first words were kept


def test_after_a_question_the_answer_needs_no_wake_word():
    lock = "Vehicle.Cabin.Door.Row1.DriverSide.IsLocked"
    loop, car, _, events = make("unlock the doors", "yes", setup={"Vehicle.Speed": 30, lock: True})
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(0.8, SPEECH))
    loop.feed(tone(0.7, 0))
    assert loop.heard[-1].result.outcome == "confirm" and car.get(lock) is True
    loop.feed(tone(3.0, 0))  # the question plays, then the follow-up window opens
    assert EventType.FOLLOW_UP in kinds(events)
    loop.feed(tone(0.8, SPEECH))  # "yes", no wake word
    loop.feed(tone(0.7, 0))
    assert car.get(lock) is False


def test_the_follow_up_window_closes_and_then_the_wake_word_is_needed_again():
    lock = "Vehicle.Cabin.Door.Row1.DriverSide.IsLocked"
    loop, car, _, events = make("unlock the doors", "yes", setup={"Vehicle.Speed": 30, lock: True})
    loop.follow_up_s = 2.0
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(0.8, SPEECH))
    loop.feed(tone(0.7, 0))
    loop.feed(tone(8.0, 0))  # the reply, then more than the window's two seconds of quiet
    assert loop.state is State.IDLE
    loop.feed(tone(0.8, SPEECH))
    loop.feed(tone(0.7, 0))
    assert len(loop.heard) == 1 and car.get(lock) is True


@pytest.mark.parametrize("phantom", ["", "Thank you.", "字幕由Amara.org社区提供", "打开空调，打开空调，打开空调，打开空调",
                                     "电脑放前辈箱子,放我放前辈箱子我放",  # "play" a garbled title: an echo
                                     "turn on turn on turn on turn on turn on turn on"])
def test_what_the_recognizer_makes_of_noise_never_reaches_the_car(phantom):
    loop, car, _, events = make(phantom, wake=False)
    before = car.snapshot()
    loop.press()
    loop.feed(tone(0.8, SPEECH))
    loop.release()
    assert car.snapshot() == before and loop.heard[-1].result is None
    assert EventType.NOT_HEARD in kinds(events)


@pytest.mark.parametrize("lang,garbled,sorry", [("zh", "请按按钮及按订阅", "抱歉，没听清"),
                                               ("en", "Rare Wipe-or-on.", "Sorry, I didn't catch that.")])
def test_a_transcript_the_recognizer_is_unsure_of_is_not_acted_on_and_the_speaker_is_told(lang, garbled, sorry):
    loop, car, player, events = make((garbled, 0.3), wake=False)
    said = []
    loop.speech = type("Recorder", (), {"synthesize": lambda self, text, lang: said.append(text) or iter(Voice().synthesize(text, lang))})()
    before = car.snapshot()
    loop.press()
    loop.feed(tone(0.8, SPEECH))
    loop.release()
    assert car.snapshot() == before and said == [sorry]
    assert [e.data.get("why") for e in events if e.type is EventType.NOT_HEARD] == ["unsure"]


def test_listening_gives_up_when_nobody_speaks_after_the_wake_word():
    loop, car, _, events = make("open my window")
    loop.feed(tone(0.1, WAKE))
    loop.feed(tone(7.0, 0))
    assert kinds(events)[-1] is EventType.NOT_HEARD and loop.state is State.IDLE and loop.recognizer.given == []


def test_a_real_sentence_is_not_mistaken_for_a_decoder_loop():
    assert not unreliable("打开空调，温度调到二十二度")
    assert not unreliable("打开左前车窗和右前车窗")
    assert not unreliable("open the rear left window halfway")
    assert not unreliable("turn on the left seat heater and turn on the right one")
    assert unreliable("凯凯凯凯凯凯凯凯凯凯凯凯")


def test_the_end_of_speech_waits_for_a_pause_not_a_breath():
    e = Endpointer(EndpointConfig())
    edges = [e.update(p) for p in [0.9] * 10 + [0.1] * 5 + [0.9] * 10 + [0.1] * 30]
    assert edges.count(Edge.STARTED) == 1 and edges.count(Edge.ENDED) == 1
    assert edges.index(Edge.ENDED) > 25  # the 160 ms gap inside the sentence did not end it
