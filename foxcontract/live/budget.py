"""The budget ledger: how many paid creates a run may still make, shared by every process.

A run directory holds ``ledger.json`` (spent, reserved, budget) and ``ledger.lock``; each
change happens under an exclusive lock of the lock file, so pytest-xdist workers (and
anything else pointed at the same directory) never overspend. A paid request reserves one
unit before it is sent, commits it when the server accepted (or may have), and releases it
otherwise. An unexpected accept of a request meant to be refused is charged on top.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Ledger", "LedgerState"]

if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class LedgerState:
    budget: int
    spent: int = 0
    reserved: int = 0
    unexpected: int = 0
    refused: int = 0

    @property
    def left(self) -> int:
        return max(0, self.budget - self.spent - self.reserved)

    @property
    def exhausted(self) -> bool:
        return self.spent + self.reserved >= self.budget


class Ledger:
    """The paid-create counter of one run, in ``directory`` (created if missing)."""

    def __init__(self, directory: str | Path, budget: int) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file = self.directory / "ledger.json"
        self._lockfile = self.directory / "ledger.lock"
        self.budget = budget
        with self._locked() as state:
            if state.budget != budget and state.spent == state.reserved == 0:
                self._write(LedgerState(budget))

    def __repr__(self) -> str:
        return f"Ledger({str(self.directory)!r}, budget={self.budget})"

    @contextmanager
    def _locked(self) -> Iterator[LedgerState]:
        fd = os.open(self._lockfile, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
            try:
                yield self._read()
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def _read(self) -> LedgerState:
        try:
            data = json.loads(self._file.read_text())
        except (OSError, ValueError):
            return LedgerState(self.budget)
        return LedgerState(**data)

    def _write(self, state: LedgerState) -> None:
        tmp = self._file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(state)))
        os.replace(tmp, self._file)

    def _change(
        self, spent: int = 0, reserved: int = 0, unexpected: int = 0, refused: int = 0
    ) -> LedgerState:
        with self._locked() as s:
            new = LedgerState(
                s.budget,
                s.spent + spent,
                max(0, s.reserved + reserved),
                s.unexpected + unexpected,
                s.refused + refused,
            )
            self._write(new)
            return new

    def state(self) -> LedgerState:
        with self._locked() as s:
            return s

    def reserve(self) -> bool:
        """Hold one paid create; ``False`` (and nothing held) when the budget is spent."""
        with self._locked() as s:
            if s.exhausted:
                self._write(LedgerState(s.budget, s.spent, s.reserved, s.unexpected, s.refused + 1))
                return False
            self._write(LedgerState(s.budget, s.spent, s.reserved + 1, s.unexpected, s.refused))
            return True

    def commit(self) -> None:
        """The held create was accepted (or may have been): it is spent."""
        self._change(spent=1, reserved=-1)

    def release(self) -> None:
        """The held create was not accepted: give it back."""
        self._change(reserved=-1)

    def charge_unexpected(self) -> LedgerState:
        """A request meant to be refused was accepted: it cost a create all the same."""
        return self._change(spent=1, unexpected=1)

    def describe(self) -> str:
        s = self.state()
        extra = f", {s.unexpected} by unexpected accepts" if s.unexpected else ""
        return f"budget exhausted: {s.spent} of {s.budget} paid creates spent{extra}"
