"""Replay mode's network isolation: while active, any real request fails at once with a
message naming the URL and how to record an answer instead (``--fox-mode record``).

httpx is blocked through respx (every request is routed to a refusal), and raw sockets
through ``socket.socket.connect`` (``requests``, ``urllib``, other libraries): a test cannot
reach the network by accident, and never silently.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pluggy
import pytest
import respx

__all__ = [
    "NetworkBlockedError",
    "Standalone",
    "Unchained",
    "blocked_network",
    "blocked_sockets",
    "prune_library_frames",
    "refusal",
]

HOW_TO_RECORD = (
    "replay mode makes no network requests; to record this answer from the real API, run "
    "pytest --fox-mode record (FOXAPI_API_KEY set; the cassette is written redacted)"
)


class Standalone:
    """A mixin for an error raised from inside a respx side effect: respx re-raises it from
    its own wrapper, which says nothing the message does not, so the report shows this error
    alone (no cause, no context)."""

    @property
    def __cause__(self) -> BaseException | None:
        return None

    @__cause__.setter
    def __cause__(self, _value: BaseException | None) -> None:
        pass

    @property
    def __context__(self) -> BaseException | None:
        return None

    @__context__.setter
    def __context__(self, _value: BaseException | None) -> None:
        pass


class Unchained(Standalone, AssertionError):
    """An assertion raised from inside a respx side effect, reported alone."""


_LIBRARIES = tuple(
    str(Path(str(module.__file__)).parent) + os.sep
    for module in (httpx, respx, sys.modules[__name__])
)


_STDLIB = str(Path(contextlib.__file__).parent) + os.sep

_RUNNER = tuple(
    str(folder) + os.sep
    for folder in (Path(pytest.__file__).parent.parent / "_pytest", Path(pluggy.__file__).parent)
)
"""pytest's and pluggy's own code: the frames above a test or a fixture, never the user's."""


def _in_stdlib(filename: str) -> bool:
    return filename.startswith(_STDLIB) and "site-packages" not in filename


def _is_users(filename: str) -> bool:
    """Whether a frame is of the user's code: not of httpx, respx, foxcontract, the
    standard library, pytest or code Python generated (a dataclass's ``__init__``)."""
    return not (
        filename.startswith(_LIBRARIES + _RUNNER) or _in_stdlib(filename) or filename[:1] == "<"
    )


def _end_at_the_users_call(call: pytest.CallInfo[None], error: BaseException) -> None:
    """Cut the traceback after the last frame of the user's code: a :class:`FakeConfigError`
    is about the value the user passed there, and the frames below (foxcontract checking
    it, dataclasses) say nothing the message does not."""
    frames: list[types.TracebackType] = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    users = [i for i, f in enumerate(frames) if _is_users(f.tb_frame.f_code.co_filename)]
    if not users:
        return  # raised from foxcontract's own fixtures or items: their messages say where
    pruned: types.TracebackType | None = None
    for tb in reversed(frames[: users[-1] + 1]):
        pruned = types.TracebackType(pruned, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    error.__traceback__ = pruned
    call.excinfo = pytest.ExceptionInfo.from_exception(error)


def prune_library_frames(call: pytest.CallInfo[None]) -> None:
    """For a :class:`Standalone` failure (an :class:`Unchained` one, or an httpx error
    raised from a respx side effect), drop the frames of httpx, respx and foxcontract from
    the traceback pytest shows, so the user's own line and the message come first. A bad
    value for the fake (:class:`~foxcontract.fake.config.FakeConfigError`) ends at the
    user's line that passed it."""
    from foxcontract.fake.config import FakeConfigError

    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, FakeConfigError):
        _end_at_the_users_call(call, excinfo.value)
        return
    if excinfo is None or not isinstance(excinfo.value, Standalone):
        return
    error = excinfo.value
    frames: list[types.TracebackType] = []
    tb = error.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_LIBRARIES):
            frames.append(tb)
        tb = tb.tb_next
    while frames and _in_stdlib(frames[-1].tb_frame.f_code.co_filename):
        frames.pop()  # contextlib re-raising for respx: not the user's code either
    pruned: types.TracebackType | None = None
    for tb in reversed(frames):
        pruned = types.TracebackType(pruned, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    if pruned is None or all(f.tb_frame.f_code.co_filename.startswith(_RUNNER) for f in frames):
        return  # raised at teardown: no frame of the user's, and the fixture's frames hide
    error.__traceback__ = pruned
    call.excinfo = pytest.ExceptionInfo.from_exception(error)


class NetworkBlockedError(Unchained):
    """A real network request in replay mode."""


def refusal(target: str, detail: str = "") -> NetworkBlockedError:
    extra = f" ({detail})" if detail else ""
    return NetworkBlockedError(
        f"blocked a real network request to {target}{extra}: {HOW_TO_RECORD}"
    )


@contextmanager
def blocked_sockets() -> Iterator[None]:
    """Refuse every outgoing socket connection (cheap: for each replayed item)."""
    original = socket.socket.connect, socket.socket.connect_ex

    def refuse_socket(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None):
            return original[0](self, address)  # local IPC (e.g. xdist, docker) is not network
        raise refusal(f"socket {address!r}")

    socket.socket.connect = refuse_socket  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = refuse_socket  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = original  # type: ignore[method-assign]


@contextmanager
def blocked_network(router: respx.Router | None = None) -> Iterator[respx.Router]:
    """Block every real request for the duration: httpx with a message naming the URL,
    anything else at the socket. Given the ``router`` of an already active ``respx.mock``
    (whose routes must then answer or refuse every request), only sockets are blocked here."""

    def refuse_http(request: httpx.Request) -> httpx.Response:
        raise refusal(f"{request.method} {request.url}")

    with blocked_sockets():
        if router is not None:
            yield router
        else:
            with respx.mock(assert_all_called=False) as mock:
                mock.route().mock(side_effect=refuse_http)
                yield mock
