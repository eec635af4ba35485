"""The offline story library: data files, choosing a story for a request, telling it in parts."""
from __future__ import annotations

import re
from importlib import resources

import pytest

from smartcabin.stories import LANGS, Story, choose, load_stories, parts, topic_matched

CJK = re.compile(r"[\u3400-\u9fff]")
ANIMALS = ("fox", "tiger", "rabbit", "crow", "frog", "horse", "lion", "mouse", "tortoise", "hare",
           "wolf", "sheep", "dog", "ant", "grasshopper", "狐狸", "老虎", "兔子", "乌鸦", "青蛙", "马",
           "狮子", "老鼠", "乌龟", "狼", "羊", "狗", "蚂蚁", "蚱蜢")
THEMES = ("honesty", "patience", "courage", "friendship", "kindness", "greed",
          "诚实", "耐心", "勇气", "友谊", "善良", "贪心")
# Words every story request has: a topic like these would match any request.
GENERIC = {"story", "stories", "tell", "another", "me", "kid", "kids", "child", "please",
           "故事", "讲", "讲个", "一个", "再", "孩子", "听"}
SOURCES = {"Aesop", "Brothers Grimm", "Han Feizi", "Zhuangzi", "Liezi", "Lüshi Chunqiu", "Mencius",
           "Zhanguo Ce", "Huainanzi", "Xinxu", "Liu Zongyuan", "Sanguozhi", "Chinese folk tale"}
GARBAGE = ("", " ", "\n\t", "x" * 10000, "🦊🐯🙂" * 400, "\x00\ud800\ufeff", "狼" * 10000,
           "foxes " * 2000, "!!!???", "ｆｏｘ", "a" * 10000 + " fox", None)


@pytest.mark.parametrize("lang", LANGS)
def test_files_load_with_24_or_more_stories(lang):
    stories = load_stories(lang)
    assert len(stories) >= 24
    assert all(isinstance(s, Story) and s.lang == lang for s in stories)
    assert all(s.title and s.source in SOURCES for s in stories)
    assert load_stories(lang) is stories  # cached


def test_language_tags_and_unknown_language():
    assert load_stories("zh-CN") is load_stories("zh")
    assert load_stories("EN_us") is load_stories("en")
    with pytest.raises(ValueError):
        load_stories("fr")


@pytest.mark.parametrize("lang", LANGS)
def test_ids_are_unique_ascii(lang):
    ids = [s.id for s in load_stories(lang)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)


def test_ids_and_sources_shared_across_languages():
    en = {s.id: s for s in load_stories("en")}
    zh = {s.id: s for s in load_stories("zh")}
    assert en.keys() == zh.keys()
    assert all(en[i].source == zh[i].source for i in en)
    assert all(CJK.search(zh[i].title) and not CJK.search(en[i].title) for i in en)


def test_both_languages_have_aesop_grimm_and_chinese_fables():
    for lang in LANGS:
        sources = {s.source for s in load_stories(lang)}
        assert {"Aesop", "Brothers Grimm", "Han Feizi", "Zhuangzi", "Liezi", "Lüshi Chunqiu"} <= sources
    zh_titles = {s.title for s in load_stories("zh")}
    assert {"守株待兔", "亡羊补牢", "狐假虎威", "揠苗助长", "画蛇添足", "井底之蛙", "愚公移山", "刻舟求剑",
            "自相矛盾", "掩耳盗铃", "叶公好龙", "滥竽充数", "塞翁失马", "乌鸦喝水"} <= zh_titles


@pytest.mark.parametrize("lang", LANGS)
def test_every_story_has_8_to_16_short_sentences(lang):
    ends = "。！？”" if lang == "zh" else ".!?”"
    for s in load_stories(lang):
        assert 8 <= len(s.sentences) <= 16, s.id
        for sentence in s.sentences:
            assert isinstance(sentence, str) and sentence[-1] in ends, (s.id, sentence)
            if lang == "zh":
                assert CJK.search(sentence) and len(sentence) <= 60, (s.id, sentence)
            else:
                assert not CJK.search(sentence) and len(sentence.split()) <= 30, (s.id, sentence)


@pytest.mark.parametrize("lang", LANGS)
def test_topics_are_8_to_15_lower_case_keywords_in_both_languages(lang):
    for s in load_stories(lang):
        assert 8 <= len(s.topics) <= 15, s.id
        assert len(set(s.topics)) == len(s.topics), s.id
        assert all(t == t.lower().strip() and t for t in s.topics), s.id
        assert any(CJK.search(t) for t in s.topics) and any(t.isascii() for t in s.topics), s.id
        assert not GENERIC & set(s.topics), s.id


@pytest.mark.parametrize("lang", LANGS)
def test_topics_cover_animals_and_themes(lang):
    topics = {t for s in load_stories(lang) for t in s.topics}
    assert set(ANIMALS) <= topics
    assert set(THEMES) <= topics


def test_readme_names_every_source():
    readme = resources.files("smartcabin.data.stories").joinpath("README.md").read_text(encoding="utf-8")
    for lang in LANGS:
        for source in {s.source for s in load_stories(lang)}:
            assert source in readme, source


@pytest.mark.parametrize("seed", range(8))
def test_choose_by_topic(seed):
    assert "fox" in choose("tell me a story about a fox", "en", seed=seed).topics
    assert "老虎" in choose("讲个关于老虎的故事", "zh", seed=seed).topics
    assert "lion" in choose("Tell me a LION story!", "en", seed=seed).topics
    assert "乌鸦" in choose("我想听乌鸦的故事", "zh", seed=seed).topics
    assert "tiger" in choose("a tiger story please", "zh", seed=seed).topics  # English words in zh


@pytest.mark.parametrize("request_, topic", [
    ("a story about foxes", "fox"), ("some mice", "mouse"), ("wolves!", "wolf"),
    ("tell me about the ants", "ant"), ("grasshoppers", "grasshopper"), ("two ponies", "pony"),
    ("dragons", "dragon"), ("geese", "goose"), ("the elves", "elf"), ("fox's tale", "fox"),
    ("a grape", "grapes"), ("a story about golden eggs", "golden egg"),
])
def test_plurals_and_simple_forms(request_, topic):
    assert topic_matched(request_, "en")
    assert topic in choose(request_, "en", seed=1).topics


def test_english_matches_whole_words_only():
    for request_ in ("tell me a story", "another story", "an important antelope",  # not "ant"
                     "well, tell me one", "a catalogue of sunsets"):  # not "cat", "sun"
        assert not topic_matched(request_, "en"), request_
        assert isinstance(choose(request_, "en", seed=0), Story)
    assert topic_matched("the ant", "en") and topic_matched("a cat and the sun", "en")


def test_chinese_substring_matching():
    assert topic_matched("讲个关于老虎的故事", "zh")
    assert not topic_matched("讲个故事", "zh")
    assert not topic_matched("再讲一个故事", "zh")
    assert not topic_matched("马上讲个故事吧", "zh")  # 马上 is "at once", not a horse
    assert choose("讲个山羊的故事", "zh", seed=0).id == "wolf_and_seven_kids"  # 山羊 beats 羊


def test_title_names_a_tale():
    assert choose("讲一下守株待兔", "zh", seed=3).id == "waiting_by_the_stump"
    assert choose("给我讲小红帽", "zh", seed=3).id == "little_red_cap"
    assert choose("tell me the tortoise and the hare", "en", seed=3).id == "tortoise_and_hare"
    assert choose("the boy who cried wolf", "en", seed=3).id == "boy_who_cried_wolf"


def test_no_match_is_random_but_seeded():
    a = choose("tell me a story", "en", seed=42)
    assert choose("tell me a story", "en", seed=42) == a
    assert len({choose("tell me a story", "en", seed=s).id for s in range(40)}) > 5


@pytest.mark.parametrize("lang", LANGS)
def test_exclude_gives_a_different_story(lang):
    request_ = "tell me a story about a fox" if lang == "en" else "讲个狐狸的故事"
    first = choose(request_, lang, seed=1)
    second = choose(request_, lang, seed=1, exclude=frozenset({first.id}))
    assert second.id != first.id
    assert "fox" in second.topics  # still about a fox: there are several
    generic = "tell me a story" if lang == "en" else "讲个故事"
    told: set[str] = set()
    for _ in range(len(load_stories(lang))):
        story = choose(generic, lang, exclude=frozenset(told))
        assert story.id not in told
        told.add(story.id)
    assert isinstance(choose(generic, lang, exclude=frozenset(told)), Story)  # all told: repeats


def test_exclude_leaves_the_topic_only_when_it_is_used_up():
    fox_ids = frozenset(s.id for s in load_stories("en") if "fox" in s.topics)
    assert len(fox_ids) >= 2
    story = choose("a fox story", "en", seed=5, exclude=fox_ids)
    assert story.id not in fox_ids


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_input_never_raises(lang, garbage):
    assert isinstance(choose(garbage, lang), Story)
    assert isinstance(choose(garbage, lang, seed=7, exclude=frozenset({"x"})), Story)
    assert isinstance(topic_matched(garbage, lang), bool)


def test_unknown_language_falls_back_to_english():
    assert choose("a fox story", "fr", seed=0).lang == "en"
    assert isinstance(topic_matched("fox", "klingon"), bool)


@pytest.mark.parametrize("lang", LANGS)
def test_parts_driving_two_sentences_each_parked_whole(lang):
    sep = "" if lang == "zh" else " "
    for story in load_stories(lang):
        whole = parts(story, driving=False)
        assert whole == [sep.join(story.sentences)]
        chunks = parts(story, driving=True)
        assert len(chunks) == (len(story.sentences) + 1) // 2
        for k, chunk in enumerate(chunks):
            assert chunk == sep.join(story.sentences[2 * k:2 * k + 2])
        assert sep.join(chunks) == whole[0]
