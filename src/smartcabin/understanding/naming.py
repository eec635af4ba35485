"""The car's own names in a reading: a bare name as a whole turn, a phone number said alone,
and the slot a name fills (张学友 is a singer, not a song; 周杰轮 is 周杰伦).

Which request a kind of name fills is the catalog's (`names:` on a text parameter), so no
capability is named here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from ..capabilities import Capability, load_catalog
from ..names import NameKind, NameLibrary
from ..numerals import normalize_en, normalize_zh
from .entities import Match, NameIndex, normal
from .types import Intent

# a bare contact name with no call before it is not dialled: "妈妈" said alone is rarely a request
NEEDS_CONTEXT = frozenset({NameKind.CONTACT})
_NUMBER = re.compile(r"\+?\d{3,15}")


@lru_cache(maxsize=8)
def index_for(library: NameLibrary) -> NameIndex:
    return NameIndex(library)


@lru_cache(maxsize=1)
def _fillers() -> dict[NameKind, tuple[str, str]]:
    """kind -> (capability id, parameter) that the kind's names fill."""
    out: dict[NameKind, tuple[str, str]] = {}
    for cap in load_catalog().values():
        for param, spec in cap.params.items():
            for kind in spec.get("names", ()) or ():
                out.setdefault(NameKind(kind), (cap.id, param))
    return out


def filled_by(kind: NameKind) -> tuple[Capability, str] | None:
    hit = _fillers().get(kind)
    return (load_catalog()[hit[0]], hit[1]) if hit else None


def needs_asking(cap_id: str | None) -> bool:
    """Whether a bare name acts for this request only right after it was asked for (a call)."""
    return any((f := filled_by(kind)) is not None and f[0].id == cap_id for kind in NEEDS_CONTEXT)


def number_param(cap: Capability) -> str | None:
    """The parameter a request dials digits into (a call's number), if it has one."""
    return next((p for p, spec in cap.params.items() if spec.get("type") == "digits"), None)


def phone_digits(text: str, lang: str) -> str | None:
    """The digits of a text that is only a phone number, however spoken (幺三八…, "five five
    five one two one two", 138-1234-5678)."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits (１３８…) are digits
    if lang == "en":
        spoken = _en_digits(text)
        if spoken is not None:
            return spoken if len(spoken) >= 3 else None
    norm = normalize_zh(text) if lang == "zh" else normalize_en(text.lower())
    compact = re.sub(r"[\s\-(),.]+", "", norm)
    return compact if _NUMBER.fullmatch(compact) and compact.lstrip("+").isascii() and sum(ch.isdigit() for ch in compact) >= 3 else None


_EN_DIGITS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine".split())} | {"oh": "0", "o": "0"}


def _en_digits(text: str) -> str | None:
    """Digits said one by one ("five five five, oh one", "double two"); None if other words."""
    out, repeat = [], 1
    words = re.findall(r"[a-z]+|\d+", text.lower())
    for w in words:
        if w in ("double", "triple"):
            repeat = 2 if w == "double" else 3
            continue
        digit = w if w.isdigit() else _EN_DIGITS.get(w)
        if digit is None:
            return None
        out.append(digit * repeat)
        repeat = 1
    return "".join(out) if out and any(not w.isdigit() for w in words) else None


def bare_name(text: str, lang: str, prev_domain: str | None, index: NameIndex,
              exact: bool = False, awaits: str | None = None) -> Intent | None:
    """A turn that is only one of the car's names: the request its kind fills.
    - `awaits`: the request of the turn just before that came without its name ("打电话"): only
      then is a contact dialled or a number said alone dialled;
    - else the previous turn's domain breaks ties between kinds;
    - with no request before it, only a name that could hardly be talk: at least two words in
      English ("help" and "work" are titles and places too), three characters for a place in
      Chinese (公司), and never a name of digits alone ("25" is a temperature before an album).
    `exact`: only as the library spells it (the parser read words of its own in the text)."""
    said = text.strip()
    awaited = load_catalog().get(awaits or "")
    if awaited is not None and (number := number_param(awaited)) and (digits := phone_digits(said, lang)):
        return Intent(cap=awaited.id, op="on", slots={number: digits})
    if not any(ch.isalpha() for ch in said):
        return None
    matches = [m for m in index.whole(said, lang) if filled_by(m.kind) is not None
               and (m.how == "exact" or not exact and m.kind not in NEEDS_CONTEXT)]
    if awaited is not None:
        pick = next((m for m in matches if filled_by(m.kind)[0].id == awaited.id), None)
    else:
        in_domain = [m for m in matches if filled_by(m.kind)[0].domain == prev_domain and m.kind not in NEEDS_CONTEXT]
        alone = [m for m in matches if m.kind not in NEEDS_CONTEXT and (prev_domain is not None or _unmistakable(m, said, lang))]
        pick = (in_domain or alone or [None])[0]
    return None if pick is None else _intent(pick, said)


def _unmistakable(m: Match, said: str, lang: str) -> bool:
    """A name said as a first turn that is hardly anything else."""
    if lang == "en" or said.isascii():
        return len(said.split()) >= 2
    return len(said) >= (3 if m.kind == NameKind.PLACE else 2)


def _intent(m: Match, said: str) -> Intent:
    cap, param = filled_by(m.kind)
    slots = {param: said if m.how == "exact" and normal(said) != normal(m.entry.name) else m.entry.name}
    number = number_param(cap)
    if number and m.entry.number:
        slots[number] = m.entry.number
    if m.entry.type and "type" in cap.params:
        slots["type"] = m.entry.type  # a podcast or an audiobook, as the library knows it
    return Intent(cap=cap.id, op="on", slots=slots)


def _sibling_request(it: Intent, cap: Capability, value: str, lang: str, index: NameIndex) -> Intent | None:
    """"放一期鬼吹灯", "play hardcore history": a name the library holds exactly, of a kind another
    request of the same domain plays (a podcast, not a song): that request, with that name."""
    if len(it.slots) != 1:
        return None  # "周杰伦的晴天": a singer and a song, this request's own
    kinds = {(f[0].id, f[1], m.entry.name, m.entry.type) for m in index.whole(value, lang)
             if m.how == "exact" and (f := filled_by(m.kind)) is not None and f[0].domain == cap.domain}
    if len(kinds) != 1:
        return None  # no such name, or one that two requests could play: keep the reading
    other_id, param, name, kind = kinds.pop()
    other = load_catalog()[other_id]
    slots = {param: name}
    if kind and "type" in other.params:
        slots["type"] = kind  # a podcast or an audiobook, as the library knows it
    return replace(it, cap=other.id, slots=slots)


def canonical(it: Intent, lang: str, index: NameIndex) -> Intent:
    """Each name slot as the library spells it, in the parameter its kind fills: "播放张学友"
    asks for the singer; "打给老妈" dials 妈妈's number. A name the library lacks stays as said."""
    cap = load_catalog().get(it.cap or "")
    if cap is None or not it.slots:
        return it
    slots = dict(it.slots)
    changed = False
    for param, value in it.slots.items():
        if "names" not in cap.params.get(param, {}) or value.isupper():
            continue  # HOME / WORK are the saved places the catalog names
        # a person is never guessed: "Sarah Johnson" is not the owner's Sara Johnson
        matches = [m for m in index.whole(value, lang)
                   if (f := filled_by(m.kind)) is not None and f[0].id == cap.id
                   and (m.how == "exact" or m.kind not in NEEDS_CONTEXT)]
        if not matches:
            other = _sibling_request(it, cap, value, lang, index)
            if other is not None:
                return other
            continue
        own = [m for m in matches if filled_by(m.kind)[1] == param]
        m = (own or matches)[0]
        target = filled_by(m.kind)[1]
        if target != param and target in slots:
            continue  # "周杰伦的晴天": both slots taken, keep the reading
        del slots[param]
        # as the library spells it where speech slipped (周杰轮); an alias stays as said ("Dave")
        slots[target] = value if m.how == "exact" and normal(value) != normal(m.entry.name) else m.entry.name
        number = number_param(cap)
        if number and m.entry.number and not slots.get(number):
            slots[number] = m.entry.number
        changed = True
    return replace(it, slots=slots) if changed else it
