"""The learned edge model as a user and a car maker meet it: ASR slips and bare names are
understood, chit-chat is routed away, the data loop reads labelled logs, and the product
still obeys when the model is missing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import REPO
from smartcabin.assistant import Assistant
from smartcabin.model.classifier import IntentModel
from smartcabin.model.classifier import fold
from smartcabin.training.dataset import Example, build, decontaminated, evaluation_texts, valid_labels
from smartcabin.training.logs import label_from_expect, read_logs
from smartcabin.understanding.router import EdgeUnderstanding
from smartcabin.vehicle import SimulatedVehicle

TRUNK = "Vehicle.Body.Trunk.Rear.Position"
AC = "Vehicle.Cabin.HVAC.IsAirConditioningActive"


def test_asr_slips_the_parser_cannot_read_still_act(hybrid):
    for text, path, want in (("后被箱打开", TRUNK, 100), ("把空掉打开", AC, True)):
        car = SimulatedVehicle()
        r = Assistant(car, understanding=hybrid).turn(text)
        assert r.outcome == "executed", (text, r.reply)
        assert car.get(path) == want


def test_a_bare_song_name_after_a_music_request_plays_it(hybrid):
    car = SimulatedVehicle()
    a = Assistant(car, understanding=hybrid)
    a.turn("放首歌")
    r = a.turn("晴天")
    assert r.outcome == "executed"
    assert car.get("Vehicle.Cabin.Infotainment.Media.Request.Track") == "晴天"


def test_a_bare_name_the_car_does_not_know_does_nothing_without_context(hybrid):
    car = SimulatedVehicle()
    r = Assistant(car, understanding=hybrid).turn("卡路里")  # not in the sample library: maybe just talk
    assert r.outcome == "no_action" and r.writes == []


def test_a_bare_song_of_the_car_s_library_plays_without_context(hybrid):
    car = SimulatedVehicle()
    assert Assistant(car, understanding=hybrid).turn("晴天").outcome == "executed"
    assert car.get("Vehicle.Cabin.Infotainment.Media.Request.Track") == "晴天"


@pytest.mark.parametrize("text", ["今天天气怎么样", "tell me a joke", "宝宝别哭了", "who won the game last night"])
def test_chit_chat_is_handed_off_not_acted_on(hybrid, text):
    r = Assistant(SimulatedVehicle(), understanding=hybrid).turn(text)
    assert r.outcome == "no_action" and r.writes == []
    assert r.handoff in ("chitchat", "question", "out_of_domain", "low_confidence")


def test_without_the_model_the_parser_still_obeys(tmp_path):
    edge = EdgeUnderstanding("hybrid", model_path=tmp_path / "missing.npz")
    car = SimulatedVehicle()
    r = Assistant(car, understanding=edge).turn("打开空调")
    assert r.outcome == "executed" and car.get(AC) is True
    r = Assistant(car, understanding=edge).turn("把后面装东西的那个打开")  # needs the model: asked back, nothing breaks
    assert r.writes == [] and r.outcome in ("clarify", "no_action")
    assert edge.model_error


def test_the_shipped_model_covers_every_label_of_the_catalog():
    model = IntentModel.load()
    assert sorted(model.labels) == sorted(valid_labels())
    assert 0 < model.threshold < 1 and model.temperature > 0


def test_training_data_is_seeded_and_never_contains_evaluation_sentences():
    a, b = build(seed=3, per_label=2, named=2), build(seed=3, per_label=2, named=2)
    assert [(e.text, e.label) for e in a] == [(e.text, e.label) for e in b]
    held = evaluation_texts()
    assert len(held) > 1000
    leaked = [e.text for e in decontaminated(build(seed=0), held) if fold(e.text) in held]
    assert leaked == []
    assert any(fold(e.text) in held for e in build(seed=0))  # the filter has something to do


def test_labelled_logs_become_training_examples(tmp_path):
    logs = tmp_path / "logs.jsonl"
    logs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"text": "帮我把后被箱打开", "lang": "zh", "session": "s1", "intent": "trunk.position:on"},
        {"text": "再热一点", "lang": "zh", "session": "s1",
         "expect": {"Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature": {"min": 23}}},
        {"text": "it's roasting back here", "lang": "en", "expect": {"Vehicle.Cabin.HVAC.Station.Row2.Driver.Temperature": {"max": 21}}},
        {"text": "unlabelled line from the review log", "lang": "en"},
    ]), encoding="utf-8")
    ex = read_logs(logs)
    assert [(e.text, e.label, e.prev_domain) for e in ex] == [
        ("帮我把后被箱打开", "trunk.position:on", None),
        ("再热一点", "hvac.temperature:up", "doors"),
        ("it's roasting back here", "hvac.temperature:down", None)]


def test_expected_changes_name_the_capability_and_direction():
    assert label_from_expect({"Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Name": {"contains": "机场"}}) \
        == "navigation.go:on"
    assert label_from_expect({"Vehicle.Body.Lights.Beam.Low.IsOn": False}) == "lights.low_beam:off"
    assert label_from_expect({"Vehicle.Body.Windshield.Front.Wiping.Mode": "FAST"}) == "wiper.front:set"
    assert label_from_expect({TRUNK: 100}) == "trunk.position:on"
    assert label_from_expect({"Vehicle.Cabin.Infotainment.Media.Action": "SKIP_BACKWARD"}) == "media.previous:on"
    assert label_from_expect({"Vehicle.Cabin.Seat.Row1.DriverSide.HeatingCooling": {"min": 1}}) == "seat.heating:on"


def test_routed_away_turns_are_logged_for_labelling(tmp_path, hybrid):
    log = tmp_path / "review.jsonl"
    a = Assistant(SimulatedVehicle(), understanding=hybrid, review_log=log, session="car7")
    a.turn("打开空调")
    a.turn("帮我查一下明天的天气")
    rows = [json.loads(l) for l in log.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows] == ["帮我查一下明天的天气"]
    assert rows[0]["session"] == "car7" and rows[0]["outcome"] == "no_action"


def test_parse_json_shows_source_confidence_and_route():
    out = subprocess.run([sys.executable, "-m", "smartcabin", "parse", "后被箱打开", "--json"], cwd=REPO,
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert {"act", "intents", "confidence", "source", "route"} <= set(data)
    if data["source"] in ("model", "fast"):  # the embedding's reader or the fast one
        assert data["intents"][0]["cap"] == "trunk.position" and data["route"] == "edge"
        assert data["model"]["top"][0][0] == "trunk.position:on"


def test_train_writes_a_loadable_model_from_a_small_set(tmp_path, monkeypatch, hybrid):
    from smartcabin.training import train as train_mod

    small = [Example("打开空调", "hvac.ac:on"), Example("关闭空调", "hvac.ac:off"), Example("你好", "none")] * 10
    monkeypatch.setattr(train_mod, "build", lambda seed, extra=(), base=True: small + list(extra))
    monkeypatch.setattr(train_mod, "decontaminated", lambda examples, exclude=None: examples)
    monkeypatch.setattr(train_mod, "TAGGED_PER_LANG", 20)  # the tagger's own sentences: a few
    report = train_mod.train(tmp_path / "m.npz", seed=1, cache=tmp_path / "cache.npz", progress=lambda *_: None)
    model = IntentModel.load(tmp_path / "m.npz")
    assert report.examples == 30 and model.w1.shape[0] == 384 + len(model.domains)
    again = train_mod.train(tmp_path / "m2.npz", seed=1, cache=tmp_path / "cache.npz", progress=lambda *_: None)
    assert np.array_equal(IntentModel.load(tmp_path / "m2.npz").w2, model.w2) and again.examples == 30


def test_eval_with_another_model_file_needs_no_mode(tmp_path):
    case = {"id": "t-1", "lang": "en", "turns": [{"text": "open the sunroof"}],
            "expect": {"Vehicle.Cabin.Sunroof.Position": 100}}
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case) + "\n", encoding="utf-8")
    model = REPO / "src" / "smartcabin" / "data" / "model" / "intent.npz"
    out = subprocess.run([sys.executable, "-m", "smartcabin", "eval", str(cases), "--model", str(model)],
                         cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "passed 1" in out.stdout
