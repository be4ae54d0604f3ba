"""``fox_replay`` in record and live mode: a paid create whose connection could not be opened
gives its budget unit back and reaches the client as httpx's ``ConnectError``; one that
went out and then got no answer (the connection dropped, a timeout) stays charged."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

KEY = "sk-consumer-connect-key-42"
TEST = """
import httpx
import pytest

BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox", "resolution": "720p",
        "image_url": "https://example.com/fox.jpg", "duration": 4}

def create(base):
    headers = {"Authorization": "Bearer " + "%(key)s"}
    return httpx.post(base + "/v1/videos/generations", json=BODY, headers=headers,
                      timeout=httpx.Timeout(5, read=0.5))

@pytest.mark.fox_cassette("cassettes")
def test_caught(fox_replay):
    with pytest.raises(httpx.%(error)s) as info:
        create("%(base)s")
    assert isinstance(info.value, httpx.TransportError)
    assert info.value.__cause__ is None and info.value.__context__ is None

@pytest.mark.fox_cassette("cassettes")
def test_uncaught(fox_replay):
    create("%(base)s")
"""


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def mute_server(hold: float) -> Iterator[int]:
    """A loopback server that reads each request and never answers: it closes the
    connection after ``hold`` seconds. At most 4 connections, 20 s in all."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        end = time.monotonic() + 20
        served = 0
        while not stop.is_set() and time.monotonic() < end and served < 4:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            served += 1
            with conn:
                conn.settimeout(2)
                data = b""
                while b"a fox" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                stop.wait(hold)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        server.close()


def run(pytester: pytest.Pytester, mode: str, base: str, error: str) -> pytest.RunResult:
    pytester.makepyfile(test_app=TEST % {"key": KEY, "base": base, "error": error})
    os.environ["FOXAPI_API_KEY"] = KEY
    try:
        return pytester.runpytest(
            "-p", "no:cacheprovider", "-p", "no:xdist", "--fox-mode", mode,
            "--fox-budget", "2", "--fox-base-url", base,
        )  # fmt: skip
    finally:
        del os.environ["FOXAPI_API_KEY"]


@pytest.mark.parametrize("mode", ["record", "live"])
def test_a_refused_connection_costs_nothing_and_is_a_connect_error(
    pytester: pytest.Pytester, mode: str
) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    result = run(pytester, mode, base, "ConnectError")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       return httpx.post(base + *",
            "E*foxcontract.replay.fixture.ConnectionNotOpenedError: [[]Errno 111[]] "
            "Connection refused",
            "test_app.py:9: ConnectionNotOpenedError",
            "paid creates: 0 of budget 2 spent*",
        ]
    )
    assert "SideEffectError" not in result.stdout.str()
    assert "fixture.py" not in result.stdout.str()  # the user's frames only
    assert "RemoteProtocolError" not in result.stdout.str()
    assert not (pytester.path / "cassettes").exists()


def test_a_connection_dropped_after_sending_stays_charged(pytester: pytest.Pytester) -> None:
    with mute_server(hold=0) as port:
        result = run(pytester, "live", f"http://127.0.0.1:{port}", "RemoteProtocolError")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*foxcontract.replay.fixture.ConnectionDroppedError: Remote end closed connection "
            "without response",
            "paid creates: 2 of budget 2 spent*",
        ]
    )


def test_a_timeout_after_sending_stays_charged(pytester: pytest.Pytester) -> None:
    with mute_server(hold=1.5) as port:
        result = run(pytester, "record", f"http://127.0.0.1:{port}", "ReadTimeout")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*foxcontract.replay.fixture.AnswerTimeoutError: the API answered too slowly",
            "paid creates: 2 of budget 2 spent*",
        ]
    )


@pytest.mark.parametrize(
    ("failure", "error", "message"),
    [
        (socket.gaierror(-2, "Name or service not known"), "ConnectError",
         "[Errno -2] Name or service not known"),
        (TimeoutError("timed out"), "ConnectTimeout",
         "no connection to api.foxapi.test within 5s"),
    ],
)  # fmt: skip
def test_a_name_that_does_not_resolve_or_a_connect_timeout_was_never_opened(
    monkeypatch: pytest.MonkeyPatch, failure: OSError, error: str, message: str
) -> None:
    import httpx

    from foxcontract.live.client import never_opened
    from foxcontract.replay.fixture import forward

    def fail(*_args: object, **_kwargs: object) -> socket.socket:
        raise failure

    monkeypatch.setattr(socket, "create_connection", fail)
    request = httpx.Request(
        "POST", "https://api.foxapi.test/v1/videos/generations", json={"prompt": "a fox"},
        extensions={"timeout": {"connect": 5.0, "read": 5.0}},
    )  # fmt: skip
    with pytest.raises(getattr(httpx, error)) as info:
        forward(request)
    assert str(info.value) == message
    assert never_opened(info.value)
