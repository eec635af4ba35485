"""The HTTP and WebSocket API over the cockpit: a thin adapter, no logic of its own.

POST /v1/turns               {"text", "zone", "session"} -> the turn object of the eval format
GET  /v1/signals[?prefix=]   every signal, or those under a branch
GET  /v1/signals/{path}      one signal
POST /v1/scenario            sensors only (speed, gear, light, rain, temperatures)
GET  /v1/reminders           stored reminders, timers and alarms (.ics: GET /v1/reminders.ics)
GET  /v1/sessions            the conversations; DELETE /v1/sessions/{id} forgets one
WS   /v1/events[?since=N]    turn events and signal changes as JSON, in one order
GET  /                       the web cockpit
"""
from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
from importlib import resources
from urllib.parse import parse_qsl
from typing import Any

from fastapi import FastAPI, HTTPException, Query, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, field_validator

from ..events import Event
from ..signals import SignalError
from ..zones import SEATS
from .cockpit import Cockpit
from .limits import MAX_BODY, MAX_TEXT, Limits, RateLimiter

_SESSION = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_WS_QUEUE = 10_000  # events a slow listener may fall behind by before it is closed (it reconnects with since=)

# scenario fields -> the sensors they set (VSS paths)
_SCENARIO_SENSORS = {
    "speed": "Vehicle.Speed",
    "light": "Vehicle.Exterior.LightIntensity",
    "rain": "Vehicle.Body.Raindetection.Intensity",
    "outside_temperature": "Vehicle.Exterior.AirTemperature",
    "cabin_temperature": "Vehicle.Cabin.HVAC.AmbientAirTemperature",
}
_DAY_NIGHT = {"day": 80.0, "night": 5.0}  # light intensity in percent


class TurnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(max_length=MAX_TEXT)
    zone: StrictStr | None = None
    session: StrictStr = "default"

    @field_validator("zone")
    @classmethod
    def _known_seat(cls, v: str | None) -> str | None:
        if v is not None and v not in SEATS:
            raise ValueError(f"unknown seat {v!r}; seats: {', '.join(SEATS)}")
        return v

    @field_validator("session")
    @classmethod
    def _session_id(cls, v: str) -> str:
        if not _SESSION.match(v):
            raise ValueError("session: 1-64 letters, digits, '_', '-' or '.'")
        return v


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed: StrictFloat | StrictInt | None = None
    gear: StrictInt | None = None
    light: StrictStr | StrictFloat | StrictInt | None = None  # "day", "night" or a percentage
    rain: StrictInt | None = None
    outside_temperature: StrictFloat | StrictInt | None = None
    cabin_temperature: StrictFloat | StrictInt | None = None


def create_app(cockpit: Cockpit, token: str | None = None, limits: Limits = Limits()) -> FastAPI:
    """The app over one cockpit. With `token`, every request must carry it
    (Authorization: Bearer, or ?token= where a browser cannot set headers)."""
    app = FastAPI(title="smartcabin", version="0.1.0",
                  description="Edge-first cockpit assistant: turns, signals, scenario controls and a live event stream.")
    clients = RateLimiter(limits.client_rate, limits.client_burst)
    sessions = RateLimiter(limits.session_rate, limits.session_burst)

    def authorised(headers: Any, query: Any) -> bool:
        if token is None:
            return True
        said = headers.get("authorization", "")
        said = said[7:] if said.lower().startswith("bearer ") else query.get("token", "")
        return hmac.compare_digest(said.encode(), token.encode())

    async def refuse(send: Any, status: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    class Guard:
        """Token, rate and size checks before anything else runs (plain ASGI: no per-request task)."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return await self.inner(scope, receive, send)
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if scope["path"].startswith("/v1") and not authorised(headers, query):
                return await refuse(send, 401, "a token is required")
            client = scope.get("client") or ("?", 0)
            if not clients.allow(client[0]):
                return await refuse(send, 429, "too many requests")
            size = headers.get("content-length")
            if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
                return await refuse(send, 413, f"request body over {MAX_BODY} bytes")
            if scope["method"] in ("POST", "PUT", "PATCH") and size is None:
                return await refuse(send, 411, "a body needs its Content-Length")
            start = time.perf_counter()

            async def timed(message: dict) -> None:  # Server-Timing: what the service spent on the request
                if message["type"] == "http.response.start":
                    spent = f"app;dur={(time.perf_counter() - start) * 1000:.3f}".encode()
                    message = {**message, "headers": [*message.get("headers", []), (b"server-timing", spent)]}
                await send(message)
            return await self.inner(scope, receive, timed)

    app.add_middleware(Guard)

    @app.post("/v1/turns")
    async def post_turn(req: TurnRequest) -> dict[str, Any]:
        if not sessions.allow(req.session):
            raise HTTPException(429, "too many turns in this session")
        result = await run_in_threadpool(cockpit.turn, req.text, req.session, req.zone)
        return {**result.to_dict(), "session": req.session, "zone": cockpit.sessions[req.session].zone,
                "lang": result.lang}

    @app.get("/v1/signals")
    async def get_signals(prefix: str = Query("", max_length=200)) -> dict[str, Any]:
        snap = cockpit.vehicle.snapshot()
        return {"signals": {k: v for k, v in sorted(snap.items()) if k.startswith(prefix)}}

    @app.get("/v1/signals/{path:path}")
    async def get_signal(path: str) -> dict[str, Any]:
        snap = cockpit.vehicle.snapshot()
        if path not in snap:
            raise HTTPException(404, f"no signal {path}")
        return {"path": path, "value": snap[path]}

    @app.post("/v1/scenario")
    async def post_scenario(req: ScenarioRequest) -> dict[str, Any]:
        said = req.model_dump(exclude_none=True)
        if isinstance(said.get("light"), str):
            if said["light"] not in _DAY_NIGHT:
                raise HTTPException(422, "light: 'day', 'night' or a percentage")
            said["light"] = _DAY_NIGHT[said["light"]]
        values = {_SCENARIO_SENSORS[k]: v for k, v in said.items() if k in _SCENARIO_SENSORS}
        controls = {k: v for k, v in said.items() if k not in _SCENARIO_SENSORS}
        try:
            changed = await run_in_threadpool(cockpit.set_sensors, values, controls)
        except SignalError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"signals": changed}

    @app.get("/v1/reminders")
    async def get_reminders() -> dict[str, Any]:
        return {"reminders": [r.__dict__ for r in cockpit.reminders.all()]}

    @app.get("/v1/reminders.ics")
    async def get_reminders_ics() -> Response:
        return PlainTextResponse(cockpit.reminders.to_ics(), media_type="text/calendar")

    @app.get("/v1/sessions")
    async def get_sessions() -> dict[str, Any]:
        return {"sessions": [s.to_dict() for s in cockpit.sessions.values()]}

    @app.delete("/v1/sessions/{sid}")
    async def delete_session(sid: str) -> dict[str, Any]:
        if cockpit.sessions.pop(sid, None) is None:
            raise HTTPException(404, f"no session {sid}")
        return {"deleted": sid}

    @app.get("/v1/health")
    async def health() -> dict[str, Any]:
        return {"ok": True, "sessions": len(cockpit.sessions), "last_event": cockpit.hub.last_seq}

    @app.websocket("/v1/events")
    async def events(ws: WebSocket) -> None:
        if not authorised(ws.headers, ws.query_params):
            await ws.close(code=1008)
            return
        since_raw = ws.query_params.get("since")
        since = int(since_raw) if since_raw is not None and since_raw.isdigit() else None
        await ws.accept()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event | None] = asyncio.Queue()

        def deliver(event: Event) -> None:  # on the thread that published: hand over to the loop
            loop.call_soon_threadsafe(_put, event)

        def _put(event: Event) -> None:
            if queue.qsize() >= _WS_QUEUE:
                queue.put_nowait(None)  # too far behind: close; the client resumes with since=
            else:
                queue.put_nowait(event)

        await ws.send_text(json.dumps({"type": "hello", "seq": cockpit.hub.last_seq,
                                       "signals": cockpit.vehicle.snapshot()}, ensure_ascii=False))
        cancel = cockpit.hub.subscribe(deliver, since=since)
        gone = asyncio.Event()

        async def listen() -> None:  # the client says nothing; its going away (or shutdown) ends the stream
            try:
                while (await ws.receive())["type"] != "websocket.disconnect":
                    pass
            except (WebSocketDisconnect, RuntimeError):
                pass
            gone.set()
            queue.put_nowait(None)

        listener = asyncio.create_task(listen())
        try:
            while True:
                event = await queue.get()
                if event is None:
                    if not gone.is_set():
                        await ws.close(code=1013)
                    return
                await ws.send_text(event.json)
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            cancel()
            listener.cancel()

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return _web("index.html")

    @app.get("/cockpit.js")
    async def script() -> Response:
        return Response(_web("cockpit.js"), media_type="text/javascript")

    return app


def _web(name: str) -> str:
    return resources.files("smartcabin.data").joinpath("web", name).read_text(encoding="utf-8")
