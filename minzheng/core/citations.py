"""Citations as a reader expects them. The data files cite the plans as `seeds/FILE.txt:LINE` (data/plans/README.md),
extracts as `domain/seed_00N.md:LINE`, reference tables by their path and standards with an `@effective-date` tag:
exact for developers, noise for a caseworker. `readable()` turns them into document references
(《江门市江海区民政事业发展“十四五”规划》第198行) and drops the rest to a plain phrase."""

import re

# data/plans/README.md: seed file number → the plan's title.
PLANS = {
    "000": "清远市民政事业发展“十四五”规划",
    "001": "郁南县民政事业发展“十四五”规划",
    "002": "江门市江海区民政事业发展“十四五”规划",
    "003": "中山市民政事业发展“十四五”规划",
    "004": "东莞市民政事业发展“十四五”规划",
}

_SEED = re.compile(r"(?:\.\./)?(?:shared/)?(?:data/plans/)?seeds/(\d{3})_[0-9a-f]+\.txt(?::(\d+)(?:[-–](\d+))?)?")
_DOMAIN = re.compile(r"(?:\.\./)?(?:shared/)?domain/seed_(\d{3})\.md(?::(\d+)(?:[-–](\d+))?)?")
_PATH = re.compile(r"(?<![\w/])(?:data|var|bench|scripts)/[\w./-]+")
_FILE = re.compile(r"\b[\w-]+\.(?:csv|txt|md|json|py)\b(?::\d+)?")
_VERSION = re.compile(r"((?:GB|GB/T|MZ/T|DB\d+/T)\s?[\d.]+-\d{4})@[\w.-]+")
_RULE_ID = re.compile(r"\b(?:rule|standard):[\w.:+@-]+")


def _plan(m: re.Match) -> str:
    title = PLANS.get(m.group(1))
    if title is None:
        return "规划原文"
    where = ""
    if m.group(2):
        where = f"第{m.group(2)}行" if not m.group(3) else f"第{m.group(2)}—{m.group(3)}行"
    return f"《{title}》{where}"


def readable(text: object) -> str:
    """A citation or a sentence holding one, as a document reference a reader can follow."""
    s = "" if text is None else str(text)
    if not s:
        return s
    s = _SEED.sub(_plan, s)
    s = _DOMAIN.sub(lambda m: f"《{PLANS.get(m.group(1), '规划原文')}》", s)  # extract lines are not the plan's
    s = s.replace(" ; ", "；").replace("; ", "；")
    s = _PATH.sub("本局整理的参考数据", s)
    s = _FILE.sub("本局整理的参考数据", s)
    s = _VERSION.sub(r"\1", s)
    s = _RULE_ID.sub("规划规则", s)
    return s
