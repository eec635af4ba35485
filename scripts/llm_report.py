"""LLM tier timings: per route, and under each fault.

Run: PYTHONPATH=src:tests .venv/bin/python scripts/llm_report.py [--faults-only]
Routes: the edge; the embedded Gemma 3 270M (llama.cpp in process), cold and warm; the same
model behind a real llama.cpp server on loopback; a scripted OpenAI-compatible server
(tests/fake_llm.py), which answers at once, so its rows are the tier's own costs.
"""
from __future__ import annotations

import statistics
import sys
import time

from fake_llm import FakeLLM, Script
from llama_server import llama_server
from smartcabin.assistant import Assistant
from smartcabin.llm.client import ChatClient
from smartcabin.llm.config import LLMConfig
from smartcabin.llm.local import LocalModel
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


def measure(scripts, runs: int = 5, local: LocalModel | None = None, text: str = "tell me something about the moon"):
    ack, first, done, route, outcome = [], [], [], None, None
    for _ in range(runs):
        with FakeLLM() as llm:
            llm.scripts = [Script(s.text, s.tool_calls, s.status, s.first_byte_delay, s.stall_after, s.stall_s,
                                  s.raw_arguments) for s in scripts]
            cfg = LLMConfig(base_url=llm.url, model="scripted", first_byte_timeout_s=2.0, stall_timeout_s=2.0)
            a = Assistant(SimulatedVehicle(), llm=LLMTier(ChatClient(cfg), local))
            stamps: list[float] = []
            t0 = time.perf_counter()
            r = a.turn(text, emit=lambda s: stamps.append(time.perf_counter()))
            end = time.perf_counter()
            ack.append((stamps[0] - t0) * 1000)
            first.append((stamps[1] - t0) * 1000 if len(stamps) > 1 else float("nan"))
            done.append((end - t0) * 1000)
            route, outcome = r.route, r.outcome
    med = lambda xs: statistics.median(xs)
    return med(ack), med(first), med(done), route, outcome


def timed_turn(a: Assistant, text: str) -> tuple[float, float, float, str, str, str]:
    """(first chunk, second chunk, complete) in ms: the acknowledgement is the first chunk
    on slow paths, the whole reply on the edge."""
    stamps: list[float] = []
    t0 = time.perf_counter()
    r = a.turn(text, emit=lambda s: stamps.append(time.perf_counter()))
    end = time.perf_counter()
    first = (stamps[0] - t0) * 1000 if stamps else (end - t0) * 1000
    second = (stamps[1] - t0) * 1000 if len(stamps) > 1 else float("nan")
    return first, second, (end - t0) * 1000, r.route, r.outcome, r.reply


ROUTE_TURNS = [("car command", "打开空调"), ("unclear request", "sort out the comfort stuff"),
               ("small talk", "hello there"), ("open question", "tell me something about the moon")]


def routes(runs: int = 3) -> None:
    print("| route | request | first chunk | next chunk | complete | outcome | reply |")
    print("|---|---|---|---|---|---|---|")
    local = LocalModel()
    cold = Assistant(SimulatedVehicle(), llm=LLMTier(local=local))
    f, n, d, route, outcome, reply = timed_turn(cold, ROUTE_TURNS[1][1])
    print(f"| {route} (cold: model load) | {ROUTE_TURNS[1][1]} | {f:.1f} ms | {n:.0f} ms | {d:.0f} ms | {outcome} | {reply} |")
    with llama_server() as url:
        server = ChatClient(LLMConfig(base_url=url, model="gemma-3-270m", max_tokens=60, first_byte_timeout_s=30))
        tiers = {"embedded": lambda: LLMTier(local=local),
                 "llama.cpp server": lambda: LLMTier(server)}
        for engine, make in tiers.items():
            for label, text in ROUTE_TURNS:
                rows = [timed_turn(Assistant(SimulatedVehicle(), llm=make()), text) for _ in range(runs)]
                med = [statistics.median(r[i] for r in rows) for i in range(3)]
                _, _, _, route, outcome, reply = rows[-1]
                print(f"| {route} ({engine}) | {text} | {med[0]:.1f} ms | {med[1]:.0f} ms | {med[2]:.0f} ms "
                      f"| {outcome} | {reply[:60]} |")


def main() -> None:
    if "--faults-only" not in sys.argv:
        routes()
        print()
    print("| situation | acknowledgement | first sentence | complete | route | outcome |")
    print("|---|---|---|---|---|---|")
    for name, scripts in CASES.items():
        a, f, d, route, outcome = measure(scripts)
        print(f"| {name} | {a:.1f} ms | {f:.0f} ms | {d:.0f} ms | {route} | {outcome} |")
    local = LocalModel()
    for name in ("HTTP 500", "slow first byte (5 s)"):
        a, f, d, route, outcome = measure(CASES[name], local=local, text="sort out the comfort stuff")
        print(f"| {name}, embedded model behind (\"sort out the comfort stuff\") | {a:.1f} ms | {f:.0f} ms | {d:.0f} ms | {route} | {outcome} |")


if __name__ == "__main__":
    main()
