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
import contextlib
import hmac
import json
import re
import time
import uuid
from importlib import resources
from urllib.parse import parse_qsl
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, field_validator

from ..events import Event
from ..signals import SignalError
from ..voice import EngineMissing
from ..voice.audio import AudioError
from ..zones import SEATS
from .cockpit import Cockpit
from .limits import MAX_AUDIO_BODY, MAX_BODY, MAX_TEXT, Limits, RateLimiter

_SESSION = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_WS_QUEUE = 10_000  # events a slow listener may fall behind by before it is closed (it reconnects with since=)
_SEND_TIMEOUT_S = 10.0  # a listener that takes no data for this long is closed
_MAX_LISTENERS = 256

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


class TurnResponse(BaseModel):
    """The turn object of the eval format, with the session and the seat it ran as (documentation:
    the handler encodes it itself)."""
    text: str
    outcome: str
    route: str
    writes: list[dict[str, Any]]
    changes: dict[str, Any]
    reply: str
    latency_ms: float
    session: str
    zone: str
    lang: str


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed: StrictFloat | StrictInt | None = None
    gear: StrictInt | None = None
    light: StrictStr | StrictFloat | StrictInt | None = None  # "day", "night" or a percentage
    rain: StrictInt | None = None
    outside_temperature: StrictFloat | StrictInt | None = None
    cabin_temperature: StrictFloat | StrictInt | None = None


def create_app(cockpit: Cockpit, token: str | None = None, limits: Limits = Limits(),
               hosts: frozenset[str] | None = None) -> FastAPI:
    """The app over one cockpit. With `token`, every request must carry it
    (Authorization: Bearer, or ?token= where a browser cannot set headers). With `hosts`, only
    requests naming one of them in `Host` are served, and a browser's WebSocket only from a page
    of that host: another site's page cannot reach a service on loopback (DNS rebinding)."""
    app = FastAPI(title="smartcabin", version="0.1.0",
                  description="Edge-first cockpit assistant: turns, signals, scenario controls and a live event stream.")
    clients = RateLimiter(limits.client_rate, limits.client_burst)
    sessions = RateLimiter(limits.session_rate, limits.session_burst)
    new_sessions = RateLimiter(limits.new_session_rate, limits.new_session_burst)  # per client address
    boot = uuid.uuid4().hex  # a page that reconnects to a restarted service starts its log afresh

    def host_ok(headers: Any) -> bool:
        if hosts is None:
            return True
        name = headers.get("host", "")
        name = name.rsplit(":", 1)[0] if not name.endswith("]") else name
        return name.strip("[]") in hosts

    def origin_ok(headers: Any) -> bool:
        origin = headers.get("origin")
        return origin is None or origin.split("//", 1)[-1] == headers.get("host")

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
            client = scope.get("client") or ("?", 0)
            if not clients.allow(client[0]):  # before the token: refused guesses are counted too
                return await refuse(send, 429, "too many requests")
            if not host_ok(headers):
                return await refuse(send, 421, "this service answers on its own address only")
            if scope["path"].startswith("/v1") and not authorised(headers, query):
                return await refuse(send, 401, "a token is required")
            size = headers.get("content-length")
            most = MAX_AUDIO_BODY if scope["path"] == "/v1/audio/turns" else MAX_BODY
            if size is not None and (not size.isdigit() or int(size) > most):
                return await refuse(send, 413, f"request body over {most} bytes")
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

    @app.post("/v1/turns", response_model=TurnResponse)
    async def post_turn(req: TurnRequest, request: Request) -> Response:
        if not sessions.allow(req.session):
            raise HTTPException(429, "too many turns in this session")
        if req.session not in cockpit.sessions and not new_sessions.allow(request.client.host if request.client else "?"):
            raise HTTPException(429, "too many new sessions")  # nobody floods the real ones out
        try:
            result, zone = await run_in_threadpool(cockpit.turn, req.text, req.session, req.zone)
        except TimeoutError as exc:
            raise HTTPException(503, str(exc)) from None
        body = {**result.to_dict(), "session": req.session, "zone": zone, "lang": result.lang}
        # encoded here, once: the shape is fixed, so FastAPI's validation of it would only cost time
        return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")

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
        except TimeoutError as exc:
            raise HTTPException(503, str(exc)) from None
        return {"signals": changed}

    @app.post("/v1/audio/turns")
    async def post_audio_turn(request: Request, session: str = Query("default", max_length=64),
                              zone: str | None = Query(None), lang: str | None = Query(None, pattern="^(zh|en)$"),
                              speak: bool = Query(True)) -> dict[str, Any]:
        """A spoken turn (a WAV body, press-to-talk): the transcript, the turn object (null when
        nothing reliable was heard) and, with `speak`, the reply as WAV in base64."""
        if not _SESSION.match(session):
            raise HTTPException(422, "session: 1-64 letters, digits, '_', '-' or '.'")
        if zone is not None and zone not in SEATS:
            raise HTTPException(422, f"unknown seat {zone!r}")
        if not sessions.allow(session):
            raise HTTPException(429, "too many turns in this session")
        body = await request.body()
        try:
            heard = await run_in_threadpool(cockpit.hear, body, session, zone, lang, speak)
        except AudioError as exc:
            raise HTTPException(422, str(exc)) from None
        except EngineMissing as exc:
            raise HTTPException(503, f"voice is not installed here: {exc}") from None
        except TimeoutError as exc:
            raise HTTPException(503, str(exc)) from None
        return heard

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
        peer = ws.client.host if ws.client else "?"
        if not clients.allow(peer) or not host_ok(ws.headers) or not origin_ok(ws.headers) \
                or not authorised(ws.headers, ws.query_params) or cockpit.hub.listeners >= _MAX_LISTENERS:
            await ws.close(code=1008)
            return
        since_raw = ws.query_params.get("since", "")
        # numbers from another run of the service (a restart) mean nothing here: no replay then
        since = int(since_raw) if since_raw.isdecimal() and ws.query_params.get("boot", boot) == boot else None
        await ws.accept()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        behind = False

        def deliver(event: Event) -> None:  # on the thread that published: hand over to the loop
            loop.call_soon_threadsafe(_put, event)

        def _put(event: Event) -> None:
            nonlocal behind
            if behind:
                return
            if queue.qsize() >= _WS_QUEUE:  # too far behind: one close, nothing more queued; it resumes with since=
                behind = True
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)
            else:
                queue.put_nowait(event)

        # subscribe first, then the snapshot: a change made in between is replayed, never lost
        seen = cockpit.hub.last_seq if since is None else since
        cancel = cockpit.hub.subscribe(deliver, since=seen)
        gone = asyncio.Event()

        async def listen() -> None:  # the client says nothing; its going away (or shutdown) ends the stream
            try:
                while (await ws.receive())["type"] != "websocket.disconnect":
                    pass
            except (WebSocketDisconnect, RuntimeError):
                pass
            gone.set()
            loop.call_soon(_put_end)

        def _put_end() -> None:
            queue.put_nowait(None)

        listener = asyncio.create_task(listen())
        try:
            await ws.send_text(json.dumps({"type": "hello", "seq": seen, "boot": boot,
                                           "signals": cockpit.vehicle.snapshot()}, ensure_ascii=False))
            while True:
                event = await queue.get()
                if event is None:
                    if not gone.is_set():
                        await ws.close(code=1013)
                    return
                await asyncio.wait_for(ws.send_text(event.json), _SEND_TIMEOUT_S)
        except (WebSocketDisconnect, RuntimeError, asyncio.TimeoutError):
            return
        finally:
            cancel()
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return _web("index.html")

    @app.get("/cockpit.js")
    async def script() -> Response:
        return Response(_web("cockpit.js"), media_type="text/javascript")

    return app


def _web(name: str) -> str:
    return resources.files("smartcabin.data").joinpath("web", name).read_text(encoding="utf-8")
