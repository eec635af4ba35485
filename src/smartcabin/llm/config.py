"""Where the LLM is: environment variables first, then a TOML config file.

SMARTCABIN_LLM_BASE_URL, SMARTCABIN_LLM_MODEL, SMARTCABIN_LLM_API_KEY point the tier at
DeepSeek, Qwen, OpenAI, vLLM, Ollama or a llama.cpp server without code changes.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = ""
    first_byte_timeout_s: float = 3.0  # no first byte by then: fall back
    stall_timeout_s: float = 4.0  # no new byte for this long mid-stream: fall back
    total_timeout_s: float = 30.0
    max_tokens: int = 400

    @property
    def chat_url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"


def config_path() -> Path:
    env = os.environ.get("SMARTCABIN_CONFIG")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "smartcabin" / "config.toml"


def load_config(path: Path | None = None) -> LLMConfig | None:
    """The configured LLM, or None when none is configured (the edge works alone)."""
    data: dict = {}
    path = path or config_path()
    if path.exists():
        with open(path, "rb") as f:
            data = tomllib.load(f).get("llm", {})
    base_url = os.environ.get("SMARTCABIN_LLM_BASE_URL") or data.get("base_url")
    model = os.environ.get("SMARTCABIN_LLM_MODEL") or data.get("model")
    if not base_url or not model:
        return None
    key = os.environ.get("SMARTCABIN_LLM_API_KEY") or data.get("api_key", "")
    extra = {k: data[k] for k in ("first_byte_timeout_s", "stall_timeout_s", "total_timeout_s", "max_tokens")
             if k in data}
    return LLMConfig(base_url=base_url, model=model, api_key=key, **extra)
