"""Every test keeps what the assistant stores (reminders, timers) in its own folder, never
in the user's data directory."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
