"""The web cockpit in a real headless browser (Debian's chromium driven by Playwright) on a
page served by the real service: what a person sees when they type, as one seat or two."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
import uvicorn  # noqa: E402

from smartcabin.reminders import ReminderStore  # noqa: E402
from smartcabin.service.app import create_app  # noqa: E402
from smartcabin.service.cockpit import Cockpit  # noqa: E402
from smartcabin.vehicle import SimulatedVehicle  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():  # CI installs it (.ci/run); say so plainly where it is missing
    pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium to run the browser tests",
                allow_module_level=True)


class Server:
    """The real service on a loopback port, in a thread; stoppable and restartable."""

    def __init__(self, cockpit: Cockpit, port: int) -> None:
        self.cockpit, self.port = cockpit, port
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        config = uvicorn.Config(create_app(self.cockpit), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started and time.time() < deadline:
            time.sleep(0.02)
        assert self.server.started, "the service did not start"

    def stop(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pw():
    with playwright.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw):
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    yield b
    b.close()


@pytest.fixture
def service(tmp_path):
    srv = Server(Cockpit(SimulatedVehicle(), reminders=ReminderStore(tmp_path / "reminders.json")), _free_port())
    srv.start()
    yield srv
    srv.stop()


def open_page(browser, service, seat: str = "Row1.DriverSide"):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(service.url)
    page.wait_for_selector("#ws-status.live")
    page.select_option("#seat", seat)
    return page


def say(page, text: str) -> None:
    before = page.locator(".turn[data-outcome]").count()
    page.fill("#say", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('.turn[data-outcome]').length > {before}")


def test_a_typed_command_changes_the_drawing(browser, service):
    page = open_page(browser, service)
    assert page.get_attribute("#win-Row1\\.DriverSide", "data-position") == "0"
    say(page, "open my window")
    page.wait_for_function("document.getElementById('win-Row1.DriverSide').dataset.position === '100'")
    turn = page.locator(".turn").last
    assert turn.get_attribute("data-outcome") == "executed"
    assert "edge" in turn.locator(".meta").inner_text() and "ms" in turn.locator(".meta").inner_text()
    assert "Window.Position = 100" in turn.locator(".changes").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "cockpit.png"))
    page.close()


def test_a_refused_command_shows_why_and_the_scenario_changes_what_is_allowed(browser, service):
    page = open_page(browser, service)
    page.fill("#speed", "120")
    page.select_option("#gear", "127")
    page.click("#apply-scenario")
    page.wait_for_function("true")
    deadline = time.time() + 5
    while service.cockpit.vehicle.get("Vehicle.Speed") != 120 and time.time() < deadline:
        time.sleep(0.05)
    say(page, "open the trunk")
    turn = page.locator(".turn").last
    assert turn.get_attribute("data-outcome") == "refused"
    assert turn.locator(".reply").inner_text().strip()  # the reason, said
    assert service.cockpit.vehicle.get("Vehicle.Body.Trunk.Rear.Position") == 0
    page.screenshot(path=str(SHOTS / "refused.png"))
    page.fill("#speed", "0")
    page.select_option("#gear", "126")
    page.click("#apply-scenario")
    deadline = time.time() + 5
    while service.cockpit.vehicle.get("Vehicle.Speed") != 0 and time.time() < deadline:
        time.sleep(0.05)
    say(page, "open the trunk")
    assert page.locator(".turn").last.get_attribute("data-outcome") == "executed"
    page.close()


def test_two_seats_talk_at_once_and_each_moves_its_own_window(browser, service):
    driver = open_page(browser, service, "Row1.DriverSide")
    rear = open_page(browser, service, "Row2.PassengerSide")
    driver.fill("#say", "open my window")
    rear.fill("#say", "打开我这边的车窗")
    driver.click("#send")
    rear.click("#send")
    for page in (driver, rear):  # each page draws both seats' windows, whoever spoke
        page.wait_for_function("document.getElementById('win-Row1.DriverSide').dataset.position === '100'"
                               " && document.getElementById('win-Row2.PassengerSide').dataset.position === '100'")
    assert service.cockpit.vehicle.get("Vehicle.Cabin.Door.Row1.PassengerSide.Window.Position") == 0
    assert len(service.cockpit.sessions) == 2
    rear.wait_for_function("document.querySelectorAll('.turn[data-outcome]').length === 2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    rear.screenshot(path=str(SHOTS / "two-seats.png"))  # the README's picture
    driver.close()
    rear.close()


def test_the_stream_reconnects_after_the_service_restarts(browser, service):
    page = open_page(browser, service)
    service.stop()
    page.wait_for_selector("#ws-status:not(.live)")
    service.start()
    page.wait_for_selector("#ws-status.live", timeout=15_000)
    say(page, "turn on the ac")
    assert page.locator(".turn").last.get_attribute("data-outcome") == "executed"
    page.close()


def test_what_the_page_shows_is_escaped(browser, service):
    page = open_page(browser, service)
    say(page, '<img src=x onerror="document.title=\'pwned\'">')
    assert page.locator("#log img").count() == 0
    assert "<img" in page.locator(".turn").last.locator(".said").inner_text()
    assert page.title() != "pwned"
    page.close()


def test_the_interface_speaks_chinese(browser, service):
    page = open_page(browser, service)
    page.select_option("#lang", "zh")
    assert page.inner_text("#send") == "发送"
    assert page.inner_text("#ws-status") == "已连接" or page.locator("#ws-status.live").count() == 1
    page.close()


def test_press_to_talk_sends_the_microphone_and_the_spoken_command_moves_the_window(pw, service, tmp_path):
    import numpy as np

    from smartcabin.voice.audio import Audio
    from smartcabin.voice.tts import HibariVoice

    speech = np.concatenate([a.samples for a in HibariVoice().synthesize("Open my window.")])
    quiet = np.zeros(8000, dtype=np.int16)
    wav = tmp_path / "mic.wav"
    wav.write_bytes(Audio(np.concatenate([quiet, speech, quiet, quiet, quiet, quiet])).wav())
    mic = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
           f"--use-file-for-fake-audio-capture={wav}"]  # the file stands in for the microphone
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS + mic)
    try:
        watcher = open_page(b, service)  # another screen: it sees what was heard on the event stream
        page = open_page(b, service, "Row2.PassengerSide")
        talk = page.locator("#talk")
        talk.dispatch_event("pointerdown")
        page.wait_for_function("document.getElementById('talk').textContent !== 'Hold to talk'")
        time.sleep(len(speech) / 16000 + 1.2)  # hold while the sentence is said
        talk.dispatch_event("pointerup")
        page.wait_for_selector(".heard", timeout=60_000)
        heard = page.locator(".heard").last
        assert heard.get_attribute("data-heard") == "yes", heard.inner_text()
        assert "window" in heard.inner_text().lower()
        page.wait_for_function("document.getElementById('win-Row2.PassengerSide').dataset.position === '100'")
        seen = watcher.locator(".voice-event[data-type='voice.transcript']")
        seen.wait_for(timeout=10_000)
        assert "window" in seen.last.inner_text().lower() and "Row2.PassengerSide" in seen.last.inner_text()
        assert page.locator(".voice-event").count() == 0  # the speaker's own page shows it once, from its answer
    finally:
        b.close()
