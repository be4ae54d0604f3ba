"""The fake mounted in-process through respx: httpx requests in, the fake's answers out."""

from __future__ import annotations

import time
from typing import Any

import httpx
import respx

from foxcontract._settings import DEFAULT_BASE_URL
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.wire import FakeRequest, FakeResponse

__all__ = ["DEFAULT_BASE_URL", "from_httpx", "mount", "to_httpx"]


def from_httpx(request: httpx.Request, prefix: str = "") -> FakeRequest:
    """The fake's view of an httpx request; ``prefix`` is the base URL's own path (a gateway's
    ``/foxapi``), taken off so the fake sees the contract's paths."""
    query = f"?{request.url.query.decode()}" if request.url.query else ""
    path, prefix = request.url.path, prefix.rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    return FakeRequest(
        method=request.method,
        path=path + query,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.read(),
    )


def to_httpx(response: FakeResponse, request: httpx.Request) -> httpx.Response:
    """Act out the fake's answer: wait ``delay`` (a read timeout shorter than the delay
    raises ``httpx.ReadTimeout`` after that timeout), or drop the connection."""
    if response.delay:
        timeout = _read_timeout(request)
        if timeout is not None and timeout < response.delay:
            time.sleep(timeout)
            raise httpx.ReadTimeout("the fake API answered too slowly", request=request)
        time.sleep(response.delay)
    if response.drop:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    return httpx.Response(response.status, headers=dict(response.headers), content=response.content)


def _read_timeout(request: httpx.Request) -> float | None:
    timeouts: Any = request.extensions.get("timeout") or {}
    value = timeouts.get("read")
    return float(value) if value is not None else None


def mount(fake: FakeAPI, router: respx.Router, base_url: str = DEFAULT_BASE_URL) -> respx.Route:
    """Route every request under ``base_url`` to ``fake``; returns the respx route."""

    prefix = httpx.URL(base_url).path

    def answer(request: httpx.Request) -> httpx.Response:
        return to_httpx(fake.handle(from_httpx(request, prefix)), request)

    route: respx.Route = router.route(url__startswith=base_url.rstrip("/") + "/").mock(
        side_effect=answer
    )
    return route
