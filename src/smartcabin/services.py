"""On-board services: what the car answers or keeps itself, offline, with no vehicle signal.

The clock, timers, alarms and reminders (stored on the car), stories from the car's own
library, a caring word and an offer for a tired or unwell driver, and what the assistant
can do. Definitions are data (data/services.yaml); trigger words live in the lexicons.
A service never writes to the vehicle itself: an offer becomes intents the driver
confirms, which then pass planning and safety like any command.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from .capabilities import load_catalog
from .events import Outcome
from .datafiles import load_yaml
from .reminders import ReminderStore
from .replies import phrases
from .understanding.types import Intent

if TYPE_CHECKING:
    from .stories import Story


@dataclass(frozen=True)
class Service:
    id: str
    domain: str
    name: dict[str, str]
    description: dict[str, str]
    offer: tuple[dict[str, Any], ...] = ()


@dataclass
class ServiceResult:
    outcome: Outcome
    reply: str
    offer: list[Intent] = field(default_factory=list)  # to confirm: the assistant holds them
    handoff: bool = False  # a model, where one is configured, can do better (a new story, an unread time)


@dataclass
class StoryState:
    """A story being told in parts (two sentences at a time while driving)."""
    story: "Story"
    parts: list[str]
    next: int = 1


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    return load_yaml("smartcabin.data", "services.yaml")


@lru_cache(maxsize=1)
def load_services() -> dict[str, Service]:
    out = {}
    for sid, d in _raw().items():
        if sid == "help_domains":
            continue
        out[sid] = Service(id=sid, domain=d["domain"], name=d["name"], description=d["description"],
                           offer=tuple(d.get("offer", ())))
    return out


_WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
             "zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_ARRIVAL = {"en": re.compile(r"\b(when|once|as soon as) (we|i) (get|arrive|am|are) (back )?home\b"),
            "zh": re.compile(r"(到家|回到家|到了家)(的时候|时|以后|后)?")}
_TITLE_NOISE = {
    "en": re.compile(r"\b(remind me|set a reminder|add a reminder|create a reminder|reminder|please|to|that|about|of|i need to|i have to)\b"),
    "zh": re.compile(r"(提醒我|提醒一下|帮我|设个提醒|设置提醒|添加提醒|记得|要|去|一下|请|，|,|。)"),
}


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def _say_list(items: list[str], lang: str) -> str:
    t = phrases(lang)["services"]
    if len(items) <= 1:
        return "".join(items)
    return t["join"].join(items[:-1]) + t["last_join"] + items[-1]


def clock_time(now: datetime, lang: str) -> str:
    if lang == "zh":
        part = "上午" if now.hour < 12 else "下午" if now.hour < 18 else "晚上"
        hour = now.hour if now.hour <= 12 else now.hour - 12
        return f"{part}{hour}点{now.minute:02d}分"
    return now.strftime("%H:%M")


def clock_date(now: datetime, lang: str) -> str:
    if lang == "zh":
        return f"{now.month}月{now.day}日，{_WEEKDAYS['zh'][now.weekday()]}"
    return f"{_WEEKDAYS['en'][now.weekday()]}, {_MONTHS[now.month - 1]} {now.day}"


def help_text(lang: str) -> str:
    domains = _raw().get("help_domains", {})
    have = {c.domain for c in load_catalog().values()} | {s.domain for s in load_services().values()}
    names = [d[_lang(lang)] for key, d in domains.items() if key in have]
    return phrases(lang)["services"]["help"].format(domains=_say_list(names, lang))


def _title(text: str, lang: str, span: tuple[int, int] | None) -> str:
    if span is not None:
        text = text[:span[0]] + " " + text[span[1]:]
    text = _ARRIVAL[_lang(lang)].sub(" ", text)
    text = _TITLE_NOISE[_lang(lang)].sub(" ", text)
    return " ".join(text.split()).strip(" .?!。？！")


def warm_up() -> None:
    """Load the story library and time words at start-up, so the first story or timer a
    driver asks for is as quick as the rest (tens of ms otherwise, on that turn)."""
    from .stories import load_stories
    from .timeexpr import find_when

    load_services()
    for lang in ("zh", "en"):
        load_stories(lang)
        find_when("10 minutes" if lang == "en" else "十分钟", lang, datetime.now())


class Services:
    """Handles a service turn. One per assistant session; the store is shared on disk."""

    def __init__(self, store: ReminderStore | None = None, now: Callable[[], datetime] = datetime.now) -> None:
        self.store = store or ReminderStore()
        self.now = now
        self.story: StoryState | None = None
        self._told: set[str] = set()

    def handle(self, service_id: str, text: str, lang: str, moving: bool) -> ServiceResult:
        # the story library and time words load on the first service turn, not at start-up
        from .stories import choose, parts, topic_matched
        from .timeexpr import moment_words
        t = phrases(lang)["services"]
        now = self.now()
        low = text.lower() if lang != "zh" else text
        svc = load_services()[service_id]
        if service_id == "clock.time":
            return ServiceResult(Outcome.ANSWERED, t["time"].format(time=clock_time(now, lang)))
        if service_id == "clock.date":
            return ServiceResult(Outcome.ANSWERED, t["date"].format(date=clock_date(now, lang)))
        if service_id == "help":
            return ServiceResult(Outcome.ANSWERED, help_text(lang))
        if service_id in ("timer.set", "alarm.set", "reminder.set"):
            return self._store(service_id, text, lang, now)  # (its own reading folds case; the title keeps it)
        if service_id == "timer.cancel":
            n = self.store.cancel(kinds=("timer", "alarm"))
            return ServiceResult(Outcome.EXECUTED if n else Outcome.NO_ACTION,
                                 t["timer_cancelled"].format(n=n) if n else t["nothing_to_cancel"])
        if service_id == "reminder.list":
            items = [r for r in self.store.all() if not r.expired(now)]
            if not items:
                return ServiceResult(Outcome.ANSWERED, t["reminder_none"])
            said = [f"{r.title} {moment_words(datetime.fromisoformat(r.when), now, lang)}" if r.when else r.title
                    for r in items[:5]]
            return ServiceResult(Outcome.ANSWERED, t["reminder_list"].format(n=len(items), items=_say_list(said, lang)))
        if service_id == "story.tell":
            if not topic_matched(text, lang) and re.search(r"\babout\b|关于", low):
                # a topic the library lacks: the result stands offline, a configured model may write one
                fallback = True
            else:
                fallback = False
            story = choose(text, lang, exclude=frozenset(self._told))
            self._told.add(story.id)
            chunks = parts(story, driving=moving)
            self.story = StoryState(story, chunks) if len(chunks) > 1 else None
            return ServiceResult(Outcome.ANSWERED, self._chunk(story.title, chunks[0], len(chunks) > 1, lang),
                                 handoff=fallback)
        if service_id == "story.continue":
            return self.continue_story(lang)
        # driver state: a caring word and an offer the driver confirms
        offer = [Intent(cap=o["cap"], op=o["op"], preset=o.get("preset"),
                        seats=tuple(o["seats"]) if o.get("seats") else None,
                        slots={k: v.get(lang, v["en"]) if isinstance(v, dict) else v
                               for k, v in o.get("slots", {}).items()})
                 for o in svc.offer]
        key = "drowsy" if service_id == "driver.drowsy" else "unwell"
        return ServiceResult(Outcome.CONFIRM, t[key], offer)

    def continue_story(self, lang: str) -> ServiceResult:
        t = phrases(lang)["services"]
        s = self.story
        if s is None:
            return ServiceResult(Outcome.NO_ACTION, t["no_story"])
        chunk = s.parts[s.next]
        s.next += 1
        more = s.next < len(s.parts)
        if not more:
            self.story = None
        return ServiceResult(Outcome.ANSWERED, self._chunk(None, chunk, more, lang))

    def _chunk(self, title: str | None, chunk: str, more: bool, lang: str) -> str:
        t = phrases(lang)["services"]
        head = f"{title}{'：' if lang == 'zh' else '. '}" if title else ""
        return head + chunk + (("" if lang == "zh" else " ") + t["more"] if more else "")

    def _store(self, service_id: str, text: str, lang: str, now: datetime) -> ServiceResult:
        from .timeexpr import duration_words, find_when, moment_words
        t = phrases(lang)["services"]
        when = find_when(text, lang, now)
        if service_id == "timer.set":
            if when is None or when.duration is None:
                return ServiceResult(Outcome.CLARIFY, t["timer_how_long"])
            self.store.add(duration_words(when.duration, lang), (now + when.duration).isoformat(), kind="timer")
            return ServiceResult(Outcome.EXECUTED, t["timer_set"].format(span=duration_words(when.duration, lang)))
        at = when.moment(now) if when is not None else None
        if service_id == "alarm.set":
            if at is None:
                return ServiceResult(Outcome.CLARIFY, t["alarm_when"])
            self.store.add(moment_words(at, now, lang), at.isoformat(), kind="alarm")
            return ServiceResult(Outcome.EXECUTED, t["alarm_set"].format(moment=moment_words(at, now, lang)))
        from .timeexpr import normalize
        title = _title(normalize(text, lang), lang, when.span if when else None)
        found = text.lower().find(title) if title else -1
        title = text[found:found + len(title)] if found >= 0 else title  # as the user spelled it: "call Anna"
        home = _ARRIVAL[_lang(lang)].search(text) is not None
        if not title:
            return ServiceResult(Outcome.CLARIFY, t["reminder_what"])
        if at is None and not home:
            return ServiceResult(Outcome.CLARIFY, t["reminder_when"])
        self.store.add(title, at.isoformat() if at else "", kind="reminder", condition="arrive_home" if home and at is None else "")
        if at is None:
            return ServiceResult(Outcome.EXECUTED, t["reminder_home"].format(title=title))
        return ServiceResult(Outcome.EXECUTED, t["reminder_set"].format(moment=moment_words(at, now, lang), title=title))
