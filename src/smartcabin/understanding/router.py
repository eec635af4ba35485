"""Edge understanding: the parser and the learned model together.

The parser reads what it knows precisely (values, zones, names) in well under a
millisecond; the model is asked only when the parser has no reading, and carries
paraphrases, ASR slips and context. The model reads in two stages: the fast reader (hashed
n-grams, tens of microseconds) decides alone when it is sure (source "fast"); otherwise the
sentence embedding (the encoder's first layers, 4-10 ms) + classifier decide (source "model"). Either reading passes
the same guards. A turn the model is not sure about, or judges out of domain, is handed off
with the reason (`handoff`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from ..capabilities import Capability, load_catalog
from .freetext import strip_fillers
from .lexicon import load_lexicon
from .parser import corrected_name, parse, refers_back, seats_said
from .pinyin import load as load_pinyin, sounds_alike
from .tagging import word_kinds
from .entities import NameIndex
from .naming import bare_name as named_alone, canonical, needs_asking, number_param, phone_digits
from .types import Intent, Understanding

if TYPE_CHECKING:  # the model (numpy) loads on first use, not at import
    from ..model.classifier import IntentModel, Prediction
    from ..model.tagger import SlotTagger

log = logging.getLogger(__name__)


@dataclass
class _Reading:
    pred: Prediction
    needed: float  # the confidence it must reach to act
    source: str  # which reader decided: "fast" (n-grams) or "model" (embedding + MLP)


MODES = ("hybrid", "parser", "model")
AGREEMENT_THRESHOLD = 0.3
MODEL_MAX_CHARS = 60  # spoken commands are short; past this the parser's reading stands
_NOT_A_NAME = {"injection", "declined", "llm_request", "too_long", "empty", "noise"}
_NOT_FOR_MODEL = {"empty", "noise", "too_long", "llm_request", "unknown_device", "declined", "later"}
_PUNCT = re.compile(r"[\s\W_]+$|^[\s\W_]+")
# the letters people say in these two languages: a sentence mostly of other letters is noise
_PLAIN = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
# what a bare name can look like ("晴天", "Blinding Lights", "Starbucks on 5th"): letters, digits, a few marks
_NAME = re.compile(r"[\u3400-\u9fffA-Za-z0-9][\u3400-\u9fffA-Za-z0-9 '·.&-]{1,29}")


class EdgeUnderstanding:
    """`understand(text, prev_domain)` -> Understanding with `source` and `confidence` set."""

    def __init__(self, mode: str = "hybrid", model_path: Path | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self._model_path = model_path
        self._model = None
        self._embedder = None
        self.model_error: str | None = None

    @property
    def model(self) -> "IntentModel | None":
        """The learned model, loaded on first use; None when parser-only or unavailable."""
        return self._model if self._load() else None

    def _load(self) -> bool:
        if self._model is not None:
            return True
        if self.model_error is not None or self.mode == "parser":
            return False
        try:
            from ..model.classifier import IntentModel
            from ..model.embedder import process_embedder

            model = IntentModel.load(self._model_path)
            self._embedder = process_embedder(model.embed_layers)
            load_pinyin()  # with the model, not in a turn: the misheard-device check reads it
            self._model = model
            return True
        except Exception as exc:  # no model or no engine: the parser still obeys
            self.model_error = f"{type(exc).__name__}: {exc}"
            log.warning("edge model unavailable, parser only: %s", self.model_error)
            return False

    def warm_up(self) -> None:
        if self._load():
            self._embedder.embed(["warm up"])

    def understand(self, text: str, prev_domain: str | None = None, names: NameIndex | None = None,
                   awaits: str | None = None, follows: str | None = None) -> Understanding:
        """`names`: the car's own names (contacts, media, places), which bare names and
        the slots of a request are read against. `awaits`: the request of the turn before
        that came without its name ("我想听歌", "打电话"): a short turn the rules cannot read
        is that name ("卡路里"), whatever the library holds. `follows`: the request of the turn
        before that had a name: "nah, Adele instead" asks it again with this one."""
        u = self._understand(text, prev_domain, names, awaits, follows)
        if awaits is not None and u.source not in ("names", "taught") and not u.intents and isinstance(text, str):
            it = self._awaited(text, u, awaits, prev_domain, names)
            if it is not None:
                u = replace(u, act="command", intents=[it], reason=None, source="names")
        if self.mode != "parser" and u.source in ("parser", "names") and isinstance(text, str) \
                and any(load_catalog()[i.cap].takes_names() for i in u.intents if i.cap in load_catalog()) \
                and self._load() and self._model.tagger is not None:
            tagged = [self._tagged(i, text, u.lang, prev_domain, names, len(u.intents) == 1) for i in u.intents]
            u.slot_source = "tagger" if tagged != u.intents else u.slot_source
            u.intents = tagged
        if names is not None and u.intents:
            named = [canonical(i, u.lang, names) for i in u.intents]
            u.slot_source = "names" if named != u.intents or u.source == "names" else u.slot_source
            u.intents = named
        if u.slot_source is None and any(i.slots for i in u.intents):
            u.slot_source = "tagger" if u.source in ("fast", "model", "taught") and self._tagger_ready() else "rules"
        return u

    def _awaited(self, text: str, u: Understanding, cap_id: str, prev_domain: str | None,
                 names: NameIndex | None) -> Intent | None:
        """The name of the request before, said alone: short, a name's letters, no word the
        lexicon knows as a command, a question or a device, and something left once fillers go."""
        cap = load_catalog().get(cap_id)
        said = text.strip()
        if cap is None or not cap.takes_names() or u.reason in _NOT_A_NAME or not _NAME.fullmatch(said) \
                or (len(said.split()) > 6 if u.lang == "en" else len(said) > 10):
            return None
        lex = load_lexicon("zh" if u.lang == "zh" else "en")
        if word_kinds(lex, said) - {"filler", "artist", "genre"} or not self._a_name(said, u.lang, cap.domain):
            return None  # "结束播放", "the other one", "多少度": words of their own; "我饿了": talk
        digits, number = phone_digits(said, u.lang), number_param(cap)
        if digits and number:
            return Intent(cap=cap.id, op="on", slots={number: digits})
        slots = (self._slots(said, u.lang, cap, cap.domain, names) if self._load() else {}) \
            or _whole_name(said, u.lang, cap)
        return Intent(cap=cap.id, op="on", slots=slots) if slots else None

    def _fast_agrees(self, text: str, prev_domain: str | None, it: Intent) -> bool:
        from ..model.classifier import reading_label

        fast = self._model.fast_predict(text.strip(), prev_domain)
        return fast is not None and fast.label == reading_label(it.cap, it.op)

    def _tagger_ready(self) -> bool:
        return self._model is not None and self._model.tagger is not None

    def _tagged(self, it: Intent, text: str, lang: str, prev_domain: str | None,
                names: NameIndex | None, alone: bool = True) -> Intent:
        """The one arbitration of names between the rules and the tagger, for a request the
        rules read. The rules' exact readings stay (a saved place, digits, a name the library
        knows); the tagger's span wins where it is the rules' Chinese name with talk cut off
        ("深圳万象城" of "深圳万象城不走高速"), or fills the name a single request needs and the rules
        missed, when the fast reader sees the same request. Model mode takes the tagger's alone."""
        cap = load_catalog().get(it.cap or "")
        if cap is None or not cap.takes_names() or len(it.slots) > 1 and self.mode == "hybrid":
            return it
        tagged = self._slots(text, lang, cap, prev_domain, names)
        if self.mode == "model":
            return replace(it, slots=tagged)
        slots = dict(it.slots)
        for param, value in tagged.items():
            said = slots.get(param)
            if said is None and not slots and cap.params[param].get("required") and alone \
                    and _a_real_name(value, lang) and self._fast_agrees(text, prev_domain, it):
                slots[param] = value  # both readers see the request; the rules missed the name it needs
            elif said and value != said and said.startswith(value) and _cut_is_talk(said[len(value):], lang) \
                    and not _known(said, lang, names):
                slots[param] = value
        return replace(it, slots=slots) if slots != it.slots else it

    def _understand(self, text: str, prev_domain: str | None, names: NameIndex | None,
                    awaits: str | None = None, follows: str | None = None) -> Understanding:
        u = parse(text)
        u.source = "parser"
        if follows is not None and isinstance(text, str) and all(i.cap is None for i in u.intents) \
                and u.reason not in _NOT_A_NAME and (fix := corrected_name(text, follows)) is not None:
            return replace(u, act="command", intents=[fix], reason=None)  # "nah, Adele instead"
        # a follow-up without a device ("最亮" in 夜空中最亮的星) is no reading against a whole name
        vague_only = all(i.cap is None for i in u.intents)
        if names is not None and isinstance(text, str) and vague_only and u.reason not in _NOT_A_NAME \
                and (u.act in ("none", "clarify") or u.intents):
            hit = named_alone(text.strip(), u.lang, prev_domain, names, exact=bool(u.intents), awaits=awaits) \
                if self._a_name(text, u.lang, prev_domain or awaits) else None
            if hit is not None:  # one of the car's own names, said alone
                return replace(u, act="command", intents=[hit], reason=None, source="names")
        if self.mode == "parser" or u.reason in _NOT_FOR_MODEL or not isinstance(text, str):
            return u
        if len(text) > MODEL_MAX_CHARS and self.mode == "hybrid":
            return u  # long talk: the embedding would cost tens of ms for what is rarely a command
        # The parser is sure when it named every device; a verb with an unknown word beside it
        # ("空掉打开": an ASR slip for 空调) is the model's to read.
        # A follow-up with context ("faster", "the back ones too") is the dialog's to complete.
        vague = any(i.cap is None for i in u.intents) and u.unknown >= 2 and prev_domain is None
        named = u.act == "clarify" and any(i.cap for i in u.intents)  # "车窗" … then "关上"
        parser_sure = (u.act not in ("none", "clarify") and not vague) or u.reason == "injection" or named \
            or u.act == "service"
        taught = self._taught(u, text, prev_domain, names)  # the car maker's own labels come first
        if taught is not u or self.mode == "hybrid" and parser_sure:
            return taught
        if not self._load():
            return u
        gate = self._model.gate
        bare_name = prev_domain is not None and _NAME.fullmatch(text.strip()) is not None
        if gate is not None and u.act in ("none", "clarify") and not u.intents and not bare_name:
            p_talk = gate.talk_probability(text)
            if p_talk >= gate.threshold:  # plain talk: no need to pay for the embedding
                return replace(u, act="none", intents=[], reason="out_of_domain", confidence=1 - p_talk,
                               source="gate")
        reading = self._read(text.strip(), prev_domain, bare_name, u)
        pred, source = reading.pred, reading.source
        u.prediction = pred
        if bare_name and not u.intents and awaits != pred.cap and needs_asking(pred.cap):
            # a bare name dials only right after a call request, not because a call came before
            return replace(u, act="none", intents=[], reason="out_of_domain", confidence=pred.confidence,
                           source=source, prediction=pred)
        verb = next((i.op for i in u.intents if i.op), None)
        in_context = self._in_context(pred, u, bare_name, prev_domain)
        needed = reading.needed
        if (self._agrees(pred, u) or in_context) and source == "model":
            needed = min(needed, AGREEMENT_THRESHOLD)  # two readings agree: less confidence is needed
        if pred.label == "none" or pred.confidence < needed:
            if self.mode == "model" or u.act in ("none", "clarify"):
                reason = "out_of_domain" if pred.label == "none" else "low_confidence"
                return replace(u, act="none", intents=[], reason=reason, confidence=pred.confidence,
                               source=source, prediction=pred)
            return u  # the parser's half reading stands; the dialog may complete it
        if self.mode == "model" and parser_sure and any(i.cap == pred.cap for i in u.intents):
            return replace(u, confidence=pred.confidence, source=source, prediction=pred)
        letters = [ch for ch in text if ch.isalnum()]
        plain = sum(bool(_PLAIN.match(ch)) for ch in letters) >= 0.85 * len(letters)
        if self.mode == "hybrid" and ((not in_context and len(letters) < 2) or not plain):
            # a lone character is noise or a fragment: no model reading of it is a request
            return replace(u, act="none", intents=[], reason="noise", confidence=pred.confidence,
                           source=source, prediction=pred)
        if self.mode == "hybrid" and verb is not None and not any(i.cap for i in u.intents) \
                and not _names_device(text, pred.cap, u.lang, prev_domain):
            if u.act == "command" and refers_back(text):
                return u  # "I love this one, turn it up": "it" is for the dialog to find, not a device we lack
            # "open the glovebox" with a word we lack: the nearest function is the wrong one
            return replace(u, act="none", intents=[], reason="unknown_device", confidence=pred.confidence,
                           source=source, prediction=pred)
        return self._from_model(u, pred, text, source, prev_domain, names)

    def _taught(self, u: Understanding, text: str, prev_domain: str | None,
                names: NameIndex | None) -> Understanding:
        """The rules' reading, unless labelled logs (`train --add`) hold this very sentence in
        this context and say otherwise: the car maker's label stands (a line they call talk
        becomes no action). Sentences the logs do not hold keep the rules' reading."""
        if u.act == "service" or u.reason == "injection" or len(u.intents) > 1 or not self._load() \
                or not self._model.taught:
            return u
        from ..model.classifier import Prediction, reading_label

        label = self._model.taught_label(text, prev_domain)
        it = u.intents[0] if u.intents else None
        if label is None or it is not None and label == reading_label(it.cap, it.op):
            return u
        taught = Prediction(label=label, confidence=1.0, top=[(label, 1.0)])
        if taught.cap is None:
            return replace(u, act="none", intents=[], reason="out_of_domain", source="taught", prediction=taught)
        kept = replace(u, intents=[replace(it, slots={}, op=None)] if it is not None else [])
        return self._from_model(kept, taught, text, "taught", prev_domain, names)

    def _a_name(self, text: str, lang: str, context: str | None) -> bool:
        """Said alone, a name is a request only if it is not also talk: never a word the lexicon
        lists as talk ("等一下", "never mind", "sorry"), nor what the gate reads as talk ("我饿了",
        "I love you"); with no request before it, no filler either ("hello", "thank you": songs too)."""
        lex = load_lexicon("zh" if lang == "zh" else "en")
        said = text.strip().lower() if lang == "en" else text.strip()
        if phone_digits(said, lang) is not None:
            return context is not None  # digits read as talk to the gate; after a call they are the number
        if said.strip(" ,.!?，。！？") in lex.words.get("not_names", ()):
            return False
        if self._load() and self._model.gate is not None and self._model.gate.talk_probability(said) >= self._model.gate.threshold:
            return False
        return context is not None or strip_fillers(lex, said) == said

    def _read(self, text: str, prev_domain: str | None, bare_name: bool, u: Understanding) -> _Reading:
        """The fast reader's reading where it suffices (no embedding paid), else the embedding and MLP's.
        A bare name after a request that takes one goes to the embedding, which reads names the
        n-grams never saw ("稻香" after "放首歌")."""
        reader, fast = self._model.fast, self._model.fast_predict(text, prev_domain)
        name_expected = bare_name and any(_takes_a_name(c) for c in load_catalog().values() if c.domain == prev_domain)
        if fast is not None and not name_expected:
            if fast.request <= reader.doubt:  # no request is plausible: routed away as not for the car
                return _Reading(fast, float("inf"), "fast")
            if fast.cap is not None and reader.sure(fast.confidence, fast.evidence) \
                    and self._stands(fast, u, text, prev_domain):
                return _Reading(fast, reader.threshold, "fast")
        pred = self._model.predict(self._embedder.embed([text]), [prev_domain])[0]
        return _Reading(pred, self._model.threshold, "model")

    def _stands(self, fast: Prediction, u: Understanding, text: str, prev_domain: str | None) -> bool:
        """Alone the fast reader writes only where the parser's verb agrees and, when the parser
        found no device, the words said name this one: the n-grams of "a little more" or "启动曲速
        引擎" can point anywhere with high confidence. A query writes nothing."""
        if fast.op == "query":
            return True
        return self._agrees(fast, u, label_ops=True) and \
            (any(i.cap for i in u.intents) or _names_device(text, fast.cap, u.lang, prev_domain))

    def _agrees(self, pred: Prediction, u: Understanding, label_ops: bool = False) -> bool:
        """The model names the device and the parser read a verb that device takes: two independent
        readings agree ("把空掉打开"). `label_ops`: the parser's "more" / "less" count as up / down."""
        verb = next((i.op for i in u.intents if i.op), None)
        if verb is None or pred.cap is None:
            return False
        return self._model.takes(pred.cap, verb) if label_ops else f"{pred.cap}:{verb}" in self._model.labels

    @staticmethod
    def _in_context(pred: Prediction, u: Understanding, bare_name: bool, prev_domain: str | None) -> bool:
        """A bare name right after a request of its domain ("晴天" after "放首歌"): the context agrees."""
        cap = load_catalog().get(pred.cap or "")
        return bare_name and cap is not None and not u.intents and cap.kind == "action" \
            and cap.domain == prev_domain

    def _from_model(self, u: Understanding, pred: Prediction, text: str, source: str,
                    prev_domain: str | None = None, names: NameIndex | None = None) -> Understanding:
        """The model's intent, with whatever values and seats the parser did read; the names
        of a play / navigate / call request from the slot tagger."""
        cap = load_catalog()[pred.cap]
        base = u.intents[0] if u.intents else Intent(cap=None, op=None)
        op = pred.op
        if base.op is not None and f"{cap.id}:{base.op}" in self._model.labels and pred.op != "query":
            op = base.op  # the verb the parser read is exact ("空掉打开": the model finds 空调, 打开 stays "on")
        it = replace(base, cap=cap.id, op=op, too=False, alts=(), implied=False)
        if it.seats is None and cap.zones:
            it.seats = seats_said(text, u.lang)  # the seats said stay the seats meant
        if cap.kind == "action" and cap.params and not it.slots:
            it.slots = self._slots(text, u.lang, cap, prev_domain, names)
        act = "query" if pred.op == "query" else "command"
        return replace(u, act=act, intents=[it], reason=None, confidence=pred.confidence,
                       source=source, prediction=pred)

    def _slots(self, text: str, lang: str, cap: Capability, prev_domain: str | None,
               names: NameIndex | None) -> dict[str, str]:
        """The request's names as the tagger cuts them from the text (a number as digits); a
        model file without a tagger takes the whole text, minus fillers, as the name."""
        tagger = self._model.tagger
        bare = prev_domain == cap.domain and _NAME.fullmatch(text.strip()) is not None
        if tagger is None or bare and not (out := self._tag(tagger, text, lang, cap, prev_domain, names)):
            return _whole_name(text, lang, cap)  # a bare name right after a request of its domain
        return out if bare else self._tag(tagger, text, lang, cap, prev_domain, names)

    @staticmethod
    def _tag(tagger: "SlotTagger", text: str, lang: str, cap: Capability, prev_domain: str | None,
             names: NameIndex | None) -> dict[str, str]:
        from ..model.tagger import marks, tokens  # numpy loads with the model, not at import

        toks = tokens(text)
        found = [(m.start, m.end, m.kind.value) for m in names.spans(text, lang)] if names is not None else []
        slots = tagger.tag(text, cap.id, prev_domain, marks(toks, found))
        out = {}
        for param, value in slots.items():
            spec = cap.params.get(param)
            if spec is None:
                continue  # a slot of another request: the capability decides what it takes
            if spec.get("type") == "digits":
                value = phone_digits(value, lang) or ""
            if value:
                out[param] = value
        return out


def _cut_is_talk(tail: str, lang: str) -> bool:
    """What the tagger cut off a name is talk, not more of the name: two or more Chinese
    characters ("深圳万象城|不走高速") that do not go on with 的 ("最近|的星巴克"). English names run on
    with words and prepositions of their own, so an English name is never cut."""
    tail = tail.strip(" ,.!?，。！？")
    if lang == "en":
        return False  # "whole foods on market street", "golden gate park south entrance": all of it
    return len(tail) >= 2 and tail[0] not in "的之"  # "最近|的星巴克": a noun phrase goes on after 的


def _a_real_name(value: str, lang: str) -> bool:
    """A piece the tagger cut that can be a name: two letters or more, and no filler or
    stand-in ("I" of "I need to make a call", "someone", "别人")."""
    words = load_lexicon("zh" if lang == "zh" else "en").words
    low = value.lower().strip()
    return sum(ch.isalnum() for ch in low) >= 2 and low not in words.get("nobody_named", ()) \
        and low not in words.get("fillers", ())


def _known(name: str, lang: str, names: NameIndex | None) -> bool:
    """A saved place (HOME), or a name the car's library has as said."""
    return name.isupper() or (names is not None and any(m.how == "exact" for m in names.whole(name, lang)))


def _takes_a_name(cap: Capability) -> bool:
    """Play, navigate, call: requests whose object is a name, not a device."""
    return cap.kind == "action" and any(p.get("type") == "text" for p in cap.params.values())


def _names_device(text: str, cap_id: str | None, lang: str, prev_domain: str | None) -> bool:
    """Whether the words beside the verb could be this capability's own device words, misheard
    or misspelt ("后被箱" for 后备箱, "trunck"): one homophone off in Chinese, close spelling in
    English. A bare name after a request in the same domain ("晴天" after music) needs none."""
    catalog = load_catalog()
    cap = catalog.get(cap_id or "")
    if cap is None:
        return False
    if cap.kind == "action" and cap.params and prev_domain == cap.domain:
        return True
    lex = load_lexicon("zh" if lang == "zh" else "en")
    words = [str(w).lower() for w in lex.raw.get("devices", {}).get(cap.id, ())]
    low = text.lower()
    if lang == "zh":  # one character off, and that one sounds the same: 掉 for 调, not 容 for 台
        for w in words:
            n = len(w)
            if n < 2:
                continue
            for i in range(len(low) - n + 1):
                said = low[i:i + n]
                off = [(a, b) for a, b in zip(said, w) if a != b]
                if len(off) <= 1 and all(sounds_alike(a, b) for a, b in off):
                    return True
        return False
    tokens = re.findall(r"[a-z']+", low)
    for w in words:
        n = len(w.split())
        for size in (n, n + 1):  # "win dough" for window: a word split in two
            for i in range(len(tokens) - size + 1):
                said = "".join(tokens[i:i + size])
                if SequenceMatcher(None, said, w.replace(" ", "")).ratio() >= 0.7:
                    return True
    return False


def _whole_name(text: str, lang: str, cap: Capability) -> dict[str, str]:
    """The whole turn, fillers aside, as the request's first name slot ("晴天" after "放首歌")."""
    name = _name(text, lang)
    key = next((p for p, spec in cap.params.items() if spec.get("names")), None)
    return {key: name} if key and name else {}


def _name(text: str, lang: str) -> str:
    """A bare name said after a request ("晴天" after "play some music")."""
    lex = load_lexicon("zh" if lang == "zh" else "en")
    return _PUNCT.sub("", strip_fillers(lex, text.strip().lower() if lang == "en" else text.strip()))
