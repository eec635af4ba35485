"""The repo's evaluation corpus (data/eval/*.jsonl): its shape, and a quality floor on it."""
from __future__ import annotations

import collections
import json

import pytest

import smartcabin.assistant
import smartcabin.understanding.router
from smartcabin.assistant import OUTCOMES
from smartcabin.evaluation import evaluate, load_cases
from smartcabin.signals import load_signals
from smartcabin.understanding import Understanding
from smartcabin.vehicle import SimulatedVehicle
from smartcabin.zones import SEATS

from helpers import REPO

FILES = sorted((REPO / "data" / "eval").glob("*.jsonl"))
CASES = load_cases(FILES)
SIGNALS = load_signals()
ISSUE_DOMAINS = ["climate", "windows", "sunroof", "doors", "seats", "lights", "mirrors", "wipers",
                 "media", "navigation", "phone", "vehicle"]
FLOOR = 0.85


def test_corpus_has_at_least_1000_cases():
    assert len(CASES) >= 1000


def test_zh_and_en_are_within_ten_percent_of_each_other():
    langs = collections.Counter(c["lang"] for c in CASES)
    assert set(langs) == {"zh", "en"}
    assert abs(langs["zh"] - langs["en"]) <= 0.10 * max(langs.values())


def test_ids_are_unique_and_name_domain_and_language():
    ids = [c["id"] for c in CASES]
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
    for c in CASES:
        domain, lang, *_ = c["id"].split("-")
        assert domain and lang == c["lang"], c["id"]


@pytest.mark.parametrize("domain", ISSUE_DOMAINS)
def test_every_domain_is_present(domain):
    assert sum(c["id"].split("-")[0] == domain for c in CASES) >= 5


def test_hand_written_cases_are_at_least_a_third():
    natural = load_cases([f for f in FILES if f.name.startswith("natural")])
    assert len(natural) * 3 >= len(CASES)


def _paths(case: dict) -> list[str]:
    paths = list(case.get("setup") or {}) + list(case.get("expect") or {}) + list(case.get("unchanged") or [])
    paths += [p for alt in case.get("expect_any") or [] for p in alt]
    return paths


def test_every_signal_path_is_valid():
    bad = [(c["id"], p) for c in CASES for p in _paths(c) if p not in SIGNALS]
    assert bad == []


def test_every_case_is_well_formed():
    problems = []
    for c in CASES:
        if not c.get("turns") or not all(isinstance(t.get("text"), str) for t in c["turns"]):
            problems.append((c["id"], "turns"))
        if any(t.get("zone") not in (None, *SEATS) for t in c["turns"]):
            problems.append((c["id"], "zone"))
        if c.get("outcome") not in (None, *OUTCOMES):
            problems.append((c["id"], "outcome"))
        if not (c.get("expect") or c.get("expect_any") or c.get("unchanged") or c.get("outcome")):
            problems.append((c["id"], "checks nothing"))
        for m in list((c.get("expect") or {}).values()) + [v for a in c.get("expect_any") or [] for v in a.values()]:
            if isinstance(m, dict) and not m.keys() <= {"min", "max", "in", "not", "contains"}:
                problems.append((c["id"], f"matcher {m}"))
        try:
            SimulatedVehicle(c.get("setup") or {})
        except ValueError as exc:
            problems.append((c["id"], str(exc)))
    assert problems == []


def test_every_line_is_one_json_object():
    for f in FILES:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                assert isinstance(json.loads(line), dict), f"{f.name}:{n}"


# -- quality floor -------------------------------------------------------------------

@pytest.fixture(scope="module")
def summary():
    return evaluate(FILES)["summary"]


def test_corpus_accuracy_floor(summary):
    assert summary["cases"] == len(CASES)
    assert summary["accuracy"] >= FLOOR, summary


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_corpus_accuracy_floor_per_language(summary, lang):
    assert summary["by_lang"][lang] >= FLOOR - 0.05, summary["by_lang"]


def test_the_floor_catches_a_broken_parser(monkeypatch, tmp_path):
    """Proof that the floor can fail: with a parser that understands nothing, accuracy collapses."""
    def deaf(text, lang=None):
        return Understanding(text=text if isinstance(text, str) else "", lang=lang or "en", act="none",
                             reason="chitchat")

    monkeypatch.setattr(smartcabin.understanding.router, "parse", deaf)
    sample = tmp_path / "sample.jsonl"  # every fourth case: each costs an embedding once deaf
    sample.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES[::4]), encoding="utf-8")
    broken = evaluate([sample])["summary"]
    assert broken["accuracy"] < FLOOR


def test_make_eval_names_corpus_files_that_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    line = next(l for l in makefile.splitlines() if "smartcabin eval" in l)
    files = [w for w in line.split() if w.endswith(".jsonl")]
    assert files
    for f in files:
        matches = list(REPO.glob(f))
        assert matches, f
