"""Reading the YAML data shipped in smartcabin/data."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _keys(node: Any) -> Any:
    # YAML 1.1 reads the keys `on:` and `off:` as booleans; our data means the words.
    if isinstance(node, dict):
        return {_word(k): (_word(v) if k in _WORD_VALUES else _keys(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_keys(v) for v in node]
    return node


_WORD_VALUES = {"op", "preset"}  # fields whose values are the words on/off, never booleans


def _word(v: Any) -> Any:
    return {True: "on", False: "off"}.get(v, v) if isinstance(v, bool) else v


def parse_yaml(text: str) -> Any:
    return _keys(yaml.load(text, Loader=_LOADER))


def load_yaml(package: str, name: str) -> Any:
    return parse_yaml(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def read_text(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, object) for each non-blank line of a JSON-lines file; a line that is not
    JSON is an error naming the file and line."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
