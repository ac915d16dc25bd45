"""The package keeps the layout the README describes, read from its source with ``ast``.

Every ``.py`` under ``opsworkbench/`` counts (imports inside functions too), except the report
notebook and the explorer's notebook, which are the product itself and may use anything. The rules:

(a) no import cycles between the package's modules;
(b) language/ and diagnostics/ are pure: no charting, notebook or database library, and
    nothing from the workspace, intake, present or report;
(c) the flow runs one way: foundation → workspace → intake, language → diagnostics → present
    → report, tools, sample, explorer → cli, and no module imports a later layer;
(d) vocabulary.py imports only the standard library;
(e) a quadrant name is spelled as a string only in vocabulary.py;
(f) diagnostics/ returns plain data: no anchor or link of the report's sections;
(g) only workspace.py talks to DuckDB (imports ``duckdb``, calls ``.execute(`` / ``.sql(``).

Known exceptions are listed below with the reason; each list only shrinks, and an entry that
no longer matches anything fails the test so it gets removed.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "opsworkbench"
PACKAGE = "opsworkbench"
NOT_CHECKED = (
    "report/notebook",
    "explorer/notebook",
    "workshop/notebook",
)  # notebooks are the product's surface
REPORT_NOTEBOOK = ROOT / "report" / "notebook" / "report.py"

QUADRANT_NAMES = ("factory_floor", "customer_activity", "customer_outcome", "business_result")
PURE_PACKAGES = ("language", "diagnostics")
# Libraries the pure packages must not load: charts, notebooks, rendering and the database.
PURE_FORBIDDEN_LIBRARIES = ("altair", "papermill", "nbconvert", "nbformat", "IPython", "duckdb")
PURE_FORBIDDEN_MODULES = ("workspace", "intake", "present", "report")

# The flow, first to last: a module may import its own layer and earlier ones only.
LAYERS = (
    ("vocabulary", "config", "errors", "pii", "privacy"),
    ("workspace",),
    ("intake", "language"),
    ("diagnostics",),
    ("present",),
    ("report", "tools", "sample", "explorer", "workshop"),
    ("cli", "__main__", ""),  # "": the package itself (its lazy public names)
)

# Shrinking allow-lists: (importing module, imported module or what it does) → why.
LAYER_EXCEPTIONS: dict[tuple[str, str], str] = {}
# Imports left out of the cycle search: (importer, imported) → why.
CYCLE_EXCEPTIONS: dict[tuple[str, str], str] = {}
SQL_EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module: a package module when it is one, else the library's
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Package:
    """A package's modules (name → syntax tree) and the imports between them."""

    root: Path
    name: str
    modules: dict[str, ast.Module] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)

    def internal(self, name: str) -> bool:
        return name == self.name or name.startswith(self.name + ".")

    def layer_name(self, module: str) -> str:
        """The first part below the package: "diagnostics" for opsworkbench.diagnostics.x."""
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else ""


def _module_name(root: Path, name: str, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([name, *parts])


def read_package(root: Path, name: str, skip: Iterable[str] = ()) -> Package:
    package = Package(root, name)
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if any(relative == s or relative.startswith(s.rstrip("/") + "/") for s in skip):
            continue
        module = _module_name(root, name, path)
        package.modules[module] = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package.paths[module] = path
    for module, tree in package.modules.items():
        is_package = package.paths[module].name == "__init__.py"
        for node in ast.walk(tree):  # every import, at module level or inside a function
            for target in dict.fromkeys(_targets(package, module, is_package, node)):
                package.imports.append(Import(module, target, package.paths[module], node.lineno))
    return package


def _targets(package: Package, module: str, is_package: bool, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: from . import x, from ..y import z
        anchor = module.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, *([base] if base else [])])
    if not package.internal(base):
        return [base]
    # `from package.x import y` imports the module package.x.y when y is one
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in package.modules else base
        for alias in node.names
    ]


def _strings(tree: ast.AST) -> Iterable[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


# --- the rules: each returns a list of readable violations ---------------------------------


def import_cycles(package: Package, ignore: Iterable[tuple[str, str]] = ()) -> list[str]:
    """One message per cycle found, naming each step of it and where it is imported.

    ``ignore`` lists (importer, imported) pairs left out of the search.
    """
    ignore = set(ignore)
    graph: dict[str, dict[str, Import]] = {m: {} for m in package.modules}
    for imp in package.imports:
        if (imp.source, imp.target) in ignore:
            continue
        if imp.target in package.modules and imp.target != imp.source:
            graph[imp.source].setdefault(imp.target, imp)
    found, seen = [], set()

    def visit(module: str, trail: list[str]) -> None:
        seen.add(module)
        trail.append(module)
        for target in graph[module]:
            if target in trail:
                cycle = [*trail[trail.index(target) :], target]
                steps = [
                    f"{a} imports {b} ({graph[a][b].where()})"
                    for a, b in zip(cycle, cycle[1:], strict=False)
                ]
                found.append(
                    "import cycle " + " -> ".join(cycle) + ":\n    " + "\n    ".join(steps)
                )
            elif target not in seen:
                visit(target, trail)
        trail.pop()

    for module in sorted(graph):
        if module not in seen:
            visit(module, [])
    return found


def pure_imports(package: Package) -> list[tuple[Import, str]]:
    """language/ and diagnostics/ import no presentation, notebook, database or I/O layer."""
    pure = tuple(f"{package.name}.{p}" for p in PURE_PACKAGES)
    banned = tuple(f"{package.name}.{m}" for m in PURE_FORBIDDEN_MODULES)
    found = []
    for imp in package.imports:
        if not any(imp.source == p or imp.source.startswith(p + ".") for p in pure):
            continue
        library = imp.target.split(".")[0]
        module = any(imp.target == b or imp.target.startswith(b + ".") for b in banned)
        if library in PURE_FORBIDDEN_LIBRARIES or module:
            found.append(
                (
                    imp,
                    f"{imp.where()}: {imp.source} imports {imp.target}; "
                    f"{'/'.join(PURE_PACKAGES)} must stay pure functions of data",
                )
            )
    return found


def layer_order(package: Package) -> list[tuple[Import, str]]:
    """No module imports a later layer of the flow."""
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    found = []
    for imp in package.imports:
        if imp.target not in package.modules:
            continue
        src, dst = package.layer_name(imp.source), package.layer_name(imp.target)
        if src == dst or src not in rank or dst not in rank or rank[dst] <= rank[src]:
            continue
        found.append(
            (
                imp,
                f"{imp.where()}: {imp.source} imports {imp.target}, a later layer "
                f"({src or package.name} comes before {dst or package.name} in the flow)",
            )
        )
    return found


def vocabulary_imports(package: Package) -> list[str]:
    """vocabulary.py imports only the standard library."""
    source = f"{package.name}.vocabulary"
    return [
        f"{imp.where()}: vocabulary imports {imp.target}; it must import only the standard "
        "library so every module can use it for free"
        for imp in package.imports
        if imp.source == source
        and (
            package.internal(imp.target) or imp.target.split(".")[0] not in sys.stdlib_module_names
        )
    ]


def quadrant_literals(package: Package, names: Iterable[str] = QUADRANT_NAMES) -> list[str]:
    """Quadrant names are spelled only in vocabulary.py: elsewhere use its constants."""
    names = set(names)
    return [
        f"{package.paths[module]}:{node.lineno}: the quadrant name {node.value!r} is spelled "
        f"out; import it from {package.name}.vocabulary"
        for module, tree in package.modules.items()
        if module != f"{package.name}.vocabulary"
        for node in _strings(tree)
        if node.value in names
    ]


def report_anchors(notebook: Path) -> set[str]:
    """The section anchors of the report: its ``<a id="...">`` names."""
    return set(re.findall(r"<a\s+id=[\"']([^\"']+)[\"']", notebook.read_text(encoding="utf-8")))


def report_links(package: Package, anchors: set[str]) -> list[str]:
    """diagnostics/ names sections as data; the report turns them into anchors and links.

    Caught: "#anchor" links, HTML links or anchors, and the report's multi-word anchor ids
    ("okr-health"). One-word ids ("themes", "change") are ordinary words and data names.
    """
    prefix = f"{package.name}.diagnostics"
    found = []
    for module, tree in package.modules.items():
        if not module.startswith(prefix):
            continue
        for node in _strings(tree):
            text = node.value
            link = any(text.startswith("#" + a) for a in anchors) or (
                "-" in text and text in anchors
            )
            if link or re.search(r"<a\s|href\s*=", text):
                found.append(
                    f"{package.paths[module]}:{node.lineno}: {text!r} is a link or anchor of the "
                    "report; return the section's name and let present/ link it"
                )
    return found


def sql_outside_workspace(package: Package) -> list[tuple[str, str, str]]:
    """(module, what, where) for each use of DuckDB outside workspace.py."""
    allowed = f"{package.name}.workspace"
    found = [
        (imp.source, "import duckdb", imp.where())
        for imp in package.imports
        if imp.source != allowed and imp.target.split(".")[0] == "duckdb"
    ]
    for module, tree in package.modules.items():
        if module == allowed:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "sql")
            ):
                where = f"{package.paths[module]}:{node.lineno}"
                found.append((module, f".{node.func.attr}(", where))
    return found


def _allowed(violations: list[tuple[Import, str]]) -> list[str]:
    """The messages of violations not listed in LAYER_EXCEPTIONS."""
    return [m for imp, m in violations if (imp.source, imp.target) not in LAYER_EXCEPTIONS]


def _fail(rule: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{rule}:\n  " + "\n  ".join(problems), pytrace=False)


# --- the package's own source -------------------------------------------------------------


@pytest.fixture(scope="module")
def package() -> Package:
    return read_package(ROOT, PACKAGE, NOT_CHECKED)


def test_the_whole_package_is_read(package):
    assert f"{PACKAGE}.vocabulary" in package.modules
    assert f"{PACKAGE}.diagnostics.recommendations" in package.modules
    assert not any(m.startswith(f"{PACKAGE}.report.notebook") for m in package.modules)
    assert len(package.imports) > 100


def test_no_import_cycles(package):
    _fail("Modules import each other in a cycle", import_cycles(package, CYCLE_EXCEPTIONS))
    imported = {(imp.source, imp.target) for imp in package.imports}
    _fail(
        "CYCLE_EXCEPTIONS lists an import that is gone: remove it",
        [f"{a} -> {b}" for a, b in sorted(set(CYCLE_EXCEPTIONS) - imported)],
    )


def test_language_and_diagnostics_stay_pure(package):
    _fail(
        "language/ and diagnostics/ import a layer they must not", _allowed(pure_imports(package))
    )


def test_no_module_imports_a_later_layer(package):
    _fail("A module imports a later layer of the flow", _allowed(layer_order(package)))


def test_layer_exceptions_are_still_needed(package):
    found = {(imp.source, imp.target) for imp, _ in pure_imports(package) + layer_order(package)}
    _fail(
        "LAYER_EXCEPTIONS lists an import that is gone: remove it",
        [f"{a} -> {b}" for a, b in sorted(set(LAYER_EXCEPTIONS) - found)],
    )


def test_vocabulary_imports_only_the_standard_library(package):
    _fail("vocabulary.py imports more than the standard library", vocabulary_imports(package))


def test_quadrant_names_are_spelled_only_in_the_vocabulary(package):
    from opsworkbench.vocabulary import QUADRANTS

    assert sorted(QUADRANTS) == sorted(QUADRANT_NAMES)
    _fail("Quadrant names spelled outside vocabulary.py", quadrant_literals(package))


def test_diagnostics_return_sections_not_report_links(package):
    anchors = report_anchors(REPORT_NOTEBOOK)
    assert {"summary", "okr-health", "themes", "data-quality"} <= anchors
    _fail("diagnostics/ builds links into the report", report_links(package, anchors))


def test_only_the_workspace_talks_to_duckdb(package):
    found = sql_outside_workspace(package)
    left = [
        f"{where}: {module} uses {what}"
        for module, what, where in found
        if (module, what) not in SQL_EXCEPTIONS
    ]
    _fail("DuckDB used outside workspace.py (add a named function there)", left)
    stale = set(SQL_EXCEPTIONS) - {(module, what) for module, what, _ in found}
    _fail(
        "SQL_EXCEPTIONS lists a use of DuckDB that is gone: remove it",
        [f"{m}: {w}" for m, w in sorted(stale)],
    )


# --- each rule catches a planted violation --------------------------------------------------


def _plant(tmp_path: Path, files: dict[str, str]) -> Package:
    root = tmp_path / "fakepkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return read_package(root, "fakepkg")


def test_a_cycle_is_found_with_its_path(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "language/__init__.py": "",
            "language/a.py": "from fakepkg.language import b\n",
            "language/b.py": "def f():\n    from fakepkg.present.c import x\n",
            "present/__init__.py": "",
            "present/c.py": "from ..language.a import y\n",
            "vocabulary.py": "",
        },
    )
    (cycle,) = import_cycles(fake)
    assert (
        "fakepkg.language.a -> fakepkg.language.b -> fakepkg.present.c -> fakepkg.language.a"
        in cycle
    )
    assert "b.py:2" in cycle
    assert import_cycles(_plant(tmp_path / "ok", {"a.py": "import fakepkg.b\n", "b.py": ""})) == []


def test_an_impure_import_is_found(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "diagnostics/__init__.py": "",
            "diagnostics/x.py": "import altair as alt\nfrom fakepkg import workspace\n",
            "language/__init__.py": "",
            "language/y.py": "def f():\n    import duckdb.typing\n",
            "workspace.py": "",
        },
    )
    found = [message for _, message in pure_imports(fake)]
    assert len(found) == 3 and "imports altair" in found[0]
    assert any("imports fakepkg.workspace" in f for f in found)


def test_an_import_against_the_flow_is_found(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "intake/__init__.py": "",
            "intake/read.py": "from fakepkg.present.html import table\n",
            "present/__init__.py": "",
            "present/html.py": "from fakepkg.intake import read\n",
        },
    )
    ((_, found),) = layer_order(fake)
    assert "fakepkg.intake.read imports fakepkg.present.html, a later layer" in found


def test_a_heavy_vocabulary_is_found(tmp_path):
    fake = _plant(
        tmp_path, {"vocabulary.py": "import re\nimport pandas as pd\nfrom fakepkg import x\n"}
    )
    found = vocabulary_imports(fake)
    assert len(found) == 2 and "imports pandas" in found[0]


def test_a_spelled_quadrant_is_found(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "vocabulary.py": 'FACTORY_FLOOR = "factory_floor"\n',
            "charts.py": 'x = {"customer_outcome": 1}\ny = f"{x} customer_outcome terms"\n',
        },
    )
    (found,) = quadrant_literals(fake)
    assert "charts.py:1" in found and "'customer_outcome'" in found


def test_a_report_link_in_diagnostics_is_found(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "diagnostics/__init__.py": "",
            "diagnostics/r.py": (
                'a = "#okr-health"\nb = "okr-health"\nc = f"<a href=\'{a}\'>x</a>"\n'
                'd = "themes"\ne = "okr_health"\n'
            ),
        },
    )
    found = report_links(fake, {"okr-health", "themes"})
    assert [f.split(":")[1] for f in found] == ["1", "2", "3"]
    assert report_anchors(REPORT_NOTEBOOK)  # the real report has anchors to protect


def test_sql_outside_the_workspace_is_found(tmp_path):
    fake = _plant(
        tmp_path,
        {
            "workspace.py": "import duckdb\ncon.execute('SELECT 1')\n",
            "report.py": "def f(con):\n    import duckdb\n    return con.sql('SELECT 1')\n",
        },
    )
    assert [(m, w) for m, w, _ in sql_outside_workspace(fake)] == [
        ("fakepkg.report", "import duckdb"),
        ("fakepkg.report", ".sql("),
    ]
