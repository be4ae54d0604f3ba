"""Test helper: the fake FoxAPI served on 127.0.0.1 for live- and record-mode tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

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
