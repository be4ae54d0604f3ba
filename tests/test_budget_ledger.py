"""The budget ledger: reserve before sending, commit or release after, never overspent, even
by several processes sharing one run directory."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from foxcontract.live import Ledger


def test_reserve_commit_release(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    assert ledger.reserve()
    assert ledger.reserve()
    assert not ledger.reserve()  # both units held
    ledger.release()
    assert ledger.reserve()
    ledger.commit()
    ledger.commit()
    s = ledger.state()
    assert (s.spent, s.reserved, s.left, s.exhausted, s.refused) == (2, 0, 0, True, 1)
    assert ledger.describe() == "budget exhausted: 2 of 2 paid creates spent"


def test_unexpected_accepts_are_charged_beyond_the_budget(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=1)
    ledger.charge_unexpected()
    ledger.charge_unexpected()
    assert not ledger.reserve()
    assert ledger.describe() == (
        "budget exhausted: 2 of 1 paid creates spent, 2 by unexpected accepts"
    )


def test_a_second_ledger_on_the_same_directory_shares_the_count(tmp_path: Path) -> None:
    first = Ledger(tmp_path, budget=3)
    assert first.reserve()
    first.commit()
    second = Ledger(tmp_path, budget=3)
    assert second.state().spent == 1


def _spend(directory: str, attempts: int) -> int:
    ledger = Ledger(directory, budget=7)
    won = 0
    for _ in range(attempts):
        if ledger.reserve():
            ledger.commit()
            won += 1
    return won


def test_parallel_processes_never_overspend(tmp_path: Path) -> None:
    Ledger(tmp_path, budget=7)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        won = pool.starmap(_spend, [(str(tmp_path), 10)] * 4)
    assert sum(won) == 7
    state = Ledger(tmp_path, budget=7).state()
    assert (state.spent, state.reserved, state.refused) == (7, 0, 33)
