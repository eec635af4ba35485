"""The intent classifier: embedding + conversation context -> calibrated intent scores.

A one-hidden-layer MLP in numpy; the weights live in one .npz file written by
`smartcabin train`. Labels are `capability:op` plus `none` (not a car command).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .gate import Gate

NONE = "none"


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
        out = []
        for row in probs:
            order = np.argsort(-row)[:3]
            top = [(self.labels[i], float(row[i])) for i in order]
            out.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
        return out

    def save(self, path: Path) -> None:
        gate = self.gate or Gate(np.zeros(0, np.float32), 0.0, 1.1)
        np.savez_compressed(path, labels=np.array(self.labels), domains=np.array(self.domains),
                            w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2,
                            temperature=np.array(self.temperature), threshold=np.array(self.threshold),
                            gate_w=gate.weights.astype(np.float16), gate_b=np.array(gate.bias),
                            gate_threshold=np.array(gate.threshold))

    @classmethod
    def load(cls, path: Path | None = None) -> "IntentModel":
        if path is None:
            path = Path(str(resources.files("smartcabin.data").joinpath("model/intent.npz")))
        with np.load(path, allow_pickle=False) as z:
            gate = None
            if "gate_w" in z.files and z["gate_w"].size:
                gate = Gate(z["gate_w"].astype(np.float32), float(z["gate_b"]), float(z["gate_threshold"]))
            return cls(labels=[str(x) for x in z["labels"]], domains=[str(x) for x in z["domains"]],
                       w1=z["w1"], b1=z["b1"], w2=z["w2"], b2=z["b2"],
                       temperature=float(z["temperature"]), threshold=float(z["threshold"]), gate=gate)
