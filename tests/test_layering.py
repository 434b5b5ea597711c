"""The import-layering contract (pyproject.toml, checked by `lint-imports` in scripts/test.sh) only guards the
apps it names: a new app left out of it could import anything. Every app of the project must have its layer."""

import tomllib
from pathlib import Path

from django.conf import settings

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_every_app_has_a_layer_and_is_checked_for_cycles_within():
    apps = {a for a in settings.INSTALLED_APPS if a.startswith("minzheng.")}
    contracts = _contracts()
    layered = {m.strip() for layer in contracts["layers"]["layers"] for m in layer.replace(":", "|").split("|")}
    assert not apps - layered, f"这些应用没有写入分层契约：{sorted(apps - layered)}"
    assert not apps - set(contracts["acyclic-within-apps"]["ancestors"]), "有应用未检查内部循环导入"
