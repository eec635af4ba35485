"""Time expressions in timer, alarm and reminder requests, in Chinese and English, offline.

:func:`find_when` finds the first time expression in a request and resolves it against
``now``: a span ("ten minutes", 半个小时), an absolute moment ("tomorrow at 8", 明天下午三点)
or both for relative moments ("in 20 minutes", 十分钟后).  :func:`duration_words` and
:func:`moment_words` say a span or a moment back to the driver; :func:`normalize` gives
the text as it is read, character for character, for callers that cut a span out of it.

Every regular expression is compiled at import time; a call is one ``finditer`` over the
text plus a little arithmetic, a few tens of microseconds for a spoken request.

Ambiguous hours ("at 3", 三点半, with no am/pm and no part of day) resolve to the first
such moment after ``now`` when no day is named; on a named later day, 1-5 mean p.m.
(people rarely book 1-5 a.m.) and 6-12 are taken as said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

__all__ = ["When", "find_when", "duration_words", "moment_words", "normalize"]


@dataclass(frozen=True)
class When:
    """A time expression found in a request."""

    at: datetime | None          # an absolute moment (naive local time), for alarms/reminders
    duration: timedelta | None   # a span, for timers ("ten minutes")
    span: tuple[int, int]        # start/end index of the matched time words in the text given
    text: str                    # the matched words

    def moment(self, now: datetime) -> datetime | None:
        """The moment meant: the one named, or a span from now ("in half an hour")."""
        return self.at or (now + self.duration if self.duration else None)


# A spoken request is far shorter than this; the cap bounds the cost of pasted or garbage input.
_MAX_CHARS = 1000
_MAX_DURATION = timedelta(days=400)
_DEFAULT_TIME = (9, 0)  # a day named without an hour ("tomorrow", 周五)
# How far apart a day and an hour may be said and still be read together
# ("remind me tomorrow to call mom at 5", 明天提醒我下午三点开会).
_MAX_SPLIT_GAP = 24

_FULLWIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")


def _ungroup(pattern: str) -> str:
    """The pattern with its named groups made anonymous, to embed it in a larger one."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

_EN_ONES = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}
_EN_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
                "saturday": 5, "sunday": 6}
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_EN_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                  "Nov", "Dec")

_ONES_W = "one|two|three|four|five|six|seven|eight|nine"
_TEENS_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_W = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMW = rf"(?:(?:{_TENS_W})(?:[\s-](?:{_ONES_W}))?|{_TEENS_W}|{_ONES_W}|zero)(?![a-z])"
_EN_NUM = rf"(?:[0-9]+(?:\.[0-9]+)?|{_NUMW}|(?:a\s+)?couple(?:\s+of)?)"
_UNITS = r"(?:days?|hours?|hrs?|h|minutes?|mins?|seconds?|secs?)(?![a-z])"
_HALF = r"\s+and\s+a\s+half(?![a-z])"

# One term of a span; the named groups are read by _en_duration, the master regex embeds
# it anonymously.  "a"/"an" never goes with seconds: "a second timer" is not one second.
_EN_PIECE = (
    rf"(?P<half>(?:a\s+|one\s+)?half\s+(?:an?\s+)?(?P<hu>{_UNITS}))"
    rf"|(?P<qn>(?:a|one|two|three)\s+)?quarters?\s+(?:of\s+)?(?:an?\s+)?(?:hour|hr)(?![a-z])"
    rf"|(?P<n>{_EN_NUM})(?P<ah1>{_HALF})?[\s-]*(?P<u>{_UNITS})(?P<ah2>{_HALF})?"
    rf"|(?P<a>an?)\s+(?P<au>(?:days?|hours?|hrs?|minutes?|mins?)(?![a-z]))(?P<ah3>{_HALF})?"
)
_EN_PIECE_RE = re.compile(_EN_PIECE, re.I)
_EN_DUR = rf"(?:{_ungroup(_EN_PIECE)})(?:\s*,?\s*(?:and\s+)?(?:{_ungroup(_EN_PIECE)}))*"

_AMPM = r"(?:[ap]\.?\s?m\.?)(?![a-z])"
_HOURW = rf"(?:ten|eleven|twelve|{_ONES_W})(?![a-z])"
_EN_H = rf"(?:[0-9]{{1,2}}(?![0-9])|{_HOURW})"
_MINW = (rf"(?:(?:oh|o|zero)[\s-](?:{_ONES_W})|(?:twenty|thirty|forty|fifty)(?:[\s-](?:{_ONES_W}))?"
         rf"|{_TEENS_W})(?![a-z])")
# "at 22 degrees", "at 5 percent": a number with a unit after it is not an hour.
_NOT_A_UNIT = (r"(?!\s*(?:degrees?|°|%|percent|per\b|km|kph|mph|miles?|meters?|metres?|feet|"
               r"minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|times|people|persons?|"
               r"point|of\b|more|another|least|once)|[.,][0-9])")
_MONTHS_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_WEEKDAYS_RE = "|".join(_EN_WEEKDAYS)

_EN_ATOMS = (
    r"(?<![a-z0-9])(?:"
    # days
    r"(?P<d_dat>(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw?))(?![a-z])"
    r"|(?P<d_word>today|tonight|tomorrow|tmrw|tmr)(?![a-z])"
    r"|this\s+(?P<d_this>morning|afternoon|evening)(?![a-z])"
    rf"|(?:on\s+)?(?:(?P<d_wkm>this\s+coming|this|next|coming)\s+)?(?P<d_wk>{_WEEKDAYS_RE})s?(?![a-z])"
    r"|(?:on\s+)?(?P<d_hol>christmas\s+eve|christmas(?:\s+day)?|new\s+year['’]?s\s+eve|new\s+year['’]?s(?:\s+day)?)(?![a-z])"
    rf"|(?:on\s+)?(?:(?P<d_mo1>{_MONTHS_RE})\s+(?:the\s+)?(?P<d_md1>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?:the\s+)?(?P<d_md2>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<d_mo2>{_MONTHS_RE}))(?![a-z0-9])"
    # spans
    r"|(?P<s_pre>(?:in|after|within|for)\s+(?:about\s+|around\s+|another\s+|just\s+|roughly\s+)?)?"
    rf"(?P<s_dur>{_EN_DUR})(?P<s_suf>\s+(?:from\s+now|later|hence)(?![a-z]))?"
    # clock: half past seven, quarter to 8, at ten past seven
    rf"|(?:(?:at|by|around)\s+)?(?P<c_q>half|(?:a\s+)?quarter)\s+(?P<c_qd>past|after|to|till|til)\s+"
    rf"(?P<c_qh>{_EN_H})(?:\s*(?P<c_qap>{_AMPM}))?"
    rf"|(?:at|by|around)\s+(?P<c_n>[0-9]{{1,2}}|{_NUMW})(?:\s+minutes?)?\s+(?P<c_nd>past|after|to|till|til)\s+"
    rf"(?P<c_nh>{_EN_H})(?:\s*(?P<c_nap>{_AMPM}))?"
    # clock: noon, midnight
    r"|(?:(?:at|by|around|until|till|before)\s+)?(?:12\s+)?(?P<c_noon>noon|midday|midnight)(?![a-z])"
    # clock: at 7, at 7:30 pm, at seven thirty, at 7 30 (as normalize_en writes it)
    rf"|(?:at|by|around|until|till|before)\s+(?:about\s+|around\s+)?(?P<c_ah>{_EN_H})"
    rf"(?:[:.](?P<c_am>[0-9]{{2}})(?![0-9])|\s+(?P<c_am2>[0-9]{{2}})(?![0-9])|\s+(?P<c_amw>{_MINW}))?"
    rf"(?:\s*(?P<c_aap>{_AMPM}))?(?:\s*o['’]?clock)?{_NOT_A_UNIT}(?![0-9:])"
    # clock: an alarm for 7 (only at the end of a clause, so "for 2 people" stays a count)
    rf"|for\s+(?P<c_fh>{_EN_H})(?:[:.](?P<c_fm>[0-9]{{2}}))?"
    r"(?=\s*$|\s*[,.!?;]|\s+(?:tomorrow|tonight|today|on|this|next|in\s+the|please|every)(?![a-z]))"
    # clock: 7pm, 7:30 am, 19:30, seven o'clock
    rf"|(?P<c_ph>{_EN_H})(?:[:.](?P<c_pm>[0-9]{{2}}))?\s*(?P<c_pap>{_AMPM})"
    rf"|(?P<c_ch>[0-9]{{1,2}}):(?P<c_cm>[0-9]{{2}})(?![0-9:])(?:\s*(?P<c_cap>{_AMPM}))?"
    rf"|(?P<c_oh>{_EN_H})\s*o['’]?clock(?![a-z])"
    # parts of the day; bare ones ("good morning", "night mode") only count next to a day or hour
    r"|(?P<p_pre>in\s+the\s+|at\s+)?(?P<p_en>morning|afternoon|evening|night)(?![a-z])"
    r")"
)
_EN_RE = re.compile(_EN_ATOMS, re.I)
_EN_GAP = re.compile(r"(?:[\s,]|at\b|on\b|in\s+the\b|around\b|about\b|by\b)*", re.I)
_EN_SPLIT = re.compile(r"[\s-]+")

_EN_PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
             "night": "night"}


def _en_number(s: str) -> float | None:
    s = s.strip().lower()
    if not s:
        return None
    if s[0] in "0123456789":
        return float(s)
    if "couple" in s:
        return 2.0
    if s in ("a", "an"):
        return 1.0
    total = 0
    for w in _EN_SPLIT.split(s):
        if w in _EN_TENS:
            total += _EN_TENS[w]
        elif w in _EN_ONES:
            total += _EN_ONES[w]
        else:
            return None
    return float(total)


_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def _en_duration(s: str) -> timedelta | None:
    seconds = 0.0
    for m in _EN_PIECE_RE.finditer(s):
        if m.group("half"):
            seconds += 0.5 * _UNIT_SECONDS[m.group("hu")[0].lower()]
        elif m.group("n") is not None:
            n = _en_number(m.group("n"))
            if n is None:
                return None
            if m.group("ah1") or m.group("ah2"):
                n += 0.5
            seconds += n * _UNIT_SECONDS[m.group("u")[0].lower()]
        elif m.group("a") is not None:
            n = 1.5 if m.group("ah3") else 1.0
            seconds += n * _UNIT_SECONDS[m.group("au")[0].lower()]
        else:  # quarter of an hour
            qn = (m.group("qn") or "a").strip().lower()
            seconds += {"a": 1, "one": 1, "two": 2, "three": 3}[qn] * 900
    return timedelta(seconds=round(seconds))


def _en_minutes(digits: str | None, words: str | None) -> int | None:
    if digits is not None:
        return int(digits)
    if words is not None:
        n = _en_number(words)
        return None if n is None else int(n)
    return 0


def _ampm(s: str | None) -> str | None:
    return None if not s else s.strip()[0].lower()


def _en_atom(m: re.Match) -> _Atom:
    g = m.groupdict()
    a = _Atom(m.start(), m.end())
    if g["d_dat"]:
        a.day = ("off", 2)
    elif g["d_word"]:
        w = g["d_word"].lower()
        a.day = ("off", 0 if w in ("today", "tonight") else 1)
        if w == "tonight":
            a.part = "night"
    elif g["d_this"]:
        a.day, a.part = ("off", 0), _EN_PARTS[g["d_this"].lower()]
    elif g["d_wk"]:
        mode = (g["d_wkm"] or "").lower()
        a.day = ("wk", _EN_WEEKDAYS[g["d_wk"].lower()], "next" if mode == "next" else "roll")
    elif g["d_hol"]:
        hol = g["d_hol"].lower()
        month, dom = (12, 24) if "christmas" in hol and "eve" in hol else (
            (12, 25) if "christmas" in hol else ((12, 31) if "eve" in hol else (1, 1)))
        a.day = ("date", None, month, dom)
    elif g["d_mo1"] or g["d_mo2"]:
        month = _EN_MONTHS[(g["d_mo1"] or g["d_mo2"]).lower()]
        a.day = ("date", None, month, int(g["d_md1"] or g["d_md2"]))
    elif g["s_dur"]:
        a.dur = _en_duration(g["s_dur"])
        pre = (g["s_pre"] or "").lstrip().lower()
        a.rel = bool(g["s_suf"]) or (bool(pre) and not pre.startswith("for"))
        if a.dur is None:
            a.invalid = True
    elif g["c_q"] or g["c_n"]:
        if g["c_q"]:
            q, direction, hour, ap = g["c_q"].lower(), g["c_qd"], g["c_qh"], g["c_qap"]
            minutes = 30 if q == "half" else 15
        else:
            n = _en_number(g["c_n"])
            minutes, direction, hour, ap = (int(n) if n is not None else 99), g["c_nd"], g["c_nh"], g["c_nap"]
        h = _en_number(hour)
        if h is None or not 0 < minutes < 60 or not 1 <= h <= 12:
            a.invalid = True
        elif direction.lower() in ("past", "after"):
            a.clock = (int(h), minutes, _ampm(ap), False, None)
        else:  # quarter to 8 is 7:45
            a.clock = (int(h) - 1 or 12, 60 - minutes, _ampm(ap), False, None)
    elif g["c_noon"]:
        a.clock = (0, 0, None, True, "midnight" if g["c_noon"].lower() == "midnight" else "noon")
    elif g["c_ah"]:
        a.clock = _en_clock(g["c_ah"], _en_minutes(g["c_am"] or g["c_am2"], g["c_amw"]), g["c_aap"])
    elif g["c_fh"]:
        a.clock = _en_clock(g["c_fh"], _en_minutes(g["c_fm"], None), None)
    elif g["c_ph"]:
        a.clock = _en_clock(g["c_ph"], _en_minutes(g["c_pm"], None), g["c_pap"])
    elif g["c_ch"]:
        a.clock = _en_clock(g["c_ch"], int(g["c_cm"]), g["c_cap"])
    elif g["c_oh"]:
        a.clock = _en_clock(g["c_oh"], 0, None)
    elif g["p_en"]:
        a.part = _EN_PARTS[g["p_en"].lower()]
        a.weak = not g["p_pre"]
    if a.clock is None and (g["c_ah"] or g["c_fh"] or g["c_ph"] or g["c_ch"] or g["c_oh"]):
        a.invalid = True
    return a


def _en_clock(hour: str, minute: int | None, ap: str | None) -> tuple | None:
    h = _en_number(hour)
    if h is None or minute is None:
        return None
    # "08:30" and "19:30" are 24-hour times; "8:30" alone is not
    h24 = hour[0] == "0" and len(hour) == 2
    return (int(h), minute, _ampm(ap), h24, None)


# --------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------

_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNIT = {"十": 10, "百": 100}
_ZD = "零〇一二两三四五六七八九"
_ZN = rf"(?:[0-9]+(?:\.[0-9]+)?|[{_ZD}十百]+)"
_ZNB = rf"(?<![0-9{_ZD}十百千万.])"  # a numeral starts here, not inside a longer one

_ZH_H = rf"(?:{_ZN}个?半?个?(?:小时|钟头)半?|半个?(?:小时|钟头))"
_ZH_S = rf"(?:{_ZN}秒钟?|半秒钟?)"
_ZH_M_AFTER_H = rf"(?:{_ZN}(?:分钟?|刻钟))"
_ZH_DUR = (
    rf"(?:{_ZN}天(?:零?{_ZH_H})?(?:零?{_ZH_M_AFTER_H})?(?:零?{_ZH_S})?"
    rf"|{_ZH_H}(?:零?{_ZH_M_AFTER_H})?(?:零?{_ZH_S})?"
    rf"|(?:{_ZN}分钟|半分钟|{_ZN}刻钟)(?:零?{_ZH_S})?"
    rf"|{_ZH_S})"
)
_ZH_PIECE_RE = re.compile(
    rf"(?P<n>{_ZN})?个?(?P<h1>半)?个?(?P<u>小时|钟头|分钟|分|刻钟|秒钟|秒|天)(?P<h2>半)?")
_ZH_UNIT_SECONDS = {"小时": 3600, "钟头": 3600, "分钟": 60, "分": 60, "刻钟": 900,
                    "秒钟": 1, "秒": 1, "天": 86400}

_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
               "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_ZH_DAYS = {"今天": 0, "今日": 0, "今儿": 0, "今儿个": 0, "明天": 1, "明日": 1, "明儿": 1,
            "明儿个": 1, "后天": 2, "大后天": 3}
_ZH_DAYPARTS = {"今早": (0, "early"), "今晨": (0, "early"), "今晚": (0, "evening"),
                "今夜": (0, "evening"), "明早": (1, "early"), "明晨": (1, "early"),
                "明晚": (1, "evening"), "明夜": (1, "evening")}
_ZH_PARTS = {"凌晨": "dawn", "清晨": "early", "早晨": "early", "早上": "early", "早": "early",
             "上午": "forenoon", "中午": "noon", "正午": "noon", "下午": "afternoon",
             "傍晚": "dusk", "晚上": "evening", "晚间": "evening", "夜晚": "evening",
             "晚": "evening", "夜里": "small_hours", "夜间": "small_hours",
             "半夜": "small_hours", "深夜": "small_hours"}
_ZH_MNUM = rf"(?:[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}})"
# Characters before a bare 一点/两点 that make it "a bit" (高一点, 快一点), not one o'clock.
_ZH_A_BIT_BEFORE = frozenset("高低大小快慢多少轻重远近亮暗冷热强弱长短深浅松紧宽窄细粗暖凉些有差早晚再稍")

_ZH_ATOMS = (
    # 12月3日, 2027年12月3日
    rf"(?:(?P<z_y>[0-9]{{4}})年)?(?<![0-9])(?P<z_mo>{_ZH_MNUM})月(?P<z_md>{_ZH_MNUM})(?:日|号|號)"
    # 下周一, 星期三, 礼拜天 (but not 一周一次)
    r"|(?P<z_wkp>下下个?|下个?|这个?|本|上个?)?(?:周|星期|礼拜|禮拜)(?P<z_wd>[一二三四五六日天1-7])(?![次遍回趟])"
    r"|(?P<z_dp>今早|今晨|今晚|今夜|明早|明晨|明晚|明夜)"
    r"|(?P<z_day>大后天|后天|明天|明日|明儿个?|今天|今日|今儿个?)"
    # spans: 十分钟, 一个半小时, 1小时20分钟, 过十分钟, 半小时后
    rf"|(?:(?<![超经通不错路度难])(?P<z_pre>再过|过))?{_ZNB}(?P<z_dur>{_ZH_DUR})(?P<z_suf>以后|之后|过后|后)?"
    # clock: 三点, 3点半, 十点一刻, 九点零五, 八点整, 8点30分, 差五分三点, 三点差五分
    rf"|(?:差(?P<z_to1>{_ZH_MNUM}分钟?|[一三]刻))?(?<![第0-9{_ZD}十百千万.])(?P<z_h>[0-9]{{1,2}}|[{_ZD}十]{{1,3}})"
    rf"(?:点|點|时|時)(?:钟|鐘)?"
    rf"(?:(?P<z_half>半)|(?P<z_q>[一三]刻)(?!钟)|(?P<z_zheng>整)|差(?P<z_to2>{_ZH_MNUM}分钟?|[一三]刻)"
    rf"|(?P<z_mp>过|零)?(?P<z_m>[0-9]{{1,2}}|[{_ZD}十]{{1,3}})(?P<z_f>分钟?)?"
    rf"(?![0-9{_ZD}十百个只次度倍号月年天秒岁刻小%]))?"
    r"|(?<![0-9])(?P<z_ch>[0-9]{1,2}):(?P<z_cm>[0-9]{2})(?![0-9])"
    # 9.05, as normalize_zh writes 九点零五; only read next to a day or part of day
    r"|(?<![0-9.])(?P<z_dh>[0-9]{1,2})\.(?P<z_dm>[0-9]{2})(?![0-9.])"
    r"|(?P<z_mid>午夜)"
    # parts of the day (not 早上好, 下午茶, 中午饭); bare 早/晚 only before an hour (早8点, not 早点)
    r"|(?P<z_p>凌晨|清晨|早晨|早上|上午|中午|正午|下午|傍晚|晚上|晚间|夜晚|夜里|夜间|半夜|深夜)(?![好茶饭餐])"
    r"|(?P<z_p1>早|晚)(?=[02-9]|1[0-9]|[二两三四五六七八九十])"
)
_ZH_RE = re.compile(_ZH_ATOMS)
_ZH_GAP = re.compile(r"[\s,，、的在]*")


def _zh_int(s: str) -> float | None:
    if not s:
        return None
    if s[0] in "0123456789":
        return float(s)
    if not any(c in _ZH_UNIT for c in s):
        value = 0
        for c in s:  # 零五 -> 5, 二五 -> 25
            value = value * 10 + _ZH_DIGIT[c]
        return float(value)
    total = current = 0
    for c in s:
        if c in _ZH_UNIT:
            total += (current or 1) * _ZH_UNIT[c]
            current = 0
        else:
            current = _ZH_DIGIT[c]
    return float(total + current)


def _zh_duration(s: str) -> timedelta | None:
    seconds = 0.0
    for m in _ZH_PIECE_RE.finditer(s):
        n = _zh_int(m.group("n")) if m.group("n") else 0.0
        if n is None:
            return None
        if m.group("h1") or m.group("h2"):
            n += 0.5
        elif not m.group("n"):
            n = 1.0
        seconds += n * _ZH_UNIT_SECONDS[m.group("u")]
    return timedelta(seconds=round(seconds))


def _zh_atom(m: re.Match, text: str) -> _Atom:
    g = m.groupdict()
    a = _Atom(m.start(), m.end())
    if g["z_mo"]:
        month, day = _zh_int(g["z_mo"]), _zh_int(g["z_md"])
        a.day = ("date", int(g["z_y"]) if g["z_y"] else None, int(month), int(day))
    elif g["z_wd"]:
        prefix = (g["z_wkp"] or "").rstrip("个")
        week = {"": None, "这": 0, "本": 0, "下": 1, "下下": 2, "上": -1}[prefix]
        wd = _ZH_WEEKDAY[g["z_wd"]]
        a.day = ("wk", wd, "roll") if week is None else ("week", wd, week)
    elif g["z_dp"]:
        offset, part = _ZH_DAYPARTS[g["z_dp"]]
        a.day, a.part = ("off", offset), part
    elif g["z_day"]:
        a.day = ("off", _ZH_DAYS[g["z_day"]])
    elif g["z_dur"]:
        a.dur = _zh_duration(g["z_dur"])
        a.rel = bool(g["z_pre"] or g["z_suf"])
        if a.dur is None:
            a.invalid = True
    elif g["z_h"]:
        h = _zh_int(g["z_h"])
        to = g["z_to1"] or g["z_to2"]
        if to:
            before_by = {"一刻": 15, "三刻": 45}.get(to) or int(_zh_int(to.rstrip("分钟")))
            h, minute = ((h or 24) - 1 or 12, 60 - before_by) if 0 < before_by < 60 else (h, 99)
        elif g["z_half"]:
            minute = 30
        elif g["z_q"]:
            minute = 15 if g["z_q"][0] == "一" else 45
        elif g["z_m"]:
            minute = int(_zh_int(g["z_m"]))
        else:
            minute = 0
        a.clock = (int(h), minute, None, g["z_h"][0] == "0" and len(g["z_h"]) == 2, None)
        if not (g["z_half"] or g["z_q"] or g["z_m"] or g["z_zheng"] or to):
            # 高一点, 一点点, 一点五: a bare hour that reads as "a bit" or a decimal
            before = text[m.start() - 1] if m.start() > 0 else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if before in _ZH_A_BIT_BEFORE or (after and (after in "点儿些也都" or after in _ZD
                                                          or after in "0123456789")):
                a.weak = True
        elif g["z_m"] and len(g["z_m"]) == 1 and g["z_m"] in _ZD and not (g["z_mp"] or g["z_f"]):
            a.weak = True  # 一点五 is more likely 1.5 than 1:05
    elif g["z_ch"]:
        a.clock = (int(g["z_ch"]), int(g["z_cm"]), None, g["z_ch"][0] == "0", None)
    elif g["z_dh"]:
        a.clock = (int(g["z_dh"]), int(g["z_dm"]), None, g["z_dh"][0] == "0", None)
        a.weak = True
    elif g["z_mid"]:
        a.clock = (0, 0, None, True, "midnight")
    elif g["z_p"] or g["z_p1"]:
        a.part = _ZH_PARTS[g["z_p"] or g["z_p1"]]
    return a


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------

# part of day -> (time when no hour is said, how an hour 1-12 said with it is read)
_PART_RULES = {
    "dawn": (None, "am"),           # 凌晨
    "early": ((8, 0), "asis"),      # 早上, 明早
    "forenoon": ((9, 0), "asis"),   # 上午
    "morning": ((9, 0), "am"),      # morning
    "noon": ((12, 0), "noon"),      # 中午
    "afternoon": ((15, 0), "pm"),
    "dusk": ((18, 0), "pm"),        # 傍晚
    "evening": ((20, 0), "evening"),
    "night": ((20, 0), "night"),    # night, tonight
    "small_hours": (None, "night"),  # 夜里, 半夜: needs an hour
}


class _Atom:
    __slots__ = ("start", "end", "day", "part", "clock", "dur", "rel", "weak", "invalid")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.day = self.part = self.clock = self.dur = None
        self.rel = self.weak = self.invalid = False


def _part_hour(rule: str, h: int) -> tuple[int, int]:
    """(hour, days to add when a day was named) for an hour 1-12 said with a part of day."""
    if rule == "am":
        return (0 if h == 12 else h), 0
    if rule == "noon":
        return (h + 12 if 1 <= h <= 5 else h), 0
    if rule == "pm":
        return (h + 12 if h < 12 else h), 0
    if rule == "evening":
        return (0, 1) if h == 12 else (h + 12, 0)
    if rule == "night":  # the small hours belong to the night before: 今天夜里两点 is tomorrow
        if h == 12:
            return 0, 1
        return (h, 1) if h <= 5 else (h + 12, 0)
    return h, 0


def _first_after(now: datetime, moments: list[datetime]) -> datetime:
    later = [m for m in moments if m > now]
    return min(later) if later else max(moments)


def _resolve(day: tuple | None, part: str | None, clock: tuple | None, now: datetime) -> datetime | None:
    today = now.date()
    shift = 0            # days to add after the named day (midnight, 今晚十二点)
    ambiguous = False    # an hour 1-12 without am/pm or part of day
    if clock is not None:
        h, mi, ap, h24, special = clock
        if not 0 <= mi <= 59:
            return None
        if special == "midnight":
            hh, shift = 0, 1
        elif special == "noon":
            hh = 12
        elif ap:
            if not 1 <= h <= 12:
                return None
            hh = h % 12 + (12 if ap == "p" else 0)
        elif h24 or h == 0 or h >= 13:
            if h == 24 and mi == 0:
                hh, shift = 0, 1
            elif h > 23:
                return None
            else:
                hh = h
        elif part is not None:
            hh, shift = _part_hour(_PART_RULES[part][1], h)
        else:
            hh, ambiguous = h, True
    elif part is not None:
        default = _PART_RULES[part][0]
        if default is None:
            return None
        hh, mi = default
    else:
        hh, mi = _DEFAULT_TIME

    if day is None:
        if ambiguous:
            base = [datetime.combine(today, time(h % 12, mi)), datetime.combine(today, time(h % 12 + 12, mi))]
            return _first_after(now, base + [m + timedelta(days=1) for m in base])
        at = datetime.combine(today, time(hh, mi))
        return at if at > now else at + timedelta(days=1)

    said_today = day == ("off", 0)

    def on(d: date) -> datetime:
        if ambiguous:
            if said_today:
                return _first_after(now, [datetime.combine(d, time(h % 12, mi)),
                                          datetime.combine(d, time(h % 12 + 12, mi))])
            return datetime.combine(d, time(h + 12 if h <= 5 else h, mi))
        return datetime.combine(d, time(hh, mi)) + timedelta(days=shift)

    kind = day[0]
    if kind == "off":
        return on(today + timedelta(days=day[1]))
    if kind == "date":
        _, year, month, dom = day
        at = on(date(year or today.year, month, dom))
        if year is None and at < now:
            at = on(date(today.year + 1, month, dom))
        return at
    if kind == "week":  # 下周一: the Monday of next week
        monday = today - timedelta(days=today.weekday())
        return on(monday + timedelta(days=7 * day[2] + day[1]))
    # a weekday alone: the next one; today's only if the moment is still ahead
    delta = (day[1] - today.weekday()) % 7
    if day[2] == "next" and delta == 0:
        delta = 7
    at = on(today + timedelta(days=delta))
    if delta == 0 and at <= now:
        at = on(today + timedelta(days=7))
    return at


def _moment(cluster: list[_Atom], now: datetime) -> datetime | None:
    day = part = clock = None
    weak_clock = False
    for a in cluster:
        if a.invalid:
            return None
        day = day or a.day
        part = part or a.part
        if a.clock is not None:
            clock, weak_clock = a.clock, a.weak
    strong_part = any(a.part is not None and not a.weak for a in cluster)
    if day is None and not strong_part:
        if clock is None or (weak_clock and part is None):
            return None
    return _resolve(day, part, clock, now)


def _clusters(atoms: list[_Atom], text: str, gap_re: re.Pattern) -> list[list[_Atom]]:
    """Moment atoms said together (明天 下午 三点, "at 8 tomorrow morning") grouped."""
    out: list[list[_Atom]] = []
    for a in atoms:
        if a.dur is not None:
            out.append([a])
            continue
        last = out[-1] if out else None
        if (last and last[-1].dur is None and gap_re.fullmatch(text, last[-1].end, a.start)
                and not any((a.day and b.day) or (a.part and b.part) or (a.clock and b.clock)
                            for b in last)):
            last.append(a)
        else:
            out.append([a])
    return out


def _atoms(text: str, lang: str) -> list[_Atom]:
    if lang == "zh":
        return [_zh_atom(m, text) for m in _ZH_RE.finditer(text)]
    return [_en_atom(m) for m in _EN_RE.finditer(text)]


def find_when(text: str, lang: str, now: datetime) -> When | None:
    """The first time expression in ``text`` ("zh" or "en"), resolved against ``now``; None if none."""
    if not isinstance(text, str) or not isinstance(lang, str) or not isinstance(now, datetime):
        return None
    lang = lang[:2].lower()
    if lang not in ("zh", "en"):
        return None
    text = text[:_MAX_CHARS]
    scan = text.translate(_FULLWIDTH) if lang == "zh" else text  # same length, so spans hold
    gap_re = _ZH_GAP if lang == "zh" else _EN_GAP
    try:
        clusters = _clusters(_atoms(scan, lang), scan, gap_re)
        for i, cluster in enumerate(clusters):
            first = cluster[0]
            if first.dur is not None:
                if first.invalid or not timedelta(0) < first.dur <= _MAX_DURATION:
                    continue
                at = now + first.dur if first.rel else None
                return When(at, first.dur, (first.start, first.end), text[first.start:first.end])
            # a day said apart from its hour: "tomorrow ... at 5", 明天提醒我下午三点
            nxt = clusters[i + 1] if i + 1 < len(clusters) else None
            if (nxt and all(a.day is not None and a.clock is None and a.part is None for a in cluster)
                    and nxt[0].dur is None and all(a.day is None for a in nxt)
                    and nxt[0].start - cluster[-1].end <= _MAX_SPLIT_GAP
                    and not any(c in ".!?;。！？；\n" for c in scan[cluster[-1].end:nxt[0].start])):
                at = _moment(cluster + nxt, now)
                if at is not None:
                    # the span stays on the day words: covering the words between would
                    # swallow what the reminder is about
                    return When(at, None, (first.start, cluster[-1].end), text[first.start:cluster[-1].end])
            at = _moment(cluster, now)
            if at is not None:
                return When(at, None, (first.start, cluster[-1].end), text[first.start:cluster[-1].end])
    except (ValueError, OverflowError):  # 2月30日, a date past year 9999
        return None
    return None


def normalize(text: str, lang: str) -> str:
    """The text as :func:`find_when` reads it (full-width digits to ASCII, English lower-cased).

    Character for character the same length, so a :class:`When` span indexes it too.
    """
    if not isinstance(text, str):
        return ""
    if isinstance(lang, str) and lang[:2].lower() == "zh":
        return text.translate(_FULLWIDTH)
    low = text.lower()
    return low if len(low) == len(text) else text


# --------------------------------------------------------------------------
# Saying it back
# --------------------------------------------------------------------------

def duration_words(d: timedelta, lang: str) -> str:
    """A span as the assistant says it: "1 hour 30 minutes" / "1小时30分钟"."""
    total = abs(round(d.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "day", "天"), (hours, "hour", "小时"), (minutes, "minute", "分钟"),
             (seconds, "second", "秒")]
    said = [(n, en, zh) for n, en, zh in parts if n] or [(0, "second", "秒")]
    if str(lang)[:2].lower() == "zh":
        return "".join(f"{n}{zh}" for n, _, zh in said)
    return " ".join(f"{n} {en}{'' if n == 1 else 's'}" for n, en, _ in said)


def _zh_clock12(t: datetime) -> str:
    h = t.hour
    if h < 6:
        part = "凌晨"
    elif h < 12:
        part = "上午"
    elif h == 12:
        part = "中午"
    elif h < 18:
        part, h = "下午", h - 12
    else:
        part, h = "晚上", h - 12
    return f"{part}{h}:{t.minute:02d}"


def moment_words(at: datetime, now: datetime, lang: str) -> str:
    """A moment as the assistant says it, relative to ``now``: "tomorrow at 08:30" / "明天上午8:30"."""
    days = (at.date() - now.date()).days
    if str(lang)[:2].lower() == "zh":
        if days == 0:
            return f"今天{at.hour}:{at.minute:02d}"
        if days in (1, 2):
            return ("明天" if days == 1 else "后天") + _zh_clock12(at)
        year = f"{at.year}年" if at.year != now.year else ""
        return f"{year}{at.month}月{at.day}日{at.hour}:{at.minute:02d}"
    clock = f"{at.hour:02d}:{at.minute:02d}"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    year = f", {at.year}" if at.year != now.year else ""
    return f"{_EN_MONTH_ABBR[at.month - 1]} {at.day}{year} at {clock}"
