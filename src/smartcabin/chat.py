"""The interactive chat of `make run`: type a command, see the reply and what changed."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .events import Event, EventType
from .signals import SignalError
from .service.cockpit import Cockpit
from .zones import SEATS

HELP = """Type a command in Chinese or English, e.g. "打开空调" or "open my window halfway".
  /zone SEAT        speak from another seat: """ + ", ".join(SEATS) + """
  /set PATH VALUE   set a signal, e.g. /set Vehicle.Speed 80
  /get PATH         read a signal
  /help  /quit"""


def show(event: Event, stdout) -> None:
    """The chat is one more consumer of a turn's events: sentences as they come, then the outcome."""
    d = event.data
    if event.type in (EventType.ACKNOWLEDGED, EventType.SENTENCE):  # the LLM tier's words as they come
        print(f"  ... {d['text']}", file=stdout, flush=True)
    elif event.type is EventType.OUTCOME:
        route = "" if d["route"] == "edge" else f", {d['route']}"
        print(f"assistant> {d['reply']}   [{d['outcome']}{route}, {d['latency_ms']:.1f} ms]", file=stdout)
        for path, value in d["changes"].items():
            print(f"    {path} = {json.dumps(value, ensure_ascii=False)}", file=stdout)


def run_chat(zone: str = "Row1.DriverSide", stdin=sys.stdin, stdout=sys.stdout,
             review_log: Path | None = None, model: Path | None = None) -> int:
    cockpit = Cockpit.from_config(model, review_log=review_log)  # the same composition root as the service
    vehicle, assistant = cockpit.vehicle, cockpit.session("chat", zone).assistant
    if assistant.llm is not None:
        print(f"LLM tier: {assistant.llm.describe()}", file=stdout)
    interactive = stdin.isatty()
    print("smartcabin on the embedded simulator. /help for commands, /quit to leave.", file=stdout)
    while True:
        if interactive:
            print(f"[{zone}] you> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line.startswith("/"):
            cmd, *rest = line.split(maxsplit=2)
            if cmd in ("/quit", "/exit"):
                return 0
            if cmd == "/help":
                print(HELP, file=stdout)
            elif cmd == "/zone" and rest and rest[0] in SEATS:
                zone = rest[0]
                print(f"speaking from {zone}", file=stdout)
            elif cmd == "/set" and len(rest) == 2:
                try:
                    vehicle.set_sensor(rest[0], json.loads(rest[1]) if rest[1][:1] not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" else rest[1])
                    print(f"{rest[0]} = {vehicle.get(rest[0])!r}", file=stdout)
                except (SignalError, ValueError) as exc:
                    print(f"error: {exc}", file=stdout)
            elif cmd == "/get" and rest:
                print(f"{rest[0]} = {vehicle.get(rest[0])!r}", file=stdout)
            else:
                print(HELP, file=stdout)
            continue
        assistant.turn(line, zone=zone, on_event=lambda e: show(e, stdout))
