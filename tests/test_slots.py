"""The learned reader of names (the slot tagger), the one arbitration between it and the
rules, labelled logs overruling the rules only within what they taught, and where the
model file lives."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import REPO
from smartcabin.model.classifier import IntentModel
from smartcabin.model.paths import model_path, packaged_model, user_model
from smartcabin.model.tagger import bio, tokens
from smartcabin.training.tagger_fit import Tagged, fit_tagger
from smartcabin.names import car_names
from smartcabin.understanding.naming import index_for
from smartcabin.understanding.router import EdgeUnderstanding

NAMES = index_for(car_names())


def _frames(rng: random.Random, n: int) -> list[Tagged]:
    chars = "王菲陈奕迅李健朴树红豆十年贝加尔湖畔平凡之路张雨生林忆莲齐秦许巍"

    def name() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.choice((2, 3, 4))))
    out = []
    for _ in range(n):
        a, s = name(), name()
        text = rng.choice(["我想听{a}的{s}", "放一首{a}的{s}吧", "来首{a}的{s}"]).format(a=a, s=s)
        out.append(Tagged(text, "media.play", {"artist": a, "track": s}))
        out.append(Tagged(f"打开空调{rng.choice(['', '吧'])}", "hvac.ac", {}))
    return out


def test_the_tagger_cuts_names_it_never_saw_from_the_words_around_them():
    tagger = fit_tagger(_frames(random.Random(0), 200), seed=0)
    assert tagger.tag("我想听周深的大鱼", "media.play") == {"artist": "周深", "track": "大鱼"}
    assert tagger.tag("打开空调", "hvac.ac") == {}


def test_decoding_never_starts_a_slot_in_its_middle():
    tagger = fit_tagger(_frames(random.Random(1), 50), seed=0)
    for text in ("的的的的", "大鱼", "周深的", "来首"):
        labels = tagger.decode(tagger.scores([["b"] for _ in tokens(text)]))
        for prev, cur in zip(["O"] + labels, labels):
            assert not cur.startswith("I-") or prev[2:] == cur[2:]


def test_a_slot_that_is_not_a_run_of_whole_tokens_is_not_training_data():
    assert bio("call annabel", tokens("call annabel"), {"contact": "anna"}) is None
    assert bio("给妈妈打电话", tokens("给妈妈打电话"), {"contact": "妈妈"}) == ["O", "B-contact", "I-contact", "O", "O", "O"]


@pytest.fixture(scope="module")
def edge(hybrid):
    if hybrid.model.tagger is None:
        pytest.skip("the model file has no slot tagger")
    return hybrid


def test_the_tagger_trims_talk_after_a_place_the_rules_took_whole(edge):
    u = edge.understand("导航去深圳万象城不走高速啊", names=NAMES)
    assert u.intents[0].slots == {"place": "深圳万象城"} and u.to_dict()["slots_by"] == "tagger"


def test_the_tagger_keeps_a_name_whole(edge):
    u = edge.understand("call john smith", names=NAMES)
    assert u.intents[0].slots["contact"] == "john smith"


def test_resuming_music_names_no_song(edge):
    u = edge.understand("嗯继续放吧", "media", names=NAMES)
    assert u.intents and not u.intents[0].slots


def test_labelled_logs_overrule_the_rules_on_the_sentences_they_hold(edge, monkeypatch):
    from smartcabin.model.classifier import memory_key

    monkeypatch.setattr(edge.model, "taught", {memory_key("打开地图", None): "navigation.go:on",
                                                memory_key("下雨了", "wipers"): "none"})
    u = edge.understand("打开地图")  # the rules: the map app; the car maker's logs: start navigating
    assert u.source == "taught" and u.intents[0].cap == "navigation.go"
    assert edge.understand("请打开地图").source == "parser"  # a sentence the logs do not hold
    assert edge.understand("下雨了", "wipers").intents == []  # the logs call it talk
    assert edge.understand("打开车窗").intents[0].cap == "window.position"


def test_without_labelled_logs_the_rules_reading_stands(edge):
    assert not edge.model.taught  # the packaged model was trained without logs
    assert edge.understand("打开地图").source == "parser"


def test_the_model_trained_by_the_user_is_loaded_before_the_packaged_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert model_path() == packaged_model()
    user_model().parent.mkdir(parents=True)
    user_model().write_bytes(packaged_model().read_bytes())
    assert model_path() == user_model() == tmp_path / "smartcabin" / "model" / "intent.npz"
    assert model_path(Path("/elsewhere/m.npz")) == Path("/elsewhere/m.npz")


def test_train_writes_to_the_user_data_directory_by_default(tmp_path, monkeypatch):
    from smartcabin import cli
    from smartcabin.training import train as train_mod

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    seen = {}
    monkeypatch.setattr(train_mod, "train", lambda out, **kw: seen.setdefault("out", out))
    assert cli.main(["train"]) == 0
    assert seen["out"] == tmp_path / "smartcabin" / "model" / "intent.npz"


def test_a_saved_model_round_trips_its_tagger_and_a_crash_never_leaves_half_a_file(tmp_path):
    model = IntentModel.load()
    out = tmp_path / "m.npz"
    model.save(out)
    again = IntentModel.load(out)
    assert again.tagger is not None and again.tagger.labels == model.tagger.labels
    assert np.allclose(again.tagger.weights, model.tagger.weights, atol=1e-2)
    assert not list(tmp_path.glob("*.part*"))


def test_a_missing_model_file_is_an_error_not_a_silent_parser_only_car(tmp_path):
    out = subprocess.run([sys.executable, "-m", "smartcabin", "say", "打开空调", "--model", str(tmp_path / "no.npz")],
                         cwd=REPO, capture_output=True, text=True)
    assert out.returncode != 0 and "no model file" in out.stderr


def test_score_logs_reports_rules_model_and_both(tmp_path):
    rows = [{"text": "导航去首都机场", "lang": "zh", "session": "a", "intent": "navigation.go:on", "slots": {"place": "首都机场"}},
            {"text": "今天天气不错", "lang": "zh", "session": "b", "intent": "none", "slots": {}}]
    logs = tmp_path / "logs.jsonl"
    logs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "smartcabin", "score-logs", str(logs), "--json", str(tmp_path / "s.json")],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    table = json.loads((tmp_path / "s.json").read_text())
    assert set(table) == {"parser", "model", "hybrid"}
    assert table["parser"]["intent_accuracy"] == 1.0 and table["parser"]["slot_f1"] == 1.0


def test_a_user_model_older_than_the_package_gives_way_to_the_packaged_one(tmp_path, monkeypatch, caplog):
    from smartcabin.model.classifier import current_model

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    user_model().parent.mkdir(parents=True)
    with np.load(packaged_model(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    np.savez_compressed(user_model(), **arrays)
    assert current_model() == user_model()  # knows every function: the user's own model is used
    arrays["labels"] = arrays["labels"][:-1]  # trained before the last function was added
    np.savez_compressed(user_model(), **arrays)
    assert current_model() == packaged_model() and "predates this version" in caplog.text
    user_model().write_bytes(b"not a model")
    assert current_model() == packaged_model()
