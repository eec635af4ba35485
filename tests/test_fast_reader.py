"""The fast reader as a driver meets it: plain commands and misspelt ones in both languages are
read from n-grams alone, without paying for the sentence embedding; talk is never read as an
action; the model file round-trips (and older files without a fast reader still load); and an
unknown device still does nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from helpers import REPO
from smartcabin.assistant import Assistant
from smartcabin.model.classifier import IntentModel
from smartcabin.model.paths import packaged_model
from smartcabin.model.fast import Evidence, calibrate, fit_reader, reader_features
from smartcabin.understanding.router import EdgeUnderstanding
from smartcabin.vehicle import SimulatedVehicle

TRUNK = "Vehicle.Body.Trunk.Rear.Position"


@pytest.fixture(scope="module")
def model() -> IntentModel:
    m = IntentModel.load()
    if m.fast is None:
        pytest.skip("the packaged model has no fast reader")
    return m


@pytest.mark.parametrize("text, label", [
    ("打开天窗", "sunroof.position:on"), ("把座椅加热打开", "seat.heating:on"),
    ("关闭车窗", "window.position:off"),
    ("open the sunroof", "sunroof.position:on"), ("turn off the seat heating", "seat.heating:off"),
    ("close the windows", "window.position:off")])
def test_plain_commands_are_read_by_the_fast_reader_alone(model, text, label):
    p = model.fast_predict(text, None)
    assert p.label == label and model.fast.sure(p.confidence, p.evidence), p.top


@pytest.mark.parametrize("text", ["今天天气怎么样", "tell me a joke", "宝宝别哭了",
                                  "who won the game last night", "the kids in the back are fighting again"])
def test_talk_is_never_read_as_an_action(model, text):
    p = model.fast_predict(text, None)
    assert p.label == "none" or not model.fast.sure(p.confidence, p.evidence), p.top


def test_the_saved_model_round_trips(model, tmp_path):
    model.save(tmp_path / "m.npz")
    again = IntentModel.load(tmp_path / "m.npz")
    fast, back = model.fast, again.fast
    assert (back.threshold, back.doubt, back.temperature) == (fast.threshold, fast.doubt, fast.temperature)
    for text in ("打开空调", "open the trunck", "tell me a joke"):
        a, b = model.fast_predict(text, "media"), again.fast_predict(text, "media")
        assert a.label == b.label and abs(a.confidence - b.confidence) < 1e-6


def test_a_model_file_without_a_fast_reader_still_loads_and_the_embedding_reads(model, tmp_path):
    old = tmp_path / "old.npz"
    with np.load(packaged_model(), allow_pickle=False) as z:
        np.savez_compressed(old, **{k: z[k] for k in z.files if not k.startswith("fast_")})
    loaded = IntentModel.load(old)
    assert loaded.fast is None and loaded.fast_predict("打开空调", None) is None
    edge = EdgeUnderstanding("hybrid", model_path=old)
    u = edge.understand("open the trunck")
    if edge.model_error:
        pytest.skip(f"model unavailable: {edge.model_error}")
    assert u.source == "model"


@pytest.mark.parametrize("text, path", [("open the trunck", TRUNK)])  # (座椅加惹: the parser's homophones read it now)
def test_a_turn_the_fast_reader_decides_says_so_and_pays_no_embedding(hybrid, monkeypatch, text, path):
    def no_embedding(texts):
        raise AssertionError(f"embedded {texts}")

    monkeypatch.setattr(hybrid._embedder, "embed", no_embedding)
    car = SimulatedVehicle()
    r = Assistant(car, understanding=hybrid).turn(text)
    assert r.understanding.source == "fast" and r.outcome == "executed", (r.understanding, r.reply)
    assert path in r.changes and car.get(path) > 0


def test_parse_json_names_the_fast_reader():
    out = subprocess.run([sys.executable, "-m", "smartcabin", "parse", "open the trunck", "--json"], cwd=REPO,
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["source"] in ("fast", "parser")  # parser: no model in this environment
    if data["source"] == "fast":
        assert data["intents"][0]["cap"] == "trunk.position" and data["model"]["top"][0][0] == "trunk.position:on"


@pytest.mark.parametrize("text", ["turn on the flux capacitor", "打开通量电容器", "engage warp drive",
                                  "把量子护盾打开", "turn on stealth mode"])
def test_an_unknown_device_still_produces_no_action(hybrid, text):
    car = SimulatedVehicle()
    before = car.snapshot()
    r = Assistant(car, understanding=hybrid).turn(text)
    assert r.writes == [] and car.snapshot() == before and r.outcome in ("no_action", "clarify"), r.reply


def test_a_bare_name_plays_only_after_a_request_of_its_domain(hybrid):
    car = SimulatedVehicle()
    assert Assistant(car, understanding=hybrid).turn("卡路里").writes == []  # a song the library lacks
    a = Assistant(car, understanding=hybrid)
    a.turn("放首歌")
    assert a.turn("卡路里").outcome == "executed"


def test_fitting_is_seeded_and_a_tiny_set_is_never_trusted_alone():
    texts = ["打开空调", "关闭空调", "open the window", "close the window", "你好", "hello there"] * 5
    y = np.array([1, 2, 3, 4, 0, 0] * 5)
    feats = [reader_features(t, None) for t in texts]
    w = np.ones(len(texts), np.float32)
    a = fit_reader(feats, y, w, 5, np.random.default_rng(1), epochs=30)
    b = fit_reader(feats, y, w, 5, np.random.default_rng(1), epochs=30)
    assert np.array_equal(a.vectors, b.vectors)
    assert a.read("打开空调", None)[0].argmax() == 1 and a.read("close the window", None)[0].argmax() == 4
    calibrate(a, feats, y)  # under 50 held-out decisions: no level is shown to be safe
    plenty = Evidence(known=10, grams=10, spans=10)
    assert not a.sure(0.999, plenty) and a.doubt == 0.0


@pytest.mark.parametrize("text", ["💼?\x1c嵅f", "f", "嵅"])
def test_a_few_known_symbols_are_never_an_action_read_alone(model, text):
    p = model.fast_predict(text, None)
    assert p.label == "none" or not model.fast.sure(p.confidence, p.evidence), (p.top, p.evidence)
