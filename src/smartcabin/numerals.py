"""Spoken numbers to Arabic digits, for Chinese and English utterances.

The text parser only understands Arabic digits, so every utterance goes through
:func:`normalize_zh` or :func:`normalize_en` first.  Both are a single pass of
one regular expression compiled at import time; the replacement callback only
runs on number candidates and looks at a character or two of context, so the
cost stays in the microseconds for a spoken sentence.

Only things that are clearly numbers are rewritten.  Words that merely contain
a numeral (高一点, 一下, 十分热, "the other one", "someone") are left alone, and
both functions are idempotent: running one on its own output changes nothing.
"""
from __future__ import annotations

import re

__all__ = ["normalize_zh", "normalize_en"]

# --------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------

# Full-width digits and percent sign to ASCII (applied before anything else).
_FULLWIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")
_HAS_FULLWIDTH = re.compile("[０-９％]")

_ZH_DIGIT = {
    "零": 0, "〇": 0, "幺": 1, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_ZH_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_UNIT = {"万": 10**4, "亿": 10**8}
_ZH_UNITS = frozenset("十百千万亿")

_D = "零〇幺一二两三四五六七八九"
# A numeral run starts with a digit or 十 (never 百/千/万: 千万, 万一, 百分 are words).
_RUN = f"[{_D}十][{_D}十百千万亿]*"
# Fraction digits after 点.  Possessive, and not followed by something that
# makes 点 a clock time (三点十分, 十二点三十) or a word (一点一点).
_FRAC = "[零〇幺一二三四五六七八九]++(?![点十百千万亿分刻两])"

# Idioms that the rules below would otherwise mangle; matched first, kept verbatim.
_ZH_IDIOMS = (
    "一成不变", "合二为一", "一分为二", "一级棒", "三三两两", "七七八八", "三三五五",
    "十万火急", "十万八千里", "一五一十",
)

_ZH_RE = re.compile(
    "(?P<keep>" + "|".join(sorted(_ZH_IDIOMS, key=len, reverse=True)) + ")"
    # 百分之三十 / 百分之30 / 百分之百 / 百分百
    + f"|(?<![0-9])百分(?:之(?P<pct>百|{_RUN}(?:点(?P<pctdec>{_FRAC}))?"
    + f"|[0-9]+(?:\\.[0-9]+)?(?![0-9{_D}十百千万亿]))|(?P<pct100>百))"
    # 三分之一 and friends: fractions are left to the parser untouched.
    + f"|(?P<ratio>{_RUN}分之(?:{_RUN})?)"
    # 22度半 -> 22.5度
    + "|(?<![0-9.])(?P<adeg>[0-9]+)度半"
    # numeral run, optionally a decimal (一点五) or X度半
    + f"|(?P<run>{_RUN})(?:点(?P<dec>{_FRAC})|(?P<half>度半))?"
)

# Measure / unit words after which a lone numeral character is a number.
_ZH_MEASURES = (
    "摄氏度", "华氏度", "分钟", "公里", "小时", "厘米", "公分", "毫米",
    "度", "档", "挡", "级", "格", "个", "成", "分", "秒", "米", "首", "%", "点",
)
# Per-character exceptions: 一个/一首/一点 are words, 两个字 stays, 十分 means "very".
_ZH_MEASURES_FOR = {ch: _ZH_MEASURES for ch in "零〇二三四五六七八九"}
_ZH_MEASURES_FOR["一"] = tuple(w for w in _ZH_MEASURES if w not in ("个", "首", "点"))
_ZH_MEASURES_FOR["两"] = tuple(w for w in _ZH_MEASURES if w != "个")
_ZH_MEASURES_FOR["十"] = tuple(w for w in _ZH_MEASURES if w != "分")

# Characters after which a lone numeral is a target value (调到五, 调高两度).
_ZH_TRIGGERS = frozenset("到成为至调加减高低升降")
# After a trigger, the numeral must end the phrase: end of text, punctuation or
# space, or one of these particles / connectives.  This keeps 导航到三亚,
# 到两边, 调高一些, 开到一半 unchanged.
_ZH_FOLLOW_OK = frozenset("吧了啊呀吗嘛呢哦哈啦呗的就再和跟并然或还也都好行可以给谢左右")
_ASCII_DIGITS = frozenset("0123456789")


def _zh_parse_units(run: str) -> int | None:
    """Value of a numeral with 十/百/千/万/亿, or None when it is not well formed.

    Handles 零 gaps (一百零五 = 105) and the colloquial trailing digit that takes
    the next lower unit (三百五 = 350, 一万五 = 15000, 两千五 = 2500).
    """
    total = 0
    section = 0
    digit: int | None = None
    digit_char = ""
    last_small = 10**5
    last_big = 10**13
    prev_unit: int | None = None
    for ch in run:
        d = _ZH_DIGIT.get(ch)
        if d is not None:
            if digit is not None:
                return None  # two digits in a row: 三十五六, 一二十
            if d == 0:
                prev_unit = None
                continue
            digit, digit_char = d, ch
            continue
        unit = _ZH_SMALL_UNIT.get(ch)
        if unit is not None:
            if unit >= last_small:
                return None  # 十十, 一百千
            if digit is None:
                if unit != 10:
                    return None
                digit = 1  # 十五, 一百十
            section += digit * unit
            last_small, prev_unit, digit = unit, unit, None
            continue
        unit = _ZH_BIG_UNIT[ch]
        if unit >= last_big:
            return None
        if digit is not None:
            section += digit
            digit = None
        if section == 0:
            return None
        total += section * unit
        section = 0
        last_small, last_big, prev_unit = 10**5, unit, unit
    if digit is not None:
        if prev_unit is not None:
            if digit_char == "两":
                return None  # 二十两 is twenty taels, not 22
            section += digit * (prev_unit // 10)
        else:
            section += digit
    return total + section


def _zh_value(run: str) -> int | str | None:
    """Integer value of a numeral run; digit strings come back as str (keeps 007)."""
    if any(ch in _ZH_UNITS for ch in run):
        return _zh_parse_units(run)
    if len(run) == 1:
        return _ZH_DIGIT[run]
    if len(run) >= 3:
        return "".join(str(_ZH_DIGIT[ch]) for ch in run)
    return None  # 三四, 五六: an approximate range, left to the parser


def _zh_frac(frac: str) -> str:
    return "".join(str(_ZH_DIGIT[ch]) for ch in frac)


def _zh_single_ok(text: str, ch: str, start: int, end: int) -> bool:
    """Whether a lone numeral character at text[start] is a number here."""
    measures = _ZH_MEASURES_FOR.get(ch)
    if measures is None:
        return False  # 幺 on its own
    prev = text[start - 1] if start else ""
    if prev == "第":
        return True
    if text.startswith(measures, end):
        return True
    if prev in _ZH_TRIGGERS:
        if end >= len(text):
            return True
        nxt = text[end]
        return nxt in _ZH_FOLLOW_OK or not nxt.isalnum()
    return False


def _zh_sub(m: re.Match[str]) -> str:
    if m["keep"] is not None or m["ratio"] is not None:
        return m[0]
    pct = m["pct"]
    if pct is not None:
        if pct == "百":
            return "100%"
        if pct[0] in _ASCII_DIGITS:
            return pct + "%"
        run = pct[: len(pct) - len(m["pctdec"]) - 1] if m["pctdec"] is not None else pct
        value = _zh_value(run)
        if value is None:
            return m[0]
        if m["pctdec"] is not None:
            return f"{value}.{_zh_frac(m['pctdec'])}%"
        return f"{value}%"
    if m["pct100"] is not None:
        return "100%"
    if m["adeg"] is not None:
        return m["adeg"] + ".5度"

    text = m.string
    run = m["run"]
    start, end = m.start(), m.end()
    prev = text[start - 1] if start else ""
    nxt = text[end] if end < len(text) else ""
    # 几十度, 二十几度 are vague; a neighbouring ASCII digit would fuse numbers.
    if prev == "几" or nxt == "几" or prev in _ASCII_DIGITS or nxt in _ASCII_DIGITS:
        return m[0]

    dec, half = m["dec"], m["half"]
    if dec is not None or half is not None or len(run) > 1:
        value = _zh_value(run)
        if value is None:
            return m[0]
        if dec is not None:
            return f"{value}.{_zh_frac(dec)}"
        if half is not None:
            return f"{value}.5度"
        return str(value)
    if _zh_single_ok(text, run, start, end):
        return str(_ZH_DIGIT.get(run, 10))  # 十 is the only unit that gets here
    return run


def normalize_zh(text: str) -> str:
    """Rewrite Chinese numerals in *text* as Arabic digits; leave the rest untouched.

    Examples: 二十二度 -> 22度, 二十二度半 -> 22.5度, 一点五 -> 1.5,
    百分之三十 -> 30%, 调到五 -> 调到5, 幺三八... -> 138..., ２２ -> 22,
    while 高一点, 一下, 十分热, 放一首歌 stay as they are.
    """
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    return _ZH_RE.sub(_zh_sub, text)


# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

_EN_VALUE = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "a": 1, "oh": 0, "o": 0,
}
_EN_SCALE = {"thousand": 1000, "million": 1_000_000}

_LB = r"(?<![A-Za-z0-9_'’])"  # start of a word
_NB = r"(?![A-Za-z0-9_'’])"  # end of a word (o'clock, one's are not numbers)
_SEP = r"(?:[ \t]*-[ \t]*|[ \t]+)"  # "twenty two", "twenty-two"
_U1 = f"(?:one|two|three|four|five|six|seven|eight|nine){_NB}"
_UNIT = f"(?:zero|one|two|three|four|five|six|seven|eight|nine){_NB}"
_TEEN = f"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen){_NB}"
_TENS = f"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety){_NB}"
_B100NZ = f"(?:{_TENS}(?:{_SEP}{_U1})?|{_TEEN}|{_U1})"
_B100 = f"(?:{_TENS}(?:{_SEP}{_U1})?|{_TEEN}|{_UNIT})"
_AND = f"(?:{_SEP}and)?{_SEP}"
_HUND = f"(?:(?:a{_NB}|{_B100NZ}){_SEP}hundred{_NB}(?:{_AND}{_B100NZ})?)"
_THOU = f"(?:(?:{_HUND}|{_B100NZ}){_SEP}thousand{_NB}(?:{_AND}(?:{_HUND}|{_B100NZ}))?)"
_MILL = (
    f"(?:(?:{_HUND}|{_B100NZ}){_SEP}million{_NB}"
    f"(?:{_AND}(?:{_THOU}|{_HUND}|{_B100NZ}))?)"
)
_ORD = (
    "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    f"twelfth|[a-z]+teenth|[a-z]+tieth|hundredth|thousandth|millionth){_NB}"
)
_OH = f"(?:oh|o){_NB}"
_HALF = f"{_SEP}and{_SEP}a{_SEP}half{_NB}"

_EN_RE = re.compile(
    # Cheap gate: only word starts whose first letter can begin a number word.
    f"{_LB}(?=[zotfsenaZOTFSENA0-9])(?:"
    # one by one, one on one, one to one: idioms, not numbers
    f"(?P<keep>one{_SEP}(?:by|on|to){_SEP}one{_NB}"
    f"(?!{_SEP}(?:hundred|thousand|million|point|and){_NB}))"
    # spoken digit string: 3+ single digits, oh/o allowed inside (not at either end)
    # (a leading "oh" only before three digits more: "five five five, oh one two three")
    f"|(?P<digits>(?:{_UNIT}|{_OH}(?={_SEP}{_UNIT}{_SEP}{_UNIT}{_SEP}{_UNIT}))(?:{_SEP}(?:{_UNIT}|{_OH})){{2,}})"
    f"(?<![ \t-]oh)(?<![ \t-]o)"
    f"(?!{_SEP}(?:hundred|thousand|million|point|and{_SEP}a{_SEP}half){_NB})"
    # cardinal number, optionally "point five" or "and a half"; never an ordinal's head
    f"|(?P<num>(?>{_MILL}|{_THOU}|{_HUND}|{_B100}))"
    f"(?:{_SEP}point(?P<dec>(?:{_SEP}{_UNIT})+)|(?P<half>{_HALF})|(?!{_AND}{_ORD}))"
    # 68 and a half -> 68.5
    f"|(?<![.])(?P<ahalf>[0-9]+){_HALF})",
    re.IGNORECASE,
)
_EN_WORD_SPLIT = re.compile(r"[\s-]+")

# "one" is a number before a unit, or after one of these words ...
_EN_ONE_UNIT_AFTER = re.compile(
    r"[ \t]*-?[ \t]*(?:degrees?|percent|%|levels?|notch(?:es)?|steps?|clicks?|"
    r"celsius|fahrenheit|minutes?|hours?|miles?|kilomet(?:er|re)s?|km|met(?:er|re)s?)"
    r"(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_EN_ONE_TRIGGER_BEFORE = re.compile(
    r"(?<![A-Za-z0-9_'’])(?:to|by|at|level|number|notch|setting)[ \t]+$", re.IGNORECASE
)
# ... unless what follows makes it a pronoun or determiner: "to one of", "by one more".
_EN_ONE_BLOCK_AFTER = re.compile(
    f"{_SEP}(?:of|more|another|other|by|point|thing|things|way|day|time|times|last|"
    f"side|hand|at|in|on|with|that|who|which|or|too){_NB}",
    re.IGNORECASE,
)


def _en_int(phrase: str) -> int:
    total = 0
    current = 0
    for word in _EN_WORD_SPLIT.split(phrase.lower()):
        if not word or word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word in _EN_SCALE:
            total += (current or 1) * _EN_SCALE[word]
            current = 0
        else:
            current += _EN_VALUE[word]
    return total + current


def _en_one_ok(text: str, start: int, end: int) -> bool:
    if _EN_ONE_UNIT_AFTER.match(text, end):
        return True
    return (
        _EN_ONE_TRIGGER_BEFORE.search(text, max(0, start - 16), start) is not None
        and _EN_ONE_BLOCK_AFTER.match(text, end) is None
    )


def _en_sub(m: re.Match[str]) -> str:
    if m["keep"] is not None:
        return m[0]
    digits = m["digits"]
    if digits is not None:
        return "".join(str(_EN_VALUE[w]) for w in _EN_WORD_SPLIT.split(digits.lower()) if w)
    if m["ahalf"] is not None:
        return m["ahalf"] + ".5"
    num = m["num"]
    if m["dec"] is not None:
        frac = "".join(str(_EN_VALUE[w]) for w in _EN_WORD_SPLIT.split(m["dec"].lower()) if w)
        return f"{_en_int(num)}.{frac}"
    if m["half"] is not None:
        return f"{_en_int(num)}.5"
    if num.lower() == "one" and not _en_one_ok(m.string, m.start(), m.end()):
        return m[0]
    return str(_en_int(num))


def normalize_en(text: str) -> str:
    """Rewrite English number words in (lower-case) *text* as Arabic digits.

    Examples: "twenty-two" -> "22", "a hundred percent" -> "100 percent",
    "seven point five" -> "7.5", "sixty eight and a half" -> "68.5",
    "five five five one two three four" -> "5551234", "set it to one" ->
    "set it to 1", while "the other one", "one more time", "third" stay.
    """
    text = _COUPLE.sub("2 ", text)
    text = _EN_RE.sub(_en_sub, _EN_SLIP.sub(lambda m: f"{m.group(1)} {_SLIP_DIGIT[m.group(2)]}", text))
    return _RATE.sub(lambda m: f"{_RATES[m.group(1)]}x speed", text)  # after "one and a half" is 1.5


# "a couple degrees", "a couple of notches": two of a unit (a couple alone, "a couple of songs", is no number)
_COUPLE = re.compile(r"\b(?:a )?couple(?: of)? (?=(?:degrees?|notches|steps|clicks|levels|bars)\b)")


# a playback rate in words: "at double speed", "triple speed" (a rate, not a fan level)
_RATES = {"double": "2", "triple": "3", "quadruple": "4", "half": "0.5", "normal": "1"}
_RATE = re.compile(r"\b(double|triple|quadruple|half|normal) speed\b")


# speech recognition writes "twenty four" as "twenty for" and "thirty two" as "thirty to" at a sentence end
_SLIP_DIGIT = {"for": "four", "fore": "four", "to": "two", "too": "two"}
_EN_SLIP = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]+(for|fore|to|too)\b"
                      r"(?=\s*(?:$|[,.!?]|degrees?\b|percent\b|please\b))")
