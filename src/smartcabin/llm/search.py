"""Web search for general questions, behind a small provider interface.

The first real provider is SearxNG's JSON API (self-hostable): SMARTCABIN_SEARCH_URL points
at it. Results are untrusted content: they may inform an answer, never trigger an action.
"""
from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol


@dataclass
class SearchResult:
    title: str
    url: str
    snippet: str


class SearchProvider(Protocol):
    def search(self, query: str, limit: int = 3) -> list[SearchResult]: ...


class SearxNG:
    def __init__(self, base_url: str, timeout_s: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def search(self, query: str, limit: int = 3) -> list[SearchResult]:
        url = f"{self.base_url}/search?" + urllib.parse.urlencode({"q": query, "format": "json"})
        with urllib.request.urlopen(url, timeout=self.timeout_s) as resp:
            data = json.loads(resp.read().decode("utf-8", errors="replace"))
        return [SearchResult(str(r.get("title", ""))[:200], str(r.get("url", ""))[:300],
                             str(r.get("content", ""))[:500]) for r in data.get("results", [])[:limit]]


def search_from_env() -> SearchProvider | None:
    url = os.environ.get("SMARTCABIN_SEARCH_URL")
    return SearxNG(url) if url else None


SEARCH_TOOL = {"type": "function", "function": {
    "name": "web_search", "description": "Search the web for general knowledge and current facts.",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"],
                   "additionalProperties": False}}}
