"""Tagged sentences for the slot tagger (training only): play / navigate / call requests with
their names marked, bare names after a turn of their domain, phone numbers in every spoken
form, and requests without names (every token O). Names come from data/train/names.json, the
lexicon and the packaged sample library; the library's marks (the gazetteer) are dropped at
random, so the tagger learns from the words around a name as well as from knowing it."""
from __future__ import annotations

import random
from pathlib import Path

from ..capabilities import load_catalog
from ..names import NameKind, NameLibrary
from ..understanding.entities import NameIndex
from ..understanding.naming import filled_by
from ..understanding.lexicon import load_lexicon
from .dataset import Example, train_names
from ..model.tagger import marks, tokens
from .tagger_fit import Tagged

_ZH_DIGIT = "零一二三四五六七八九"
_EN_DIGIT = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
KEEP_GAZETTE = 0.7

_ZH = {
    "media.play": ["{play}{track}", "{play}{artist}的{track}", "{play}{artist}的歌", "{pre}{play}{artist}的{track}吧",
                   "来一首{track}", "放{artist}的{track}", "{pre}听{artist}的歌", "我想听{collection}这张专辑",
                   "播放专辑{collection}", "放一下{track}", "{pre}放首{artist}的", "播{track}", "听{artist}",
                   "来点{artist}的歌", "换成{artist}的{track}", "{pre}我要听{track}", "{track}放一下",
                   "播放歌单{collection}", "{artist}的{track}"],
    "media.podcast": ["播放播客{collection}", "{pre}听{collection}", "我想听有声书{collection}", "放一期{collection}"],
    "navigation.go": ["{nav}{place}", "{pre}导航去{place}", "我要去{place}", "去{place}", "{pre}带我去{place}",
                      "导航到{place}", "{place}怎么走", "去{place}怎么走", "帮我导航{place}", "开到{place}",
                      "{pre}到{place}", "目的地{place}", "改去{place}"],
    "phone.call": ["{call}{contact}", "给{contact}打电话", "{pre}给{contact}打个电话", "打给{contact}", "呼叫{contact}",
                   "拨打{number}", "打电话给{number}", "{pre}拨{number}", "帮我打{number}", "打{contact}的电话",
                   "联系{contact}", "打电话{contact}", "{contact}的电话"],
}
_EN = {
    "media.play": ["{play} {track}", "{play} {track} by {artist}", "{play} some {artist}", "{pre}{play} {artist}",
                   "i want to hear {track}", "put on {track}", "play the album {collection}", "play my {collection} playlist",
                   "{pre}play something by {artist}", "can you play {track}", "play {artist}'s {track}", "{track} please",
                   "let's hear some {artist}", "queue up {track}"],
    "media.podcast": ["play the podcast {collection}", "{pre}put on {collection}", "play the audiobook {collection}",
                      "play the latest {collection}"],
    "navigation.go": ["{nav} {place}", "{pre}navigate to {place}", "take me to {place}", "directions to {place}",
                      "let's go to {place}", "how do i get to {place}", "drive to {place}", "{pre}head to {place}",
                      "set destination {place}", "go to {place}"],
    "phone.call": ["{call} {contact}", "{pre}call {contact}", "give {contact} a call", "ring {contact}",
                   "dial {number}", "call {number}", "{pre}dial {number} please", "phone {contact}",
                   "call {contact} for me", "get {contact} on the phone"],
}
_PRE = {"zh": ["", "", "帮我", "麻烦", "嗯", "那个", "给我", "请"], "en": ["", "", "hey ", "please ", "um ", "could you "]}
# what speech puts around a name: particles, thanks, a route preference, a reason
_SUFFIX = {"zh": ["", "", "", "", "吧", "啊", "谢谢", "吧谢谢", "呀", "好吗", "就行", "一下"],
           "en": ["", "", "", " please", " thanks", " now", " for me", " real quick"]}
_CAP_SUFFIX = {"zh": {"navigation.go": ["不走高速", "走高速", "避开拥堵", "最快的路线", "我要接人"],
                      "phone.call": ["问一下", "问他到哪了", "的手机", "的手机号"],
                      "media.play": ["听听", "放松一下", "吧我喜欢"]},
               "en": {"navigation.go": [" avoiding highways", " the fastest way", " no tolls"],
                      "phone.call": [" on speaker", " on his mobile"],
                      "media.play": [" on shuffle", " loud"]}}
_BARE_PRE = {"zh": ["", "", "", "就", "嗯", "那个", "就是", "换成", "要"], "en": ["", "", "", "um ", "just ", "uh "]}
# the kind of the car's names a bare slot value is (a number is said to a call, as a contact)
_BARE_KIND = {"track": NameKind.TRACK, "artist": NameKind.ARTIST, "collection": NameKind.ALBUM,
              "place": NameKind.PLACE, "contact": NameKind.CONTACT, "number": NameKind.CONTACT}


def spoken_number(rng: random.Random, lang: str) -> str:
    """A phone number as people say it: digits, Chinese digits (幺 for one), English words."""
    digits = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)) if lang == "zh" \
        else "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 10))))
    style = rng.random()
    if style < 0.3:
        return digits if rng.random() < 0.5 else " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    if lang == "zh":
        one = "幺" if rng.random() < 0.5 else "一"
        return "".join(one if d == "1" else _ZH_DIGIT[int(d)] for d in digits)
    words = [("oh" if d == "0" and rng.random() < 0.5 else _EN_DIGIT[int(d)]) for d in digits]
    return " ".join(words)


def _pools(lang: str, library: NameLibrary) -> dict[str, list[str]]:
    raw = load_lexicon(lang).raw
    names = train_names(lang)
    lib = {k: [e.name for e in library.of(k, lang)] for k in NameKind}
    return {
        "track": names.get("songs", []) + lib[NameKind.TRACK],
        "artist": [str(a) for a in raw.get("artists", [])] + lib[NameKind.ARTIST],
        "collection": lib[NameKind.ALBUM] + lib[NameKind.PLAYLIST] or ["summer hits"],
        "podcast": lib[NameKind.PODCAST] or ["daily news"],
        "place": names.get("places", []) + [e.name for e in library.of(NameKind.PLACE, lang) if len(e.name) > 1],
        "contact": names.get("contacts", []) + [e.name for e in library.of(NameKind.CONTACT, lang)],
        "play": [str(v) for v in raw.get("play_verbs", ()) if str(v).isascii() == (lang == "en")] or ["play"],
        "nav": [str(v) for v in raw.get("nav_verbs", ()) if str(v).isascii() == (lang == "en")] or ["go to"],
        "call": [str(v) for v in raw.get("call_verbs", ()) if str(v).isascii() == (lang == "en")] or ["call"],
    }


def gazette(index: NameIndex, text: str, lang: str, rng: random.Random | None = None) -> list[set[str]]:
    """The library's marks on each token; with `rng`, each name's marks are kept with
    probability KEEP_GAZETTE (a user's names are never all in the sample)."""
    found = [(m.start, m.end, m.kind.value) for m in index.spans(text, lang)
             if rng is None or rng.random() <= KEEP_GAZETTE]
    return marks(tokens(text), found)


def tagged_requests(lang: str, rng: random.Random, count: int, library: NameLibrary,
                    index: NameIndex) -> list[Tagged]:
    pools = _pools(lang, library)
    frames = _ZH if lang == "zh" else _EN
    out: list[Tagged] = []
    for _ in range(count):
        for cap, options in frames.items():
            frame = rng.choice(options)
            slots: dict[str, str] = {}
            text = frame
            for key in ("play", "nav", "call"):
                text = text.replace("{" + key + "}", rng.choice(pools[key]), 1)
            text = text.replace("{pre}", rng.choice(_PRE[lang]), 1)
            for slot in ("track", "artist", "collection", "place", "contact", "number"):
                if "{" + slot + "}" in text:
                    if slot == "number":
                        value = spoken_number(rng, lang)
                    else:
                        value = rng.choice(pools["podcast" if cap == "media.podcast" else slot])
                    slots[slot] = value
                    text = text.replace("{" + slot + "}", value, 1)
            if rng.random() < 0.2:
                text += rng.choice(_CAP_SUFFIX[lang].get(cap, [""]))
            text = (text + rng.choice(_SUFFIX[lang])).strip()
            out.append(Tagged(text, cap, slots, rng.choice([None, None, "media", "climate"]),
                              gazette(index, text, lang, rng)))
        # bare names: the whole text is the slot, the previous turn gives the request; half of
        # them unmarked, as a name the car's library lacks would be
        for _ in range(2):
            slot = rng.choice(list(_BARE_KIND))
            value = spoken_number(rng, lang) if slot == "number" else rng.choice(pools[slot])
            cap = filled_by(_BARE_KIND[slot])[0]
            text = (rng.choice(_BARE_PRE[lang]) + value + rng.choice(_SUFFIX[lang])).strip()
            marks_kept = gazette(index, text, lang, rng) if rng.random() < 0.5 else gazette(index, "", lang)
            out.append(Tagged(text, cap.id, {slot: value}, cap.domain, marks_kept))
    return out


def untagged(examples: list[Example], rng: random.Random, count: int) -> list[Tagged]:
    """Requests that carry no name (climate, windows, ...): every token is O."""
    catalog = load_catalog()
    pool = [e for e in examples if e.label != "none"
            and not catalog[e.label.split(":")[0]].params]
    pool += [e for e in examples if e.label == "none"]
    return [Tagged(e.text, e.label.split(":")[0] if e.label != "none" else None, {}, e.prev_domain)
            for e in rng.sample(pool, min(count, len(pool)))]


def sample_library() -> NameLibrary:
    """The packaged sample only (never the user's files): training is reproducible."""
    return NameLibrary.load(user_dir=Path("/nonexistent"))
