"""Input hygiene and language detection, before any parsing."""
from __future__ import annotations

import re
import unicodedata

import opencc

MAX_CHARS = 500  # a spoken command is short; longer input is refused, not truncated

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ufeff\u200b-\u200f\u2028-\u202e]")
_SPACE = re.compile(r"\s+")
_CONTRACTIONS = (
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"), (re.compile(r"\bcan not\b"), "can not"),
    (re.compile(r"\bwo not\b"), "will not"), (re.compile(r"\bca not\b"), "can not"),
    (re.compile(r"\b(i|you|we|they)'re\b"), r"\1 are"), (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(it|that|there|what|where|how|he|she)'s\b"), r"\1 is"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"), (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (re.compile(r"\b(i|you|we|they)'ve\b"), r"\1 have"), (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\bwanna\b"), "want to"), (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bgotta\b"), "got to"), (re.compile(r"\bgimme\b"), "give me"),
)
_T2S = opencc.OpenCC("t2s")  # traditional characters (a Taiwanese driver, Whisper's habit) read as simplified
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def clean(text: str) -> str:
    """Fold widths and case, drop control and invisible characters, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_CURLY)
    text = _CONTROL.sub(" ", text)
    text = simplified(text)
    return _SPACE.sub(" ", text).strip().lower()


def simplified(text: str) -> str:
    """Chinese in simplified characters (what a transcript shows and the lexicon reads)."""
    return _T2S.convert(text) if _CJK.search(text) else text


def detect_lang(text: str) -> str:
    """zh when Chinese characters carry the sentence, else en."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return "en"
    latin_words = len(_LATIN_WORD.findall(text))
    return "zh" if cjk >= latin_words else "en"


def expand_contractions(text: str) -> str:
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def garbled(raw: str) -> bool:
    """Bytes that were not text: replacement and control characters never come from speech."""
    bad = len(_CONTROL.findall(raw.replace("\n", " ").replace("\t", " ")))
    return bad >= 3 and bad * 10 >= len(raw)


def meaningful(text: str) -> bool:
    """False for input with no letters or digits in any script (emoji, symbols, noise)."""
    return any(ch.isalnum() for ch in text)
