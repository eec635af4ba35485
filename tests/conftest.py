"""Every test keeps what the assistant stores (reminders, timers) in its own folder, never
in the user's data directory; `hybrid` is the edge understanding with its learned readers."""
from __future__ import annotations

import pytest

from smartcabin.understanding.router import EdgeUnderstanding


@pytest.fixture(scope="module")
def hybrid():
    edge = EdgeUnderstanding("hybrid")
    edge.warm_up()
    if edge.model_error:
        pytest.skip(f"model unavailable: {edge.model_error}")
    return edge


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
