"""The car's own names: a bare name acts in its kind's request, the previous turn breaks ties,
a contact said alone is not dialled, numbers in any spoken form dial after a call, homophones
and spelling slips find the name, and the owner's own files replace the sample."""
from __future__ import annotations

import pytest

from smartcabin.assistant import Assistant
from smartcabin.names import NameKind, NameLibrary, car_names, entries_of
from smartcabin.understanding.naming import index_for, phone_digits
from smartcabin.vehicle import SimulatedVehicle

TRACK = "Vehicle.Cabin.Infotainment.Media.Request.Track"
ARTIST = "Vehicle.Cabin.Infotainment.Media.Request.Artist"
PLACE = "Vehicle.Cabin.Infotainment.Navigation.DestinationSet.Name"
CONTACT = "Vehicle.Cabin.Infotainment.Phone.Call.Contact"
NUMBER = "Vehicle.Cabin.Infotainment.Phone.Call.Number"
STATE = "Vehicle.Cabin.Infotainment.Phone.Call.State"

OWN = {
    "zh": {"songs": [{"title": "夜空中最亮的星", "artist": "逃跑计划"}, {"title": "晴天", "artist": "周杰伦"}],
           "artists": ["逃跑计划", "周杰伦", "张学友"],
           "contacts": [{"name": "王建国", "number": "13912345678", "aliases": ["老王"]},
                        {"name": "妈妈", "number": "13800138000", "aliases": ["老妈"]}],
           "places": [{"name": "南山科技园", "kind": "saved"}]},
    "en": {"songs": [{"title": "Hello", "artist": "Adele"}, {"title": "Bohemian Rhapsody", "artist": "Queen"}],
           "artists": ["Adele", "Queen"],
           "contacts": [{"name": "Anna Schmidt", "number": "555-0134", "aliases": ["Anna"]},
                        {"name": "Sara Johnson", "number": "555-0177"}],
           "places": [{"name": "Golden Gate Park", "kind": "saved"}]},
}


@pytest.fixture
def car():
    lib = NameLibrary(entries_of(OWN["zh"], "zh") + entries_of(OWN["en"], "en"))

    def make():
        return Assistant(SimulatedVehicle(names=lib))
    return make


def test_a_bare_song_or_singer_of_the_library_plays_without_any_turn_before(car):
    a = car()
    assert a.turn("夜空中最亮的星").changes[TRACK] == "夜空中最亮的星"
    r = car().turn("张学友")
    assert r.changes[ARTIST] == "张学友" and TRACK not in r.changes  # a singer, not a song title


def test_a_homophone_slip_finds_the_name_as_the_library_spells_it(car):
    assert car().turn("周杰轮").changes[ARTIST] == "周杰伦"
    assert car().turn("播放逃跑计化的歌").changes.get(ARTIST) == "逃跑计划"


def test_a_bare_contact_is_dialled_only_right_after_a_call_request(car):
    assert STATE not in car().turn("老王").changes  # said alone: maybe talk about him
    a = car()
    a.turn("打电话")
    r = a.turn("老王")
    assert r.changes[CONTACT] == "老王" and r.changes[NUMBER] == "13912345678"  # as said, with his number


def test_a_phone_number_in_chinese_digits_after_a_call_request_dials_it(car):
    a = car()
    a.turn("打个电话")
    assert a.turn("幺三八 幺二三四 五六七八").changes[NUMBER] == "13812345678"


def test_an_english_number_in_words_after_call_dials_it(car):
    a = car()
    a.turn("make a call")
    assert a.turn("five five five, oh one three four").changes[NUMBER] == "5550134"


def test_a_bare_place_after_opening_navigation_goes_there_and_ending_it_ends(car):
    a = car()
    a.turn("打开导航")
    assert a.turn("南山科技园").changes[PLACE] == "南山科技园"
    assert a.turn("导航结束").changes.get("Vehicle.Cabin.Infotainment.Navigation.IsGuidanceActive") is False


def test_talk_that_is_also_a_song_title_plays_nothing_said_alone(car):
    assert TRACK not in car().turn("hello").changes
    a = car()
    a.turn("play some music")
    assert TRACK not in a.turn("Hello").changes  # even after a play request: a greeting first
    assert a.turn("bohemian rhapsody").changes.get(TRACK) == "Bohemian Rhapsody"


@pytest.mark.parametrize("first, then", [("我想听歌", "我饿了"), ("我想听歌", "等一下"), ("play some music", "I love you"),
                                         ("导航", "我饿了"), ("make a call", "never mind")])
def test_talk_after_a_request_without_its_name_is_no_name(car, first, then):
    a = car()
    a.turn(first)
    assert a.turn(then).writes == []


def test_a_question_for_a_name_lasts_one_turn(car):
    a = car()
    a.turn("打电话")
    a.turn("取消")
    assert STATE not in a.turn("老王").changes  # the call was cancelled: 老王 alone dials no one
    b = car()
    b.turn("打电话给老王")
    b.turn("挂断")
    assert STATE not in b.turn("妈妈").changes


def test_digits_and_common_words_alone_are_no_names(car):
    a = car()
    a.turn("打开空调")
    r = a.turn("25")
    assert "Vehicle.Cabin.Infotainment.Media.Request.Collection" not in r.changes
    for word in ("help", "sorry", "work"):
        assert car().turn(word).writes == [], word


def test_an_english_alias_and_a_close_spelling_find_the_contact_and_the_song(car):
    a = car()
    a.turn("call someone")
    assert a.turn("Anna").changes[NUMBER] == "5550134"
    assert car().turn("bohemian rapsody").changes.get(TRACK) == "Bohemian Rhapsody"


def test_a_name_the_library_lacks_after_a_play_request_is_still_read_as_a_song(car):
    a = car()
    a.turn("我想听歌")
    assert a.turn("稻香").changes.get(TRACK) == "稻香"


def test_spoken_phone_numbers_read_as_digits():
    assert phone_digits("一三九 八八八八 六六六六", "zh") == "13988886666"
    assert phone_digits("one two three four five six seven", "en") == "1234567"
    assert phone_digits("晴天", "zh") is None and phone_digits("go home", "en") is None


def test_the_owner_s_own_file_replaces_the_sample_and_a_broken_one_keeps_it(tmp_path):
    own = tmp_path / "names"
    own.mkdir()
    (own / "en.yaml").write_text('contacts:\n  - {name: "Zebulon Quist", number: "5550100"}\n', encoding="utf-8")
    (own / "zh.yaml").write_text("songs: [unclosed", encoding="utf-8")
    lib = NameLibrary.load(own)
    en = [e.name for e in lib.entries if e.lang == "en"]
    assert en == ["Zebulon Quist"]
    assert len(lib.of(NameKind.TRACK, "zh")) >= 100  # the sample stays for the unreadable file


def test_the_sample_library_is_a_realistic_head_unit():
    lib = car_names()
    for lang, least in (("zh", 100), ("en", 80)):
        for kind in (NameKind.TRACK, NameKind.ARTIST, NameKind.CONTACT, NameKind.PLACE, NameKind.PODCAST):
            assert len(lib.of(kind, lang)) >= min(least, 40), (lang, kind)
    index = index_for(lib)
    assert all(index.whole(e.name, e.lang) for e in lib.of(NameKind.CONTACT, "zh")[:20])


def test_a_music_session_as_the_logs_show_it_singer_another_one_then_stop(car):
    a = car()
    a.turn("我想听歌")
    assert a.turn("逃跑计划").changes[ARTIST] == "逃跑计划"
    assert a.turn("换一首").changes.get("Vehicle.Cabin.Infotainment.Media.Action") == "SKIP_FORWARD"
    assert a.turn("不听了").changes.get("Vehicle.Cabin.Infotainment.Media.Action") == "STOP"


def test_a_singer_the_library_lacks_is_still_played_after_a_play_request(car):
    a = car()
    a.turn("play some music")
    r = a.turn("Fleetwood Mac")
    assert r.outcome == "executed" and (r.changes.get(ARTIST) or r.changes.get(TRACK)) == "Fleetwood Mac"


def test_a_person_is_never_guessed_from_a_close_spelling(car):
    r = car().turn("can you ring Sarah Johnson for me")
    assert r.changes[CONTACT] == "Sarah Johnson" and NUMBER not in r.changes  # not the owner's Sara


def test_a_pronoun_is_no_contact_and_the_name_comes_next(car):
    a = car()
    r = a.turn("I need to make a call")
    assert CONTACT not in r.changes and STATE not in r.changes
    assert a.turn("Anna").changes[NUMBER] == "5550134"


@pytest.mark.parametrize("first, then, path, want", [
    ("play some Coldplay", "nah, Adele instead", ARTIST, "Adele"),
    ("放点逃跑计划的歌", "算了，换周杰伦吧", ARTIST, "周杰伦"),
    ("导航去南山科技园", "哦不对，是大兴机场", PLACE, "大兴机场"),
])
def test_the_next_turn_corrects_the_name_of_the_last_request(car, first, then, path, want):
    a = car()
    a.turn(first)
    assert a.turn(then).changes[path] == want


@pytest.mark.parametrize("then", ["no thanks", "no, the other one", "不对不对", "算了"])
def test_a_no_after_a_named_request_names_nothing(car, then):
    a = car()
    a.turn("play some Coldplay")
    assert ARTIST not in a.turn(then).changes and TRACK not in a.turn(then).changes
