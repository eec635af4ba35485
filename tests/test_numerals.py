"""Tests for smartcabin.numerals: spoken numbers (zh/en) to Arabic digits."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

try:
    from smartcabin.numerals import normalize_en, normalize_zh
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from smartcabin.numerals import normalize_en, normalize_zh


# --------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------

ZH_CASES = [
    # multi-character numerals always convert
    ("二十二", "22"),
    ("十八", "18"),
    ("二十", "20"),
    ("一百", "100"),
    ("一百二十", "120"),
    ("三百五", "350"),
    ("两百", "200"),
    ("一百零五", "105"),
    ("一千零五十", "1050"),
    ("一万五", "15000"),
    ("两千零二十四", "2024"),
    ("一千万", "10000000"),
    ("温度调到二十六度", "温度调到26度"),
    # 零下 is left alone, the number after it follows the normal rules
    ("零下五度", "零下5度"),
    ("零下五", "零下五"),
    # decimals and X度半
    ("一点五", "1.5"),
    ("二十二点五", "22.5"),
    ("调高一点五度", "调高1.5度"),
    ("二十二度半", "22.5度"),
    ("22度半", "22.5度"),
    ("五度半", "5.5度"),
    # percentages
    ("百分之三十", "30%"),
    ("百分之五十", "50%"),
    ("百分之百", "100%"),
    ("百分之一百", "100%"),
    ("百分之30", "30%"),
    ("百分之三点五", "3.5%"),
    ("百分百", "100%"),
    ("亮度调到百分之七十五", "亮度调到75%"),
    # single characters: measure word after, or target verb before
    ("调到五", "调到5"),
    ("第三首", "第3首"),
    ("三档", "3档"),
    ("调高两度", "调高2度"),
    ("风量开到三", "风量开到3"),
    ("风量开到三档", "风量开到3档"),
    ("调到五吧", "调到5吧"),
    ("调到三，然后打开车窗", "调到3，然后打开车窗"),
    ("三个", "3个"),
    ("五分钟", "5分钟"),
    ("七秒", "7秒"),
    ("九公里", "9公里"),
    ("四米", "4米"),
    ("二十摄氏度", "20摄氏度"),
    ("八十华氏度", "80华氏度"),
    ("六%", "6%"),
    ("三成", "3成"),
    ("六级", "6级"),
    ("调大两格", "调大2格"),
    ("降低四", "降低4"),
    ("加三", "加3"),
    ("设为八", "设为8"),
    ("调至九", "调至9"),
    ("零度", "0度"),
    # 两 as 2
    ("两度", "2度"),
    ("两档", "2档"),
    ("两边", "两边"),
    ("两个字", "两个字"),
    # 一 only where it clearly is a number
    ("一度", "1度"),
    ("一档", "1档"),
    ("调到一", "调到1"),
    ("调到一档", "调到1档"),
    ("第一首", "第1首"),
    # 十 alone
    ("十度", "10度"),
    ("调到十", "调到10"),
    ("十分钟", "10分钟"),
    # spoken digit strings
    ("幺三八零零幺三八零零零", "13800138000"),
    ("一三九一二三四五六七八", "13912345678"),
    ("打电话给幺三八零零幺三八零零零", "打电话给13800138000"),
    ("零零七", "007"),
    ("二零二四年", "2024年"),
    # full-width
    ("２２", "22"),
    ("５０％", "50%"),
    ("调到２２度", "调到22度"),
    # Arabic digits already present
    ("温度22度", "温度22度"),
    ("调到26.5度", "调到26.5度"),
    ("风量3档", "风量3档"),
    # clock times are not decimals
    ("十二点三十分", "12点30分"),
    ("三点半", "3点半"),
]

ZH_UNCHANGED = [
    "高一点",
    "大一点",
    "调高一点",
    "副驾也一样",
    "放一首歌",
    "打开一下空调",
    "十分热",
    "十足",
    "一起",
    "一直",
    "等一会",
    "一些",
    "统一",
    "万一",
    "开一条缝",
    "一个",
    "一半",
    "开一半",
    "开到一半",
    "半开",
    "调高一些",
    "降一下",
    "一点一点地",
    "千万别关",
    "导航到三亚",
    "导航到五道口",
    "十字路口",
    "几十度",
    "二十几度",
    "三四度",
    "三三两两",
    "一成不变",
    "合二为一",
    "一分为二",
    "三分之一",
    "二十两",
    "打开车窗",
    "",
]


@pytest.mark.parametrize(("text", "expected"), ZH_CASES)
def test_normalize_zh(text: str, expected: str) -> None:
    assert normalize_zh(text) == expected


@pytest.mark.parametrize("text", ZH_UNCHANGED)
def test_normalize_zh_leaves_words_alone(text: str) -> None:
    assert normalize_zh(text) == text


def test_normalize_zh_in_a_sentence() -> None:
    assert (
        normalize_zh("把空调调到二十二度半，风量开到三档，座椅加热两档，车窗开百分之三十")
        == "把空调调到22.5度，风量开到3档，座椅加热2档，车窗开30%"
    )
    assert normalize_zh("主驾温度高一点，副驾也一样") == "主驾温度高一点，副驾也一样"


# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

EN_CASES = [
    ("twenty two", "22"),
    ("twenty-two", "22"),
    ("seventy two", "72"),
    ("set the temperature to seventy two degrees", "set the temperature to 72 degrees"),
    ("one hundred", "100"),
    ("a hundred percent", "100 percent"),
    ("two hundred and five", "205"),
    ("two thousand twenty four", "2024"),
    ("seven point five", "7.5"),
    ("twenty two point five degrees", "22.5 degrees"),
    ("sixty eight and a half", "68.5"),
    ("one and a half", "1.5"),
    ("68 and a half", "68.5"),
    ("ten", "10"),
    ("zero", "0"),
    ("seventeen", "17"),
    ("nineteen", "19"),
    ("ninety nine", "99"),
    ("twenty one", "21"),
    ("fan speed three", "fan speed 3"),
    # phone numbers
    ("five five five one two three four", "5551234"),
    ("call five five five oh one two three", "call 5550123"),
    ("five-five-five-one-two-three-four", "5551234"),
    # "one" only when it clearly is a number
    ("one degree", "1 degree"),
    ("one percent", "1 percent"),
    ("one %", "1 %"),
    ("one notch", "1 notch"),
    ("one level", "1 level"),
    ("one step", "1 step"),
    ("one click", "1 click"),
    ("set it to one", "set it to 1"),
    ("turn it up by one", "turn it up by 1"),
    ("keep it at one", "keep it at 1"),
    ("level one", "level 1"),
    ("number one", "number 1"),
    ("notch one", "notch 1"),
    ("setting one", "setting 1"),
    ("set fan to one please", "set fan to 1 please"),
    ("one point five", "1.5"),
]

EN_UNCHANGED = [
    "third",
    "twenty third",
    "the third song",
    "the other one",
    "this one",
    "one more time",
    "one of them",
    "someone",
    "anyone",
    "no one",
    "turn it up a bit",
    "a song",
    "half open",
    "open the window half way",
    "often",
    "tone",
    "attention",
    "one by one",
    "go to one of my favourites",
    "one o'clock",
    "",
]


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_normalize_en(text: str, expected: str) -> None:
    assert normalize_en(text) == expected


@pytest.mark.parametrize("text", EN_UNCHANGED)
def test_normalize_en_leaves_words_alone(text: str) -> None:
    assert normalize_en(text) == text


def test_normalize_en_word_boundaries() -> None:
    assert normalize_en("often the tone needs attention, seventeen") == (
        "often the tone needs attention, 17"
    )
    assert normalize_en("someone wants twenty one degrees") == "someone wants 21 degrees"


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------

MIXED = [
    "",
    "🙂",
    "把温度调到二十二度🙂",
    "set it to seventy two 🚗 please",
    "调到twenty two度",
    "play 第三首 from the other one",
    "百分之三十 and a hundred percent",
    "一三九一二三四五六七八 five five five one two three four",
    "\n\t ",
]


def _idempotent(text: str) -> None:
    zh = normalize_zh(text)
    assert normalize_zh(zh) == zh
    en = normalize_en(text)
    assert normalize_en(en) == en


@pytest.mark.parametrize(
    "text",
    [t for t, _ in ZH_CASES] + ZH_UNCHANGED + [t for t, _ in EN_CASES] + EN_UNCHANGED + MIXED,
)
def test_idempotent(text: str) -> None:
    _idempotent(text)


@pytest.mark.parametrize("text", MIXED)
def test_no_crash_on_odd_input(text: str) -> None:
    assert isinstance(normalize_zh(text), str)
    assert isinstance(normalize_en(text), str)


def test_mixed_text() -> None:
    assert normalize_zh("调到二十二度 and set fan to three") == "调到22度 and set fan to three"
    assert normalize_en("调到二十二度 and set fan to three") == "调到二十二度 and set fan to 3"
    assert normalize_en(normalize_zh("调到twenty two度，风量三档")) == "调到22度，风量3档"


def test_large_text() -> None:
    chunk = "把空调调到二十二度半，风量开到三档。 set it to seventy two degrees, one more time 🙂 "
    text = chunk * (100_000 // len(chunk) + 1)
    assert len(text) >= 100_000
    zh = normalize_zh(text)
    assert zh.count("22.5度") == text.count("二十二度半")
    en = normalize_en(text)
    assert en.count("72 degrees") == text.count("seventy two degrees")
    assert normalize_zh(zh) == zh
    assert normalize_en(en) == en


def test_idempotent_on_random_text() -> None:
    rnd = random.Random(20240611)
    zh_pool = list("零〇幺一二两三四五六七八九十百千万亿点度半分之几第到调高降为个首档级秒米%0123456789２％，吧亚下钟") + [
        "百分之", "分钟", "度半", "摄氏度", "一成不变",
    ]
    en_words = (
        "zero one two three four five six seven eight nine ten eleven seventeen twenty "
        "ninety hundred thousand million a and half point oh o to by level degrees of "
        "more third 5 68 - ."
    ).split()
    for _ in range(3000):
        text = "".join(rnd.choice(zh_pool) for _ in range(rnd.randint(1, 10)))
        out = normalize_zh(text)
        assert normalize_zh(out) == out, text
        text = rnd.choice([" ", "-"]).join(rnd.choice(en_words) for _ in range(rnd.randint(1, 8)))
        out = normalize_en(text)
        assert normalize_en(out) == out, text
