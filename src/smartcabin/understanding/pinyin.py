"""What a Chinese character sounds like, for homophones that speech recognition swaps
(空掉 for 空调, 后被箱 for 后备箱): toneless pinyin from pypinyin's character table (MIT).

Only the table is read (its package would load a 2.5 MB phrase dictionary, ~0.2 s); it
loads once, ~20 ms, when the learned model loads. Without pypinyin nothing sounds alike
and a misheard device word is not taken for the device.
"""
from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

_table: dict[str, str] | None = None


def load() -> dict[str, str]:
    global _table
    if _table is None:
        spec = importlib.util.find_spec("pypinyin")
        table: dict[str, str] = {}
        if spec is not None and spec.submodule_search_locations:
            path = Path(list(spec.submodule_search_locations)[0]) / "pinyin_dict.json"
            if path.is_file():
                table = json.loads(path.read_text(encoding="utf-8"))
        _table = table
    return _table


@lru_cache(maxsize=8192)
def syllables(ch: str) -> frozenset[str]:
    """Every reading of the character without its tone ("调" -> {"diao", "tiao"}); empty when unknown."""
    raw = load().get(str(ord(ch)), "")
    bare = unicodedata.normalize("NFKD", raw)
    return frozenset(s for s in "".join(c for c in bare if not unicodedata.combining(c)).split(",") if s)


@lru_cache(maxsize=8192)
def primary(ch: str) -> str | None:
    """The character's first (most common) reading without its tone: 划 -> "hua"."""
    raw = load().get(str(ord(ch)), "")
    first = unicodedata.normalize("NFKD", raw.split(",")[0])
    return "".join(c for c in first if not unicodedata.combining(c)) or None


def sounds_alike(a: str, b: str) -> bool:
    return a == b or bool(syllables(a) & syllables(b))
