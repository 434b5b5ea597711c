"""DESIGN §5: a service is called one way only — `x(actor=…, person=…)`, every argument named, the actor a `User`.

A developer adding `def case_close(actor, case)` to some app's services (or to a services/ package that replaced
services.py) would let a call site swap the case and the actor unnoticed; this walks every services module of the
package and names any public function taking an `actor` that accepts a positional argument or leaves the actor
untyped. (mypy, run beside ruff in scripts/test.sh, checks the hints themselves.)
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "minzheng"


def service_modules() -> list[Path]:
    found = set(PACKAGE.glob("**/services.py")) | set(PACKAGE.glob("**/services/*.py"))
    return sorted(p for p in found if "tests" not in p.parts)


def public_services(path: Path):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            args = node.args
            if any(a.arg == "actor" for a in args.posonlyargs + args.args + args.kwonlyargs):
                yield node


def test_the_walk_sees_the_services_of_every_domain():
    apps = {p.relative_to(PACKAGE).parts[0] for p in service_modules()}
    assert {"registry", "assistance", "eldercare", "payroll", "timebank"} <= apps
    assert sum(1 for p in service_modules() for _ in public_services(p)) > 50


def test_every_public_service_takes_its_arguments_by_keyword_and_a_typed_actor():
    wrong = []
    for path in service_modules():
        where = path.relative_to(PACKAGE.parent)
        for fn in public_services(path):
            positional = [a.arg for a in fn.args.posonlyargs + fn.args.args]
            if positional or fn.args.vararg:
                wrong.append(f"{where}:{fn.lineno} {fn.name} takes {positional or '*args'} by position")
            actor = next(a for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs if a.arg == "actor")
            if actor.annotation is None or "User" not in ast.unparse(actor.annotation):
                wrong.append(f"{where}:{fn.lineno} {fn.name}: actor is not typed as User")
    assert not wrong, "\n".join(wrong)
