"""What understanding hands to planning: intents, free of VSS paths and vehicle state."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Act(StrEnum):
    """What the whole utterance does in the conversation."""
    COMMAND = "command"
    QUERY = "query"
    UNDO = "undo"
    YES = "yes"
    NO = "no"
    NONE = "none"
    CLARIFY = "clarify"
    REFUSE = "refuse"
    SERVICE = "service"


ACTS = tuple(a.value for a in Act)


@dataclass
class Intent:
    cap: str | None  # capability id; None: to be filled from context ("a bit more")
    op: str | None  # on off up down more less set max min preset query
    value: float | None = None
    unit: str | None = None  # celsius fahrenheit percent level
    relative: bool = False  # value is a change, not a target
    preset: str | None = None  # half crack tilt on off max min
    option: str | None = None  # a mode's option (wipers FAST, air DOWN, app VIDEO)
    mag: str | None = None  # small | big: size of an unnumbered change
    seats: tuple[str, ...] | None = None  # explicit seats; None: the capability's default
    slots: dict[str, str] = field(default_factory=dict)  # text params: track, place, contact, color
    too: bool = False  # "the passenger side too": repeat the last action elsewhere
    implied: bool = False  # from a need ("有点热"), not a command: an explicit one wins
    named: bool = False  # the need names its device ("雨刮吵死了"): a bare "关了" beside it means that device
    alts: tuple[str, ...] = ()  # a device word that names one of several ("亮度"): context picks
    only: bool = False  # "no wait, only the passenger side": the last request on these seats alone
    instead: bool = False  # "no, the other one": the last request taken back and done on these seats
    clause: str = ""  # the clause said, for words whose meaning needs the capability (options)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, {}, (), "") and k != "clause"}


@dataclass
class Understanding:
    text: str
    lang: str
    act: Act
    intents: list[Intent] = field(default_factory=list)
    reason: str | None = None  # why none/clarify/refuse: empty noise chitchat question injection ...; service: its id
    confidence: float = 1.0
    unknown: int = 0  # letters of words the lexicon does not know (ASR slips, new phrasings)
    source: str = "parser"  # who read the intent: parser | names | gate | fast | model | taught (logs overruled the rules)
    prediction: Any = None  # the model's Prediction when it was asked (debugging, routing)
    affirm: bool = False  # also says yes ("yes, do it") — confirms a held action
    deny: bool = False  # also says no ("算了，还是二十度吧") — drops a held action
    slot_source: str | None = None  # who cut the names: rules | tagger | names (the car's library)

    def __post_init__(self) -> None:
        self.act = Act(self.act)  # an act outside the enumeration is a bug: it fails here, loudly

    def to_dict(self) -> dict[str, Any]:
        out = {"text": self.text, "lang": self.lang, "act": self.act, "reason": self.reason,
               "source": self.source, "confidence": round(self.confidence, 3),
               "intents": [i.to_dict() for i in self.intents]}
        if self.slot_source and any(i.slots for i in self.intents):
            out["slots_by"] = self.slot_source
        if self.prediction is not None:
            out["model"] = {"label": self.prediction.label, "confidence": round(self.prediction.confidence, 3),
                            "top": [[l, round(p, 3)] for l, p in self.prediction.top]}
        return out
