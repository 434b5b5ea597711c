"""Every status badge is readable (issue 16 point 8): the import job's label was white text on an undefined
background. Each status a badge can carry — an import job's, an indicator's progress — has its own colour pair in
app.css, and white on that background reaches WCAG AA contrast (4.5:1) for the small badge text."""

import re
from pathlib import Path

import pytest

from minzheng.registry.models import ImportJob

CSS = re.sub(r"/\*.*?\*/", "", (Path(__file__).resolve().parent.parent / "minzheng/web/static/web/app.css")
             .read_text(encoding="utf-8"), flags=re.S)
TEMPLATES = Path(__file__).resolve().parent.parent / "minzheng"


def _variables() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", CSS).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))


def _declarations(cls: str) -> dict[str, str]:
    """The declarations of the rules naming .cls (alone or in a group), later rules winning."""
    found: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        if any(s.strip() == f".{cls}" for s in selectors.split(",")):
            found |= {k.strip(): v.strip() for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)}
    return found


def _rgb(value: str, variables: dict) -> tuple[int, int, int]:
    value = value.strip()
    m = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if m:
        value = variables[m.group(1)].strip()
    if value == "#fff":
        value = "#ffffff"
    m = re.fullmatch(r"#([0-9a-fA-F]{6})", value)
    assert m, f"not a colour this check reads: {value}"
    h = m.group(1)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _contrast(a, b) -> float:
    def lum(c):
        ch = [x / 255 for x in c]
        ch = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


BADGES = [f"status-{s}" for s in ImportJob.Status.values] + ["status-ok", "status-on", "status-lag", "status-none"]


@pytest.mark.parametrize("cls", BADGES)
def test_each_status_badge_has_a_readable_colour_pair(cls):
    variables = _variables()
    base, own = _declarations("status"), _declarations(cls)
    assert "background" in own, f".{cls} 没有定义背景色"
    pair = base | own
    ratio = _contrast(_rgb(pair["color"], variables), _rgb(pair["background"], variables))
    assert ratio >= 4.5, f".{cls}: 对比度 {ratio:.2f} < 4.5"


def test_an_unknown_status_still_has_a_background():
    decl = _declarations("status")
    assert "background" in decl and _contrast(_rgb(decl["color"], _variables()),
                                              _rgb(decl["background"], _variables())) >= 4.5


def test_count_lists_carry_no_bullets():
    # the import job's counts (数据行 / 正确 / 错误) are a <ul class="stats">: its bullets sat on the figures
    assert _declarations("stats").get("list-style") == "none"


def test_every_pager_is_given_the_page_it_counts():
    # "共 条": three lists handed the pager `page_obj=`, which it does not read
    wrong = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
             if re.search(r'include "web/_pager.html" with .*\bpage_obj=', p.read_text(encoding="utf-8"))]
    assert wrong == []
