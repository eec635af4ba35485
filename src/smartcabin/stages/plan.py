"""The plan stage of a turn: its intents as actions on this car (smartcabin.planning), with
a time said in a clause of its own given to the request that wants one."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ..planning import Plan, Problem, plan, when_said
from ..understanding import Intent
from ..vehicle import Vehicle


def asks_time(pr: Problem) -> bool:
    """A request planning could not run for want of its time ("schedule charging")."""
    return pr.kind == "missing" and pr.cap is not None and any(
        p.get("type") == "time" for p in pr.cap.params.values())


def asks_name(pr: Problem) -> bool:
    """A request planning could not run for want of its name ("call" … "who?")."""
    return pr.kind == "missing" and pr.cap is not None and pr.cap.takes_names()


def plan_turn(intents: list[Intent], text: str, lang: str, vehicle: Vehicle, speaker: str,
              retime: bool = True) -> Plan:
    planned = plan(intents, vehicle, speaker, lang)
    untimed = {pr.cap.id for pr in planned.problems if asks_time(pr)}
    if retime and untimed and when_said(text, lang, datetime.now()) is not None:
        # "预约充电，晚上十一点": the time said in a clause of its own
        intents = [replace(i, clause=text) if i.cap in untimed else i for i in intents]
        planned = plan(intents, vehicle, speaker, lang)
    return planned
