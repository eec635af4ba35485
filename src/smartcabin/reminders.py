"""Appointments and reminders, stored on the car and exportable as iCalendar (RFC 5545).

Writes are atomic (temporary file, fsync, rename): a crash mid-write leaves the previous
list intact, so nothing the user stored is lost.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class Reminder:
    id: str
    title: str
    when: str  # ISO 8601, as the user (or the model) gave it; "" for a condition alone
    created: str
    kind: str = "reminder"  # reminder | timer | alarm
    condition: str = ""  # "arrive_home": due when the car gets home, not at a time

    def expired(self, now: datetime) -> bool:
        """Timers and alarms whose moment has passed are done; reminders stay until deleted."""
        if self.kind == "reminder" or not self.when:
            return False
        at = datetime.fromisoformat(self.when)
        return (at.replace(tzinfo=None) if at.tzinfo else at) < now


def default_path() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "smartcabin" / "reminders.json"


class ReminderStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def all(self) -> list[Reminder]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return [Reminder(**r) for r in data.get("reminders", [])]

    def add(self, title: str, when: str, kind: str = "reminder", condition: str = "") -> Reminder:
        title = " ".join(str(title).split())[:200]
        if not title:
            raise ValueError("a reminder needs a title")
        if kind not in ("reminder", "timer", "alarm"):
            raise ValueError("kind must be reminder, timer or alarm")
        if when or not condition:
            try:
                when = datetime.fromisoformat(when).isoformat()
            except (TypeError, ValueError) as exc:
                raise ValueError("when must be an ISO 8601 date and time") from exc
        item = Reminder(id=uuid.uuid4().hex, title=title, when=when, kind=kind, condition=condition,
                        created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        self._save(self.all() + [item])
        return item

    def cancel(self, kinds: tuple[str, ...]) -> int:
        """Delete every item of these kinds; how many there were."""
        items = self.all()
        keep = [r for r in items if r.kind not in kinds]
        if len(keep) != len(items):
            self._save(keep)
        return len(items) - len(keep)

    def _save(self, items: list[Reminder]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"reminders": [asdict(r) for r in items]}, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def to_ics(self) -> str:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//smartcabin//reminders//EN", "CALSCALE:GREGORIAN"]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for r in self.all():
            if not r.when:
                continue  # a condition ("when we get home") has no calendar time
            start = datetime.fromisoformat(r.when)
            dt = (start.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if start.tzinfo
                  else start.strftime("%Y%m%dT%H%M%S"))
            lines += ["BEGIN:VEVENT", f"UID:{r.id}@smartcabin", f"DTSTAMP:{stamp}", f"DTSTART:{dt}",
                      f"SUMMARY:{_escape(r.title)}", "BEGIN:VALARM", "ACTION:DISPLAY",
                      f"DESCRIPTION:{_escape(r.title)}", "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT"]
        lines.append("END:VCALENDAR")
        return "\r\n".join(_fold(l) for l in lines) + "\r\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF + space."""
    out, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


REMINDER_TOOLS = [
    {"type": "function", "function": {
        "name": "add_reminder", "description": "Store an appointment or reminder on the car.",
        "parameters": {"type": "object", "properties": {
            "title": {"type": "string"}, "when": {"type": "string", "description": "ISO 8601 date and time"}},
            "required": ["title", "when"], "additionalProperties": False}}},
    {"type": "function", "function": {
        "name": "list_reminders", "description": "List stored reminders.",
        "parameters": {"type": "object", "properties": {}, "additionalProperties": False}}},
]
