"""The intent classifier: embedding + conversation context -> calibrated intent scores.

A one-hidden-layer MLP in numpy; the weights live in one .npz file written by
`smartcabin train`, with the talk gate and the fast reader (`fast.py`) that are asked
before the embedding. Labels are `capability:op` plus `none` (not a car command).
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embedder import FULL_LAYERS
from .fast import Evidence, FastReader, best_request
from .gate import Gate
from .paths import model_path, packaged_model
from .tagger import SlotTagger

log = logging.getLogger(__name__)
NONE = "none"
_LEX_OP = {"more": "up", "less": "down", "max": "set", "min": "set", "preset": "set"}  # parser op -> label op


def label_of(cap: str, op: str) -> str:
    return f"{cap}:{_LEX_OP.get(op, op)}"


_FOLD = re.compile(r"[\s\W_]+")
ANY_CONTEXT = "*"  # a sentence the logs label the same whatever came before


def fold(text: str) -> str:
    """A sentence without case, spaces or punctuation: how training, evaluation and the logs'
    memory compare sentences."""
    return _FOLD.sub("", text.lower())


def memory_key(text: str, prev_domain: str | None) -> str:
    """A sentence as labelled logs are looked up: folded, with the previous turn's domain
    ("周杰伦" after music is not "周杰伦" after the phone)."""
    return f"{fold(text)}|{prev_domain or '-'}"


def reading_label(cap_id: str | None, op: str | None) -> str:
    """The label of a reading, as the model and labelled logs name it: an action's "off" is
    its off action ("stop the music" reads media.play off: media.pause)."""
    from ..capabilities import load_catalog

    cap = load_catalog().get(cap_id or "")
    if cap is None:
        return NONE
    if cap.kind == "action":
        return f"{cap.off_action}:on" if op == "off" and cap.off_action else f"{cap.id}:on"
    return label_of(cap.id, op or "")


@dataclass
class Prediction:
    label: str
    confidence: float  # calibrated probability of `label`
    top: list[tuple[str, float]]

    @property
    def cap(self) -> str | None:
        return None if self.label == NONE else self.label.split(":")[0]

    @property
    def op(self) -> str | None:
        return None if self.label == NONE else self.label.split(":")[1]


@dataclass
class FastPrediction(Prediction):
    request: float  # the probability of the most probable request (label other than `none`)
    evidence: Evidence  # how much of the sentence the fast reader was taught


@dataclass
class IntentModel:
    labels: list[str]
    domains: list[str]  # context one-hot order; index 0 = no previous domain
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    temperature: float = 1.0
    threshold: float = 0.5  # act on the edge at or above this calibrated confidence
    gate: Gate | None = None  # cheap check for plain talk before the embedding
    fast: FastReader | None = None  # n-gram intent reader, trusted alone at its own threshold
    tagger: SlotTagger | None = None  # the names in a request (song, place, contact, number)
    # what labelled logs (`train --add`) say of the sentences they hold (memory_key -> label)
    taught: dict[str, str] = field(default_factory=dict)
    embed_layers: int = FULL_LAYERS  # the encoder depth it was trained on, and so must read

    def features(self, embeddings: np.ndarray, prev_domains: list[str | None]) -> np.ndarray:
        ctx = np.zeros((len(prev_domains), len(self.domains)), dtype=np.float32)
        for i, d in enumerate(prev_domains):
            ctx[i, self.domains.index(d) if d in self.domains else 0] = 1.0
        return np.hstack([embeddings.astype(np.float32), ctx])

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = np.maximum(x @ self.w1 + self.b1, 0.0)
        return h @ self.w2 + self.b2

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, embeddings: np.ndarray, prev_domains: list[str | None]) -> list[Prediction]:
        probs = self.probabilities(self.features(embeddings, prev_domains))
        return [self._prediction(row) for row in probs]

    def fast_predict(self, text: str, prev_domain: str | None) -> FastPrediction | None:
        """The fast reader's reading from the text alone (no embedding); None without one."""
        if self.fast is None:
            return None
        probs, evidence = self.fast.read(text, prev_domain)
        request = float(best_request(probs, self.labels.index(NONE)))
        return FastPrediction(**vars(self._prediction(probs)), request=request, evidence=evidence)

    def taught_label(self, text: str, prev_domain: str | None) -> str | None:
        """What the labelled logs say of this very sentence in this context; None if they hold it not."""
        if not self.taught:
            return None
        return self.taught.get(memory_key(text, prev_domain)) or self.taught.get(memory_key(text, ANY_CONTEXT))

    def takes(self, cap: str, op: str) -> bool:
        """Whether the capability takes this parser op ("less" is a level's down)."""
        return label_of(cap, op) in self.labels

    def _prediction(self, row: np.ndarray) -> Prediction:
        order = np.argsort(-row)[:3]
        top = [(self.labels[i], float(row[i])) for i in order]
        return Prediction(label=top[0][0], confidence=top[0][1], top=top)

    def save(self, path: Path) -> None:
        gate = self.gate or Gate(np.zeros(0, np.float32), 0.0, 1.1)
        part = path.with_name(path.name + ".part.npz")  # a crash mid-write leaves the old model whole
        np.savez_compressed(part, labels=np.array(self.labels), domains=np.array(self.domains),
                            w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2,
                            temperature=np.array(self.temperature), threshold=np.array(self.threshold),
                            gate_w=gate.weights.astype(np.float16), gate_b=np.array(gate.bias),
                            gate_threshold=np.array(gate.threshold), embed_layers=np.array(self.embed_layers),
                            **_fast_arrays(self.fast), **(self.tagger.save_arrays() if self.tagger else {}),
                            taught_keys=np.array(list(self.taught), dtype=str),
                            taught_labels=np.array(list(self.taught.values()), dtype=str))
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path | None = None) -> "IntentModel":
        with np.load(path or current_model(), allow_pickle=False) as z:
            gate = None
            if "gate_w" in z.files and z["gate_w"].size:
                gate = Gate(z["gate_w"].astype(np.float32), float(z["gate_b"]), float(z["gate_threshold"]))
            fast = None
            if "fast_ids" in z.files:  # models trained before the fast reader have none
                fast = FastReader(z["fast_ids"].astype(np.int64), z["fast_vectors"].astype(np.float32),
                                  z["fast_w"].astype(np.float32), z["fast_b"].astype(np.float32),
                                  float(z["fast_temperature"]), float(z["fast_threshold"]), float(z["fast_doubt"]))
            return cls(labels=[str(x) for x in z["labels"]], domains=[str(x) for x in z["domains"]],
                       w1=z["w1"], b1=z["b1"], w2=z["w2"], b2=z["b2"],
                       temperature=float(z["temperature"]), threshold=float(z["threshold"]), gate=gate,
                       fast=fast, tagger=SlotTagger.from_arrays(z),
                       taught=dict(zip((str(k) for k in z["taught_keys"]), (str(v) for v in z["taught_labels"])))
                       if "taught_keys" in z.files else {}, embed_layers=int(z["embed_layers"]) if "embed_layers" in z.files else FULL_LAYERS)


def current_model() -> Path:
    """The user's model when it knows every label the packaged one does, else the packaged one:
    a model trained before an upgrade lacks the functions the upgrade added (logged)."""
    chosen, packaged = model_path(), packaged_model()
    if chosen == packaged:
        return packaged
    try:
        with np.load(chosen, allow_pickle=False) as mine, np.load(packaged, allow_pickle=False) as ours:
            missing = set(map(str, ours["labels"])) - set(map(str, mine["labels"]))
    except Exception as exc:  # noqa: BLE001 - an unreadable file of the user's: the packaged model
        log.warning("model %s unreadable, the packaged one is used: %s", chosen, exc)
        return packaged
    if missing:
        log.warning("model %s predates this version (%d functions unknown to it, e.g. %s): the packaged "
                    "model is used; retrain with `smartcabin train`", chosen, len(missing), sorted(missing)[0])
        return packaged
    return chosen


def _fast_arrays(fast: FastReader | None) -> dict[str, np.ndarray]:
    """The fast reader's entries of intent.npz (none without one: older loaders ignore them)."""
    if fast is None:
        return {}
    return {"fast_ids": fast.ids.astype(np.int32), "fast_vectors": fast.vectors.astype(np.float16),
            "fast_w": fast.w.astype(np.float32), "fast_b": fast.b.astype(np.float32),
            "fast_temperature": np.array(fast.temperature), "fast_threshold": np.array(fast.threshold),
            "fast_doubt": np.array(fast.doubt)}
