"""The mutation script's operators on a small module, and its skip-list kept honest: every
reviewed equivalent mutant is still a mutant of today's sources (the full run:
``tox -e mutation``)."""

from __future__ import annotations

import ast
from types import ModuleType

import pytest
from helpers.scripts import BENCHMARKS, load_script

SOURCE = '''"""A docstring."""
from __future__ import annotations

__all__ = ["f"]


def f(a: int, b: list[int]) -> bool:
    """Another docstring."""
    if a > 0 and a in b:
        b.append(a)
        return not b
    return a == 1


if a_platform:  # pragma: no cover
    x = a < 2
else:
    x = a - 2
Kind = Literal["a", "b"]
'''


@pytest.fixture(scope="module")
def mutation() -> ModuleType:
    return load_script("mutation")


def test_the_operators(mutation: ModuleType) -> None:
    shown = [m.describe("m.py") for m in mutation.find_mutants(SOURCE)]
    assert shown == [
        "m.py:9 (f): a > 0 and a in b -> a > 0 or a in b",
        "m.py:9 (f): a > 0 and a in b -> not (a > 0 and a in b)",
        "m.py:9 (f): a > 0 -> a >= 0",
        "m.py:9 (f): a > 0 -> a <= 0",
        "m.py:9 (f): a in b -> a not in b",
        "m.py:9 (f): a > 0 -> a > 1",
        "m.py:10 (f): b.append(a) -> pass",
        "m.py:11 (f): return not b -> return None",
        "m.py:11 (f): not b -> b",
        "m.py:12 (f): return a == 1 -> return None",
        "m.py:12 (f): a == 1 -> a != 1",
        "m.py:12 (f): a == 1 -> a == 2",
        "m.py:18 (<module>): a - 2 -> a + 2",
        "m.py:18 (<module>): a - 2 -> a - 3",
    ]


def test_a_mutant_changes_one_thing(mutation: ModuleType) -> None:
    mutants = mutation.find_mutants(SOURCE)
    changed = mutation.mutated_source(SOURCE, mutants[4])
    assert ast.dump(ast.parse(changed)) == ast.dump(
        ast.parse(SOURCE.replace("a in b", "a not in b"))
    )
    assert mutation.mutated_source(SOURCE, mutants[6]).count("pass") == 1


def test_every_skip_listed_mutant_is_still_a_mutant(mutation: ModuleType) -> None:
    root = BENCHMARKS.parent
    current = {
        (t.path, *m.key)
        for t in mutation.TARGETS
        for m in mutation.find_mutants((root / t.path).read_text())
    }
    for e in mutation.EQUIVALENT:
        assert (e.path, *e.key) in current, e
        assert e.reason
