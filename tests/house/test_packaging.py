"""Packaging: every package a shipped module imports is declared for that module's install, and
the wheel holds the eight layers only (no tests, benchmarks or their fixtures)."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts/check_imports.py")
assert spec and spec.loader
check_imports = importlib.util.module_from_spec(spec)
sys.modules["check_imports"] = check_imports
spec.loader.exec_module(check_imports)

PYPROJECT = """
[project]
name = "dondoc"
dependencies = ["jinja2>=3"]
[project.optional-dependencies]
orchestrated = ["prefect>=3"]
charts = ["matplotlib"]
postgres = ["psycopg"]
demo = ["aiosmtpd"]
dev = ["dondoc[orchestrated,charts]", "pytest"]
"""


def test_the_shipped_code_declares_every_import() -> None:
    assert check_imports.problems(ROOT) == []


def test_an_undeclared_or_misplaced_import_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "pages.py").write_text(
        "import jinja2\nfrom markupsafe import Markup\n\ndef f():\n    import prefect\n",
        encoding="utf-8",
    )
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "prefect_flows.py").write_text("import prefect\n", encoding="utf-8")
    assert check_imports.problems(tmp_path) == [
        "web/pages.py: imports markupsafe (markupsafe), not declared in the core dependencies",
        "web/pages.py: imports prefect (prefect), not declared in the core dependencies",
    ]
    assert check_imports.declared(
        {
            "name": "dondoc",
            "dependencies": ["jinja2"],
            "optional-dependencies": {
                "charts": ["matplotlib"],
                "dev": ["dondoc[charts]", "pytest"],
            },
        }  # fmt: skip
    )["dev"] == {"jinja2", "matplotlib", "pytest"}


def test_the_wheel_leaves_out_tests_benchmarks_and_their_fixtures() -> None:
    """The folders the build puts in the wheel: those pyproject's [tool.setuptools.packages.find]
    includes (fnmatch patterns on package names, as setuptools matches them; package data goes
    only with these) are the eight layers: none of tests/ (helpers, factories, fixtures), no bench/.
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    include = config["packages"]["find"]["include"]
    # packages only: setuptools finds folders with an __init__.py (not dondoc.egg-info, build/)
    folders = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert {"tests", "bench"} <= folders
    shipped = {name for name in folders if any(fnmatch(name, pattern) for pattern in include)}
    assert shipped == set(check_imports.SHIPPED)
