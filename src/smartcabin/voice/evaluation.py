"""The voice evaluation: eval cases spoken by two voices per language (one the product does
not speak with), over car noise at several signal-to-noise ratios, through the whole loop
(end of speech, recognition, the turn, the spoken reply), scored against the same
expectations as text. Reports word (en) or character (zh) error rate, command success beside
the text figure on the same cases, wrong actions, and latency from the end of speech."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..engines import DEFAULT_MODE, Engines
from ..evaluation import load_cases, percentile, run_case
from ..numerals import normalize_en, normalize_zh
from ..understanding.text import simplified
from .audio import RATE
from .engines import PUSH_TO_TALK, VoiceEngines
from .recordings import RecordedVoice, recorded
from .tts import EspeakVoice, HibariVoice, PiperVoice

SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)  # None: clean
_TAIL_S = 1.0  # noise after the sentence: the end of speech is found in it, as in the car


def voices() -> dict[str, dict[str, Callable[[], Any]]]:
    """Per language: the product's voice first, then one it does not speak with."""
    return {"en": {"hibari": HibariVoice, "piper-joe": PiperVoice},
            "zh": {"espeak-cmn": EspeakVoice, "espeak-cmn-f2": lambda: EspeakVoice(variant="f2", rate_wpm=150)}}


def car_noise(n: int, seed: int = 0) -> np.ndarray:
    """Cabin noise at speed: low-frequency road rumble, engine harmonics, a little broadband hiss."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    rumble = np.cumsum(rng.normal(0, 1, n))
    rumble = rumble - np.convolve(rumble, np.ones(801) / 801, mode="same")  # brown noise without its drift
    engine = sum(np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)) / k for k, f in enumerate((38.0, 76.0, 114.0), 1))
    hiss = rng.normal(0, 0.15, n)
    x = rumble / (np.std(rumble) + 1e-9) + 0.6 * engine + hiss
    return (x / np.std(x)).astype(np.float32)


def add_noise(x: np.ndarray, snr_db: float | None, seed: int, reference: np.ndarray | None = None) -> np.ndarray:
    """`x` under car noise at `snr_db`: the RMS of `reference` (default `x` itself) over the noise's."""
    ref = (x if reference is None else reference).astype(np.float64)
    y = x.astype(np.float64)
    if snr_db is not None and len(ref):
        rms = float(np.sqrt(np.mean(ref ** 2)))
        y = y + car_noise(len(y), seed) * rms / (10 ** (snr_db / 20))
    return np.clip(y, -32768, 32767).astype(np.int16)


def with_noise(speech: np.ndarray, snr_db: float | None, seed: int) -> np.ndarray:
    """`speech` followed by `_TAIL_S` of quiet, under car noise at `snr_db` (speech RMS over noise RMS)."""
    x = np.concatenate([np.zeros(RATE // 4), speech.astype(np.float32), np.zeros(int(_TAIL_S * RATE))])
    return add_noise(x, snr_db, seed, reference=speech)


_PUNCT = re.compile(r"[^\w\s]|_")


def tokens(text: str, lang: str) -> list[str]:
    """Words (en) or characters (zh), numbers as digits, no punctuation or case."""
    text = normalize_zh(simplified(text)) if lang == "zh" else normalize_en(text.lower())
    text = _PUNCT.sub(" ", text.lower())
    return [c for c in text if not c.isspace()] if lang == "zh" else text.split()


def edits(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


@dataclass
class Cell:
    """One language, voice and noise level."""
    lang: str
    voice: str
    snr: float | None
    cases: int = 0
    passed: int = 0
    text_passed: int = 0  # the same cases typed
    wrong_turns: int = 0
    turns: int = 0
    errors: int = 0
    ref_tokens: int = 0
    not_heard: int = 0
    asr_ms: list[float] = field(default_factory=list)
    action_ms: list[float] = field(default_factory=list)
    first_audio_ms: list[float] = field(default_factory=list)
    engines: dict[str, int] = field(default_factory=dict)  # which recognizer heard how many turns
    failed: list[dict[str, Any]] = field(default_factory=list)  # each failing case: what was said and heard
    confidence: dict[str, list[float | None]] = field(default_factory=dict)  # case -> the recognizer's, per turn heard

    def to_dict(self) -> dict[str, Any]:
        q = lambda v: {"p50": round(percentile(v, 0.5), 1), "p95": round(percentile(v, 0.95), 1)}  # noqa: E731
        return {"lang": self.lang, "voice": self.voice, "snr_db": self.snr, "cases": self.cases,
                "command_success": round(self.passed / self.cases, 4) if self.cases else 0.0,
                "text_success": round(self.text_passed / self.cases, 4) if self.cases else 0.0,
                "wrong_action_rate": round(self.wrong_turns / self.turns, 4) if self.turns else 0.0,
                ("cer" if self.lang == "zh" else "wer"): round(self.errors / self.ref_tokens, 4) if self.ref_tokens else 0.0,
                "not_heard": self.not_heard, "asr_ms": q(self.asr_ms), "action_ms": q(self.action_ms),
                "first_audio_ms": q(self.first_audio_ms), "engines": self.engines, "failed": self.failed,
                "confidence": self.confidence}


def pick(cases: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` cases per language, spread evenly over the files given."""
    out = []
    for lang in ("en", "zh"):
        mine = [c for c in cases if c.get("lang") == lang and c.get("turns")]
        step = max(1, len(mine) // limit) if limit else 1
        out += mine[::step][:limit] if limit else mine
    return out


def run(paths: list[Any], limit: int = 20, snrs: tuple[float | None, ...] = SNRS,
        engines: VoiceEngines | None = None, langs: tuple[str, ...] = ("en", "zh"),
        progress: Callable[[str], None] = lambda s: None, recognizer: str = "whisper",
        recordings: tuple[RecordedVoice, ...] = (), recorded_only: bool = False) -> dict[str, Any]:
    """`recordings`: folders of recorded speech, run as further voices on the cases they
    hold every turn of; `recorded_only`: those alone, without the synthesized voices."""
    edge = Engines.from_config(DEFAULT_MODE, llm=False)
    engines = engines or VoiceEngines.from_config(recognizer=recognizer, understand=edge.edge.understand)
    cases = [c for c in pick(load_cases(paths), limit) if c.get("lang") in langs]
    typed = {id(c): run_case(c, edge).passed for c in cases}
    cells: list[Cell] = []
    for lang in langs:
        mine = [c for c in cases if c.get("lang") == lang]
        made = {} if recorded_only else {name: make() for name, make in voices()[lang].items()}
        made.update({r.name: r for r in recordings if lang in r.langs})
        for name, voice in made.items():
            spoken: dict[str, np.ndarray] = {}
            said = [c for c in mine if recorded(voice, c)] if isinstance(voice, RecordedVoice) else mine
            for snr in snrs:
                cell = Cell(lang, name, snr)
                for n, case in enumerate(said):
                    result = run_case(case, edge, _speaker(engines, voice, lang, snr, n, spoken, cell, str(case.get("id"))))
                    cell.cases += 1
                    cell.passed += result.passed
                    cell.text_passed += typed[id(case)]
                    cell.turns += len(result.turns)
                    cell.wrong_turns += result.wrong_turns
                    if not result.passed:
                        cell.failed.append({"id": result.id, "wrong_turns": result.wrong_turns,
                                            "said": [t.get("text", "") for t in case.get("turns", [])],
                                            "heard": [t.get("heard") for t in result.turns],
                                            "failures": result.failures})
                cells.append(cell)
                progress(f"{lang} {name} snr {snr if snr is not None else 'clean'}: "
                         f"{cell.passed}/{cell.cases} commands, error rate {cell.to_dict().get('cer', cell.to_dict().get('wer'))}")
    return {"cells": [c.to_dict() for c in cells], "cases_per_language": limit,
            "recognizer": engines.recognizer.name, "endpoint_silence_s": 0.6}


def _speaker(engines: VoiceEngines, voice: Any, lang: str, snr: float | None, seed: int,
             spoken: dict[str, np.ndarray], cell: Cell, case_id: str):
    """The evaluation's `say` for one case: each turn synthesized, noised and heard by the loop."""
    def say(assistant, text: str, zone: str | None, on_event) -> Any:
        if text not in spoken:
            spoken[text] = np.concatenate([a.samples for a in voice.synthesize(text, lang)] or [np.zeros(0, np.int16)])
        audio = with_noise(spoken[text], snr, seed)
        loop = engines.loop(lambda heard: assistant.turn(heard.text, zone=zone, on_event=on_event,
                                                         heard=heard.confidence), zone=zone or "",
                            lang=lang, wake=PUSH_TO_TALK)
        before = len(loop.heard)
        loop.listen()  # as after the wake word: the end of speech is found by voice activity in the tail
        loop.feed(audio)
        loop.flush()
        if len(loop.heard) == before:
            return None
        heard = loop.heard[-1]
        ref, hyp = tokens(text, lang), tokens(heard.transcript.text, lang)
        cell.engines[heard.transcript.engine] = cell.engines.get(heard.transcript.engine, 0) + 1
        cell.errors += edits(ref, hyp)
        cell.ref_tokens += len(ref)
        cell.asr_ms.append(heard.asr_ms)
        cell.confidence.setdefault(case_id, []).append(heard.transcript.confidence)
        if heard.result is None:
            cell.not_heard += 1
            return None
        cell.action_ms.append(heard.action_ms or 0.0)
        if heard.first_audio_ms is not None:
            cell.first_audio_ms.append(heard.first_audio_ms)
        return heard.result
    return say


def table(report: dict[str, Any]) -> str:
    rows = ["| language | voice | noise | cases | command success (text) | WER / CER | wrong-action rate | "
            "not heard | recognition p50 / p95 ms | end of speech to action p50 / p95 ms | to first audio p50 / p95 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in report["cells"]:
        err = c.get("cer", c.get("wer"))
        noise = "clean" if c["snr_db"] is None else f"{c['snr_db']:g} dB"
        rows.append(f"| {c['lang']} | {c['voice']} | {noise} | "
                    f"{c['cases']} | {c['command_success']:.1%} ({c['text_success']:.1%}) | {err:.1%} | "
                    f"{c['wrong_action_rate']:.1%} | {c['not_heard']} | {c['asr_ms']['p50']} / {c['asr_ms']['p95']} | "
                    f"{c['action_ms']['p50']} / {c['action_ms']['p95']} | "
                    f"{c['first_audio_ms']['p50']} / {c['first_audio_ms']['p95']} |")
    return "\n".join(rows)

