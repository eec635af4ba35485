"""Training data for the intent model, produced from the capability catalog and the
lexicons (device words, verbs, zones, comfort phrases), plus hand-written sentences
and out-of-domain sentences from data/train/. Seeded: the same inputs give the same set.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..capabilities import Capability, load_catalog
from ..understanding.lexicon import load_lexicon
from ..model.classifier import NONE, fold, label_of

TRAIN_DIR = Path(__file__).resolve().parents[3] / "data" / "train"
OPS_BY_KIND = {"level": ("on", "off", "up", "down", "set"), "switch": ("on", "off"),
               "mode": ("set", "on", "off"), "action": ("on",), "query": ("query",)}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    prev_domain: str | None = None  # the domain of the previous turn, if any
    weight: float = 1.0
    slots: tuple[tuple[str, str], ...] | None = None  # labelled name spans (slot, text); None: not labelled
    taught: bool = False  # from labelled logs (`train --add`): the distribution the car maker teaches


def ops_of(cap: Capability) -> list[str]:
    """The ops the model may predict for a capability."""
    ops = [op for op in OPS_BY_KIND[cap.kind]
           if not (cap.kind == "level" and op in ("on", "off") and op not in cap.presets)]
    return ops + (["query"] if cap.kind in ("level", "switch", "mode") else [])


def valid_labels() -> list[str]:
    out = [NONE]
    for cap in load_catalog().values():
        out += [f"{cap.id}:{op}" for op in ops_of(cap)]
    return out


# ---------------------------------------------------------------- templates
_ZH_FRAMES = {
    "on": ["{v}{z}{d}", "把{z}{d}{v}", "{p}{v}一下{z}{d}", "{z}{d}{v}", "{p}把{d}{v}吧", "{d}{v}"],
    "off": ["{v}{z}{d}", "把{z}{d}{v}", "{p}{v}{d}吧", "{z}{d}{v}", "{d}给我{v}"],
    "up": ["{z}{d}{v}", "把{d}{v}", "{p}{d}{v}", "{d}再{v}", "{v}{d}"],
    "down": ["{z}{d}{v}", "把{d}{v}", "{p}{d}{v}", "{d}再{v}", "{v}{d}"],
    "set": ["{d}{v}{n}", "把{z}{d}{v}{n}", "{p}{d}{v}{n}", "{z}{d}{n}"],
    "query": ["{d}是多少", "{d}现在多少", "{d}还有多少", "现在{d}怎么样", "{d}开着吗", "查一下{d}"],
}
_EN_FRAMES = {
    "on": ["{v} the {z}{d}", "{p}{v} the {d}", "{d} {v} please", "can you {v} the {z}{d}", "{v} {d}"],
    "off": ["{v} the {z}{d}", "{p}{v} the {d}", "{d} {v}", "could you {v} the {z}{d}", "{v} {d} please"],
    "up": ["{v} the {z}{d}", "{p}{v} the {d} a bit", "{d} {v}", "{v} the {d} please"],
    "down": ["{v} the {z}{d}", "{p}{v} the {d} a little", "{d} {v}", "{v} the {d} please"],
    "set": ["set the {z}{d} to {n}", "{p}{d} to {n}", "make the {d} {n}", "{d} {n} please", "put the {d} at {n}"],
    "query": ["what is the {d}", "how is the {d}", "check the {d}", "is the {d} on", "tell me the {d}", "what's my {d}"],
}
_ZH_POLITE = ["", "", "帮我", "请", "麻烦", "给我", "那个", "嗯", "小助手", "你帮我"]
_EN_POLITE = ["", "", "please ", "hey ", "could you ", "can you ", "uh ", "i want to ", "go ahead and "]
_ZH_ZONES = ["", "", "", "主驾", "副驾", "后排", "左后", "右后", "我这边", "全部"]
_EN_ZONES = ["", "", "", "driver ", "passenger ", "rear ", "back left ", "my ", "front ", "all the "]
_ZH_NUMS = ["二十二度", "18度", "百分之五十", "三档", "一半", "最大", "25度", "二十", "最小", "两档"]
_EN_NUMS = ["22", "twenty one degrees", "50 percent", "level 3", "halfway", "max", "18 degrees", "the lowest", "seventy"]
# Chinese ASR confuses homophones: the model sees some, so it does not depend on exact characters
def _zh_noise(rng: random.Random, text: str) -> str:
    for word, subs in load_lexicon("zh").raw.get("asr_slips", {}).items():
        if word in text and rng.random() < 0.6:
            return text.replace(word, rng.choice(subs), 1)
    if len(text) > 3:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1:]  # a dropped character
    return text


def _en_noise(rng: random.Random, text: str) -> str:
    words = text.split()
    if not words:
        return text
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 3:
        j = rng.randrange(1, len(w) - 1)
        w = w[:j] + w[j + 1:] if rng.random() < 0.5 else w[:j] + " " + w[j:]
    words[i] = w
    return " ".join(words)


def _verbs(raw: dict[str, Any], op: str) -> list[str]:
    ops = raw.get("ops", {})
    key = {"up": ("up", "more"), "down": ("down", "less")}.get(op, (op,))
    out: list[str] = []
    for k in key:
        out += [str(v) for v in ops.get(k, [])]
    return out or [""]


MAX_PHRASES_PER_LABEL = 16


def _generated(lang: str, rng: random.Random, per_label: int) -> list[Example]:
    raw = load_lexicon(lang).raw
    frames = _ZH_FRAMES if lang == "zh" else _EN_FRAMES
    polite, zones, nums = (_ZH_POLITE, _ZH_ZONES, _ZH_NUMS) if lang == "zh" else (_EN_POLITE, _EN_ZONES, _EN_NUMS)
    out: list[Example] = []
    for cap in load_catalog().values():
        devices = [str(w) for w in raw.get("devices", {}).get(cap.id, [])] or [cap.name[lang]]
        for op in ops_of(cap):
            if cap.kind == "action":
                continue  # named requests come from _named, the others from their phrases
            verbs = _verbs(raw, "on" if cap.kind == "action" else op)
            for _ in range(per_label):
                frame = rng.choice(frames["query" if op == "query" else op])
                text = frame.format(v=rng.choice(verbs), d=rng.choice(devices), z=rng.choice(zones) if cap.zones else "",
                                    p=rng.choice(polite), n=rng.choice(nums))
                if rng.random() < 0.15:
                    text = _zh_noise(rng, text) if lang == "zh" else _en_noise(rng, text)
                out.append(Example(" ".join(text.split()) if lang == "en" else text, label_of(cap.id, op)))
        for opt_phrases in raw.get("options", {}).get(cap.id, {}).values():
            for phrase in opt_phrases[:4]:
                d = rng.choice(devices)
                text = f"{d}调到{phrase}" if lang == "zh" else f"{d} on {phrase}"
                out.append(Example(text, label_of(cap.id, "set")))
    by_label: dict[str, list[str]] = {}
    for phrase, specs in raw.get("phrases", {}).items():
        if not specs:  # a phrase that asks for nothing ("要下雨了": rain to come)
            by_label.setdefault(NONE, []).append(str(phrase))
            continue
        spec = specs[0]
        op = spec["op"] if spec["cap"] in load_catalog() and load_catalog()[spec["cap"]].kind != "action" else "on"
        if op == "preset" and spec.get("preset") in ("on", "off"):
            op = spec["preset"]  # "mute" is the volume's off
        by_label.setdefault(label_of(spec["cap"], op), []).append(str(phrase))
    for label, phrases in by_label.items():
        # a few phrases per label: hundreds of seat-direction combinations must not outweigh the rest
        for phrase in rng.sample(phrases, min(len(phrases), MAX_PHRASES_PER_LABEL)):
            out.append(Example(phrase, label, weight=2.0))
            out.append(Example(f"{rng.choice(polite)}{phrase}" if lang == "zh" else f"{rng.choice(polite)}{phrase}".strip(),
                               label))
    return out


def train_names(lang: str) -> dict[str, list[str]]:
    path = TRAIN_DIR / "names.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data.get(lang, {})


def _named(lang: str, rng: random.Random, count: int) -> list[Example]:
    """Play / navigate / call with names, and bare names whose meaning comes from the previous turn."""
    raw = load_lexicon(lang).raw
    names = train_names(lang)
    songs, places, people = names.get("songs", ["晴天"]), names.get("places", ["机场"]), names.get("contacts", ["妈妈"])
    artists = [str(a) for a in raw.get("artists", [])]
    genres = [str(g) for g in raw.get("genres", [])]
    play, nav, call = (raw.get(k, []) for k in ("play_verbs", "nav_verbs", "call_verbs"))
    out: list[Example] = []
    for _ in range(count):
        if lang == "zh":
            out.append(Example(f"{rng.choice(play)}{rng.choice(artists)}的{rng.choice(songs)}", "media.play:on"))
            out.append(Example(f"{rng.choice(play)}{rng.choice(genres)}", "media.play:on"))
            out.append(Example(f"{rng.choice(nav)}{rng.choice(places)}", "navigation.go:on"))
            out.append(Example(f"给{rng.choice(people)}打个电话", "phone.call:on"))
            out.append(Example(f"{rng.choice(call)}{rng.choice(people)}", "phone.call:on"))
        else:
            out.append(Example(f"{rng.choice(play)} {rng.choice(songs)} by {rng.choice(artists)}", "media.play:on"))
            out.append(Example(f"{rng.choice(play)} some {rng.choice(genres)}", "media.play:on"))
            out.append(Example(f"{rng.choice(nav)} {rng.choice(places)}", "navigation.go:on"))
            out.append(Example(f"{rng.choice(call)} {rng.choice(people)}", "phone.call:on"))
        # a bare name: a song after music, a place after navigation, a person after the phone
        out.append(Example(rng.choice(songs), "media.play:on", prev_domain="media", weight=2.0))
        out.append(Example(rng.choice(places), "navigation.go:on", prev_domain="navigation", weight=2.0))
        out.append(Example(rng.choice(people), "phone.call:on", prev_domain="phone", weight=2.0))
        out.append(Example(rng.choice(songs + places + people), NONE, prev_domain=rng.choice([None, "climate", "windows"])))
    return out


def read_handwritten(lang: str) -> list[Example]:
    path = TRAIN_DIR / f"handwritten-{lang}.jsonl"
    if not path.exists():
        return []
    known = set(valid_labels())
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("intent") in known:
                out.append(Example(row["text"], row["intent"], row.get("prev_domain"), weight=2.0))
    return out


def read_ood(lang: str, rng: random.Random) -> list[Example]:
    path = TRAIN_DIR / f"ood-{lang}.txt"
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    domains = [None, None, "media", "navigation", "climate", "phone"]
    return [Example(l, NONE, prev_domain=rng.choice(domains), weight=1.5) for l in lines if l]


EVAL_DIRS = ("eval", "holdout*")  # every evaluation and hold-out set, present and future
HELD_LOGS = ("logs/test*.jsonl", "logs[0-9]*/test*.jsonl")  # the log sets' test halves, this one and later ones


def evaluation_texts(root: Path = TRAIN_DIR.parent, logs: bool = True) -> set[str]:
    """Every turn of every evaluation and hold-out case, folded (case, spaces, punctuation);
    `logs`: and every line of the log set's test half."""
    out: set[str] = set()
    for pattern in EVAL_DIRS:
        for path in sorted(p for d in root.glob(pattern) for p in d.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out |= {fold(t.get("text", "")) for t in json.loads(line).get("turns", [])}
    for path in sorted(p for g in HELD_LOGS for p in root.glob(g)) if logs else ():  # the data loop's measures
        out |= {fold(json.loads(l).get("text", "")) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    return out


def decontaminated(examples: list[Example], held: set[str] | None = None) -> list[Example]:
    """Training never sees a sentence the evaluation uses: accuracy figures stay honest. The
    sentences of `--add` logs are checked against the evaluation cases only: a log line that
    the log set's test half repeats word for word (下一首, 导航回家) is what real logs are made of,
    and what the car maker labelled; `smartcabin score-logs --unseen-in` reports the test
    lines the training logs do not hold apart."""
    if held is not None:
        return [e for e in examples if fold(e.text) not in held]
    everything, cases = evaluation_texts(), evaluation_texts(logs=False)
    return [e for e in examples if fold(e.text) not in (cases if e.taught else everything)]


def build(seed: int = 0, per_label: int = 24, named: int = 60, extra: Iterable[Example] = (),
          base: bool = True) -> list[Example]:
    """`base`: the sentences made from the catalog, lexicons and hand-written files; without
    it only `extra` (a model of one set of logs alone, the data loop's reference)."""
    rng = random.Random(seed)
    out: list[Example] = []
    for lang in ("zh", "en") if base else ():
        out += _generated(lang, rng, per_label)
        out += _named(lang, rng, named)
        out += read_handwritten(lang)
        out += read_ood(lang, rng)
    out += list(extra)
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for ex in out:
        key = (ex.text, ex.prev_domain)
        if ex.text.strip() and key not in seen:
            seen.add(key)
            unique.append(ex)
    return unique
