"""The budget ledger: how many paid creates a run may still make, shared by every process.

A run directory holds ``ledger.json`` (budget, spent, reserved, unexpected, refused) and
``ledger.lock``; each change happens under an exclusive lock of the lock file, so
pytest-xdist workers (and anything else pointed at the same directory) never overspend.

The ledger fails closed. Once started, a ledger file that is missing, unreadable, not JSON,
or holds anything but the five counts (non-negative integers, consistent with each other)
raises :class:`LedgerError`: the money already spent can no longer be known, so no paid
request may be sent. A reservation is settled exactly once: a second ``charge()`` or
``release()`` of it is an error, never clamped.

The protocol of one paid request:

1. ``reserve()``: hold one unit before sending (``False``, nothing held, when the budget is
   used up: the request must not be sent);
2. ``charge()``: any answer that is not a refusal the contract lists (every status in
   :func:`charged_statuses`: any 2xx, 3xx, 5xx or unknown status), a dropped connection or
   a timeout after the request went out: the provider may have started the paid work;
3. ``release()``: a refusal the contract lists (one of its 4xx error kinds), or the request
   was never sent (the connection could not be opened).

``charge_unexpected()`` counts a request meant to be refused that was accepted anyway: it
cost a create all the same, with no reservation held.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from foxcontract._atomic import write_atomic
from foxcontract._filelock import lock as _lock
from foxcontract._filelock import unlock as _unlock
from foxcontract.contract.model import Contract

__all__ = ["Ledger", "LedgerError", "LedgerState", "charged_statuses", "refusal_statuses"]


LEDGER_FILE = "ledger.json"
STOP = "paid creates stop, since the money already spent cannot be known; free probes go on"


class LedgerError(Exception):
    """The ledger cannot be trusted, or was used out of turn: no paid request may be sent.
    The message names the file and what is wrong with it."""


def refusal_statuses(contract: Contract) -> frozenset[int]:
    """The statuses of the refusals ``contract`` lists: its 4xx error kinds."""
    names = contract.errors or tuple(contract.error_kinds)
    kinds = [contract.error_kinds[n] for n in names if n in contract.error_kinds]
    return frozenset(k.status for k in kinds if 400 <= k.status < 500)


def charged_statuses(contract: Contract) -> frozenset[str]:
    """Every status an answer to a paid request of ``contract`` is charged for: all of them
    (100 to 999, so 201, 202 and a status nobody documented too) but its listed refusals."""
    refused = refusal_statuses(contract)
    return frozenset(str(s) for s in range(100, 1000) if s not in refused)


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


def _problem(data: Any) -> str | None:
    """What makes ``data`` something other than a ledger's counts, if anything."""
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    names = [f.name for f in fields(LedgerState)]
    missing = [n for n in names if n not in data]
    extra = sorted(k for k in data if k not in names)
    if missing or extra:
        bits = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(extra)}"] if extra else []
        )
        return "; ".join(bits)
    for name in names:
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{name} is {value!r}, not a count (an integer 0 or more)"
    if data["unexpected"] > data["spent"]:
        return f"unexpected {data['unexpected']} is more than spent {data['spent']}"
    if data["spent"] - data["unexpected"] + data["reserved"] > data["budget"]:
        return (
            f"spent {data['spent']} (of which {data['unexpected']} unexpected) and reserved "
            f"{data['reserved']} are more than budget {data['budget']}"
        )
    return None


class Ledger:
    """The paid-create counter of one run, in ``directory``.

    ``Ledger(directory, budget)`` starts the run's ledger when the directory holds none,
    and joins it otherwise (the same budget, or :class:`LedgerError`). ``Ledger.join``
    only joins: a worker of a run must never start a fresh count.
    """

    def __init__(self, directory: str | Path, budget: int, *, join: bool = False) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LEDGER_FILE
        self._lockfile = self.directory / "ledger.lock"
        self.budget = budget
        self._held = 0
        self._mutex = threading.Lock()
        if join:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(
                f"cannot create the budget ledger in {self.directory}: {exc}; nothing was sent"
            ) from None
        with self._locked(start=True) as state:
            if state is None:
                self._write(LedgerState(budget))

    @classmethod
    def join(cls, directory: str | Path, budget: int) -> Ledger:
        """The ledger a run already started in ``directory`` (checked at each use)."""
        return cls(directory, budget, join=True)

    def __repr__(self) -> str:
        return f"Ledger({str(self.directory)!r}, budget={self.budget})"

    def _fail(self, what: str) -> LedgerError:
        return LedgerError(f"budget ledger {self.path} {what}; {STOP}")

    @contextmanager
    def _locked(self, *, start: bool = False) -> Iterator[LedgerState | None]:
        try:
            fd = os.open(self._lockfile, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._fail(f"cannot be locked ({exc.strerror or exc})") from None
        try:
            _lock(fd)
            try:
                yield self._read(start=start)
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def _read(self, *, start: bool = False) -> LedgerState | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if start:
                return None
            raise self._fail("is missing (deleted during the run, or never started)") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise self._fail(f"cannot be read ({reason})") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise self._fail(f"is corrupt (not JSON: {exc})") from None
        problem = _problem(data)
        if problem is not None:
            raise self._fail(f"is corrupt ({problem})")
        state = LedgerState(**data)
        if state.budget != self.budget:
            raise self._fail(
                f"is for a budget of {state.budget}, not {self.budget} as this process was "
                "told (another run's ledger?)"
            )
        return state

    def _write(self, state: LedgerState) -> None:
        try:
            write_atomic(self.path, json.dumps(asdict(state)))
        except OSError as exc:
            raise self._fail(f"cannot be written ({exc.strerror or exc})") from None

    @contextmanager
    def _change(self) -> Iterator[LedgerState]:
        with self._mutex, self._locked() as state:
            assert state is not None  # _read raises on a missing file unless starting
            yield state

    def state(self) -> LedgerState:
        with self._change() as s:
            return s

    def reserve(self) -> bool:
        """Hold one paid create; ``False`` (nothing held, counted as refused) when the
        budget is used up."""
        with self._change() as s:
            if s.exhausted:
                self._write(LedgerState(s.budget, s.spent, s.reserved, s.unexpected, s.refused + 1))
                return False
            self._write(LedgerState(s.budget, s.spent, s.reserved + 1, s.unexpected, s.refused))
            self._held += 1
            return True

    def charge(self) -> None:
        """The held create got an answer that is not a listed refusal (or none at all after
        it was sent): it is spent."""
        with self._change() as s:
            self._settle(s, "charge")
            self._write(LedgerState(s.budget, s.spent + 1, s.reserved - 1, s.unexpected, s.refused))
            self._held -= 1

    commit = charge
    """The name :class:`~foxcontract.live.client.LiveClient`'s ``Spender`` protocol calls."""

    def release(self) -> None:
        """The held create was refused as the contract lists, or never sent: give it back."""
        with self._change() as s:
            self._settle(s, "release")
            self._write(LedgerState(s.budget, s.spent, s.reserved - 1, s.unexpected, s.refused))
            self._held -= 1

    def _settle(self, s: LedgerState, verb: str) -> None:
        if self._held <= 0:
            raise LedgerError(
                f"budget ledger {self.path}: {verb}() without a reservation held by this "
                "process (each reserve() is settled once, by charge() or release(); this one "
                "was settled already, or never made)"
            )
        if s.reserved <= 0:
            raise self._fail(f"holds no reservation, but this process holds {self._held}")

    def charge_unexpected(self) -> LedgerState:
        """A request meant to be refused was accepted: it cost a create all the same."""
        with self._change() as s:
            new = LedgerState(s.budget, s.spent + 1, s.reserved, s.unexpected + 1, s.refused)
            self._write(new)
            return new

    def describe(self) -> str:
        s = self.state()
        extra = f", {s.unexpected} by unexpected accepts" if s.unexpected else ""
        return f"budget exhausted: {s.spent} of {s.budget} paid creates spent{extra}"
