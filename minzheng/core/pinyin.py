"""Pinyin of names for search by initials and for spotting homophone duplicates."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=50_000)
def _char(ch: str) -> str:
    # Per-character cache: names share a few thousand characters, so bulk imports stay fast.
    return lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0].lower()


def name_pinyin(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三; non-Chinese characters are kept as they are."""
    parts = [_char(ch) for ch in (name or "").strip() if not ch.isspace() and ch != "·"]
    return "".join(parts), "".join(p[:1] for p in parts)
