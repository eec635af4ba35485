"""Load test of the service on loopback: many sessions sending turns at once while others
listen to the event stream.

    .venv/bin/python scripts/loadtest.py [--sessions 200] [--turns 5] [--listeners 5] [--think 5]

Starts `smartcabin serve` in its own process on a free port, then from this one: every session
sends its turns one after another, `--think` seconds apart on average as a person would
(0: back to back, a flood), the sessions all at once, each turn a different sentence of
data/eval; the listeners hold /v1/events open throughout. First one lean client says 200
turns one by one over one kept-alive connection: what HTTP adds to a turn on an idle service. Prints throughput, the turn latency
seen by the client over HTTP, the latency the assistant itself measured (`latency_ms`), what
HTTP adds (the difference, per turn; and the part of it spent inside the service, from its
Server-Timing header), and whether every listener saw every event exactly once,
in order (sequence numbers without gaps, repeats or reversals, and each turn's outcome).
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]


def sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "data" / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out += [t["text"] for t in json.loads(line).get("turns", []) if isinstance(t.get("text"), str)]
    return list(dict.fromkeys(out))


def _app_ms(timing: str) -> float:
    """The service's own time for the request, from its Server-Timing header ("app;dur=1.234")."""
    return float(timing.split("dur=")[1]) if "dur=" in timing else 0.0


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else 0.0


async def listen(url: str, seen: list[dict], stop: asyncio.Event) -> None:
    async with websockets.connect(url, max_size=None) as ws:
        hello = json.loads(await ws.recv())
        seen.append({"hello": hello["seq"]})
        while not stop.is_set():
            try:
                seen.append(json.loads(await asyncio.wait_for(ws.recv(), 0.5)))
            except asyncio.TimeoutError:
                continue


async def session(client: httpx.AsyncClient, sid: str, texts: list[str], out: list[dict], think: float = 0.0,
                  rng: random.Random | None = None) -> None:
    rng = rng or random.Random(sid)
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # sessions start at different moments
    for n, text in enumerate(texts):
        if think and n:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        t0 = time.perf_counter()
        r = await client.post("/v1/turns", json={"text": text, "session": sid})
        rtt = (time.perf_counter() - t0) * 1000
        body = r.json() if r.status_code == 200 else {}
        out.append({"status": r.status_code, "rtt": rtt, "server": body.get("latency_ms", 0.0), "session": sid,
                    "app": _app_ms(r.headers.get("server-timing", ""))})


def one_by_one(base: str, texts: list[str], pause: float = 0.01, prefix: str = "alone") -> list[dict]:
    """A lean client (http.client, one kept-alive connection), one turn at a time, a new session
    every 10 turns (under the per-session rate): what the HTTP path itself adds to a turn."""
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port))
    out = []
    for n, text in enumerate(texts):
        body = json.dumps({"text": text, "session": f"{prefix}-{n // 10}"})
        t0 = time.perf_counter()
        conn.request("POST", "/v1/turns", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = json.loads(r.read())
        out.append({"status": r.status, "rtt": (time.perf_counter() - t0) * 1000, "server": data.get("latency_ms", 0.0),
                    "app": _app_ms(r.getheader("server-timing") or "")})
        time.sleep(pause)
    conn.close()
    return out


async def main_async(args: argparse.Namespace, base: str) -> int:
    corpus = sentences()
    need = args.sessions * args.turns
    texts = (corpus * (need // len(corpus) + 1))[:need]
    alone = await asyncio.to_thread(one_by_one, base, (corpus[::-1] * 2)[:200])
    idle = [r["rtt"] - r["server"] for r in alone if r["status"] == 200]
    stop = asyncio.Event()
    seen: list[list[dict]] = [[] for _ in range(args.listeners)]
    ws_url = base.replace("http", "ws") + "/v1/events"
    listeners = [asyncio.create_task(listen(ws_url, s, stop)) for s in seen]
    await asyncio.sleep(0.5)
    results: list[dict] = []
    limits = httpx.Limits(max_connections=args.sessions, max_keepalive_connections=args.sessions)
    # a lean client in a process of its own, one turn at a time while the sessions load the
    # service: what HTTP adds to a turn under that load, without the load generator's own cost
    probe = subprocess.Popen([sys.executable, __file__, "--probe", base], stdout=subprocess.PIPE, text=True)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(session(client, f"load-{n}", texts[n * args.turns:(n + 1) * args.turns], results,
                                       args.think) for n in range(args.sessions)))
        wall = time.perf_counter() - t0
    probed = json.loads((await asyncio.to_thread(probe.communicate))[0])
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*listeners)

    ok = [r for r in results if r["status"] == 200]
    rtt = [r["rtt"] for r in ok]
    added = [r["rtt"] - r["server"] for r in ok]
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"server and client in separate processes on loopback"
          + ("; the service pinned to core 0, the load generator to the rest" if args.pin else ""))
    idle_inside = [r["app"] - r["server"] for r in alone if r["status"] == 200]
    print(f"one client alone, {len(alone)} turns one by one: HTTP adds p50 {pct(idle, .5):.2f} ms, p99 {pct(idle, .99):.2f} ms "
          f"(round trip p50 {pct([r['rtt'] for r in alone], .5):.2f} ms; inside the service p50 {pct(idle_inside, .5):.2f} ms)")
    print(f"{args.sessions} sessions x {args.turns} turns, {args.think:g} s apart on average, {args.listeners} listeners: {len(ok)}/{len(results)} turns "
          f"answered 200, {len(results) / wall:.0f} turns/s over {wall:.1f} s")
    print(f"turn over HTTP (client round trip): p50 {pct(rtt, .5):.2f} ms  p99 {pct(rtt, .99):.2f} ms  max {max(rtt):.1f} ms")
    print(f"the assistant's own latency_ms:     p50 {pct([r['server'] for r in ok], .5):.2f} ms  "
          f"p99 {pct([r['server'] for r in ok], .99):.2f} ms")
    inside = [r["app"] - r["server"] for r in ok]
    print(f"inside the service, HTTP and JSON around the turn (Server-Timing - latency_ms): p50 {pct(inside, .5):.2f} ms  "
          f"p99 {pct(inside, .99):.2f} ms")
    print(f"what HTTP adds per turn (round trip - latency_ms): p50 {pct(added, .5):.2f} ms  p99 {pct(added, .99):.2f} ms  "
          f"mean {statistics.fmean(added):.2f} ms (this load generator's own cost included)")
    under = [r["rtt"] - r["server"] for r in probed if r["status"] == 200]
    print(f"a lean client during the load, {len(under)} turns one by one: HTTP adds p50 {pct(under, .5):.2f} ms, "
          f"p99 {pct(under, .99):.2f} ms (inside the service p50 {pct([r['app'] - r['server'] for r in probed], .5):.2f} ms)")
    clean = True
    for n, events in enumerate(seen):
        start = events[0]["hello"]
        seqs = [e["seq"] for e in events[1:]]
        gaps = sum(1 for a, b in zip([start] + seqs, seqs) if b != a + 1)
        outcomes = sum(1 for e in events[1:] if e["type"] == "turn.outcome")
        good = gaps == 0 and outcomes == len(results) + len(probed)
        clean &= good
        print(f"listener {n}: {len(seqs)} events, seq {seqs[0] if seqs else '-'}..{seqs[-1] if seqs else '-'}, "
              f"{gaps} gaps/repeats/reversals, {outcomes} turn outcomes of {len(results) + len(probed)}: {'ok' if good else 'LOST OR DISORDERED'}")
    return 0 if clean and len(ok) == len(results) and len(under) == len(probed) else 1


def main() -> int:
    if sys.argv[1:2] == ["--probe"]:  # the lean client of a run, in its own process
        corpus = sentences()
        time.sleep(2.0)  # until the sessions are under way
        print(json.dumps(one_by_one(sys.argv[2], corpus[len(corpus) // 3:][:200], pause=0.1, prefix="probe")))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--turns", type=int, default=5)
    ap.add_argument("--listeners", type=int, default=5)
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between a session's turns (0: a flood)")
    ap.add_argument("--pin", action="store_true",
                    help="the service on core 0, this load generator on the others: they do not share a core")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    pin = ["taskset", "-c", "0"] if args.pin else []
    if args.pin:
        os.sched_setaffinity(0, set(range(1, os.cpu_count() or 2)))
    server = subprocess.Popen(pin + [sys.executable, "-m", "smartcabin.cli", "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        return asyncio.run(main_async(args, base))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
