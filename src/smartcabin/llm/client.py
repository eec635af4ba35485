"""A small client for OpenAI-compatible chat completions with streaming and tool calls.

Standard library only (http.client + server-sent events), so the car needs no SDK.
Every failure (connection, HTTP status, first-byte timeout, mid-stream stall, malformed
tool-call JSON) ends the stream with an `Error` event: the caller falls back, never hangs.
"""
from __future__ import annotations

import http.client
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urlsplit

from .config import LLMConfig


@dataclass
class Text:
    text: str


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass
class Error:
    kind: str  # network | http | timeout | stall | malformed
    detail: str = ""


@dataclass
class Done:
    finish_reason: str = "stop"


Event = Text | ToolCall | Error | Done


@dataclass
class _PendingCall:
    id: str = ""
    name: str = ""
    args: list[str] = field(default_factory=list)


class ChatClient:
    def __init__(self, config: LLMConfig) -> None:
        self.config = config

    def describe(self) -> str:
        return f"{self.config.model} at {self.config.base_url}"

    def stream(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
               cancelled=lambda: False) -> Iterator[Event]:
        cfg = self.config
        url = urlsplit(cfg.chat_url)
        body: dict[str, Any] = {"model": cfg.model, "messages": messages, "stream": True,
                                "max_tokens": cfg.max_tokens}
        if tools:
            body["tools"] = tools
        conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(url.hostname, url.port, timeout=cfg.first_byte_timeout_s)
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if cfg.api_key:
            headers["Authorization"] = f"Bearer {cfg.api_key}"
        start = time.monotonic()
        try:
            conn.request("POST", url.path, json.dumps(body), headers)
            resp = conn.getresponse()
        except (socket.timeout, TimeoutError):
            yield Error("timeout", "no first byte")
            return
        except OSError as exc:
            yield Error("network", str(exc))
            return
        if resp.status != 200:
            yield Error("http", f"{resp.status} {resp.reason}")
            conn.close()
            return
        if resp.fp is not None and hasattr(resp.fp, "raw"):
            resp.fp.raw._sock.settimeout(cfg.stall_timeout_s)  # mid-stream: a stall, not a slow start
        calls: dict[int, _PendingCall] = {}
        try:
            yield from self._events(resp, calls, start, cancelled)
        except (socket.timeout, TimeoutError):
            yield Error("stall", "stream stalled")
        except OSError as exc:
            yield Error("network", str(exc))
        finally:
            conn.close()

    def _events(self, resp: http.client.HTTPResponse, calls: dict[int, _PendingCall], start: float,
                cancelled) -> Iterator[Event]:
        finish = "stop"
        for raw in resp:
            if cancelled():
                yield Done("cancelled")
                return
            if time.monotonic() - start > self.config.total_timeout_s:
                yield Error("timeout", "answer took too long")
                return
            line = raw.decode("utf-8", errors="replace").strip()
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            try:
                chunk = json.loads(data)
                choice = chunk["choices"][0]
            except (json.JSONDecodeError, KeyError, IndexError, TypeError):
                yield Error("malformed", data[:200])
                return
            delta = choice.get("delta") or {}
            if delta.get("content"):
                yield Text(delta["content"])
            for tc in delta.get("tool_calls") or []:
                pending = calls.setdefault(tc.get("index", 0), _PendingCall())
                pending.id = tc.get("id") or pending.id
                fn = tc.get("function") or {}
                pending.name = fn.get("name") or pending.name
                if fn.get("arguments"):
                    pending.args.append(fn["arguments"])
            finish = choice.get("finish_reason") or finish
        for index in sorted(calls):
            call = calls[index]
            try:
                args = json.loads("".join(call.args) or "{}")
                if not isinstance(args, dict):
                    raise ValueError("arguments must be an object")
            except ValueError as exc:
                yield Error("malformed", f"tool {call.name}: {exc}")
                continue
            yield ToolCall(call.id or f"call_{index}", call.name, args)
        yield Done(finish)
