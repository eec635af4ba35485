"""The car's own names: the phone's contacts, the media library and recent plays, saved and
recent places, as a real head unit knows them.

The simulator ships a sample per language (`data/names/{zh,en}.yaml`); a file of the same
name in the user's data directory (`~/.local/share/smartcabin/names/zh.yaml`) replaces it,
and a vehicle backend may hand over its own `NameLibrary`. Understanding reads these names;
which request each kind fills is the catalog's (`names:` on a text parameter).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from .datafiles import parse_yaml

log = logging.getLogger(__name__)
LANGS = ("zh", "en")


class NameKind(str, Enum):
    TRACK = "track"
    ARTIST = "artist"
    ALBUM = "album"
    PLAYLIST = "playlist"
    PODCAST = "podcast"
    CONTACT = "contact"
    PLACE = "place"


# the file's list for each kind
_LISTS = {"songs": NameKind.TRACK, "artists": NameKind.ARTIST, "albums": NameKind.ALBUM,
          "playlists": NameKind.PLAYLIST, "podcasts": NameKind.PODCAST, "contacts": NameKind.CONTACT,
          "places": NameKind.PLACE}


@dataclass(frozen=True)
class Entry:
    kind: NameKind
    name: str
    lang: str
    aliases: tuple[str, ...] = ()
    number: str | None = None  # a contact's phone number
    artist: str | None = None  # a track's or album's artist
    type: str | None = None  # a podcast's PODCAST or AUDIOBOOK
    recent: bool = False  # played or visited lately: wins a tie

    def said(self) -> tuple[str, ...]:
        """Every way the owner says it."""
        return (self.name, *self.aliases)


@dataclass(eq=False)  # one library is one object: indexes are cached per library
class NameLibrary:
    entries: list[Entry] = field(default_factory=list)

    def of(self, kind: NameKind, lang: str | None = None) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind and (lang is None or e.lang == lang)]

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, user_dir: Path | None = None) -> "NameLibrary":
        """The packaged sample, each language replaced by the user's file when there is one.
        A user file that does not parse is logged and the sample kept: a typo never leaves the
        car without names."""
        folder = user_dir or user_names_dir()
        entries: list[Entry] = []
        for lang in LANGS:
            own = folder / f"{lang}.yaml"
            if own.is_file():
                try:
                    entries += entries_of(parse_yaml(own.read_text(encoding="utf-8")), lang)
                    continue
                except Exception as exc:  # noqa: BLE001 - any broken file: keep the sample
                    log.warning("names file %s unreadable, the sample stays: %s", own, exc)
            sample = resources.files("smartcabin.data").joinpath(f"names/{lang}.yaml")
            entries += entries_of(parse_yaml(sample.read_text(encoding="utf-8")), lang)
        return cls(entries)


_loaded: dict[tuple, NameLibrary] = {}


def car_names(user_dir: Path | None = None) -> NameLibrary:
    """The library of this car's owner, read once per process and again only when the owner's
    files change (the simulator's names)."""
    folder = user_dir or user_names_dir()
    own = tuple((lang, (folder / f"{lang}.yaml").stat().st_mtime_ns) for lang in LANGS
                if (folder / f"{lang}.yaml").is_file())
    key = (folder, own) if own else ("sample",)  # no files of the owner's: the one sample
    if key not in _loaded:
        _loaded[key] = NameLibrary.load(folder)
    return _loaded[key]


def user_names_dir() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "smartcabin" / "names"


def entries_of(data: Any, lang: str) -> list[Entry]:
    """The entries of one names file (the schema of data/names/*.yaml)."""
    if not isinstance(data, dict):
        raise ValueError("a names file is a mapping of lists (songs, artists, contacts, places, ...)")
    recent = {str(t) for t in data.get("recent_plays") or ()}
    out: list[Entry] = []
    for key, kind in _LISTS.items():
        for item in data.get(key) or ():
            row = item if isinstance(item, dict) else {"name": item}
            name = str(row.get("name") or row.get("title") or "").strip()
            if not name:
                continue
            aliases = tuple(str(a) for a in row.get("aliases") or () if str(a).strip())
            number = "".join(ch for ch in str(row.get("number") or "") if ch.isdigit() or ch == "+") or None
            out.append(Entry(kind, name, lang, aliases, number, row.get("artist"), row.get("type"),
                             name in recent or row.get("kind") == "recent"))
    return out
