"""The running car imports nothing it does not run: training code stays out of a turn."""
from __future__ import annotations

import subprocess
import sys


def test_a_turn_and_the_service_load_no_training_code():
    code = ("import sys; from smartcabin.service.app import create_app; from smartcabin.service.cockpit import Cockpit; "
            "from smartcabin.llm import shots; "
            "c = Cockpit(); c.turn('打开空调', 's'); "
            "print(sorted(m for m in sys.modules if m.startswith('smartcabin.training')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
