"""Recorded speech as a voice of the evaluation: a folder of WAV files and an index of what
each one says, so that the voice evaluation can run on people (a car maker's own speakers)
or on a synthesizer that cannot run in the product's process.

The index is `recordings.jsonl` in the folder, one line per file:
    {"file": "0001.wav", "text": "把空调调到二十四度", "lang": "zh"}
`smartcabin eval --audio --script` prints the lines to record, in the same JSONL form
without "file"."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .audio import Audio, AudioError, read_wav

INDEX = "recordings.jsonl"


class RecordedVoice:
    """Plays back the recording of a sentence; a sentence nobody recorded is not spoken."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        index = self.folder / INDEX
        if not index.is_file():
            raise AudioError(f"{self.folder}: no {INDEX} (one JSON line per WAV file: file, text, lang)")
        self._files: dict[tuple[str, str], Path] = {}
        for n, line in enumerate(index.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key, name = (str(row["lang"]), str(row["text"])), str(row["file"])
            except (ValueError, KeyError, TypeError) as exc:
                raise AudioError(f"{index}:{n}: not a line of file, text and lang ({exc})") from exc
            path = (self.folder / name).resolve()
            if self.folder.resolve() not in path.parents:
                raise AudioError(f"{index}:{n}: {name} is outside {self.folder}")
            self._files[key] = path
        self.name = self.folder.name
        self.langs = sorted({lang for lang, _ in self._files})

    def has(self, text: str, lang: str) -> bool:
        return (lang, text) in self._files

    def synthesize(self, text: str, lang: str) -> Iterator[Audio]:
        path = self._files.get((lang, text))
        if path is None:
            raise AudioError(f"{self.folder}: nobody recorded {text!r} ({lang})")
        yield read_wav(path)


def script(cases: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """What to record for these cases: each user turn once, in the cases' order."""
    seen: set[tuple[str, str]] = set()
    lines = []
    for case in cases:
        for turn in case.get("turns", []):
            key = (str(case.get("lang", "")), str(turn.get("text", "")))
            if key[1] and key not in seen:
                seen.add(key)
                lines.append({"text": key[1], "lang": key[0]})
    return lines


def recorded(voice: RecordedVoice, case: dict[str, Any]) -> bool:
    """Whether every turn of `case` was recorded."""
    return all(voice.has(str(t.get("text", "")), str(case.get("lang", ""))) for t in case.get("turns", []))
