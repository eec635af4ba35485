"""The engines a process shares, built once from configuration: the edge understanding
(parser, learned intent model, embedder) and the LLM tier's engines (a cloud or server
client, the local model, web search). A conversation (assistant.Assistant) takes them and
holds its own memory, its LLM history included; a composition root (service.cockpit, the
evaluation, the benchmark) builds one Engines and gives it to each conversation."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from .understanding import Understanding
from .understanding.router import EdgeUnderstanding

if TYPE_CHECKING:
    from .llm.search import SearchProvider
    from .llm.tier import ChatEngine, LLMTier
    from .reminders import ReminderStore

DEFAULT_MODE = "hybrid"  # parser first, the learned model when the parser has no reading


class Reader(Protocol):
    """What the edge stage is to a conversation (EdgeUnderstanding, or a stand-in)."""

    def understand(self, text: str, prev_domain: str | None = None, names: object = None,
                   awaits: str | None = None, follows: str | None = None) -> Understanding: ...

    def warm_up(self) -> None: ...


@dataclass
class Engines:
    edge: Reader
    cloud: "ChatEngine | None" = None
    local: "ChatEngine | None" = None
    search: "SearchProvider | None" = None
    confirm_local: bool = True  # the local model's actions wait for the driver's yes

    _shared: ClassVar[dict[tuple[str, Path | None], "Engines"]] = {}

    @classmethod
    def from_config(cls, mode: str = DEFAULT_MODE, model: Path | None = None, llm: bool = True) -> "Engines":
        """The edge in `mode` over the intent model file `model` (None: the trained or packaged
        one), loaded and warmed now rather than in the first turn; with `llm`, the LLM engines
        the environment or config file describes (none: the edge works alone)."""
        edge = EdgeUnderstanding(mode, model)
        edge.warm_up()
        if not llm:
            return cls(edge)
        from .llm.config import load_config
        from .llm.client import ChatClient
        from .llm.search import search_from_env
        from .llm.tier import local_from_env

        cfg = load_config()
        return cls(edge, ChatClient(cfg) if cfg else None, local_from_env(), search_from_env())

    @classmethod
    def shared(cls, mode: str = DEFAULT_MODE) -> "Engines":
        """The edge alone, built once per process and mode: for a conversation made without a
        composition root (`Assistant()` in a script or a test)."""
        if (mode, None) not in cls._shared:
            cls._shared[(mode, None)] = cls.from_config(mode, llm=False)
        return cls._shared[(mode, None)]

    def tier(self, reminders: "ReminderStore | None" = None) -> "LLMTier | None":
        """A conversation's own LLM tier (its own history) over the shared engines, or None."""
        if self.cloud is None and self.local is None:
            return None
        from .llm.tier import LLMTier

        return LLMTier(self.cloud, self.local, search=self.search, reminders=reminders,
                       confirm_local=self.confirm_local)
