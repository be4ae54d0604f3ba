"""The package's import graph runs one way: shared utilities -> contract -> oracle ->
(strategies, verdict) -> (fake, replay, live) -> the plugin layer (pytest items, hooks,
fixtures, the tallies, the commands). A module may use what sits in its own layer or below,
never above; and no module imports a ``_``-private module of a package it is not part of.

Every module of the package is read with ``ast``: imports at any level (inside functions
and ``TYPE_CHECKING`` blocks too), relative imports resolved.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import foxcontract

PACKAGE = Path(foxcontract.__file__).parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "shared utilities",
        (
            "foxcontract._files",
            "foxcontract._filelock",
            "foxcontract._atomic",
            "foxcontract.redact",
            "foxcontract._settings",
        ),
    ),
    ("contract", ("foxcontract.contract",)),
    # the package's face: the contract and the oracle, imported on first use
    ("oracle", ("foxcontract", "foxcontract.oracle", "foxcontract.fieldcheck")),
    (
        "strategies and verdict",
        (
            "foxcontract.strategies",
            "foxcontract.verdict",
            "foxcontract.consistency",
            "foxcontract.export",
        ),
    ),
    (
        "fake, replay and live",
        (
            "foxcontract.fake",
            "foxcontract.cassette",
            "foxcontract.replay",
            "foxcontract.live",
            "foxcontract.offline",
            "foxcontract._project",
        ),
    ),
    (
        "plugin",
        (
            "foxcontract.plugin",
            "foxcontract.hookspecs",
            "foxcontract.options",
            "foxcontract.items",
            "foxcontract.collect",
            "foxcontract.profiles",
            "foxcontract.fixtures",
            "foxcontract._registered",
            "foxcontract._idle_cost",
            "foxcontract._results",
            "foxcontract.report",
            "foxcontract._consumer_coverage",
            "foxcontract._run_report",
            "foxcontract._job_summary",
            "foxcontract._probe_record",
            "foxcontract.replay.items",
            "foxcontract.replay.fixture",
            "foxcontract.live.hooks",
            "foxcontract.live.items",
            # the command line
            "foxcontract.__main__",
            "foxcontract.cli",
        ),
    ),
)
"""Bottom first. A name stands for the module and, except the package itself, everything
under it; the longest name that matches a module places it."""

DIRECTION = " -> ".join(name for name, _ in LAYERS)


def module_files(root: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, whether it is a package)."""
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        out[".".join(parts)] = (path, is_package)
    return out


def imports_of(name: str, source: str, is_package: bool, known: Iterable[str]) -> set[str]:
    """The package's modules that the module ``name`` (whose text is ``source``) imports.
    ``from a import b`` is an edge to ``a.b`` when that is a module, else to ``a``."""
    modules = set(known)
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                whole = f"{target}.{alias.name}"
                out.add(whole if whole in modules else target)
    root = name.split(".")[0]
    return {m for m in out if m != name and (m == root or m.startswith(root + "."))}


def import_graph(root: Path = PACKAGE) -> set[tuple[str, str]]:
    files = module_files(root)
    return {
        (name, target)
        for name, (path, is_package) in files.items()
        for target in imports_of(name, path.read_text(encoding="utf-8"), is_package, files)
    }


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching name, layer)
    for rank, (_, names) in enumerate(LAYERS):
        for n in names:
            matches = module == n or (n != "foxcontract" and module.startswith(n + "."))
            if matches and (best is None or len(n) > best[0]):
                best = (len(n), rank)
    return None if best is None else best[1]


def _private_owner(module: str) -> str | None:
    """The package a ``_``-private module is private to (``None`` for a public one)."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def broken_rules(edges: Iterable[tuple[str, str]]) -> list[str]:
    """One line per edge against the rules, naming the edge ``a -> b`` and the rule."""
    out: list[str] = []
    for a, b in sorted(edges):
        ra, rb = layer_of(a), layer_of(b)
        for m, r in ((a, ra), (b, rb)):
            if r is None:
                out.append(f"{a} -> {b}: {m} is in no layer (add it to LAYERS)")
        if ra is not None and rb is not None and rb > ra:
            out.append(
                f"{a} -> {b}: the {LAYERS[ra][0]} layer must not depend on the "
                f"{LAYERS[rb][0]} layer above it (direction: {DIRECTION})"
            )
        owner = _private_owner(b)
        if owner is not None and a != owner and not a.startswith(owner + "."):
            out.append(
                f"{a} -> {b}: a private module of {owner}, imported from outside it "
                f"(import the name from a public module of {owner})"
            )
    return out


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in module_files() if layer_of(m) is None)
    assert not unplaced, "modules in no layer (add them to LAYERS): " + ", ".join(unplaced)


def test_the_import_graph_runs_one_way() -> None:
    graph = import_graph()
    assert ("foxcontract.plugin", "foxcontract.collect") in graph  # the graph was read
    broken = broken_rules(graph)
    assert not broken, "imports against the layers:\n" + "\n".join(broken)


def test_the_checker_names_each_bad_edge_and_its_rule() -> None:
    source = "def later():\n    from ..options import SETTINGS\n    from . import core\n"
    known = module_files()
    found = imports_of("foxcontract.fake.mount", source, False, known)
    assert found == {"foxcontract.options", "foxcontract.fake.core"}
    edges = {("foxcontract.fake.mount", t) for t in found}
    edges |= {
        ("foxcontract.items", "foxcontract.strategies._combos"),
        ("foxcontract.strategies._requests", "foxcontract.strategies._values"),
        ("foxcontract.contract.model", "foxcontract.oracle"),
        ("foxcontract.oracle", "foxcontract.contract.model"),
        ("foxcontract.nowhere", "foxcontract.oracle"),
    }
    assert broken_rules(edges) == [
        "foxcontract.contract.model -> foxcontract.oracle: the contract layer must not depend "
        f"on the oracle layer above it (direction: {DIRECTION})",
        "foxcontract.fake.mount -> foxcontract.options: the fake, replay and live layer must "
        f"not depend on the plugin layer above it (direction: {DIRECTION})",
        "foxcontract.items -> foxcontract.strategies._combos: a private module of "
        "foxcontract.strategies, imported from outside it (import the name from a public "
        "module of foxcontract.strategies)",
        "foxcontract.nowhere -> foxcontract.oracle: foxcontract.nowhere is in no layer "
        "(add it to LAYERS)",
    ]
    assert DIRECTION == (
        "shared utilities -> contract -> oracle -> strategies and verdict -> "
        "fake, replay and live -> plugin"
    )
