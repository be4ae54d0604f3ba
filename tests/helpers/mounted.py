"""The fake mounted in-process with respx on the public base URL, as the fake's own tests
drive it through httpx: the address, the test key's header, and the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx

from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, mount

BASE = "https://api.foxapi.cc"
AUTH = {"Authorization": f"Bearer {TEST_KEY}"}


def mounted_fake_fixture() -> Any:
    """A fixture (name it by assigning it in a test module: ``fake = mounted_fake_fixture()``)
    yielding a faithful fake (seed 1) mounted on :data:`BASE`, with no FOXAPI_API_KEY set."""

    @pytest.fixture
    def fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAPI]:
        """A faithful fake (seed 1) answering httpx calls to the public base URL in-process."""
        monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
        api = FakeAPI(FakeConfig(seed=1))
        with respx.mock(assert_all_called=False) as router:
            mount(api, router, BASE)
            yield api

    return fixture
