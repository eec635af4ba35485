"""LLM tier timings against the scripted OpenAI-compatible server on loopback (tests/fake_llm.py).

Run: PYTHONPATH=src:tests .venv/bin/python scripts/llm_report.py
The scripted server answers at once, so these are the tier's own costs (acknowledgement,
streaming, tool round trips, fallback decisions), not a real model's thinking time.
"""
from __future__ import annotations

import statistics
import time

from fake_llm import FakeLLM, Script
from smartcabin.assistant import Assistant
from smartcabin.llm.client import ChatClient
from smartcabin.llm.config import LLMConfig
from smartcabin.llm.tier import LLMTier
from smartcabin.vehicle import SimulatedVehicle

ANSWER = "The moon is about 384,000 km away. It has no air. A lunar day lasts about a month."
CASES = {
    "streamed answer": [Script(ANSWER)],
    "tool call, then answer": [Script(tool_calls=[("hvac_temperature", {"value": 20})]), Script("Set to 20.")],
    "HTTP 500": [Script(status=500)],
    "HTTP 429": [Script(status=429)],
    "slow first byte (5 s)": [Script(ANSWER, first_byte_delay=5.0)],
    "stall mid-stream (5 s)": [Script(ANSWER, stall_after=8, stall_s=5.0)],
    "malformed tool JSON": [Script(tool_calls=[("hvac_ac", {})], raw_arguments='{"on": tru')],
}


def measure(scripts, runs: int = 5):
    ack, first, done, route, outcome = [], [], [], None, None
    for _ in range(runs):
        with FakeLLM() as llm:
            llm.scripts = [Script(s.text, s.tool_calls, s.status, s.first_byte_delay, s.stall_after, s.stall_s,
                                  s.raw_arguments) for s in scripts]
            cfg = LLMConfig(base_url=llm.url, model="scripted", first_byte_timeout_s=2.0, stall_timeout_s=2.0)
            a = Assistant(SimulatedVehicle(), llm=LLMTier(ChatClient(cfg)))
            stamps: list[float] = []
            t0 = time.perf_counter()
            r = a.turn("tell me something about the moon", emit=lambda s: stamps.append(time.perf_counter()))
            end = time.perf_counter()
            ack.append((stamps[0] - t0) * 1000)
            first.append((stamps[1] - t0) * 1000 if len(stamps) > 1 else float("nan"))
            done.append((end - t0) * 1000)
            route, outcome = r.route, r.outcome
    med = lambda xs: statistics.median(xs)
    return med(ack), med(first), med(done), route, outcome


def main() -> None:
    print("| situation | acknowledgement | first sentence | complete | route | outcome |")
    print("|---|---|---|---|---|---|")
    for name, scripts in CASES.items():
        a, f, d, route, outcome = measure(scripts)
        print(f"| {name} | {a:.1f} ms | {f:.0f} ms | {d:.0f} ms | {route} | {outcome} |")


if __name__ == "__main__":
    main()
