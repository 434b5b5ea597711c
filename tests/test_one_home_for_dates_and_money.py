"""Month arithmetic, ages and money rounding live in minzheng/core (periods.py, money.py) only: a copy elsewhere
drifts (two meanings of "add months", three rounding modes), so this test reads every module and names the copy."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "minzheng"
CORE = ROOT / "core"

# Names a copy would take (module-level functions, any app outside core/).
HELPER_NAME = re.compile(
    r"^_*(add_months?|months?_(start|end|plus|later)|(first_of_|start_of_)?(next|prev|previous|last)_month(_start)?"
    r"|first_of_(next_)?month|age|age_on|ages?|birthday|born_on_or_before|years_(before|after|later)"
    r"|yuan|fen|cents?|round_money|round_by|round_amount|split_amount|quantize)$")


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if path.is_relative_to(CORE) or "tests" in rel.parts or "migrations" in rel.parts:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_month_day_tuple(node) -> bool:
    return (isinstance(node, ast.Tuple) and len(node.elts) == 2
            and [getattr(e, "attr", None) for e in node.elts] == ["month", "day"])


def _returns(fn, attr: str):
    """The call `….attr(…)` that a small function (a docstring and a return) returns, if any."""
    if len([st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]) > 1:
        return None
    last = fn.body[-1]
    if isinstance(last, ast.Return) and isinstance(last.value, ast.BinOp):  # (v / unit).quantize(…) * unit
        last = ast.Return(last.value.left)
    if (isinstance(last, ast.Return) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute) and last.value.func.attr == attr):
        return last.value
    return None


def _fingerprint(node) -> str | None:
    """What a helper body does, when it is month arithmetic, an age or a money rounding."""
    if isinstance(node, ast.FunctionDef) and _returns(node, "quantize"):
        return "a rounding helper (returns a quantize)"
    if isinstance(node, ast.FunctionDef) and (call := _returns(node, "replace")):
        if [k.arg for k in call.keywords] == ["day"] or any(k.arg == "year" for k in call.keywords):
            return "a month-start or years-later helper (returns a date replace)"
    if isinstance(node, ast.Compare) and (_is_month_day_tuple(node.left)
                                          or any(_is_month_day_tuple(c) for c in node.comparators)):
        return "age by (month, day) comparison"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "divmod":
        if any(isinstance(n, ast.Attribute) and n.attr == "month" for a in node.args for n in ast.walk(a)):
            return "month arithmetic with divmod"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "quantize":
        if any(k.arg == "rounding" for k in node.keywords) or len(node.args) > 1:
            return "a rounding mode chosen outside core/money.py"
    if isinstance(node, ast.ImportFrom) and node.module == "decimal":
        if any(a.name.startswith("ROUND_") for a in node.names):
            return "a decimal rounding mode imported outside core/money.py"
    return None


def test_no_month_age_or_money_helper_outside_core():
    found = []
    for rel, tree in _modules():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and HELPER_NAME.match(node.name):
                found.append(f"{rel}:{node.lineno} def {node.name}")
        for node in ast.walk(tree):
            if (why := _fingerprint(node)) is not None:
                found.append(f"{rel}:{node.lineno} {why}")
    assert not found, "use minzheng/core/periods.py or money.py instead:\n" + "\n".join(found)


def test_the_guard_recognises_a_copy():
    # The test above must be able to fail: each kind of copy seen in the tree before this rule is caught.
    copies = {
        "def _add_months(first, months):\n    y, m = divmod(first.month - 1 + months, 12)\n": "divmod",
        "def f(birth, on):\n    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))\n":
            "comparison",
        "def f(v):\n    return v.quantize(CENT, rounding=ROUND_HALF_UP)\n": "rounding mode",
        "from decimal import ROUND_HALF_UP\n": "imported",
        "def _yuan(value):\n    return Decimal(value or 0).quantize(Decimal('0.01'))\n": "rounding helper",
        "def _month(day):\n    return day.replace(day=1)\n": "month-start",
    }
    for source, why in copies.items():
        assert any(why in (_fingerprint(n) or "") for n in ast.walk(ast.parse(source))), source
    assert all(HELPER_NAME.match(n) for n in ("_add_months", "_first_of_next_month", "_yuan", "_fen", "age_on",
                                               "_prev_month", "month_start", "next_month", "_age"))
