"""Tests for smartcabin.timeexpr: time words in timer, alarm and reminder requests (zh/en)."""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

try:
    from smartcabin.timeexpr import When, duration_words, find_when, moment_words, normalize
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from smartcabin.timeexpr import When, duration_words, find_when, moment_words, normalize

NOW = datetime(2026, 12, 1, 10, 0)   # a Tuesday morning
LATE = datetime(2026, 12, 1, 16, 0)  # the same Tuesday, afternoon


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


def mins(n: float) -> timedelta:
    return timedelta(minutes=n)


def check_span(text: str, w: When, words: str) -> None:
    """The span lies within the text, is what `text` says, and covers the expected time words."""
    start, end = w.span
    assert 0 <= start < end <= len(text)
    assert text[start:end] == w.text
    assert w.text == words


# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

# (request, duration, relative: at = now + duration, the time words)
EN_DURATIONS = [
    ("set a timer for 10 minutes", mins(10), False, "for 10 minutes"),
    ("timer for ten minutes", mins(10), False, "for ten minutes"),
    ("remind me in half an hour", mins(30), True, "in half an hour"),
    ("call me back in 2 hours", mins(120), True, "in 2 hours"),
    ("in an hour and a half", mins(90), True, "in an hour and a half"),
    ("count down 90 seconds", timedelta(seconds=90), False, "90 seconds"),
    ("in 1 hour 20 minutes", mins(80), True, "in 1 hour 20 minutes"),
    ("in 1 hour and 20 minutes", mins(80), True, "in 1 hour and 20 minutes"),
    ("start a 5 minute timer", mins(5), False, "5 minute"),
    ("5-minute timer", mins(5), False, "5-minute"),
    ("a quarter of an hour", mins(15), False, "a quarter of an hour"),
    ("three quarters of an hour", mins(45), False, "three quarters of an hour"),
    ("twenty five minutes", mins(25), False, "twenty five minutes"),
    ("twenty-five minutes", mins(25), False, "twenty-five minutes"),
    ("two and a half hours", mins(150), False, "two and a half hours"),
    ("in 20 minutes", mins(20), True, "in 20 minutes"),
    ("20 minutes from now", mins(20), True, "20 minutes from now"),
    ("in a minute", mins(1), True, "in a minute"),
    ("a couple of minutes", mins(2), False, "a couple of minutes"),
    ("1.5 hours", mins(90), False, "1.5 hours"),
    ("in 3 days", timedelta(days=3), True, "in 3 days"),
    ("set a second timer for 5 minutes", mins(5), False, "for 5 minutes"),
]


@pytest.mark.parametrize("text,duration,relative,words", EN_DURATIONS)
def test_english_durations(text, duration, relative, words):
    w = find_when(text, "en", NOW)
    assert w is not None
    assert w.duration == duration
    assert w.at == (NOW + duration if relative else None)
    check_span(text, w, words)


# (request, now, moment, the time words)
EN_MOMENTS = [
    ("wake me at 7", NOW, at(1, 19), "at 7"),                   # 07:00 has passed: 19:00 comes first
    ("wake me at 7 am", NOW, at(2, 7), "at 7 am"),              # passed today: tomorrow
    ("at 7:30 pm", NOW, at(1, 19, 30), "at 7:30 pm"),
    ("at 7.30 pm", NOW, at(1, 19, 30), "at 7.30 pm"),
    ("at 19:30", NOW, at(1, 19, 30), "at 19:30"),
    ("set an alarm for 6:45", NOW, at(1, 18, 45), "for 6:45"),
    ("set an alarm for 7", NOW, at(1, 19), "for 7"),
    ("lunch at noon", NOW, at(1, 12), "at noon"),
    ("at midnight", NOW, at(2, 0), "at midnight"),
    ("remind me tomorrow at 8", NOW, at(2, 8), "tomorrow at 8"),
    ("tomorrow at 8 pm", NOW, at(2, 20), "tomorrow at 8 pm"),
    ("at 8 tomorrow morning", NOW, at(2, 8), "at 8 tomorrow morning"),
    ("tomorrow morning", NOW, at(2, 9), "tomorrow morning"),
    ("tomorrow afternoon", NOW, at(2, 15), "tomorrow afternoon"),
    ("this evening", NOW, at(1, 20), "this evening"),
    ("remind me tonight", NOW, at(1, 20), "tonight"),
    ("tonight at 11", NOW, at(1, 23), "tonight at 11"),
    ("the day after tomorrow at 10am", NOW, at(3, 10), "the day after tomorrow at 10am"),
    ("on monday at 9", NOW, at(7, 9), "on monday at 9"),
    ("next friday", NOW, at(4, 9), "next friday"),
    ("on tuesday at 9", LATE, at(8, 9), "on tuesday at 9"),    # today's 09:00 has passed
    ("at 3", NOW, at(1, 15), "at 3"),                           # 15:00 today is still ahead
    ("at 3", LATE, at(2, 3), "at 3"),                           # 15:00 passed: 03:00 comes first
    ("at 12", NOW, at(1, 12), "at 12"),
    ("at seven thirty", NOW, at(1, 19, 30), "at seven thirty"),
    ("at 7 30", NOW, at(1, 19, 30), "at 7 30"),                 # as normalize_en writes it
    ("half past seven", NOW, at(1, 19, 30), "half past seven"),
    ("quarter to 8 in the morning", NOW, at(2, 7, 45), "quarter to 8 in the morning"),
    ("at ten past seven", NOW, at(1, 19, 10), "at ten past seven"),
    ("7pm", NOW, at(1, 19), "7pm"),
    ("at seven o'clock in the evening", NOW, at(1, 19), "at seven o'clock in the evening"),
    ("dec 3 at 09:00", NOW, at(3, 9), "dec 3 at 09:00"),
    ("call mum on christmas eve at 6 pm", NOW, at(24, 18), "on christmas eve at 6 pm"),
    ("tomorrow at 3", NOW, at(2, 15), "tomorrow at 3"),         # a later day: 1-5 mean p.m.
    ("tomorrow at 6", NOW, at(2, 6), "tomorrow at 6"),
    ("on the 3rd of january at 8", NOW, at(3, 8, month=1, year=2027), "on the 3rd of january at 8"),
]


@pytest.mark.parametrize("text,now,moment,words", EN_MOMENTS)
def test_english_moments(text, now, moment, words):
    w = find_when(text, "en", now)
    assert w is not None
    assert w.at == moment
    assert w.duration is None
    check_span(text, w, words)


def test_english_day_said_apart_from_the_hour():
    text = "remind me tomorrow to call mom at 5"
    w = find_when(text, "en", NOW)
    assert w.at == at(2, 17)
    check_span(text, w, "tomorrow")  # the words in between stay out of the span


# --------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------

ZH_DURATIONS = [
    ("十分钟", mins(10), False, "十分钟"),
    ("10分钟", mins(10), False, "10分钟"),
    ("半小时", mins(30), False, "半小时"),
    ("半个小时", mins(30), False, "半个小时"),
    ("一个半小时", mins(90), False, "一个半小时"),
    ("两个小时", mins(120), False, "两个小时"),
    ("两小时半", mins(150), False, "两小时半"),
    ("1小时20分钟", mins(80), False, "1小时20分钟"),
    ("一小时零五分钟", mins(65), False, "一小时零五分钟"),
    ("三十秒", timedelta(seconds=30), False, "三十秒"),
    ("一刻钟", mins(15), False, "一刻钟"),
    ("二十五分钟", mins(25), False, "二十五分钟"),
    ("倒计时五分钟", mins(5), False, "五分钟"),
    ("定个十分钟的闹钟", mins(10), False, "十分钟"),
    ("定个十分钟的计时器", mins(10), False, "十分钟"),
    ("十分钟后提醒我", mins(10), True, "十分钟后"),
    ("十分钟以后", mins(10), True, "十分钟以后"),
    ("半小时后", mins(30), True, "半小时后"),
    ("再过十分钟叫我", mins(10), True, "再过十分钟"),
    ("三天后", timedelta(days=3), True, "三天后"),
    ("１０分钟", mins(10), False, "１０分钟"),  # full-width digits
]


@pytest.mark.parametrize("text,duration,relative,words", ZH_DURATIONS)
def test_chinese_durations(text, duration, relative, words):
    w = find_when(text, "zh", NOW)
    assert w is not None
    assert w.duration == duration
    assert w.at == (NOW + duration if relative else None)
    check_span(text, w, words)


ZH_MOMENTS = [
    ("明天下午三点提醒我开会", NOW, at(2, 15), "明天下午三点"),
    ("明早八点", NOW, at(2, 8), "明早八点"),
    ("明天早上8点半", NOW, at(2, 8, 30), "明天早上8点半"),
    ("后天上午", NOW, at(3, 9), "后天上午"),
    ("后天上午十点", NOW, at(3, 10), "后天上午十点"),
    ("今晚八点", NOW, at(1, 20), "今晚八点"),
    ("今天晚上7点", NOW, at(1, 19), "今天晚上7点"),
    ("下午3点", NOW, at(1, 15), "下午3点"),
    ("下午3点", LATE, at(2, 15), "下午3点"),                 # passed today: tomorrow
    ("3点半", NOW, at(1, 15, 30), "3点半"),
    ("3点半", LATE, at(2, 3, 30), "3点半"),
    ("晚上十点一刻", NOW, at(1, 22, 15), "晚上十点一刻"),
    ("三点一刻", NOW, at(1, 15, 15), "三点一刻"),
    ("九点零五", NOW, at(1, 21, 5), "九点零五"),
    ("下午9.05", NOW, at(1, 21, 5), "下午9.05"),              # as normalize_zh writes 九点零五
    ("差五分三点", NOW, at(1, 14, 55), "差五分三点"),
    ("中午", NOW, at(1, 12), "中午"),
    ("中午一点", NOW, at(1, 13), "中午一点"),
    ("上午", LATE, at(2, 9), "上午"),
    ("下午", NOW, at(1, 15), "下午"),
    ("晚上", NOW, at(1, 20), "晚上"),
    ("今晚", NOW, at(1, 20), "今晚"),
    ("早上", NOW, at(2, 8), "早上"),
    ("明早", NOW, at(2, 8), "明早"),
    ("晚上12点", NOW, at(2, 0), "晚上12点"),
    ("明天凌晨两点", NOW, at(2, 2), "明天凌晨两点"),
    ("下周一上午九点", NOW, at(7, 9), "下周一上午九点"),
    ("下周五", NOW, at(11, 9), "下周五"),
    ("周五", NOW, at(4, 9), "周五"),
    ("星期三下午两点", NOW, at(2, 14), "星期三下午两点"),
    ("礼拜天晚上", NOW, at(6, 20), "礼拜天晚上"),
    ("12月3日9:00", NOW, at(3, 9), "12月3日9:00"),
    ("下午３：３０", NOW, at(1, 15, 30), "下午３：３０"),
    ("明天提醒我下午三点开会", NOW, at(2, 15), "明天"),
]


@pytest.mark.parametrize("text,now,moment,words", ZH_MOMENTS)
def test_chinese_moments(text, now, moment, words):
    w = find_when(text, "zh", now)
    assert w is not None
    assert w.at == moment
    assert w.duration is None
    check_span(text, w, words)


# --------------------------------------------------------------------------
# Nothing to find, impossible times, any input
# --------------------------------------------------------------------------

NONE_CASES = [
    ("", "en"), ("", "zh"), ("turn on the air conditioning", "en"), ("set temperature to 22", "en"),
    ("set the fan at 22 degrees", "en"), ("good morning", "en"), ("turn on night mode", "en"),
    ("a table for 2 people", "en"), ("at 27:00", "en"), ("at 13 pm", "en"), ("tomorrow at 25:00", "en"),
    ("feb 30", "en"), ("in 0 minutes", "en"), ("打开空调", "zh"), ("把温度调高一点", "zh"),
    ("慢一点", "zh"), ("一点点", "zh"), ("早上好", "zh"), ("下午茶", "zh"), ("晚一点提醒我", "zh"),
    ("把温度调到22度", "zh"), ("每周一次", "zh"), ("25点", "zh"), ("明天25点", "zh"), ("2月30日", "zh"),
    ("🙂🙂🙂", "en"), ("🙂🙂🙂", "zh"), ("\x00\x01\ufffd\ud800", "en"),
]


@pytest.mark.parametrize("text,lang", NONE_CASES)
def test_nothing_to_find(text, lang):
    assert find_when(text, lang, NOW) is None


def test_bad_arguments_return_none():
    assert find_when(None, "en", NOW) is None          # type: ignore[arg-type]
    assert find_when(b"at 7", "en", NOW) is None       # type: ignore[arg-type]
    assert find_when("at 7", "fr", NOW) is None
    assert find_when("at 7", None, NOW) is None        # type: ignore[arg-type]
    assert find_when("at 7", "en", None) is None       # type: ignore[arg-type]
    assert find_when("at 7", "en-US", NOW).at == at(1, 19)
    assert find_when("十分钟", "zh-CN", NOW).duration == mins(10)


def test_dates_at_the_edge_of_the_calendar_do_not_raise():
    end = datetime(9999, 12, 31, 23, 0)
    assert find_when("tomorrow at 8", "en", end) is None
    assert find_when("in 2 hours", "en", end) is None
    assert find_when("明天", "zh", end) is None
    assert find_when("in 99999999999999999999 hours", "en", NOW) is None


def test_any_input_never_raises():
    rng = random.Random(20261201)
    en = ("at on in for the a an and half quarter past to of tomorrow tonight day after morning night "
          "noon midnight monday next 7 19 :30 : 27 0 12 13 am pm o'clock minutes hour seconds ten "
          "twenty oh from now later , . - dec 3rd 31 feb").split()
    zh = list("零一二两三四五六七八九十百点半刻分钟秒小时个天后以过再差整号日月周星期上下这今明凌晨早午中晚夜里:：.0123456789")
    junk = ["\x00", "\ud800", "\U0001F600", "\u200b", "İ", "٣", "²", " "]
    nows = [NOW, LATE, datetime(2026, 12, 31, 23, 59, 59), datetime(1, 1, 1), datetime(9999, 12, 31, 23)]
    for _ in range(3000):
        lang = rng.choice(["en", "zh"])
        words = en if lang == "en" else zh
        sep = " " if lang == "en" else ""
        text = sep.join(rng.choice(words + junk) for _ in range(rng.randint(0, 8)))
        now = rng.choice(nows)
        w = find_when(text, lang, now)
        if w is not None:
            assert text[w.span[0]:w.span[1]] == w.text != ""
            assert w.at is not None or w.duration is not None
            if w.duration is not None:
                assert w.duration > timedelta(0)
                duration_words(w.duration, lang)
            if w.at is not None:
                moment_words(w.at, now, lang)


def test_long_input_is_cheap():
    start = time.perf_counter()
    assert find_when("x" * 1_000_000, "en", NOW) is None
    assert find_when("一" * 1_000_000, "zh", NOW) is None
    assert time.perf_counter() - start < 0.5
    w = find_when("remind me at 7 am " + "la " * 1000, "en", NOW)
    assert w.at == at(2, 7)


def test_a_call_takes_well_under_a_millisecond():
    requests = [("remind me tomorrow at 8 to pick up the kids", "en"),
                ("turn the temperature up to 22 degrees and open the window a bit", "en"),
                ("明天下午三点提醒我开会", "zh"), ("把空调温度调高一点然后打开车窗", "zh")]
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        for text, lang in requests:
            find_when(text, lang, NOW)
    assert (time.perf_counter() - start) / (n * len(requests)) < 0.001


# --------------------------------------------------------------------------
# Saying it back
# --------------------------------------------------------------------------

@pytest.mark.parametrize("d,lang,words", [
    (mins(10), "en", "10 minutes"),
    (mins(90), "en", "1 hour 30 minutes"),
    (mins(60), "en", "1 hour"),
    (mins(1), "en", "1 minute"),
    (timedelta(seconds=90), "en", "1 minute 30 seconds"),
    (timedelta(days=2, hours=3), "en", "2 days 3 hours"),
    (timedelta(0), "en", "0 seconds"),
    (mins(10), "zh", "10分钟"),
    (mins(90), "zh", "1小时30分钟"),
    (timedelta(seconds=30), "zh", "30秒"),
    (timedelta(days=1), "zh", "1天"),
])
def test_duration_words(d, lang, words):
    assert duration_words(d, lang) == words


@pytest.mark.parametrize("moment,lang,words", [
    (at(1, 15), "en", "today at 15:00"),
    (at(2, 8, 30), "en", "tomorrow at 08:30"),
    (at(3, 9), "en", "Dec 3 at 09:00"),
    (at(5, 9, month=1, year=2027), "en", "Jan 5, 2027 at 09:00"),
    (at(1, 15), "zh", "今天15:00"),
    (at(2, 8, 30), "zh", "明天上午8:30"),
    (at(3, 15), "zh", "后天下午3:00"),
    (at(2, 20, 15), "zh", "明天晚上8:15"),
    (at(3, 12, month=12), "zh", "后天中午12:00"),
    (at(4, 9), "zh", "12月4日9:00"),
    (at(5, 9, month=1, year=2027), "zh", "2027年1月5日9:00"),
])
def test_moment_words(moment, lang, words):
    assert moment_words(moment, NOW, lang) == words


@pytest.mark.parametrize("moment", [at(1, 15), at(2, 8, 30), at(3, 15), at(4, 9), at(2, 20, 15)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moment_words_read_back(moment, lang):
    said = moment_words(moment, NOW, lang)
    assert find_when(said.lower(), lang, NOW).at == moment


def test_normalize_keeps_the_span():
    for text, lang in [("下午３：３０提醒我", "zh"), ("Remind me AT 7 PM", "en")]:
        w = find_when(text, lang, NOW)
        assert len(normalize(text, lang)) == len(text)
        assert normalize(text, lang)[w.span[0]:w.span[1]] in ("下午3:30", "at 7 pm")
