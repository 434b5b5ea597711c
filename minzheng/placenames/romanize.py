"""汉语拼音 of place names per GB/T 16159-2012 §6.3 and GB 17733: 专名 and 通名 written apart, each word
capitalised, tone marks kept, and an apostrophe before a syllable beginning with a, o or e inside a word
(Cháng'ān, Xī'ān). Place-name readings that differ from the ordinary one (东莞 Dōngguǎn, 都城 Dūchéng, 礼乐 Lǐlè)
come from data/placenames/pinyin_overrides.csv before pypinyin's dictionary is asked."""

import csv
import functools
import unicodedata

from django.conf import settings
from pypinyin import Style, lazy_pinyin

DIR = settings.DATA_DIR / "placenames"


@functools.cache
def overrides() -> dict[str, list[str]]:
    with open(DIR / "pinyin_overrides.csv", encoding="utf-8") as f:
        return {r["phrase"]: r["syllables"].split() for r in csv.DictReader(f)}


@functools.cache
def generic_names() -> dict[str, list[str]]:
    """通名 per category, longest first, so 大道 is tried before 道."""
    with open(DIR / "categories.csv", encoding="utf-8") as f:
        return {r["code"]: sorted(r["generic_names"].split(";"), key=len, reverse=True) for r in csv.DictReader(f)}


def syllables(text: str) -> list[str]:
    """Tone-marked syllables, the longest override phrase first at each position."""
    table = overrides()
    longest = max((len(k) for k in table), default=0)
    out: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 0, -1):
            if text[i:i + n] in table:
                out.extend(table[text[i:i + n]])
                i += n
                break
        else:
            j = i
            while j < len(text) and not any(text[j:j + n] in table for n in range(1, longest + 1)):
                j += 1
            out.extend(lazy_pinyin(text[i:j], style=Style.TONE))
            i = j
    return out


def _word(sylls: list[str]) -> str:
    parts = []
    for k, s in enumerate(sylls):
        if k and s[:1] and unicodedata.normalize("NFD", s)[0] in "aoe":
            parts.append("'")
        parts.append(s)
    word = "".join(parts)
    return word[:1].upper() + word[1:]


def split_generic(name: str, category: str) -> tuple[str, str]:
    for g in generic_names().get(category, []):
        if name.endswith(g) and len(name) > len(g):
            return name[: -len(g)], g
    return name, ""


def romanize(name: str, category: str) -> str:
    """东莞市 (21) → "Dōngguǎn Shì"; 长安 → "Cháng'ān"."""
    specific, generic = split_generic(name, category)
    words = [_word(syllables(specific))]
    if generic:
        words.append(_word(syllables(generic)))
    return " ".join(words)


def _plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower()


def search_keys(name: str) -> tuple[str, str]:
    """("dongguanshi", "dgs"): toneless syllables of the name joined, and their initials, for search."""
    plain = [_plain(s) for s in syllables(name) if s.strip()]
    return "".join(plain), "".join(p[:1] for p in plain)
