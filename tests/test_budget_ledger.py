"""The budget ledger: reserve before sending, charge or release after, never overspent (even
by several processes and threads sharing one run directory), and closed as soon as it
cannot be trusted."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from helpers.ledger import STOP, counts

from foxcontract.contract import load_contract, shipped_contracts_dir
from foxcontract.live import ApiKey, Ledger, LiveClient, RetryPolicy
from foxcontract.live.budget import LedgerError, charged_statuses, refusal_statuses


# --- step by step ---------------------------------------------------------------------------
def test_each_step_moves_the_counts(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    assert counts(ledger) == (0, 0, 0, 0)
    assert ledger.reserve()
    assert counts(ledger) == (0, 1, 0, 0)
    assert ledger.reserve()
    assert counts(ledger) == (0, 2, 0, 0)
    assert not ledger.reserve()  # both units held: refused, nothing held
    assert counts(ledger) == (0, 2, 0, 1)
    ledger.charge()
    assert counts(ledger) == (1, 1, 0, 1)
    ledger.release()
    assert counts(ledger) == (1, 0, 0, 1)
    assert ledger.state().left == 1
    assert ledger.reserve()
    ledger.charge()
    assert counts(ledger) == (2, 0, 0, 1)
    assert ledger.state().exhausted
    assert ledger.describe() == "budget exhausted: 2 of 2 paid creates spent"


def test_reserving_after_the_budget_is_used_up_is_refused_every_time(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=1)
    assert ledger.reserve()
    ledger.charge()
    assert [ledger.reserve() for _ in range(3)] == [False, False, False]
    other = Ledger.join(tmp_path, budget=1)  # another process of the run
    assert not other.reserve()
    assert counts(ledger) == (1, 0, 0, 4)


def test_a_double_release_is_an_error_and_changes_nothing(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=3)
    assert ledger.reserve()
    ledger.release()
    with pytest.raises(LedgerError) as raised:
        ledger.release()
    assert str(raised.value) == (
        f"budget ledger {tmp_path / 'ledger.json'}: release() without a reservation held by "
        "this process (each reserve() is settled once, by charge() or release(); this one was "
        "settled already, or never made)"
    )
    assert counts(ledger) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("settled_by", "after"),
    [("release", (0, 0, 0, 0)), ("charge", (1, 0, 0, 0))],
    ids=["after-release", "after-charge"],
)
def test_a_charge_after_the_reservation_is_settled_is_an_error(
    tmp_path: Path, settled_by: str, after: tuple[int, int, int, int]
) -> None:
    """A reservation is settled once: a charge() after its release(), or after its own
    charge(), is an error and moves no count."""
    ledger = Ledger(tmp_path, budget=3)
    assert ledger.reserve()
    getattr(ledger, settled_by)()
    with pytest.raises(LedgerError, match=r"charge\(\) without a reservation held"):
        ledger.charge()
    assert counts(ledger) == after


def test_a_release_of_another_process_s_reservation_is_an_error(tmp_path: Path) -> None:
    mine = Ledger(tmp_path, budget=3)
    theirs = Ledger.join(tmp_path, budget=3)
    assert theirs.reserve()
    with pytest.raises(LedgerError, match=r"release\(\) without a reservation held"):
        mine.release()
    assert counts(mine) == (0, 1, 0, 0)


def test_unexpected_accepts_are_charged_beyond_the_budget(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=1)
    ledger.charge_unexpected()
    assert counts(ledger) == (1, 0, 1, 0)
    ledger.charge_unexpected()
    assert counts(ledger) == (2, 0, 2, 0)
    assert not ledger.reserve()
    assert ledger.describe() == (
        "budget exhausted: 2 of 1 paid creates spent, 2 by unexpected accepts"
    )


def test_a_second_ledger_on_the_same_directory_shares_the_count(tmp_path: Path) -> None:
    first = Ledger(tmp_path, budget=3)
    assert first.reserve()
    first.charge()
    assert counts(Ledger(tmp_path, budget=3)) == (1, 0, 0, 0)
    assert counts(Ledger.join(tmp_path, budget=3)) == (1, 0, 0, 0)


# --- failing closed -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is corrupt (not JSON: Expecting value: line 1 column 1 (char 0))"),
        ('{"budget": 2, "spent": 1', "is corrupt (not JSON: Expecting ',' delimiter: "),
        ("[]", "is corrupt (expected a JSON object, got list)"),
        ('{"budget": 2, "spent": 0}', "is corrupt (missing reserved, unexpected, refused)"),
        (
            '{"budget": 2, "spent": 0, "reserved": 0, "unexpected": 0, "refused": 0, "x": 1}',
            "is corrupt (unknown x)",
        ),
        (
            '{"budget": 2, "spent": -1, "reserved": 0, "unexpected": 0, "refused": 0}',
            "is corrupt (spent is -1, not a count (an integer 0 or more))",
        ),
        (
            '{"budget": 2, "spent": true, "reserved": 0, "unexpected": 0, "refused": 0}',
            "is corrupt (spent is True, not a count (an integer 0 or more))",
        ),
        (
            '{"budget": 2, "spent": 1.5, "reserved": 0, "unexpected": 0, "refused": 0}',
            "is corrupt (spent is 1.5, not a count (an integer 0 or more))",
        ),
        (
            '{"budget": 2, "spent": 3, "reserved": 0, "unexpected": 0, "refused": 0}',
            "is corrupt (spent 3 (of which 0 unexpected) and reserved 0 are more than budget 2)",
        ),
        (
            '{"budget": 2, "spent": 0, "reserved": 0, "unexpected": 1, "refused": 0}',
            "is corrupt (unexpected 1 is more than spent 0)",
        ),
        (
            '{"budget": 5, "spent": 0, "reserved": 0, "unexpected": 0, "refused": 0}',
            "is for a budget of 5, not 2 as this process was told (another run's ledger?)",
        ),
    ],
)
def test_a_corrupt_ledger_stops_every_paid_step(tmp_path: Path, text: str, problem: str) -> None:
    ledger = Ledger(tmp_path, budget=2)
    assert ledger.reserve()
    ledger.path.write_text(text, encoding="utf-8")
    for step in (ledger.reserve, ledger.charge, ledger.release, ledger.state):
        with pytest.raises(LedgerError) as raised:
            step()
        message = str(raised.value)
        assert message.startswith(f"budget ledger {ledger.path} {problem}")
        assert message.endswith(f"; {STOP}")
    assert ledger.path.read_text(encoding="utf-8") == text  # never reset, never rewritten
    with pytest.raises(LedgerError):
        Ledger(tmp_path, budget=2)  # nor restarted by a new ledger on the same directory


def test_a_missing_ledger_stops_paid_creates(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    assert ledger.reserve()
    ledger.charge()
    ledger.path.unlink()
    with pytest.raises(LedgerError) as raised:
        ledger.reserve()
    assert str(raised.value) == (
        f"budget ledger {ledger.path} is missing (deleted during the run, or never started); {STOP}"
    )
    assert not ledger.path.exists()  # not started again as if nothing had been spent


def test_a_worker_never_starts_a_ledger(tmp_path: Path) -> None:
    worker = Ledger.join(tmp_path, budget=2)
    with pytest.raises(LedgerError, match="is missing"):
        worker.reserve()
    assert not (tmp_path / "ledger.json").exists()


def test_an_unreadable_ledger_stops_paid_creates(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=2)
    ledger.path.unlink()
    ledger.path.mkdir()  # reading it fails even for root, unlike a chmod
    with pytest.raises(LedgerError) as raised:
        ledger.reserve()
    assert (
        str(raised.value) == f"budget ledger {ledger.path} cannot be read (Is a directory); {STOP}"
    )


# --- what is charged ----------------------------------------------------------------------
def test_only_the_listed_4xx_refusals_are_not_charged() -> None:
    create = load_contract(shipped_contracts_dir() / "videos-generations.yaml")
    assert refusal_statuses(create) == {400, 401, 402, 422, 429}
    charged = charged_statuses(create)
    for status in ("200", "201", "202", "204", "302", "404", "500", "503", "599", "999"):
        assert status in charged
    for status in ("400", "401", "402", "422", "429"):
        assert status not in charged


def script(*statuses: int | type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    """A create endpoint answering each request with the next step (the last repeats)."""
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        step = statuses[min(len(seen), len(statuses) - 1)]
        seen.append(1)
        if isinstance(step, type):
            raise step("simulated", request=request)  # type: ignore[call-arg]
        body = {"id": "t"} if step < 400 else {"error": {"message": "m", "type": "t"}}
        return httpx.Response(step, json=body)

    return handler


def send(ledger: Ledger, *statuses: int | type[Exception]) -> int:
    """Send one paid create through the live client; the final status."""
    create = load_contract(shipped_contracts_dir() / "videos-generations.yaml")
    policy = RetryPolicy(sleep=lambda _s: None, statuses=frozenset({429, 500, 503}))
    transport = httpx.MockTransport(script(*statuses))
    with_key = LiveClient("http://fox.test", ApiKey("sk-ledger-test"), policy, transport)
    answer = with_key.send(
        "POST", "/v1/videos/generations", json_body={}, paid=charged_statuses(create),
        spender=ledger,
    )  # fmt: skip
    return answer.status


@pytest.mark.parametrize(
    ("statuses", "spent"),
    [
        ((200,), 1),
        ((201,), 1),  # any success status is charged, not only the one the contract lists
        ((202,), 1),
        ((299,), 1),
        ((418,), 1),  # a status the contract does not list
        ((422,), 0),  # a listed refusal
        ((402,), 0),
        ((429, 429, 201), 1),  # refusals reuse the reservation, the accept is charged once
        ((503, 200), 2),  # a 5xx may have started the work: charged, and the retry again
        ((httpx.ReadTimeout, 200), 2),  # sent, then no answer: charged
        ((httpx.RemoteProtocolError, 422), 1),
        ((httpx.ConnectError, 200), 1),  # never sent: released
    ],
)
def test_every_answer_but_a_listed_refusal_is_charged(
    tmp_path: Path, statuses: tuple[int | type[Exception], ...], spent: int
) -> None:
    ledger = Ledger(tmp_path, budget=5)
    send(ledger, *statuses)
    assert counts(ledger) == (spent, 0, 0, 0)


def test_a_corrupt_ledger_sends_no_create(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=5)
    ledger.path.write_text("{", encoding="utf-8")
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={})

    client = LiveClient(
        "http://fox.test", ApiKey("sk-x"), RetryPolicy(), httpx.MockTransport(handler)
    )
    with pytest.raises(LedgerError, match="is corrupt"):
        client.send("POST", "/x", json_body={}, paid=frozenset({"200"}), spender=ledger)
    assert calls == []


# --- concurrency --------------------------------------------------------------------------
def _spend(directory: str, attempts: int) -> int:
    ledger = Ledger.join(directory, budget=7)
    won = 0
    for _ in range(attempts):
        if ledger.reserve():
            ledger.charge()
            won += 1
    return won


@pytest.mark.slow
def test_parallel_processes_never_overspend(tmp_path: Path) -> None:
    Ledger(tmp_path, budget=7)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        won = pool.starmap(_spend, [(str(tmp_path), 12)] * 4)
    assert sum(won) == 7
    assert counts(Ledger.join(tmp_path, budget=7)) == (7, 0, 0, 48 - 7)


def test_parallel_threads_of_one_process_never_overspend(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, budget=10)
    won: list[int] = []
    released: list[int] = []

    def worker() -> None:
        for i in range(6):
            if ledger.reserve():
                if i == 0:
                    ledger.release()  # given back: another thread may take it
                    released.append(1)
                else:
                    ledger.charge()
                    won.append(1)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 10
    spent, reserved, unexpected, refused = counts(ledger)
    assert (spent, reserved, unexpected) == (10, 0, 0)
    assert refused == 36 - 10 - len(released)  # each attempt: charged, released or refused


def test_a_ledger_that_cannot_be_started_says_so(tmp_path: Path) -> None:
    taken = tmp_path / "run"
    taken.write_text("not a directory", encoding="utf-8")
    with pytest.raises(LedgerError) as raised:
        Ledger(taken, budget=2)
    assert str(raised.value).startswith(f"cannot create the budget ledger in {taken}: ")
    assert str(raised.value).endswith("; nothing was sent")
