"""A real llama.cpp server (llama-cpp-python's, OpenAI-compatible) with the PyPI Gemma model,
on a free loopback port, for tests and scripts/llm_report.py."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator

from smartcabin.llm.local import model_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_server(threads: int = 2, start_timeout_s: float = 90) -> Iterator[str]:
    """Yields the server's /v1 base URL; stops the server afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_file()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                             "--n_threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + start_timeout_s
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/models", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("llama.cpp server did not start")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
