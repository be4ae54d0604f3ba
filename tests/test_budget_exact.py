"""The budget ledger at its edges, with exact values: the lock another process holds is
waited for, every way the ledger file can fail is named, the statuses at both ends of the
charged range, and the counts a corrupt file is checked against."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from helpers.ledger import STOP, counts

from foxcontract.contract import load_contract, shipped_contracts_dir
from foxcontract.live import Ledger
from foxcontract.live.budget import LedgerError, LedgerState, charged_statuses


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_paid_step_waits_for_the_lock_another_process_holds(tmp_path: Path) -> None:
    import fcntl

    ledger = Ledger(tmp_path, budget=2)
    fd = os.open(tmp_path / "ledger.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another process of the run would
    done = threading.Event()
    worker = threading.Thread(target=lambda: (ledger.reserve(), done.set()))
    try:
        worker.start()
        assert not done.wait(0.5), "reserve() went on while another process held the lock"
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert done.wait(10)
    worker.join()
    assert counts(ledger) == (0, 1, 0, 0)


def test_the_lock_file_is_private_and_the_ledger_made_with_its_parents(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "one"
    ledger = Ledger(run, budget=3)
    assert (run / "ledger.lock").stat().st_mode & 0o777 == 0o600
    assert ledger.path == run / "ledger.json"
    assert repr(ledger) == f"Ledger({str(run)!r}, budget=3)"
    assert LedgerState(3) == LedgerState(3, 0, 0, 0, 0)


def test_a_directory_that_is_gone_cannot_be_locked(tmp_path: Path) -> None:
    worker = Ledger.join(tmp_path / "gone", budget=2)
    with pytest.raises(LedgerError) as raised:
        worker.reserve()
    assert str(raised.value) == (
        f"budget ledger {worker.path} cannot be locked (No such file or directory); {STOP}"
    )


def test_a_ledger_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger(tmp_path, budget=2)

    def full_disk(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    # the new counts cannot be written, even for root (unlike a chmod)
    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    with pytest.raises(LedgerError) as raised:
        ledger.reserve()
    assert str(raised.value) == (
        f"budget ledger {ledger.path} cannot be written (No space left on device); {STOP}"
    )
    monkeypatch.undo()
    assert counts(ledger) == (0, 0, 0, 0)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_ledger_that_is_not_text(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    ledger.path.write_bytes(b"\xff{}")
    with pytest.raises(LedgerError) as raised:
        ledger.state()
    assert str(raised.value) == (
        f"budget ledger {ledger.path} cannot be read ('utf-8' codec can't decode byte 0xff "
        f"in position 0: invalid start byte); {STOP}"
    )


def test_a_reservation_settled_behind_this_process_s_back(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    assert ledger.reserve()
    ledger.path.write_text(
        '{"budget": 2, "spent": 0, "reserved": 0, "unexpected": 0, "refused": 0}',
        encoding="utf-8",
    )
    for settle in (ledger.release, ledger.charge):
        with pytest.raises(LedgerError) as raised:
            settle()
        assert str(raised.value) == (
            f"budget ledger {ledger.path} holds no reservation, but this process holds 1; {STOP}"
        )
    assert counts(ledger) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '{"budget": 2, "spent": 0, "x": 1, "a": 2}',
            "missing reserved, unexpected, refused; unknown a, x",
        ),
        (
            '{"budget": 2, "spent": 1, "reserved": 2, "unexpected": 0, "refused": 0}',
            "spent 1 (of which 0 unexpected) and reserved 2 are more than budget 2",
        ),
    ],
)
def test_what_a_corrupt_ledger_is_checked_for(tmp_path: Path, text: str, problem: str) -> None:
    ledger = Ledger(tmp_path, budget=2)
    ledger.path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as raised:
        ledger.state()
    assert str(raised.value) == f"budget ledger {ledger.path} is corrupt ({problem}); {STOP}"


def test_the_counts_at_the_budget(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=1)
    assert ledger.reserve()
    assert (ledger.state().left, ledger.state().exhausted) == (0, True)
    ledger.release()
    assert (ledger.state().left, ledger.state().exhausted) == (1, False)
    assert ledger.charge_unexpected() == LedgerState(1, 1, 0, 1, 0)
    assert ledger.state().left == 0


def test_the_charged_range_ends() -> None:
    charged = charged_statuses(load_contract(shipped_contracts_dir() / "videos-generations.yaml"))
    assert {"100", "999"} <= charged
    assert not {"99", "1000"} & charged
    assert len(charged) == 900 - 5


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_no_file_descriptor_is_left_open(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=100)
    before = len(list(Path("/proc/self/fd").iterdir()))
    for _ in range(20):
        assert ledger.reserve()
        ledger.release()
    assert len(list(Path("/proc/self/fd").iterdir())) == before
