"""The English language model of the fast recognition path (voice.sphinx): a trigram model in
ARPA form over the sentences the edge model trains on (catalog, lexicon, hand-written, the
car's names), restricted to words pocketsphinx can pronounce, and its pronunciation dictionary.

    .venv/bin/python -m smartcabin.training.speech_lm      # writes data/voice/car-en.{arpa,dict}
"""
from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .dataset import build

OUT = Path(__file__).resolve().parents[1] / "data" / "voice"
_WORD = re.compile(r"[a-z']+")
_DIGITS = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
           "7": "seven", "8": "eight", "9": "nine"}
D = 0.7  # absolute discount


def _cmudict() -> dict[str, list[str]]:
    from pocketsphinx import get_model_path

    out: dict[str, list[str]] = defaultdict(list)
    with open(Path(get_model_path()) / "en-us" / "cmudict-en-us.dict", encoding="utf-8") as f:
        for line in f:
            word, _, phones = line.strip().partition(" ")
            out[re.sub(r"\(\d+\)$", "", word)].append(phones)
    return out


def spoken_numbers(text: str) -> str:
    """Digits as they are said ("22" -> "twenty two"): the recognizer hears words."""
    def say(m: re.Match[str]) -> str:
        n = int(m.group())
        ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
        if n < 20:
            return ones[n]
        if n < 100:
            return tens[n // 10] + ("" if n % 10 == 0 else " " + ones[n % 10])
        if n < 1000 and n % 100 == 0:
            return ones[n // 100] + " hundred"
        return " ".join(_DIGITS[d] for d in m.group())
    return re.sub(r"\d+", say, text)


def sentences() -> list[list[str]]:
    out = []
    for ex in build(seed=0):
        if not ex.text.isascii():
            continue
        words = _WORD.findall(spoken_numbers(ex.text.lower()))
        if words:
            out.append(words)
    return out


def arpa(corpus: list[list[str]], vocab: set[str]) -> str:
    """A trigram model with interpolated absolute discounting, written as backoff (ARPA)."""
    counts: list[Counter] = [Counter(), Counter(), Counter()]
    for words in corpus:
        seq = ["<s>"] + [w if w in vocab else "<unk>" for w in words] + ["</s>"]
        for n in range(3):
            for i in range(len(seq) - n):
                gram = tuple(seq[i:i + n + 1])
                if n == 0 and gram == ("<s>",):
                    continue
                counts[n][gram] += 1
    total = sum(counts[0].values())
    uni = {g: c / total for g, c in counts[0].items()}
    uni[("<s>",)] = 0.0
    probs: list[dict[tuple[str, ...], float]] = [uni, {}, {}]
    for n in (1, 2):
        ctx_total: Counter = Counter()
        ctx_types: Counter = Counter()
        for g, c in counts[n].items():
            ctx_total[g[:-1]] += c
            ctx_types[g[:-1]] += 1
        for g, c in counts[n].items():
            h = g[:-1]
            lower = _p(probs, g[1:])
            probs[n][g] = max(c - D, 0) / ctx_total[h] + D * ctx_types[h] / ctx_total[h] * lower
    bows: list[dict[tuple[str, ...], float]] = [{}, {}, {}]
    for n in (0, 1):
        followers: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for g in probs[n + 1]:
            followers[g[:-1]].append(g)
        for h, gs in followers.items():
            seen = sum(probs[n + 1][g] for g in gs)
            seen_lower = sum(_p(probs, g[1:]) for g in gs)
            bows[n][h] = max(1e-9, 1 - seen) / max(1e-9, 1 - seen_lower)
    lines = ["\\data\\"] + [f"ngram {n + 1}={len(probs[n])}" for n in range(3)] + [""]
    for n in range(3):
        lines.append(f"\\{n + 1}-grams:")
        for g, p in sorted(probs[n].items()):
            lp = math.log10(p) if p > 0 else -99.0
            bow = f" {math.log10(bows[n][g]):.4f}" if n < 2 and g in bows[n] else ""
            lines.append(f"{lp:.4f} {' '.join(g)}{bow}")
        lines.append("")
    lines.append("\\end\\")
    return "\n".join(lines) + "\n"


def _p(probs: list[dict[tuple[str, ...], float]], g: tuple[str, ...]) -> float:
    """The model's probability of the last word of `g` after the rest, backing off (no weights:
    used only while the model is built, from the orders below the one being estimated)."""
    while len(g) > 1 and g not in probs[len(g) - 1]:
        g = g[1:]
    return probs[len(g) - 1].get(g, probs[0].get(("<unk>",), 1e-7))


def main() -> int:
    corpus = sentences()
    pron = _cmudict()
    words = Counter(w for s in corpus for w in s)
    vocab = {w for w in words if w in pron}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "car-en.arpa").write_text(arpa(corpus, vocab), encoding="utf-8")
    with open(OUT / "car-en.dict", "w", encoding="utf-8") as f:
        for w in sorted(vocab):
            for n, phones in enumerate(pron[w]):
                f.write(f"{w}{'' if n == 0 else f'({n + 1})'} {phones}\n")
    missing = sorted(w for w in words if w not in pron)
    print(f"{len(corpus)} sentences, {len(vocab)} words; {len(missing)} without a pronunciation "
          f"(left out): {' '.join(missing[:30])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
