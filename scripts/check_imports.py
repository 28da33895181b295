#!/usr/bin/env python3
"""Every third-party package a shipped module imports is declared for that module.

Walks the AST of every module of the shipped packages (imports at the top and inside functions
alike), maps each imported top-level name to its distribution (in the environment it runs in,
which must have everything installed: the dev lock), and checks that the distribution is a
declared dependency of the core install, or of the extra the module belongs to (`EXTRA_OF`,
`OPTIONAL`). Prints one line per problem and exits 1; run by .ci/run.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("directives", "intake", "storage", "notifications", "reports", "flows", "web", "dondoc")
# Modules that need an extra as a whole (nothing of the core install imports them at load time).
EXTRA_OF = {
    "flows/prefect_flows.py": "orchestrated",
    "flows/deployments.py": "orchestrated",
    "reports/chart_png.py": "charts",
    "dondoc/demo.py": "demo",
    "notifications/mail_sink.py": "demo",  # the demo's, tests' and benches' SMTP sink
}
# Imports done lazily, on one path only, inside a core module.
OPTIONAL = {
    ("storage/outbox_sql.py", "psycopg"): "postgres",  # PostgreSQL marks only
    ("dondoc/cli_deploy.py", "prefect"): "orchestrated",  # says which extra is missing
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> tuple[str, list[str]]:
    """The distribution of a requirement string and the extras it asks for."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    if not match:
        raise ValueError(f"cannot read requirement {spec!r}")
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return canonical(match.group(1)), extras


def declared(project: dict) -> dict[str, set[str]]:
    """Distributions allowed per extra ("" = core), self-references (dondoc[x]) expanded."""
    name = canonical(project["name"])
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})

    def expand(extra: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out: set[str] = set()
        for spec in extras[extra]:
            dist, wanted = requirement_name(spec)
            if dist == name:
                for sub in wanted:
                    if sub not in seen:
                        out |= expand(sub, seen | {extra})
            else:
                out.add(dist)
        return out

    core = {requirement_name(spec)[0] for spec in project["dependencies"]}
    return {"": core} | {extra: core | expand(extra) for extra in extras}


def imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports of a module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def problems(root: Path = ROOT) -> list[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = declared(project)
    for rel, extra in [*EXTRA_OF.items(), *((k[0], v) for k, v in OPTIONAL.items())]:
        if extra not in allowed:
            return [f"{rel}: extra {extra!r} is not in pyproject.toml"]
    dists = packages_distributions()
    ours = set(SHIPPED) | {"bench", "tests"}
    found = []
    for package in SHIPPED:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for name in sorted(imports(path) - ours - set(sys.stdlib_module_names)):
                extra = OPTIONAL.get((rel, name), EXTRA_OF.get(rel, ""))
                candidates = {canonical(d) for d in dists.get(name, [])}
                if not candidates:
                    found.append(f"{rel}: imports {name}, which no installed distribution has")
                elif not candidates & allowed[extra]:
                    where = f"the {extra!r} extra" if extra else "the core dependencies"
                    dist = ", ".join(sorted(candidates))
                    found.append(f"{rel}: imports {name} ({dist}), not declared in {where}")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print("check_imports: every imported package is declared")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
