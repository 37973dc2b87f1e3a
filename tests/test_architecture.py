"""The package's imports run one way: cli -> commands -> output -> render -> model -> workbook -> base.

Every import statement in every module counts, also those inside functions (imported lazily so that
`hso-xl --help` stays fast): a module may import its own layer or the ones below, never one above,
and no chain of imports may come back to where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hso_xl"

# Lower number, lower layer. A module not listed here fails test_every_module_has_a_layer.
LAYERS = {
    "base": 0,  # errors, findings, swedish, settings, discover, parallel, package
    "workbook": 1,
    "model": 2,
    "render": 3,
    "output": 4,
    "commands": 5,  # build, changes, explain, report, watch, sample
    "cli": 6,
}
BASE = {"hso_xl", "hso_xl.cache_folder", "hso_xl.errors", "hso_xl.findings", "hso_xl.swedish", "hso_xl.settings", "hso_xl.discover",
        "hso_xl.parallel", "hso_xl.package", "hso_xl.libreoffice", "hso_xl.i18n", "hso_xl.text",
        "hso_xl.project", "hso_xl.console", "hso_xl.longpaths", "hso_xl.users",
        "hso_xl.processes", "hso_xl.scratch"}
COMMANDS = {"hso_xl.build", "hso_xl.build_plan", "hso_xl.build_render",
            "hso_xl.changes", "hso_xl.explain", "hso_xl.missing", "hso_xl.report", "hso_xl.recalc_report", "hso_xl.watch",
            "hso_xl.sample", "hso_xl.sample_spec", "hso_xl.reports", "hso_xl.report_sample", "hso_xl.intake",
            "hso_xl.template_list"}
TOP = {"hso_xl.cli", "hso_xl.__main__"}  # and every module of the package hso_xl.cli


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str | None:
    if module in BASE:
        return "base"
    if module in COMMANDS or module.startswith("hso_xl.changes."):
        return "commands"
    if module in TOP or module.startswith(("hso_xl.cli.", "hso_xl.web")):  # the two faces: command line, web page
        return "cli"
    sub = module.split(".")[1] if module.count(".") >= 1 else None
    return sub if sub in ("workbook", "model", "render", "output") else None


def imports(path: Path, module: str) -> set[str]:
    """Return the hso_xl modules `path` imports, anywhere in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("hso_xl"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("hso_xl"):
                continue
            found.add(target)
            for alias in node.names:  # `from . import parallel` imports a module
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists():
                    found.add(candidate)
    return {resolve(name) for name in found}


def resolve(name: str) -> str:
    return name if (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists() or \
        (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists() else name.rpartition(".")[0]


GRAPH = {module_name(p): imports(p, module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer():
    assert [m for m in GRAPH if layer(m) is None] == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_upward_import(module):
    own = LAYERS[layer(module)]
    upward = sorted(m for m in GRAPH[module] if m != "hso_xl" and LAYERS[layer(m)] > own)
    assert upward == [], f"{module} ({layer(module)}) imports from a higher layer: {upward}"


def test_no_import_cycle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH.get(module, ())):
            if target == "hso_xl" or target == module:
                continue
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


# The change round's package: each module imports only those before it (and none imports the package itself).
CHANGES_ORDER = ["snapshot", "rows", "reasons", "register", "pending", "sent", "words", "outbox"]


def test_the_change_round_imports_one_way():
    modules = {m for m in GRAPH if m.startswith("hso_xl.changes.")}
    assert modules <= {f"hso_xl.changes.{name}" for name in CHANGES_ORDER}, "a new module: place it in CHANGES_ORDER"
    for module in modules:
        own = CHANGES_ORDER.index(module.rsplit(".", 1)[1])
        later = sorted(m for m in GRAPH[module] if m.startswith("hso_xl.changes")
                       and (m == "hso_xl.changes" or CHANGES_ORDER.index(m.rsplit(".", 1)[1]) >= own)
                       and m != module)
        assert later == [], f"{module} imports {later}"


def test_no_module_of_the_change_round_is_long():
    long = {p.name: n for p in (PACKAGE / "changes").glob("*.py") if (n := len(p.read_text().splitlines())) >= 400}
    assert long == {}


def test_the_checker_sees_an_upward_import(tmp_path):
    """The test is not blind: a model module importing render is caught."""
    fake = PACKAGE / "model" / "budget.py"
    found = imports(fake, "hso_xl.model.budget")
    assert all(LAYERS[layer(m)] <= LAYERS["model"] for m in found)
    probe = tmp_path / "hso_xl" / "model" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from ..render.context import build_context\n", encoding="utf-8")
    assert imports(probe, "hso_xl.model.probe") == {"hso_xl.render.context"}
