"""The shape of the code: imports point down, private names stay home, renderers compute nothing.

Every import of the package is read from its source, function-local imports
included (imports under ``if TYPE_CHECKING:`` are annotations only and are
left out).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ecodigital"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported
    names: tuple[str, ...]  # the names imported from it ("" for `import x`)


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def imports() -> list[Import]:
    modules = _modules()
    found = []
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found += [Import(module, alias.name, ("",)) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = node.module or ""
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, target] if target else base)
                names = tuple(alias.name for alias in node.names)
                # `from ecodigital.x import y` where y is a module imports that module
                submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
                if submodules:
                    found += [Import(module, sub, ("",)) for sub in submodules]
                    names = tuple(n for n in names if f"{target}.{n}" not in modules)
                if names:
                    found.append(Import(module, target, names))
    return found


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def _subpackage(module: str) -> str:
    """``ecodigital.report.note.summary`` -> ``ecodigital.report``; top modules are their own."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_the_detector_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    modules = set(_modules())
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for found in imports():
        if found.target in modules and found.target != found.module:
            edges[found.module].add(found.target)
    assert _cycles(edges) == []


def private_crossings(found_imports: list[Import]) -> list[str]:
    """``_private`` names imported from another package of ecodigital."""
    return [
        f"{found.module} imports {name} from {found.target}"
        for found in found_imports
        if found.target.startswith("ecodigital")
        and _subpackage(found.module) != _subpackage(found.target)
        for name in found.names
        if name.startswith("_") and not name.startswith("__")
    ]


def test_the_private_name_detector() -> None:
    crossing = Import("ecodigital.review.verify", "ecodigital.dossier.load", ("_where",))
    inside = Import("ecodigital.dossier.scenarios", "ecodigital.dossier.load", ("_where",))
    assert private_crossings([crossing, inside]) == [
        "ecodigital.review.verify imports _where from ecodigital.dossier.load"
    ]


def test_no_private_name_is_imported_across_packages() -> None:
    assert private_crossings(imports()) == []


def test_renderers_and_review_import_neither_pandas_nor_the_engine() -> None:
    # report/ and review/ read typed results; they compute nothing
    offending = [
        f"{found.module} imports {found.target}"
        for found in imports()
        if found.module.startswith(("ecodigital.report", "ecodigital.review"))
        and (found.target.split(".")[0] == "pandas" or found.target.startswith("ecodigital.engine"))
    ]
    assert offending == []


def test_layers_point_down() -> None:
    # the engine, factors, dossier and measurement layers never call up into the
    # pipeline, the renderers, the review tools or the command line
    upper = ("ecodigital.assessment", "ecodigital.report", "ecodigital.review", "ecodigital.cli")
    lower = ("ecodigital.engine", "ecodigital.factors", "ecodigital.dossier", "ecodigital.measure",
             "ecodigital.finance", "ecodigital.vocabulary", "ecodigital.errors",
             "ecodigital.notices", "ecodigital.i18n", "ecodigital.fileio", "ecodigital.yamlio",
             "ecodigital.jsonio")  # fmt: skip
    upward = [
        f"{found.module} imports {found.target}"
        for found in imports()
        if found.module.startswith(lower) and found.target.startswith(upper)
    ]
    assert upward == []
    # the pipeline never calls the renderers or the review tools
    assert [
        f"{found.module} imports {found.target}"
        for found in imports()
        if found.module.startswith("ecodigital.assessment")
        and found.target.startswith(("ecodigital.report", "ecodigital.review", "ecodigital.cli"))
    ] == []


def test_the_scan_sees_function_local_imports() -> None:
    # cli.py imports the pipeline inside its commands only (for a fast --help)
    found = {(i.module, i.target) for i in imports()}
    assert ("ecodigital.cli", "ecodigital.assessment") in found
    assert ("ecodigital.report.build", "ecodigital.report.payload") in found
    assert ("ecodigital.dossier.scenarios", "ecodigital.dossier.wording") in found
