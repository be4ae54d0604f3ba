"""Test helper: the fake FoxAPI served on 127.0.0.1 for live- and record-mode tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig, FakeServer
from foxcontract.fake.wire import FakeRequest, FakeResponse


class Created201(FakeAPI):
    """A provider that answers an accepted create with 201 instead of the documented 200
    (it still starts the paid generation)."""

    def handle(self, request: FakeRequest) -> FakeResponse:
        response = super().handle(request)
        if request.method == "POST" and response.status == 200:
            return replace(response, status=201)
        return response


@contextmanager
def served(api: FakeAPI) -> Iterator[FakeAPI]:
    """``api`` (a faithful fake, or a test's variant of one) served until the block ends;
    its ``base_url`` attribute is the address to call."""
    with FakeServer(api) as server:
        api.base_url = server.base_url  # type: ignore[attr-defined]
        yield api


@contextmanager
def served_fake(key: str) -> Iterator[FakeAPI]:
    """A faithful fake accepting ``key``, served until the block ends."""
    with served(FakeAPI(FakeConfig(key=key))) as api:
        yield api


def served_fake_fixture(key: str) -> Any:
    """A fixture (name it by assigning it in a test module: ``fake = served_fake_fixture(KEY)``)
    yielding :func:`served_fake` of ``key`` for one test."""

    @pytest.fixture
    def fixture() -> Iterator[FakeAPI]:
        """The faithful fake, served on 127.0.0.1 until the test ends."""
        with served_fake(key) as api:
            yield api

    return fixture


def retries_conftest(*, timeout: float = 0.5, total: float = 5.0) -> str:
    """A conftest setting the retry policy the way a user's can: tiny delays between
    attempts, at most ``timeout`` seconds an attempt and ``total`` a request."""
    return f"""
from foxcontract.live import RetryPolicy

def pytest_foxcontract_retry_policy(config):
    return RetryPolicy(
        base=0.01, cap=0.05, retry_after_cap=0.05, total={total!r}, timeout={timeout!r}
    )
"""


def live_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, key: str
) -> pytest.Pytester:
    """A user's project for live runs: a copy of the shipped contracts, the fast retry policy
    in its conftest, ``key`` as FOXAPI_API_KEY and no FOXAPI_BASE_URL."""
    folder = pytester.mkdir("contracts")
    for path in shipped_contracts_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    pytester.makeconftest(retries_conftest())
    monkeypatch.setenv("FOXAPI_API_KEY", key)
    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    return pytester


def live_project_fixture(key: str) -> Any:
    """A fixture (name it by assigning it in a test module:
    ``project = live_project_fixture(KEY)``) returning :func:`live_project` of ``key``."""

    @pytest.fixture
    def fixture(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
        """A user's project for live runs (``live_project``)."""
        return live_project(pytester, monkeypatch, key)

    return fixture


def live(project: pytest.Pytester, fake: FakeAPI, *args: str) -> pytest.RunResult:
    """``pytest contracts --fox-mode live`` against the served ``fake``, live items only."""
    url = fake.base_url  # type: ignore[attr-defined]
    return project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", url, "-p", "no:cacheprovider",
        "-m", "fox_live", *args,
    )  # fmt: skip
