"""What the plugin registers at start-up: every marker's help and the fixtures' faces.

pytest finds fixtures on the plugin module when it loads, in every run of every project
that has foxcontract installed. So the fixtures registered here are thin faces: each one
imports the module that does the work (httpx, respx, the contracts, the fake) when a test
first uses it, and a run that uses none of them pays nothing for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from foxcontract.fixtures import FoxAPIMock, FoxServerMock
    from foxcontract.replay.fixture import FoxReplay

__all__ = ["MARKERS", "configure", "fox_api", "fox_replay", "fox_server", "remember_outcome"]

MARKERS = (
    "foxcontract: an item collected from a foxcontract contract file",
    "fox_accepted: a rule item whose cases the rule accepts",
    "fox_violated: a rule item whose cases break the rule",
    "fox_example: a documented example of a contract",
    "fox_response: generated responses of a contract",
    "fox_consistency: whether a contract's rules contradict each other",
    "fox_api(base_url=..., key=..., strict=True, check_client=False, contracts=..., "
    "**fake_config): how the fox_api fixture's fake FoxAPI behaves in this test (contracts: "
    "the contract folders or files it follows, as --fox-contracts)",
    "fox_server(key=..., strict=True, check_client=False, contracts=..., **fake_config): how "
    "the fox_server fixture's served fake FoxAPI behaves in this test",
    "fox_replay: an item replaying one recorded interaction of a cassette file",
    "fox_cassette(*paths): the cassette folder(s) or files the fox_replay fixture answers "
    "from (and records to, with --fox-mode record)",
    "fox_live: a live probe of the provider (--fox-mode live or record)",
    "fox_paid: a live probe that is paid for (an accepted create)",
)
"""The markers' lines as ``pytest --markers`` shows them."""

_FAKES = ("fox_api", "fox_server")
_PRUNED = frozenset({"foxcontract.offline", "foxcontract.fake.config"})
"""The modules whose failures :func:`foxcontract.offline.prune_library_frames` prunes."""


def configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def _observed(request: pytest.FixtureRequest, session: Iterator[FoxAPIMock]) -> Iterator[Any]:
    """Run a fake fixture's ``session``; at teardown, hand its calls to the consumer-coverage
    tally, then finish the fixture's own teardown."""
    __tracebackhide__ = True
    from foxcontract._consumer_coverage import observe_calls

    mock = next(session)
    yield mock
    fake = mock.fake
    try:
        observe_calls(request.config, fake.calls, fake.create_contract, fake.poll_contract)
    finally:
        yield from session


@pytest.fixture
def fox_api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxAPIMock]:
    """The fake FoxAPI for httpx clients in this test: every request is checked against the
    project's contract, answers are contract-valid and scriptable (see
    :mod:`foxcontract.fixtures`)."""
    __tracebackhide__ = True
    from foxcontract.fixtures import fox_api_session

    yield from _observed(request, fox_api_session(request, monkeypatch))


@pytest.fixture
def fox_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxServerMock]:
    """The fake FoxAPI served on 127.0.0.1 for any HTTP client in this test, with fox_api's
    API (see :mod:`foxcontract.fixtures`)."""
    __tracebackhide__ = True
    from foxcontract.fixtures import fox_server_session

    yield from _observed(request, fox_server_session(request, monkeypatch))


@pytest.fixture
def fox_replay(request: pytest.FixtureRequest) -> Iterator[FoxReplay]:
    """Answer httpx requests from cassettes, offline (see :mod:`foxcontract.replay.fixture`)."""
    __tracebackhide__ = True
    from foxcontract.replay.fixture import fox_replay_session

    yield from fox_replay_session(request)


def remember_outcome(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """After each test phase: hide library frames from a foxcontract failure, and hand the
    test's outcome to ``fox_api``/``fox_server`` (only where they were used)."""
    if call.excinfo is not None and _PRUNED.intersection(sys.modules):
        # only failures of these modules are pruned: neither imported, none raised
        from foxcontract.offline import prune_library_frames

        prune_library_frames(call)
    if any(name in getattr(item, "fixturenames", ()) for name in _FAKES):
        from foxcontract import fixtures

        fixtures.remember_outcome(item, call)
