"""The HTTP and WebSocket service, driven as a client would: turns, signals, scenario
controls, sessions, the event stream, and the answers to bad or hostile requests."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from smartcabin.events import EventHub, EventType
from smartcabin.reminders import ReminderStore
from smartcabin.service.app import create_app
from smartcabin.service.cockpit import Cockpit
from smartcabin.service.limits import Limits, is_loopback
from smartcabin.vehicle import SimulatedVehicle

AC = "Vehicle.Cabin.HVAC.IsAirConditioningActive"
WINDOW = "Vehicle.Cabin.Door.Row1.DriverSide.Window.Position"
REAR_RIGHT_WINDOW = "Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position"
TRUNK = "Vehicle.Body.Trunk.Rear.Position"
TURN_KEYS = {"text", "outcome", "route", "writes", "changes", "reply", "latency_ms"}


@pytest.fixture
def cockpit(tmp_path):
    return Cockpit(SimulatedVehicle(), reminders=ReminderStore(tmp_path / "reminders.json"))


@pytest.fixture
def client(cockpit):
    return TestClient(create_app(cockpit))


def turn(client, text, **kw):
    r = client.post("/v1/turns", json={"text": text, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_turn_over_http_changes_the_car_and_returns_the_eval_turn_object(client):
    out = turn(client, "打开空调", session="s1")
    assert TURN_KEYS <= set(out)
    assert out["outcome"] == "executed" and out["route"] == "edge"
    assert out["changes"] == {AC: True}
    assert client.get(f"/v1/signals/{AC}").json() == {"path": AC, "value": True}


def test_the_seat_of_the_request_is_the_seat_acted_on(client):
    turn(client, "open my window", zone="Row2.PassengerSide", session="rear")
    signals = client.get("/v1/signals", params={"prefix": "Vehicle.Cabin.Door."}).json()["signals"]
    assert signals[REAR_RIGHT_WINDOW] == 100
    assert signals[WINDOW] == 0


def test_sessions_keep_their_own_context(client):
    turn(client, "set the temperature to 20", session="a")
    turn(client, "open the window", session="b")
    out = turn(client, "warmer", session="a")  # a's last request, not b's window
    assert list(out["changes"]) == ["Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"]
    assert {s["id"] for s in client.get("/v1/sessions").json()["sessions"]} == {"a", "b"}


def test_the_scenario_sets_sensors_and_the_safety_rules_follow(client):
    assert client.post("/v1/scenario", json={"speed": 120, "gear": 127}).status_code == 200
    out = turn(client, "open the trunk")
    assert out["outcome"] == "refused" and out["changes"] == {}
    assert client.get(f"/v1/signals/{TRUNK}").json()["value"] == 0
    client.post("/v1/scenario", json={"speed": 0, "gear": 126})
    assert turn(client, "open the trunk")["outcome"] == "executed"


@pytest.mark.parametrize("body", [{"signals": {WINDOW: 100}}, {"window": 100}, {"speed": "fast"},
                                  {"light": "dusk"}, {"rain": 500}])
def test_the_scenario_never_moves_an_actuator_or_takes_bad_values(client, body):
    before = client.get("/v1/signals").json()["signals"]
    r = client.post("/v1/scenario", json=body)
    assert r.status_code == 422
    assert client.get("/v1/signals").json()["signals"] == before


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v1/turns", content=b"{not json", headers={"Content-Type": "application/json"}),
    lambda c: c.post("/v1/turns", json={"text": 5}),
    lambda c: c.post("/v1/turns", json={"text": "open the window", "zone": "Row9.Roof"}),
    lambda c: c.post("/v1/turns", json={"text": "open the window", "session": "../../etc"}),
    lambda c: c.post("/v1/turns", json={"text": "open the window", "extra": 1}),
    lambda c: c.post("/v1/turns", json={"text": "x" * 501}),
    lambda c: c.post("/v1/turns", json={"zone": "Row1.DriverSide"}),
])
def test_malformed_requests_get_a_4xx_and_change_nothing(client, send):
    before = client.get("/v1/signals").json()["signals"]
    r = send(client)
    assert 400 <= r.status_code < 500, r.text
    assert client.get("/v1/signals").json()["signals"] == before


def test_a_huge_body_is_refused_before_it_is_read(client):
    r = client.post("/v1/turns", content=b'{"text": "' + b"a" * 100_000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_unknown_signals_and_sessions_are_404(client):
    assert client.get("/v1/signals/Vehicle.Cabin.Nothing").status_code == 404
    assert client.delete("/v1/sessions/nobody").status_code == 404


def test_a_flood_is_turned_away_but_a_conversation_is_not(cockpit):
    c = TestClient(create_app(cockpit, limits=Limits(session_rate=2, session_burst=5)))
    codes = [c.post("/v1/turns", json={"text": "louder", "session": "flood"}).status_code for _ in range(12)]
    assert codes[:5] == [200] * 5 and 429 in codes[5:]
    assert c.post("/v1/turns", json={"text": "louder", "session": "someone-else"}).status_code == 200


def test_with_a_token_every_request_must_carry_it(cockpit):
    c = TestClient(create_app(cockpit, token="s3cret"))
    assert c.post("/v1/turns", json={"text": "打开空调"}).status_code == 401
    assert c.get("/v1/signals").status_code == 401
    assert c.get("/v1/signals", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/v1/signals", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert c.get("/v1/signals", params={"token": "s3cret"}).status_code == 200
    with pytest.raises(Exception):
        with c.websocket_connect("/v1/events") as ws:
            ws.receive_text()


def test_loopback_is_told_apart_from_other_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_the_event_stream_carries_each_turn_in_order_with_the_signals_it_changed(client):
    with client.websocket_connect("/v1/events") as ws:
        hello = json.loads(ws.receive_text())
        assert hello["type"] == "hello" and hello["signals"][AC] is False
        turn(client, "打开空调", session="ws")
        events = [json.loads(ws.receive_text()) for _ in range(6)]
    kinds = [e["type"] for e in events]
    assert kinds == ["turn.started", "turn.understood", "turn.planned", "signal.changed", "turn.writes", "turn.outcome"]
    assert [e["seq"] for e in events] == list(range(hello["seq"] + 1, hello["seq"] + 7))
    assert all(e["session"] == "ws" and e["turn"] == 1 for e in events)
    assert events[2]["data"]["actions"][0]["writes"] == [{"path": AC, "value": True}]
    assert events[3]["data"]["changes"] == {AC: True}
    assert events[-1]["data"]["outcome"] == "executed"


def test_a_refusal_is_an_event_with_its_rule_and_reason(client):
    client.post("/v1/scenario", json={"speed": 100})
    with client.websocket_connect("/v1/events") as ws:
        json.loads(ws.receive_text())
        turn(client, "open the trunk", session="ws")
        events = [json.loads(ws.receive_text()) for _ in range(5)]
    refused = [e for e in events if e["type"] == "turn.refused"]
    assert len(refused) == 1 and refused[0]["data"]["reason"] and refused[0]["data"]["rule"]
    assert events[-1]["type"] == "turn.outcome" and events[-1]["data"]["outcome"] == "refused"


def test_a_listener_that_reconnects_gets_what_it_missed(client):
    with client.websocket_connect("/v1/events") as ws:
        seen = json.loads(ws.receive_text())["seq"]
    turn(client, "open the window", session="gone")
    with client.websocket_connect(f"/v1/events?since={seen}") as ws:
        json.loads(ws.receive_text())  # hello
        missed = [json.loads(ws.receive_text()) for _ in range(6)]
    assert [e["seq"] for e in missed] == list(range(seen + 1, seen + 7))
    assert missed[0]["type"] == "turn.started" and missed[0]["data"]["text"] == "open the window"


def test_the_hub_numbers_events_once_and_in_order_for_every_subscriber():
    hub = EventHub(keep=3)
    a, b = [], []
    hub.subscribe(a.append)
    from smartcabin.events import Event
    for n in range(5):
        hub.publish(Event(EventType.SENTENCE, {"n": n}))
        if n == 1:
            hub.subscribe(b.append)
    assert [e.seq for e in a] == [1, 2, 3, 4, 5]
    assert [e.seq for e in b] == [3, 4, 5]
    late = []
    hub.subscribe(late.append, since=1)
    assert [e.seq for e in late] == [3, 4, 5]  # only the last three are kept


def test_the_page_and_the_api_description_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "smartcabin" in page.text and "cockpit.js" in page.text
    assert client.get("/cockpit.js").headers["content-type"].startswith("text/javascript")
    spec = client.get("/openapi.json").json()
    assert {"/v1/turns", "/v1/signals", "/v1/scenario", "/v1/reminders", "/v1/sessions"} <= set(spec["paths"])


def test_reminders_made_by_a_turn_are_listed_and_exported(client):
    turn(client, "remind me to call Anna tomorrow at 3 pm")
    listed = client.get("/v1/reminders").json()["reminders"]
    assert len(listed) == 1 and "Anna" in listed[0]["title"]
    assert "BEGIN:VCALENDAR" in client.get("/v1/reminders.ics").text


def test_on_loopback_another_sites_page_cannot_reach_the_service(cockpit):
    c = TestClient(create_app(cockpit, hosts=frozenset({"127.0.0.1", "localhost"})), base_url="http://127.0.0.1:8765")
    assert c.get("/v1/signals").status_code == 200
    rebound = c.post("/v1/turns", json={"text": "open the trunk"}, headers={"Host": "evil.example:8765"})
    assert rebound.status_code == 421
    assert c.get(f"/v1/signals/{TRUNK}").json()["value"] == 0
    with pytest.raises(Exception):  # a browser's socket from another site's page
        with c.websocket_connect("/v1/events", headers={"Origin": "http://evil.example", "Host": "127.0.0.1:8765"}) as ws:
            ws.receive_text()
    with c.websocket_connect("/v1/events", headers={"Origin": "http://127.0.0.1:8765", "Host": "127.0.0.1:8765"}) as ws:
        assert json.loads(ws.receive_text())["type"] == "hello"


def test_new_sessions_are_limited_per_client_so_a_flood_cannot_push_the_real_ones_out(cockpit):
    c = TestClient(create_app(cockpit, limits=Limits(new_session_rate=1, new_session_burst=3)))
    turn(c, "open the window", session="real")
    codes = [c.post("/v1/turns", json={"text": "hi", "session": f"fake-{n}"}).status_code for n in range(6)]
    assert codes[:2] == [200, 200] and 429 in codes
    assert "real" in cockpit.sessions
    assert c.post("/v1/turns", json={"text": "close the window", "session": "real"}).status_code == 200


def test_a_turn_that_cannot_get_the_car_says_busy_and_changes_nothing(cockpit, client):
    cockpit.WAIT_S = 0.05
    cockpit._turn_lock.acquire()  # another turn holds the car (a slow model answer)
    try:
        r = client.post("/v1/turns", json={"text": "打开空调"})
    finally:
        cockpit._turn_lock.release()
    assert r.status_code == 503
    assert client.get(f"/v1/signals/{AC}").json()["value"] is False


def test_a_failing_listener_never_fails_the_turn(cockpit, client):
    def broken(event):
        raise RuntimeError("closed loop")
    cockpit.hub.subscribe(broken)
    assert turn(client, "打开空调")["outcome"] == "executed"
