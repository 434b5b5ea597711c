"""Every programme module registers itself on import; add new ones to MODULES."""

import importlib

MODULES: tuple[str, ...] = ("dibao", "tekun", "low_income", "temporary", "children", "disability",
                            "elderly_allowance", "elderly_subsidies")


def _load() -> bool:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return True


load_all = _load()
