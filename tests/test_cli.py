"""The `smartcabin` command line, run as a user runs it: a separate process, from the repo root."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import AC, REPO, SPEED, TRUNK, door_open, temp

TURN_KEYS = {"text", "outcome", "route", "writes", "changes", "reply", "latency_ms"}
SUMMARY_KEYS = {"cases", "passed", "accuracy", "by_lang", "by_domain", "latency_ms", "routes"}


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "smartcabin", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)


def say_json(*args: str) -> dict:
    out = cli("say", *args, "--json")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout  # one turn object, one line
    return json.loads(lines[0])


# -- say -----------------------------------------------------------------------------

def test_say_json_prints_exactly_the_turn_object_with_the_ac_change():
    turn = say_json("打开空调")
    assert set(turn) == TURN_KEYS
    assert turn["text"] == "打开空调"
    assert turn["outcome"] == "executed"
    assert turn["route"] == "edge"
    assert turn["writes"] == [{"path": AC, "value": True}]
    assert turn["changes"] == {AC: True}
    assert "空调" in turn["reply"]
    assert isinstance(turn["latency_ms"], (int, float))


def test_say_plain_prints_reply_and_changed_signals():
    out = cli("say", "turn on the air conditioning")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "air conditioning" in lines[0].lower()
    assert f"{AC} = true" in out.stdout


def test_say_zone_acts_on_the_passenger_station():
    turn = say_json("温度调高两度", "--zone", "Row1.PassengerSide")
    assert turn["outcome"] == "executed"
    assert turn["changes"] == {temp("Row1.Passenger"): 24}


def test_say_with_setup_at_speed_refuses_to_open_the_door_and_changes_nothing():
    turn = say_json("--setup", json.dumps({SPEED: 80}), "open the driver door")
    assert turn["outcome"] == "refused"
    assert turn["writes"] == []
    assert turn["changes"] == {}
    assert "moving" in turn["reply"].lower()


def test_say_setup_is_used_as_the_starting_state():
    turn = say_json("--setup", json.dumps({temp(): 18}), "温度调高一度")
    assert turn["changes"] == {temp(): 19}


# -- parse ---------------------------------------------------------------------------

def test_parse_json_prints_one_line_of_understanding():
    out = cli("parse", "打开空调", "--json")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    u = json.loads(lines[0])
    assert u["lang"] == "zh"
    assert u["act"] == "command"
    assert u["intents"] == [{"cap": "hvac.ac", "op": "on"}]


def test_parse_without_json_is_readable_json_too():
    out = cli("parse", "fan to level 3")
    assert out.returncode == 0, out.stderr
    u = json.loads(out.stdout)
    assert u["lang"] == "en"
    assert [i["cap"] for i in u["intents"]] == ["hvac.fan"]
    assert u["intents"][0]["value"] == 3


# -- eval ----------------------------------------------------------------------------

EVAL_CASES = [
    {"id": "climate-zh-x01", "lang": "zh", "turns": [{"text": "温度调到二十四度"}],
     "expect": {temp(): 24}, "unchanged": [temp("Row1.Passenger")], "outcome": "executed"},
    {"id": "climate-en-x02", "lang": "en", "turns": [{"text": "turn on the AC"}],
     "expect": {AC: True}, "outcome": "executed"},
    {"id": "safety-en-x03", "lang": "en", "setup": {SPEED: 60}, "turns": [{"text": "open the trunk"}],
     "expect": {TRUNK: 0}, "outcome": "refused"},
    # must fail: the AC is switched on, not off
    {"id": "doors-zh-x04", "lang": "zh", "turns": [{"text": "打开空调"}],
     "expect": {AC: False}, "outcome": "executed"},
]


@pytest.fixture
def eval_report(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in EVAL_CASES), encoding="utf-8")
    report = tmp_path / "report.json"
    out = cli("eval", str(cases), "--report", str(report))
    assert out.returncode == 0, out.stderr
    assert "accuracy" in out.stdout
    return json.loads(report.read_text(encoding="utf-8"))


def test_eval_report_summary_has_exactly_the_contract_keys(eval_report):
    assert set(eval_report) == {"summary", "cases"}
    s = eval_report["summary"]
    assert set(s) == SUMMARY_KEYS
    assert set(s["latency_ms"]) == {"p50", "p95", "p99"}
    assert {"edge", "local_llm", "cloud_llm"} <= set(s["routes"])


def test_eval_report_counts_the_failing_case(eval_report):
    s = eval_report["summary"]
    assert s["cases"] == 4
    assert s["passed"] == 3
    assert s["accuracy"] == pytest.approx(0.75)
    assert s["by_lang"] == {"zh": pytest.approx(0.5), "en": pytest.approx(1.0)}
    assert s["by_domain"] == {"climate": 1.0, "safety": 1.0, "doors": 0.0}
    assert sum(s["routes"].values()) == 4  # one turn per case


def test_eval_report_cases_carry_id_passed_failures_turns(eval_report):
    cases = {c["id"]: c for c in eval_report["cases"]}
    assert list(cases) == [c["id"] for c in EVAL_CASES]
    for c in cases.values():
        assert set(c) == {"id", "passed", "failures", "turns"}
        assert len(c["turns"]) == 1
        assert set(c["turns"][0]) == TURN_KEYS
    bad = cases["doors-zh-x04"]
    assert bad["passed"] is False
    assert any(AC in f for f in bad["failures"])
    assert cases["climate-zh-x01"]["failures"] == []
    assert cases["climate-zh-x01"]["turns"][0]["changes"] == {temp(): 24}
    assert cases["safety-en-x03"]["turns"][0]["outcome"] == "refused"


def test_eval_reports_a_broken_line_by_file_and_line(tmp_path):
    f = tmp_path / "broken.jsonl"
    f.write_text(json.dumps(EVAL_CASES[0]) + "\n{\"id\": \"half\n", encoding="utf-8")
    out = cli("eval", str(f))
    assert out.returncode != 0
    assert "broken.jsonl:2" in out.stderr
    assert "Traceback" not in out.stderr


def test_eval_reports_a_non_object_line_without_a_traceback(tmp_path):
    f = tmp_path / "array.jsonl"
    f.write_text("[1, 2]\n", encoding="utf-8")
    out = cli("eval", str(f))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert out.stderr.strip()


# -- chat ----------------------------------------------------------------------------

def test_chat_over_stdin_prints_replies_and_changed_signals():
    out = cli("chat", stdin="打开空调\n/set Vehicle.Speed 80\nopen the trunk\n/quit\n")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "已打开空调" in text
    assert f"{AC} = true" in text
    assert f"{SPEED} = 80" in text
    assert "trunk can't open while moving" in text.lower()
    assert f"{TRUNK} =" not in text  # nothing about the trunk changed


def test_chat_zone_command_switches_the_speaker():
    out = cli("chat", stdin="/zone Row1.PassengerSide\n温度调高一度\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert f"{temp('Row1.Passenger')} = 23" in out.stdout
    assert f"{temp('Row1.Driver')} =" not in out.stdout


def test_chat_reports_a_bad_set_and_carries_on():
    out = cli("chat", stdin="/set Vehicle.No.Such.Signal 1\n/set Vehicle.Speed fast\nopen the driver door\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("error:") == 2
    assert f"{door_open()} = true" in out.stdout  # still parked: the door opens


# -- bad arguments -------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    [],
    ["bogus"],
    ["say"],
    ["say", "打开空调", "--zone", "Row9.Nowhere"],
    ["say", "打开空调", "--setup", "{not json"],
    ["say", "打开空调", "--setup", '{"Vehicle.No.Such.Signal": 1}'],
    ["say", "打开空调", "--setup", '{"Vehicle.Speed": "fast"}'],
    ["eval", "/nonexistent/cases.jsonl"],
    ["bench", "--rounds", "many"],
], ids=lambda a: " ".join(a) or "no-args")
def test_bad_arguments_exit_non_zero_with_a_message(args):
    out = cli(*args)
    assert out.returncode != 0
    assert out.stderr.strip()
    assert "Traceback" not in out.stderr


def test_setup_that_is_not_an_object_is_a_usage_error():
    out = cli("say", "打开空调", "--setup", "[1]")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
