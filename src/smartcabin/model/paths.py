"""Where the intent model lives: the user's own (what `smartcabin train` writes) before the
packaged one, so a retrain never touches the installed package and survives upgrades."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

MODEL_FILE = "intent.npz"
SHOTS_FILE = "shots.npz"  # the local LLM tier's few-shot bank, written beside the model


def packaged_model() -> Path:
    return Path(str(resources.files("smartcabin.data").joinpath(f"model/{MODEL_FILE}")))


def user_model() -> Path:
    """The user's data directory ($XDG_DATA_HOME/smartcabin/model/intent.npz)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "smartcabin" / "model" / MODEL_FILE


def model_path(explicit: Path | None = None) -> Path:
    """The model a process loads: the one named, else the user's when present, else the packaged."""
    if explicit is not None:
        return explicit
    user = user_model()
    return user if user.is_file() else packaged_model()


def shots_path(model: Path | None = None) -> Path:
    """The few-shot bank trained with that model, or the packaged bank when none sits beside it."""
    beside = model_path(model).with_name(SHOTS_FILE)
    return beside if beside.is_file() else packaged_model().with_name(SHOTS_FILE)
