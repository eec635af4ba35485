"""The turn as stages over one composition root: what a user of the service or the Python
API notices when the stages and the shared engines are wired right."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
from helpers import Car

from smartcabin.engines import Engines
from smartcabin.events import EventType, Outcome
from smartcabin.llm.client import Done, Text, ToolCall
from smartcabin.planning import plan
from smartcabin.reminders import ReminderStore
from smartcabin.service.cockpit import Cockpit
from smartcabin.stages.act import apply
from smartcabin.stages.review import review
from smartcabin.understanding import Intent
from smartcabin.vehicle import SimulatedVehicle

DOOR = "Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"
WINDOW = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"


class Recorder:
    """A chat engine that answers every question with one sentence and remembers the prompts."""

    def __init__(self, tool: ToolCall | None = None) -> None:
        self.prompts: list[list[dict[str, Any]]] = []
        self.tool = tool

    def stream(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> Iterator[Any]:
        self.prompts.append(messages)
        if self.tool is not None and not any(m.get("role") == "tool" for m in messages):
            yield self.tool
        else:
            yield Text("It is far away.")
        yield Done()

    def describe(self) -> str:
        return "recorder"


def _said(prompt: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in prompt if m.get("role") == "user"]


def test_each_seat_has_its_own_llm_conversation_over_one_shared_engine(tmp_path):
    engine = Recorder()
    cockpit = Cockpit(SimulatedVehicle(), Engines(Engines.shared().edge, cloud=engine),
                      reminders=ReminderStore(tmp_path / "r.json"))
    for text, sid, zone in (("what is the capital of France", "front", "Row1.DriverSide"),
                            ("who wrote Hamlet", "rear", "Row2.PassengerSide"),
                            ("what is the capital of Germany", "front", None)):
        assert cockpit.turn(text, sid, zone)[0].route == "cloud_llm", text
    front_second, rear_first = engine.prompts[2], engine.prompts[1]
    assert _said(rear_first) == ["who wrote Hamlet"]  # the driver's question is not in the rear's context
    assert _said(front_second) == ["what is the capital of France", "what is the capital of Germany"]


def test_a_model_proposal_meets_the_same_safety_stage_as_a_spoken_command(tmp_path):
    engine = Recorder(ToolCall("1", "door_open", {"zone": "Row1.DriverSide", "on": True}))
    car = SimulatedVehicle({"Vehicle.Speed": 80})
    cockpit = Cockpit(car, Engines(Engines.shared().edge, cloud=engine), reminders=ReminderStore(tmp_path / "r.json"))
    events = []
    cockpit.hub.subscribe(events.append)
    result, _ = cockpit.turn("what is the capital of France", "s")
    assert engine.prompts, "the question went to the model"
    assert car.get(DOOR) is False and result.writes == [] and result.route == "cloud_llm"
    assert result.outcome == Outcome.REFUSED
    assert [e.data["cap"] for e in events if e.type is EventType.REFUSED] == ["door.open"]


def test_review_reads_the_car_and_writes_nothing_and_act_writes_only_what_review_allowed():
    car = SimulatedVehicle({"Vehicle.Speed": 90})
    planned = plan([Intent(cap="door.open", op="on"), Intent(cap="window.position", op="set", value=50)],
                   car, "Row1.DriverSide", "en")
    before = car.snapshot()
    seen = []
    checked = review(planned, car, "Row1.DriverSide", "en", lambda kind, data: seen.append((kind, data())))
    assert car.snapshot() == before  # the safety stage only reads
    assert [a.cap.id for a in checked.allowed] == ["window.position"] and checked.refused
    assert [k for k, _ in seen] == [EventType.PLANNED, EventType.REFUSED]
    applied = apply(checked.allowed, car, "Row1.DriverSide")
    assert car.get(WINDOW) == 50 and car.get(DOOR) is False
    assert [w.path for w in applied.writes] == [WINDOW]


def test_a_confirmed_action_is_checked_again_when_the_car_changed_in_between():
    car = SimulatedVehicle()
    planned = plan([Intent(cap="door.open", op="on")], car, "Row1.DriverSide", "en")
    car.set_sensor("Vehicle.Speed", 60)  # the driver said yes after pulling away
    applied = apply(planned.actions, car, "Row1.DriverSide", waive=frozenset({"some-other-rule"}))
    assert applied.failed == 1 and applied.writes == [] and car.get(DOOR) is False


GUIDANCE = "Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive"
CALL = "Vehicle.Cabin.Infotainment.Phone.Call.State"


@pytest.mark.parametrize("setup,path,after", [
    ({GUIDANCE: True, CALL: "ACTIVE"}, GUIDANCE, False),  # guidance first (the catalog's order)
    ({CALL: "ACTIVE"}, CALL, "IDLE"),
    ({CALL: "DIALING"}, CALL, "IDLE"),
])
def test_a_bare_cancel_stops_what_is_running(setup, path, after):
    car = Car(setup)
    car.say("cancel")
    assert car[path] == after


def test_a_bare_cancel_with_nothing_running_changes_nothing():
    car = Car()
    result = car.say("cancel")
    assert result.outcome == "no_action" and car.changed() == {}


TRACK = "Vehicle.Cabin.Infotainment.Media.Request.Track"


def test_a_strange_name_heard_with_little_confidence_is_asked_back_before_it_plays():
    """Whisper heard "Bohemian Ratsity": played at once it would be the wrong song."""
    car = Car()
    asked = car.assistant.turn("Play Bohemian Ratsity by Queen", heard=0.6)
    assert asked.outcome == "confirm" and "Bohemian Ratsity" in asked.reply and car.changed() == {}
    car.assistant.turn("yes", heard=0.9)
    assert car[TRACK] == "Bohemian Ratsity"


@pytest.mark.parametrize("text,heard", [("Play Bohemian Rhapsody by Queen", 0.6),  # a title the car has
                                        ("Play Bohemian Ratsity by Queen", 0.95),  # heard with confidence
                                        ("Play Bohemian Ratsity by Queen", None)])  # typed
def test_a_known_name_a_confident_hearing_or_typed_text_plays_at_once(text, heard):
    car = Car()
    result = car.assistant.turn(text, heard=heard)
    assert result.outcome == "executed" and car[TRACK] == text.split("Play ")[1].split(" by")[0]


def test_a_strange_place_heard_in_mandarin_is_asked_back_in_mandarin():
    car = Car()
    asked = car.assistant.turn("导航去山里囤的", heard=0.5)
    assert asked.outcome == "confirm" and asked.reply.startswith("您说的是") and car.changed() == {}
