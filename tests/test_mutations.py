"""The mutation benchmark's table of faults, and one fault run end to end as the benchmark
runs it (the full benchmark: ``python benchmarks/bench_mutations.py``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from helpers.scripts import load_script


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("bench_mutations")


def test_at_least_25_faults_in_every_category(bench: ModuleType) -> None:
    faults = [m for m in bench.MUTANTS if not m.faithful]
    # at least 25 are promised; these are the ones the table holds
    assert Counter(m.category for m in faults) == {
        "rule": 11, "lifecycle": 6, "false-rejection": 5, "schema": 5, "error-format": 4,
        "auth": 4,
    }  # fmt: skip
    assert len(faults) == 35
    assert len({m.name for m in bench.MUTANTS}) == len(bench.MUTANTS)


@pytest.mark.slow
def test_a_fault_is_killed_naming_the_check(bench: ModuleType, tmp_path: Path) -> None:
    mutant = next(m for m in bench.MUTANTS if m.name == "lifecycle-goes-back")
    result = bench.run(mutant, Path(bench.shipped_contracts_dir()), tmp_path)
    assert result.killed
    assert result.failures[0] == "lifecycle[paid-01]"
    assert result.detail.startswith("lifecycle: poll ")
    assert "went from 'processing' to 'pending'" in result.detail
    assert result.paid <= bench.BUDGET
