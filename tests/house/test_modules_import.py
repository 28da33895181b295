"""Every module of every package imports: a module naming a helper that moved or was removed
(bench scripts are not run by other tests) fails here, not on the day someone runs it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

PACKAGES = ["directives", "storage", "notifications", "reports", "flows", "web", "dondoc",
            "intake", "bench"]  # fmt: skip


def _modules() -> list[str]:
    names = []
    for pkg in PACKAGES:
        root = importlib.import_module(pkg)
        names += [m.name for m in pkgutil.walk_packages(root.__path__, pkg + ".")]
    return sorted(n for n in names if not n.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_module_imports(name: str) -> None:
    importlib.import_module(name)
