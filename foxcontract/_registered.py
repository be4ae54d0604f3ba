"""What the plugin registers at start-up: every marker's help and the fixtures' faces.

pytest finds fixtures on the plugin module when it loads, in every run of every project
that has foxcontract installed. So the fixtures registered here are thin faces: each one
imports the module that does the work (httpx, respx, the contracts, the fake) when a test
first uses it, and a run that uses none of them pays nothing for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from foxcontract.fixtures import FoxAPIMock
    from foxcontract.replay_fixture import FoxReplay

__all__ = ["MARKERS", "configure", "fox_api", "fox_replay", "remember_outcome"]

MARKERS = (
    "foxcontract: an item collected from a foxcontract contract file",
    "fox_accepted: a rule item whose cases the rule accepts",
    "fox_violated: a rule item whose cases break the rule",
    "fox_example: a documented example of a contract",
    "fox_response: generated responses of a contract",
    "fox_consistency: whether a contract's rules contradict each other",
    "fox_api(base_url=..., key=..., strict=True, contracts=..., **fake_config): how the "
    "fox_api fixture's fake FoxAPI behaves in this test (contracts: the contract folder or "
    "files it follows, as --fox-contracts)",
    "fox_replay: an item replaying one recorded interaction of a cassette file",
    "fox_cassette(*paths): the cassette folder(s) or files the fox_replay fixture answers "
    "from (and records to, with --fox-mode record)",
    "fox_live: a live probe of the provider (--fox-mode live or record)",
    "fox_paid: a live probe that is paid for (an accepted create)",
)
"""The markers' lines as ``pytest --markers`` shows them."""


def configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)


@pytest.fixture
def fox_api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxAPIMock]:
    """The fake FoxAPI for httpx clients in this test: every request is checked against the
    project's contract, answers are contract-valid and scriptable (see
    :mod:`foxcontract.fixtures`)."""
    __tracebackhide__ = True
    from foxcontract._consumer_coverage import observe_calls
    from foxcontract.fixtures import fox_api_session

    session = fox_api_session(request, monkeypatch)
    mock = next(session)
    yield mock
    fake = mock.fake
    try:
        observe_calls(request.config, fake.calls, fake.create_contract, fake.poll_contract)
    finally:
        yield from session  # the fixture's own teardown


@pytest.fixture
def fox_replay(request: pytest.FixtureRequest) -> Iterator[FoxReplay]:
    """Answer httpx requests from cassettes, offline (see :mod:`foxcontract.replay_fixture`)."""
    __tracebackhide__ = True
    from foxcontract.replay_fixture import fox_replay_session

    yield from fox_replay_session(request)


def remember_outcome(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Hand a test's outcome to ``fox_api`` (only in tests that use it)."""
    if "fox_api" in getattr(item, "fixturenames", ()):
        from foxcontract import fixtures

        fixtures.remember_outcome(item, call)
