"""Mutation testing of the core modules: the oracle, the field checks, the verdict and the
budget ledger.

    python benchmarks/mutation.py [--module NAME ...] [--jobs N] [--fail-under PCT] [--list]

Each mutant is one small change to one module's syntax tree (a comparison flipped, ``and``
for ``or``, a constant changed, a ``not`` removed, a return value replaced by ``None``, a
statement deleted, a condition negated). It is written into a private copy of the project
and the module's named test selection runs against it in a fresh ``pytest`` process, stopping
at the first failure, with a per-mutant timeout. A mutant is killed when the tests fail (or
time out), and survives when they pass. Mutants on lines the selection never runs (measured
once with coverage on the unchanged module) survive without a run.

Prints, per module: mutants, killed, survived, timeouts, equivalent (skip-listed), the score
(killed and timed out, of the mutants that are not skip-listed) and every survivor as
``file:line (function): original -> mutant``; then the CPU time of every process it ran.
Exit status 1 when a module scores under ``--fail-under`` (default 90), 2 when the unchanged
module already fails its tests. The processes run at the lowest priority (``nice 19``).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation_targets import EQUIVALENT, TARGETS, Target  # noqa: E402

# what a private copy of the project needs to run the tests
COPIED = ("foxcontract", "contracts", "tests", "pyproject.toml", "conftest.py")
# plugins installed here that the selections do not use (their start-up is not the tests')
PYTEST_ARGS = (
    "-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly",
    "-p", "no:schemathesis", "-p", "no:anyio", "-p", "no:cov",
)  # fmt: skip

Replace = Callable[[ast.AST], ast.AST]


@dataclass(frozen=True)
class Mutant:
    """One change: the node at ``index`` in ``ast.walk`` order of the module, replaced."""

    index: int
    line: int
    stmt_line: int
    function: str
    original: str
    mutated: str
    replace: Replace = field(compare=False, repr=False)
    text: str = ""  # the source line, stripped: with the rest, a key that survives edits

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.function, self.text, self.original, self.mutated)

    def describe(self, path: str) -> str:
        return f"{path}:{self.line} ({self.function}): {self.original} -> {self.mutated}"


# -- the operators --------------------------------------------------------------------------

_FLIPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_BINOPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.BitOr: ast.BitAnd,
}
_TYPE_ONLY = {"Literal", "typing.Literal"}
_DELETABLE = (ast.Expr, ast.AugAssign, ast.Continue, ast.Break, ast.Raise, ast.Assert)


def _cmp(i: int, op: type[ast.cmpop]) -> Replace:
    def replace(node: ast.AST) -> ast.AST:
        assert isinstance(node, ast.Compare)
        new = copy.copy(node)
        new.ops = [op() if j == i else o for j, o in enumerate(node.ops)]
        return new

    return replace


def _binop(op: type[ast.operator]) -> Replace:
    def replace(node: ast.AST) -> ast.AST:
        assert isinstance(node, ast.BinOp)
        return ast.BinOp(node.left, op(), node.right)

    return replace


def _boolop(node: ast.AST) -> ast.AST:
    assert isinstance(node, ast.BoolOp)
    return ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)


Literal = bool | int | float | str


def _constant(value: Literal) -> Replace:
    return lambda node: ast.Constant(value)


def _drop_part(i: int) -> Replace:
    """An f-string without its ``i``-th literal text."""

    def replace(node: ast.AST) -> ast.AST:
        assert isinstance(node, ast.JoinedStr)
        return ast.JoinedStr([v for j, v in enumerate(node.values) if j != i])

    return replace


def _negate(node: ast.AST) -> ast.AST:
    assert isinstance(node, ast.expr)
    return ast.UnaryOp(ast.Not(), node)


def _operand(node: ast.AST) -> ast.AST:
    assert isinstance(node, ast.UnaryOp)
    return node.operand


def _return_none(node: ast.AST) -> ast.AST:
    return ast.Return(ast.Constant(None))


def _delete(node: ast.AST) -> ast.AST:
    return ast.Pass()


def _changed_constant(value: object) -> Literal | None:
    """The replacement of a literal, or ``None`` when it has none."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return "" if value else "XX"
    return None


def _changes(node: ast.AST, parent: ast.AST | None) -> Iterator[Replace]:
    """Every operator's change of ``node`` (``parent`` is the node holding it)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for flipped in _FLIPS.get(type(op), ()):
                yield _cmp(i, flipped)
    elif isinstance(node, ast.BoolOp):
        yield _boolop
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        yield _binop(_BINOPS[type(node.op)])
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield _operand
    elif isinstance(node, ast.Constant) and not isinstance(parent, ast.JoinedStr | ast.Expr):
        changed = _changed_constant(node.value)
        if changed is not None:
            yield _constant(changed)
    elif isinstance(node, ast.JoinedStr):
        for i, part in enumerate(node.values):
            if isinstance(part, ast.Constant) and part.value:
                yield _drop_part(i)
    returned = node.value if isinstance(node, ast.Return) else None
    if returned is not None and not isinstance(returned, ast.Constant):  # literals: above
        yield _return_none
    if isinstance(node, _DELETABLE) and not _is_docstring(node):
        yield _delete
    tests = isinstance(parent, ast.If | ast.While | ast.IfExp) and getattr(parent, "test", None)
    if tests is node and not isinstance(node, ast.Compare | ast.UnaryOp):
        yield _negate


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


# -- finding the mutants --------------------------------------------------------------------


def _skipped(node: ast.AST, lines: Sequence[str]) -> bool:
    """Not mutated: ``__all__``, ``Literal[...]`` types, and what coverage excludes
    (``# pragma: no cover``)."""
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
    ):
        return True
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) in _TYPE_ONLY:
        return True  # a type for mypy: its strings change nothing at run time
    return isinstance(node, ast.stmt) and "pragma: no cover" in lines[node.lineno - 1]


def _children(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "decorator_list", "type_comment"):
            continue  # annotations are strings here (``from __future__ import annotations``)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST):
                yield name, child


def find_mutants(source: str) -> list[Mutant]:
    """Every mutant of a module's ``source``, in source order."""
    tree = ast.parse(source)
    lines = source.splitlines()
    order = {id(n): i for i, n in enumerate(ast.walk(tree))}
    out: list[Mutant] = []

    def visit(node: ast.AST, parent: ast.AST | None, stmt: int, function: str) -> None:
        if _skipped(node, lines):
            if isinstance(node, ast.If):  # the clause coverage skips; the ``else`` is run
                for branch in node.orelse:
                    visit(branch, node, branch.lineno, function)
            return
        if isinstance(node, ast.stmt):
            stmt = node.lineno
        # a literal is shown in the expression holding it (``path[0] -> path[1]``)
        shown = parent if isinstance(node, ast.Constant) and isinstance(parent, ast.expr) else node
        for replace in _changes(node, parent):
            out.append(
                Mutant(
                    index=order[id(node)],
                    line=getattr(node, "lineno", stmt),
                    stmt_line=stmt,
                    function=function or "<module>",
                    original=_shown(ast.unparse(shown)),
                    mutated=_shown(ast.unparse(_replaced(shown, node, replace))),
                    replace=replace,
                    text=lines[getattr(node, "lineno", stmt) - 1].strip(),
                )
            )
        inner = function
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner = f"{function}.{node.name}" if function else node.name
        for _, child in _children(node):
            visit(child, node, stmt, inner)

    visit(tree, None, 0, "")
    return sorted(out, key=lambda m: (m.line, m.index))


def _replaced(tree: ast.AST, node: ast.AST, replace: Replace) -> ast.AST:
    """A copy of ``tree`` with its descendant ``node`` (or itself) changed by ``replace``."""
    if tree is node:
        return replace(copy.deepcopy(node))
    at = next(i for i, n in enumerate(ast.walk(tree)) if n is node)
    new = copy.deepcopy(tree)
    target = list(ast.walk(new))[at]
    for holder in ast.walk(new):
        for name, value in ast.iter_fields(holder):
            if value is target:
                setattr(holder, name, replace(target))
            elif isinstance(value, list) and any(v is target for v in value):
                value[[v is target for v in value].index(True)] = replace(target)
    return new


def _shown(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 90 else one[:87] + "..."


def mutated_source(source: str, mutant: Mutant) -> str:
    """``source`` with ``mutant`` applied, as Python text."""
    tree = ast.parse(source)
    changed = _replaced(tree, list(ast.walk(tree))[mutant.index], mutant.replace)
    return ast.unparse(ast.fix_missing_locations(changed)) + "\n"


# -- running them ---------------------------------------------------------------------------


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout, not-run (a line the selection never runs)
    seconds: float = 0.0


@dataclass
class Report:
    target: Target
    outcomes: list[Outcome]
    equivalent: list[Mutant]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def score(self) -> float:
        detected = self.count("killed") + self.count("timeout")
        return 100.0 * detected / len(self.outcomes) if self.outcomes else 100.0


def _pytest(copy_root: Path, tests: Sequence[str], timeout: float) -> tuple[str, float]:
    """``passed``, ``failed`` or ``timeout`` for one run of ``tests`` in ``copy_root``."""
    env = {**os.environ, "PYTHONPATH": str(copy_root), "PYTHONHASHSEED": "0"}
    for name in ("COVERAGE_PROCESS_START", "PYTEST_ADDOPTS", "FOXCONTRACT_TEST_INSTALLED"):
        env.pop(name, None)
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests],
        cwd=copy_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return "timeout", time.monotonic() - start
    return ("passed" if code == 0 else "failed"), time.monotonic() - start


def _covered_lines(copy_root: Path, target: Target) -> tuple[set[int], float]:
    """The lines of the unchanged module that its selection runs, and the run's seconds."""
    import coverage

    data_file = copy_root / ".mutation-coverage"
    rcfile = copy_root / ".mutation-coveragerc"  # not the project's: one data file, no suffix
    rcfile.write_text("[run]\n")
    module = copy_root / target.path
    env = {**os.environ, "PYTHONPATH": str(copy_root)}
    env.pop("COVERAGE_PROCESS_START", None)
    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "coverage", "run", f"--rcfile={rcfile}", f"--data-file={data_file}",
         f"--include={module}", "-m", "pytest", *PYTEST_ARGS, *target.tests],
        cwd=copy_root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - start
    if run.returncode != 0:
        print(
            f"{target.name}: the unchanged {target.path} fails its tests "
            f"({' '.join(target.tests)}):\n{run.stdout[-3000:]}{run.stderr[-2000:]}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    return set(data.lines(str(module)) or ()), seconds


def _write(path: Path, text: str, stamp: int) -> None:
    path.write_text(text)
    # a fresh modification time, so no process runs a stale cached compile of another mutant
    os.utime(path, (stamp, stamp))


def run_target(target: Target, copies: Queue[Path], jobs: int) -> Report:
    source = (ROOT / target.path).read_text()
    mutants = find_mutants(source)
    skip = {e.key for e in EQUIVALENT if e.path == target.path}
    equivalent = [m for m in mutants if m.key in skip]
    mutants = [m for m in mutants if m not in equivalent]
    first = copies.get()
    try:
        covered, seconds = _covered_lines(first, target)
    finally:
        copies.put(first)
    timeout = max(30.0, 4 * seconds)
    stamp = [int(time.time()) + 10]
    lock = threading.Lock()

    def run(mutant: Mutant) -> Outcome:
        if mutant.stmt_line not in covered:
            return Outcome(mutant, "not-run")
        root = copies.get()
        try:
            with lock:
                stamp[0] += 1
                now = stamp[0]
            _write(root / target.path, mutated_source(source, mutant), now)
            result, took = _pytest(root, target.tests, timeout)
        finally:
            _write(root / target.path, source, now + 100_000)
            copies.put(root)
        return Outcome(mutant, {"failed": "killed", "passed": "survived"}.get(result, result), took)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(run, mutants))
    return Report(target, outcomes, equivalent)


def print_report(report: Report) -> None:
    t = report.target
    survivors = [o for o in report.outcomes if o.status in ("survived", "not-run")]
    print(
        f"{t.name} ({t.path}): {len(report.outcomes)} mutants, {report.count('killed')} killed, "
        f"{len(survivors)} survived ({report.count('not-run')} on lines the tests never run), "
        f"{report.count('timeout')} timeouts, {len(report.equivalent)} equivalent (skip-list), "
        f"score {report.score:.1f}%"
    )
    for o in survivors:
        note = "  [never run]" if o.status == "not-run" else ""
        print(f"  survived: {o.mutant.describe(t.path)}{note}")


def _make_copies(work: Path, jobs: int) -> Queue[Path]:
    copies: Queue[Path] = Queue()
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for i in range(jobs):
        root = work / f"copy{i}"
        root.mkdir()
        for name in COPIED:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, root / name, ignore=ignore)
            elif src.exists():
                shutil.copy2(src, root / name)
        copies.put(root)
    return copies


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=[t.name for t in TARGETS])
    parser.add_argument("--jobs", type=int, default=2, choices=(1, 2))
    parser.add_argument("--fail-under", type=float, default=90.0)
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    targets = [t for t in TARGETS if not args.module or t.name in args.module]
    if args.list:
        for t in targets:
            for m in find_mutants((ROOT / t.path).read_text()):
                print(m.describe(t.path))
        return 0
    os.nice(19 - os.nice(0))
    start = time.monotonic()
    reports = []
    with tempfile.TemporaryDirectory(prefix="foxcontract-mutation-") as work:
        copies = _make_copies(Path(work), args.jobs)
        for target in targets:
            report = run_target(target, copies, args.jobs)
            print_report(report)
            reports.append(report)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"CPU time: {used.ru_utime + used.ru_stime:.0f} s of the test processes, "
        f"{time.monotonic() - start:.0f} s wall, {args.jobs} at a time"
    )
    stale = [e for e in EQUIVALENT if e.path in {t.path for t in targets}]
    matched = {m.key for r in reports for m in r.equivalent}
    for e in stale:
        if e.key not in matched:
            print(f"skip-list entry matches no mutant: {e.path} ({e.function}): {e.original}")
    low = [r for r in reports if r.score < args.fail_under]
    for r in low:
        print(f"FAILED: {r.target.name} scores {r.score:.1f}%, under {args.fail_under:.0f}%")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
