"""A scripted OpenAI-compatible chat server on loopback, for deterministic tests of the
LLM tier: streamed text, tool calls, slow first bytes, stalls, HTTP errors, bad JSON."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Loopback:
    """A threaded HTTP server on 127.0.0.1 for the duration of a `with` block."""

    def _serve(self, handler: type[BaseHTTPRequestHandler], path: str = "") -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


class Script:
    def __init__(self, text: str = "", tool_calls: list[tuple[str, Any]] | None = None, status: int = 200,
                 first_byte_delay: float = 0.0, stall_after: int | None = None, stall_s: float = 0.0,
                 raw_arguments: str | None = None) -> None:
        self.text, self.tool_calls, self.status = text, tool_calls or [], status
        self.first_byte_delay, self.stall_after, self.stall_s = first_byte_delay, stall_after, stall_s
        self.raw_arguments = raw_arguments


class FakeLLM(_Loopback):
    def __init__(self) -> None:
        self.scripts: list[Script] = []
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout it was meant to hit)

            def _answer(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                outer.requests.append(body)
                script = outer.scripts.pop(0) if outer.scripts else Script("OK.")
                time.sleep(script.first_byte_delay)
                if script.status != 200:
                    self.send_response(script.status)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = script.text.split(" ") if script.text else []
                for i, word in enumerate(words):
                    if script.stall_after is not None and i == script.stall_after:
                        time.sleep(script.stall_s)
                    self._send({"choices": [{"delta": {"content": word + (" " if i < len(words) - 1 else "")}}]})
                for n, (name, args) in enumerate(script.tool_calls):
                    arguments = script.raw_arguments if script.raw_arguments is not None else json.dumps(args)
                    half = len(arguments) // 2  # arguments arrive in pieces, as real servers send them
                    for part, piece in enumerate((arguments[:half], arguments[half:])):
                        call = {"index": n, "function": {"arguments": piece}}
                        if part == 0:
                            call.update({"id": f"call_{n}", "type": "function"})
                            call["function"]["name"] = name
                        self._send({"choices": [{"delta": {"tool_calls": [call]}}]})
                finish = "tool_calls" if script.tool_calls else "stop"
                self._send({"choices": [{"delta": {}, "finish_reason": finish}]})
                self.wfile.write(b"data: [DONE]\n\n")

            def _send(self, obj: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(obj)}\n\n".encode())
                self.wfile.flush()

        self._serve(Handler, "/v1")


class FakeSearx(_Loopback):
    """SearxNG's JSON API, returning whatever results the test gives it."""

    def __init__(self, results: list[dict[str, str]]) -> None:
        results_json = json.dumps({"results": results}).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(results_json)

        self._serve(Handler)
