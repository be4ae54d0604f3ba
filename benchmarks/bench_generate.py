"""Benchmark: generated-and-checked requests per second, as ``pytest contracts`` makes them.

Two figures, on one core: the deterministic coverage phase (every allowed value and
combination, every rule's near misses), and the Hypothesis phase (batches of valid and
invalid requests per rule, each judged by the oracle). Target: at least 2,000 requests/s
overall. Run: ``python benchmarks/bench_generate.py``.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from foxcontract import check, default_contract, load_contract
from foxcontract.items import BATCH
from foxcontract.profiles import DEV, register
from foxcontract.strategies import Case, coverage_cases, invalid_requests, valid_requests


def coverage_phase(path: str) -> tuple[int, float]:
    contract = load_contract(path)  # fresh: nothing cached
    start = time.perf_counter()
    cases = coverage_cases(contract)
    for case in cases:
        check(case.body, contract)
    return len(cases), time.perf_counter() - start


def hypothesis_phase() -> tuple[int, float]:
    contract = default_contract()
    count = 0
    start = time.perf_counter()
    for rule in contract.rules:
        for strategy in (valid_requests(contract, rule.id), invalid_requests(contract, rule.id)):

            @seed(0)
            @settings(
                max_examples=settings.get_profile(DEV).max_examples,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(st.lists(strategy, min_size=BATCH // 2, max_size=BATCH))
            def run(cases: list[Case]) -> None:
                nonlocal count
                for case in cases:
                    check(case.body, contract)
                    count += 1

            run()
    return count, time.perf_counter() - start


def main() -> None:
    register()
    path = str(default_contract().path)
    n1, t1 = coverage_phase(path)
    n2, t2 = hypothesis_phase()
    print(f"coverage phase:   {n1:,} requests in {t1:.2f}s = {n1 / t1:,.0f} requests/s")
    print(f"hypothesis phase: {n2:,} requests in {t2:.2f}s = {n2 / t2:,.0f} requests/s")
    total = (n1 + n2) / (t1 + t2)
    print(f"overall:          {n1 + n2:,} requests = {total:,.0f} requests/s; target >= 2,000/s")


if __name__ == "__main__":
    main()
