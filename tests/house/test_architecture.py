"""Dependencies point inward: checked on the source with `ast`, so a violation names file and line.

directives imports nothing of ours; storage only directives; intake (the OCR runner: files and
processes) only directives; notifications, reports, flows and web use storage, intake and
directives, and from the shell only its two leaf modules (dondoc.settings, dondoc.errors);
flows and web also `dondoc.wiring`, where the one Settings becomes the database, SMTP, mail and
policy objects (wiring itself imports nothing of the shell but those leaves).
Only storage builds SQL: notifications, reports, flows, web, intake and the shell (dondoc) call
no sa.select/update/insert/delete and import from sqlalchemy only the Session and Connection
types and its exceptions (no expressions either). Only storage holds SQL text: no other
package calls `text()` or `exec_driver_sql`, executes a string or holds a string that reads as
SQL. Only storage knows the dialect: no other package compares or looks up by a dialect name
(printing it is fine). import-linter (`[tool.importlinter]` in pyproject.toml, `lint-imports`
in .ci/run) checks the same layers on the import graph; `test_import_linter_contracts` runs it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("directives", "intake", "storage", "notifications", "reports", "flows", "web", "dondoc")
SHELL_LEAVES = ("dondoc.settings", "dondoc.errors")
WIRING = "dondoc.wiring"
WIRING_USERS = ("flows", "web")  # notifications and reports are wired, they do not wire
FORBIDDEN = {
    "directives": ("intake", "storage", "notifications", "reports", "flows", "web", "dondoc"),
    "intake": ("storage", "notifications", "reports", "flows", "web", "dondoc"),
    "storage": ("intake", "notifications", "reports", "flows", "web", "dondoc"),
}
# directives/ is pure: no processes, no files, no network (reading bytes handed in is fine).
IMPURE = frozenset({"subprocess", "shutil", "tempfile", "socket", "urllib.request", "http.client"})
OUTER = ("notifications", "reports", "flows", "web")
STATEMENTS = frozenset({"select", "insert", "update", "delete"})
NO_SQL = ("notifications", "reports", "flows", "web", "intake", "dondoc")
# Not moved yet: the digest lines' reads, composed with the sweep's anchors (issue 17.2).
SQL_EXEMPT: frozenset[str] = frozenset()
NO_SQL_TEXT = ("notifications", "reports", "flows", "web", "intake", "dondoc")
NO_DIALECT = NO_SQL_TEXT
# What those packages may take from sqlalchemy: types to pass a session on, errors to catch.
SA_ALLOWED = ("sqlalchemy.orm.Session", "sqlalchemy.Connection", "sqlalchemy.exc")
RAW = frozenset({"text", "exec_driver_sql", "executescript", "literal_column"})
SQL_TEXT = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|SET|PRAGMA|VACUUM|ANALYZE)\s"
)


def test_import_linter_contracts() -> None:
    """The layers of [tool.importlinter] hold on the whole import graph (chains too)."""
    tool = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(tool), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def _files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _where(path: Path, node: ast.AST) -> str:
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{name}:{node.lineno}"


def _imports(path: Path) -> Iterator[tuple[str, ast.AST]]:
    """Every absolute module imported (lazily or not), with `from X import y` also as X.y."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node


def _top(module: str) -> str:
    return module.partition(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_inner_packages_import_nothing_outward(package: str) -> None:
    bad = [
        f"{_where(path, node)} imports {module}"
        for path in _files(package)
        for module, node in _imports(path)
        if _top(module) in FORBIDDEN[package]
    ]
    assert not bad, f"{package}/ must not import {', '.join(FORBIDDEN[package])}:\n" + "\n".join(
        sorted(set(bad))
    )


@pytest.mark.parametrize("package", OUTER)
def test_outer_packages_use_only_the_shells_leaf_modules(package: str) -> None:
    leaves = SHELL_LEAVES + ((WIRING,) if package in WIRING_USERS else ())

    def allowed(module: str) -> bool:
        return module == "dondoc" or any(
            module == leaf or module.startswith(leaf + ".") for leaf in leaves
        )

    bad = [
        f"{_where(path, node)} imports {module}"
        for path in _files(package)
        for module, node in _imports(path)
        if _top(module) == "dondoc" and not allowed(module)
    ]
    # `from dondoc import x` yields "dondoc" and "dondoc.x": the second one is checked.
    assert not bad, f"{package}/ may import only {', '.join(leaves)} from dondoc:\n" + (
        "\n".join(sorted(set(bad)))
    )


def test_wiring_and_settings_import_no_other_part_of_the_shell() -> None:
    def allowed(module: str) -> bool:
        return module == "dondoc" or any(
            module == leaf or module.startswith(leaf + ".") for leaf in SHELL_LEAVES
        )

    bad = [
        f"{_where(path, node)} imports {module}"
        for path in (ROOT / "dondoc" / "wiring.py", ROOT / "dondoc" / "settings.py")
        for module, node in _imports(path)
        if _top(module) == "dondoc" and not allowed(module)
    ]
    assert not bad, "dondoc.wiring/settings may import only the shell's leaves:\n" + "\n".join(bad)


def test_directives_run_no_processes_and_open_no_files() -> None:
    bad = [
        f"{_where(path, node)} imports {module}"
        for path in _files("directives")
        for module, node in _imports(path)
        if module in IMPURE or _top(module) in IMPURE
    ]
    opens = [
        _where(path, node)
        for path in _files("directives")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open"
    ]
    assert not bad and not opens, "directives/ must stay pure; OCR runs in intake/:\n" + "\n".join(
        bad + [f"{o} calls open()" for o in opens]
    )


def _sql_statements(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases = {"sa", "sqlalchemy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "sqlalchemy"}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in STATEMENTS
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            yield f"{_where(path, node)} uses {node.value.id}.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module and _top(node.module) == "sqlalchemy":
            for alias in node.names:
                if alias.name in STATEMENTS:
                    yield f"{_where(path, node)} imports {alias.name} from {node.module}"


def _sqlalchemy_uses(path: Path) -> Iterator[str]:
    """Imports from sqlalchemy beyond SA_ALLOWED (`from sqlalchemy.orm import Session` yields
    both "sqlalchemy.orm" and "sqlalchemy.orm.Session": the module alone is not a use)."""
    for module, node in _imports(path):
        if _top(module) != "sqlalchemy" or any(
            module == a or module.startswith(a + ".") for a in SA_ALLOWED
        ):
            continue
        if isinstance(node, ast.ImportFrom) and module == node.module:
            continue
        yield f"{_where(path, node)} imports {module}"


@pytest.mark.parametrize("package", NO_SQL)
def test_only_storage_builds_sql_statements(package: str) -> None:
    files = [p for p in _files(package) if str(p.relative_to(ROOT)) not in SQL_EXEMPT]
    bad = [hit for path in files for hit in _sql_statements(path)]
    bad += [hit for path in files for hit in _sqlalchemy_uses(path)]
    assert not bad, f"{package}/ builds SQL; move it into storage/:\n" + "\n".join(bad)


def _strings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value for v in node.values if isinstance(v, ast.Constant))


def _sqlalchemy_text(func: ast.expr) -> bool:
    """`text(…)` (imported, which is flagged too) or `sa.text(…)`, not `ax.text(…)`."""
    if isinstance(func, ast.Attribute):
        return isinstance(func.value, ast.Name) and func.value.id in ("sa", "sqlalchemy")
    return True


def _sql_text(path: Path) -> Iterator[str]:
    """SQL written as text: raw-SQL calls, strings executed, strings that start like SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "text" and not _sqlalchemy_text(node.func):
                pass  # e.g. matplotlib's ax.text()
            elif name in RAW:
                yield f"{_where(path, node)} calls {name}()"
            elif name == "execute" and node.args and any(_strings(node.args[0])):
                yield f"{_where(path, node)} executes a string"
        elif isinstance(node, ast.ImportFrom) and node.module and _top(node.module) == "sqlalchemy":
            yield from (
                f"{_where(path, node)} imports {a.name} from {node.module}"
                for a in node.names
                if a.name in RAW
            )
        for text in _strings(node):
            if SQL_TEXT.match(text):
                yield f"{_where(path, node)} holds SQL text {text.strip()[:30]!r}"


@pytest.mark.parametrize("package", NO_SQL_TEXT)
def test_only_storage_holds_sql_text(package: str) -> None:
    bad = sorted({hit for path in _files(package) for hit in _sql_text(path)})
    assert not bad, f"{package}/ holds SQL text; move it into storage/:\n" + "\n".join(bad)


def _mentions_dialect(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "dialect")
        or (isinstance(n, ast.Name) and n.id == "dialect")
        for n in ast.walk(node)
    )


def _dialect_checks(path: Path) -> Iterator[str]:
    """A dialect compared (`if db.dialect == "sqlite"`, `x if … dialect … else y`, `in`) or
    used as a key (`TABLE[db.dialect]`)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Compare) and _mentions_dialect(node):
            yield f"{_where(path, node)} compares a dialect"
        elif isinstance(node, ast.Subscript) and _mentions_dialect(node.slice):
            yield f"{_where(path, node)} looks up by dialect"
        elif isinstance(node, ast.Match) and _mentions_dialect(node.subject):
            yield f"{_where(path, node)} matches a dialect"


@pytest.mark.parametrize("package", NO_DIALECT)
def test_only_storage_knows_the_dialect(package: str) -> None:
    bad = sorted({hit for path in _files(package) for hit in _dialect_checks(path)})
    assert not bad, f"{package}/ checks the dialect; say it once in storage/:\n" + "\n".join(bad)


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sqlalchemy as sa\nfrom sqlalchemy import select\nq = sa.update(1)\n"
        "from dondoc.wiring import database\n",
        encoding="utf-8",
    )
    assert sorted(_sql_statements(bad)) == [
        "bad.py:2 imports select from sqlalchemy",
        "bad.py:3 uses sa.update",
    ]
    assert ("dondoc.wiring.database", 4) in {(m, n.lineno) for m, n in _imports(bad)}
    raw = tmp_path / "raw.py"
    raw.write_text(
        "import sqlalchemy as sa\nfrom sqlalchemy import text\ns.execute(sa.text('x'))\n"
        "c.exec_driver_sql(q)\ns.execute(f'DELETE FROM t WHERE id = {i}')\n"
        'Q = """\n  SELECT 1"""\nok = \'Selected tasks\'\nax.text(0, 0, "label")\n',
        encoding="utf-8",
    )
    assert sorted(set(_sql_text(raw))) == [
        "raw.py:2 imports text from sqlalchemy",
        "raw.py:3 calls text()",
        "raw.py:4 calls exec_driver_sql()",
        "raw.py:5 executes a string",
        "raw.py:5 holds SQL text 'DELETE FROM t WHERE id ='",
        "raw.py:6 holds SQL text 'SELECT 1'",
    ]
    dialect = tmp_path / "dialect.py"
    dialect.write_text(
        "a = 1 if db.dialect == 'sqlite' else 2\nb = T[session.get_bind().dialect.name]\n"
        "print(db.dialect)\nfrom sqlalchemy import func, exc\nfrom sqlalchemy.orm import Session\n",
        encoding="utf-8",
    )
    assert sorted(_dialect_checks(dialect)) == [
        "dialect.py:1 compares a dialect",
        "dialect.py:2 looks up by dialect",
    ]
    assert sorted(set(_sqlalchemy_uses(dialect))) == ["dialect.py:4 imports sqlalchemy.func"]
