"""The layers of ``geo/`` import one way only, and no module imports itself in a circle.

Layers (README, "Architecture"): the top-level vocabulary (``vocabulary``, ``errors``,
``config``, ``formats``) imports nothing else; ``model`` imports only the vocabulary;
``io`` and ``analysis`` import the model, and analysis never imports io; ``datasets`` may
use io and model; ``reporting`` may use analysis, model and io; ``cli``, ``__init__`` and
``__main__`` sit on top. Every import counts: at module level, inside functions and under
``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[1] / "geo"

VOCABULARY = {"vocabulary", "errors", "config", "formats", "_version"}
ENTRY = {"cli", "cli_fetch", "cli_network", "cli_parser", "cli_progress", "__init__", "__main__"}
ALLOWED: dict[str, set[str]] = {
    "vocabulary": {"vocabulary"},
    "model": {"vocabulary", "model"},
    "io": {"vocabulary", "model", "io", "datasets"},
    "analysis": {"vocabulary", "model", "analysis"},
    "datasets": {"vocabulary", "model", "io", "datasets"},
    "reporting": {"vocabulary", "model", "analysis", "io", "reporting"},
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    """``geo.io.fetch.http`` → ``io``; ``geo.errors`` → ``vocabulary``; ``geo.cli`` → ``entry``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "entry"  # geo/__init__.py
    head = parts[1]
    if head in VOCABULARY:
        return "vocabulary"
    if head in ENTRY:
        return "entry"
    return head


def imports_of(path: Path, module: str, root: Path) -> set[str]:
    """Every ``geo`` module that ``path`` imports (absolute and relative)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != root.name:
                continue
            for alias in node.names:  # `from geo import vocabulary` names a module
                candidate = f"{target}.{alias.name}"
                sub = root.parent.joinpath(*candidate.split("."))
                if sub.with_suffix(".py").exists() or (sub / "__init__.py").exists():
                    found.add(candidate)
                else:
                    found.add(target)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, module_name(p, root), root)
            for p in sorted(root.rglob("*.py"))}


def violations(root: Path) -> list[str]:
    """Forbidden directions and cycles in the package at ``root``, as readable lines."""
    graph = import_graph(root)
    problems = []
    for module, targets in graph.items():
        layer = layer_of(module)
        if layer == "entry":
            continue
        allowed = ALLOWED.get(layer)
        if allowed is None:
            problems.append(f"{module}: unknown layer '{layer}' (add it to ALLOWED)")
            continue
        for target in sorted(targets):
            if layer_of(target) not in allowed:
                problems.append(f"{module} ({layer}) imports {target} ({layer_of(target)})")
    # cycles between modules (package __init__ files that only re-export are skipped)
    edges = {m: {t for t in ts if t in graph and t != m and not t.endswith("__init__")}
             for m, ts in graph.items() if layer_of(m) != "entry"}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                problems.append("cycle: " + " → ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt in edges and not state.get(nxt):
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(edges):
        if not state.get(node):
            visit(node, [node])
    return problems


def test_geo_layers_import_one_way():
    assert violations(GEO) == []


def test_no_geo_module_over_600_lines():
    long = {str(p.relative_to(GEO)): n for p in GEO.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "geo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


BASE = {
    "__init__.py": "",
    "errors.py": "",
    "vocabulary.py": "",
    "model/__init__.py": "",
    "model/region.py": "from geo import vocabulary\nfrom geo.errors import X\n",
    "io/__init__.py": "",
    "io/reader.py": "from geo.model.region import Region\n",
    "analysis/__init__.py": "",
    "analysis/gaps.py": "from geo.model import region\n",
    "reporting/__init__.py": "",
    "reporting/export.py": "from geo.analysis.gaps import analyse\nfrom geo.io import reader\n",
    "cli.py": "import geo.io.reader\nimport geo.reporting.export\n",
}


def test_checker_accepts_a_clean_tree(tmp_path):
    assert violations(_package(tmp_path, BASE)) == []


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("analysis/gaps.py", "def f():\n    from geo.io.reader import read\n",
     "geo.analysis.gaps (analysis) imports geo.io.reader (io)"),
    ("model/region.py", "from geo.analysis import gaps\n",
     "geo.model.region (model) imports geo.analysis.gaps (analysis)"),
    ("model/region.py", "from ..io import reader\n",
     "geo.model.region (model) imports geo.io.reader (io)"),
    ("io/reader.py", "from geo.reporting.export import write\n",
     "geo.io.reader (io) imports geo.reporting.export (reporting)"),
    ("errors.py", "from geo.model import region\n",
     "geo.errors (vocabulary) imports geo.model.region (model)"),
])
def test_checker_fails_on_a_forbidden_import(tmp_path, name, text, expected):
    files = dict(BASE)
    files[name] = files.get(name, "") + text
    assert expected in violations(_package(tmp_path, files))


def test_checker_finds_a_cycle(tmp_path):
    files = dict(BASE)
    files["model/norms.py"] = "from geo.model import region\n"
    files["model/region.py"] = "from geo.model import norms\n"
    found = violations(_package(tmp_path, files))
    assert any(line.startswith("cycle: ") and "geo.model.norms" in line for line in found)


def test_public_api_is_documented_and_loads():
    import geo

    assert set(geo.__all__) == {"__version__", *geo._API}
    assert 20 <= len(geo.__all__) <= 32
    for name in geo.__all__:
        assert getattr(geo, name) is not None
    readme = (GEO.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Public API", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in geo.__all__ if f"`{name}`" not in section]
    assert missing == []
