"""The machine's own microphone and loudspeaker, through ALSA's arecord and aplay (alsa-utils):
no audio library to build. Where neither exists, a clear error."""
from __future__ import annotations

import shutil
import subprocess
from typing import Iterator

from . import EngineMissing
from .audio import RATE, Audio

_FORMAT = ["-q", "-f", "S16_LE", "-r", str(RATE), "-c", "1", "-t", "raw"]


def microphone(chunk_samples: int = 512, device: str | None = None) -> Iterator[bytes]:
    """16 kHz mono PCM from the default (or named) capture device, a chunk at a time."""
    if shutil.which("arecord") is None:
        raise EngineMissing("no microphone access: arecord not found (Debian: apt install alsa-utils)")
    cmd = ["arecord", *_FORMAT, *(["-D", device] if device else [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while True:
            data = proc.stdout.read(chunk_samples * 2)
            if not data:
                err = proc.stderr.read().decode(errors="replace").strip()
                raise EngineMissing(f"the microphone stopped: {err or 'no capture device'}")
            yield data
    finally:
        proc.kill()


class Loudspeaker:
    """Plays replies through aplay; `stop` cuts the one playing (barge-in)."""

    def __init__(self, device: str | None = None) -> None:
        if shutil.which("aplay") is None:
            raise EngineMissing("no loudspeaker access: aplay not found (Debian: apt install alsa-utils)")
        self._cmd = ["aplay", *_FORMAT, *(["-D", device] if device else [])]
        self._procs: list[subprocess.Popen] = []
        self._until = 0.0

    def play(self, audio: Audio, at: float) -> None:
        proc = subprocess.Popen(self._cmd, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
        proc.stdin.write(audio.pcm())
        proc.stdin.close()
        self._procs.append(proc)
        self._until = max(self._until, at) + audio.seconds

    def stop(self) -> None:
        for proc in self._procs:
            proc.kill()
        self._procs.clear()
        self._until = 0.0

    def busy(self, now: float) -> bool:
        return now < self._until
