"""The served fake under hostile HTTP input: raw-socket requests that are malformed, ambiguous
or oversized each get an answer in the errors contract's body (the exact status asserted), the
connection closes when the body was not read, and the server keeps serving; 50 concurrent
clients are served without a reset."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, FakeRequest, FakeServer

FIELDS = {
    "model": "veo-3.1-lite-image-to-video",
    "prompt": "a fox",
    "image_url": "https://example.com/fox.jpg",
    "resolution": "720p",
    "duration": 4,
}
GOOD = json.dumps(FIELDS).encode()
HEAD = (
    b"POST /v1/videos/generations HTTP/1.1\r\nHost: fake\r\n"
    b"Authorization: Bearer " + TEST_KEY.encode() + b"\r\n"
    b"Content-Type: application/json\r\n"
)


def post(body: bytes, extra: bytes = b"", length: bytes | None = None) -> bytes:
    size = str(len(body)).encode() if length is None else length
    return HEAD + extra + b"Content-Length: " + size + b"\r\n\r\n" + body


def with_value(field: str, raw: str) -> bytes:
    """The good body with ``field`` set to the raw JSON text ``raw``."""
    return json.dumps({**FIELDS, field: "@"}).replace('"@"', raw).encode()


@dataclass
class Answer:
    status: int
    body: dict[str, object]
    closed: bool  # the server closed the connection after this answer

    @property
    def message(self) -> str:
        error = self.body.get("error")
        assert isinstance(error, dict), self.body
        return str(error["message"])


def read_answer(raw: socket.socket, wait_close: float = 0.1) -> Answer:
    """One HTTP answer off ``raw``, then whether the server closed the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = raw.recv(65536)
        assert chunk, f"the server closed the connection without an answer (got {data!r})"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    size = int(headers["content-length"])
    while len(rest) < size:
        chunk = raw.recv(65536)
        assert chunk, "the answer's body was cut short"
        rest += chunk
    body, rest = rest[:size], rest[size:]
    assert rest == b"", f"a second answer followed: {rest[:80]!r}"
    assert headers["content-type"] == "application/json"
    if wait_close <= 0:
        return Answer(status, json.loads(body), closed=False)
    raw.settimeout(wait_close)  # the server closes right after its answer, or keeps it open
    try:
        closed = raw.recv(1) == b""
    except TimeoutError:
        closed = False
    return Answer(status, json.loads(body), closed)


def exchange(port: int, request: bytes, wait_close: float = 0.1) -> Answer:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(request)
        return read_answer(raw, wait_close)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY)), idle_timeout=2.0) as served:
        yield served


def still_serving(server: FakeServer) -> None:
    answer = exchange(server.port, post(GOOD), wait_close=0)
    assert (answer.status, answer.body["status"]) == (200, "pending")
    assert server.crashes == []


# (id, raw request, status, the message (a part of it), connection closed after it)
CASES: list[tuple[str, bytes, int, str, bool]] = [
    # JSON the contract's provider cannot mean
    (
        "nested-1000",
        post(b"[" * 1000 + b"]" * 1000),
        400,
        "the body is not valid JSON: nested deeper than 64 levels",
        False,
    ),
    (
        "nested-obj-65",
        post(b'{"a":' * 65 + b"1" + b"}" * 65),
        400,
        "the body is not valid JSON: nested deeper than 64 levels",
        False,
    ),
    (
        "nan",
        post(with_value("seed", "NaN")),
        400,
        "the body is not valid JSON: NaN is not JSON (numbers must be finite)",
        False,
    ),
    (
        "infinity",
        post(with_value("seed", "Infinity")),
        400,
        "the body is not valid JSON: Infinity is not JSON (numbers must be finite)",
        False,
    ),
    (
        "minus-infinity",
        post(with_value("seed", "-Infinity")),
        400,
        "the body is not valid JSON: -Infinity is not JSON (numbers must be finite)",
        False,
    ),
    (
        "overflowing-float",
        post(with_value("seed", "1e400")),
        400,
        ("the body is not valid JSON: the number 1e400 is too large for a double (not finite)"),
        False,
    ),
    (
        "duplicate-key",
        post(GOOD[:-1] + b', "model": "veo-3.1-image-to-video"}'),
        400,
        "the body is not valid JSON: duplicate key 'model' in an object",
        False,
    ),
    (
        "utf-16",
        post(GOOD.decode().encode("utf-16")),
        400,
        (
            "the body is not valid JSON: the body starts with a "
            "byte-order mark: send UTF-8 without one"
        ),
        False,
    ),
    (
        "utf-16-le",
        post(GOOD.decode().encode("utf-16-le")),
        400,
        "the body is not valid JSON: the body looks like UTF-16 or UTF-32: send UTF-8",
        False,
    ),
    (
        "utf-8-bom",
        post(b"\xef\xbb\xbf" + GOOD),
        400,
        (
            "the body is not valid JSON: the body starts with a "
            "byte-order mark: send UTF-8 without one"
        ),
        False,
    ),
    (
        "latin-1",
        post(with_value("negative_prompt", '"caf\xe9"').replace(b"\xc3\xa9", b"\xe9")),
        400,
        "the body is not valid JSON: the body is not UTF-8 (byte 164)",
        False,
    ),
    (
        "not-json",
        post(b"{model: lite}"),
        400,
        (
            "the body is not valid JSON: Expecting property name "
            "enclosed in double quotes: line 1 column 2 (char 1)"
        ),
        False,
    ),
    (
        "empty-body",
        post(b""),
        400,
        "the body is not valid JSON: Expecting value: line 1 column 1 (char 0)",
        False,
    ),
    (
        "truncated-json",
        post(GOOD[:-1]),
        400,
        ("the body is not valid JSON: Expecting ',' delimiter: line 1 column 140 (char 139)"),
        False,
    ),
    (
        "text-plain",
        post(GOOD).replace(b"application/json", b"text/plain"),
        400,
        "Content-Type must be application/json, got text/plain",
        False,
    ),
    # the contract judges what is valid JSON: a 5,000-digit integer where 4, 6, 8 are allowed
    (
        "duration-5000-digits",
        post(with_value("duration", "9" * 5000)),
        422,
        "duration: 999999999999...9999 (5000 digits) is not one of 4, 6, 8",
        False,
    ),
    # framing: Content-Length
    (
        "content-length-negative",
        post(GOOD, length=b"-5"),
        400,
        "Content-Length '-5' is not a number of bytes",
        True,
    ),
    (
        "content-length-text",
        post(GOOD, length=b"abc"),
        400,
        "Content-Length 'abc' is not a number of bytes",
        True,
    ),
    (
        "content-length-plus",
        post(GOOD, length=b"+5"),
        400,
        "Content-Length '+5' is not a number of bytes",
        True,
    ),
    (
        "content-length-hex",
        post(GOOD, length=b"0x10"),
        400,
        "Content-Length '0x10' is not a number of bytes",
        True,
    ),
    (
        "content-length-huge",
        post(GOOD, length=b"99999999999999999999999"),
        400,
        "Content-Length '99999999999999999999999' is not a number of bytes",
        True,
    ),
    (
        "content-length-twice",
        post(GOOD, extra=b"Content-Length: 3\r\n"),
        400,
        "Content-Length given 2 times, with different values",
        True,
    ),
    (
        "body-too-large",
        post(b"x" * 100, length=str(2 << 20).encode()),
        413,
        "a body of 2097152 bytes: the fake reads at most 1048576",
        True,
    ),
    (
        "expect-100-too-large",
        post(b"", extra=b"Expect: 100-continue\r\n", length=str(2 << 20).encode()),
        413,
        "a body of 2097152 bytes: the fake reads at most 1048576",
        True,
    ),
    # framing: chunked
    (
        "chunked-and-length",
        post(GOOD, extra=b"Transfer-Encoding: chunked\r\n"),
        400,
        "Transfer-Encoding and Content-Length together: send one",
        True,
    ),
    (
        "chunked-bad-size",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        400,
        "chunked body: bad chunk size 'zz'",
        True,
    ),
    (
        "chunked-overlong",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n",
        400,
        "chunked body: a chunk shorter than its size, or without CRLF",
        True,
    ),
    (
        "chunked-bare-lf",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\n{}\r\n0\r\n\r\n",
        400,
        "chunked body: a chunk-size line without CRLF, or too long",
        True,
    ),
    (
        "chunked-too-large",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n",
        413,
        "a chunked body over 1048576 bytes: the fake reads at most that",
        True,
    ),
    (
        "chunked-size-overflow",
        HEAD + b"Transfer-Encoding: chunked\r\n\r\n1FFFFFFFFF\r\n",
        400,
        "chunked body: bad chunk size '1FFFFFFFFF'",
        True,
    ),
    (
        "transfer-gzip",
        HEAD + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        400,
        "Transfer-Encoding 'gzip, chunked': only chunked is read",
        True,
    ),
    # the request line and headers
    (
        "garbage-line",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        400,
        (
            "Bad request syntax "
            "('\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01ü\\x03\\x03') (400 Bad Request)"
        ),
        True,
    ),
    (
        "http-0.9",
        b"GET /v1/tasks/x\r\n",
        400,
        "HTTP/0.9 requests are not served (400 Bad Request)",
        True,
    ),
    (
        "bad-version",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        505,
        "Invalid HTTP version (9.9) (505 HTTP Version Not Supported)",
        True,
    ),
    (
        "version-junk",
        b"GET / HTTP/one\r\nHost: x\r\n\r\n",
        400,
        "Bad request version ('HTTP/one') (400 Bad Request)",
        True,
    ),
    (
        "unknown-method",
        b"BREW /v1/tasks/x HTTP/1.1\r\nHost: x\r\n\r\n",
        501,
        "Unsupported method ('BREW') (501 Not Implemented)",
        True,
    ),
    (
        "long-line",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        414,
        "Request-URI Too Long (414 Request-URI Too Long)",
        True,
    ),
    (
        "long-header",
        b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n",
        431,
        "Line too long (431 Request Header Fields Too Large)",
        True,
    ),
    (
        "many-headers",
        b"GET / HTTP/1.1\r\n" + b"X: 1\r\n" * 150 + b"\r\n",
        431,
        "Too many headers (431 Request Header Fields Too Large)",
        True,
    ),
]


@pytest.mark.parametrize(
    ("request_bytes", "status", "message", "closed"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_a_hostile_request_gets_its_answer_and_the_server_keeps_serving(
    server: FakeServer, request_bytes: bytes, status: int, message: str, closed: bool
) -> None:
    answer = exchange(server.port, request_bytes)
    assert (answer.status, answer.closed) == (status, closed), answer
    assert answer.message == message
    assert sorted(answer.body["error"]) == ["message", "type"]  # type: ignore[arg-type]
    still_serving(server)


def test_a_413_does_not_leave_its_body_to_be_parsed_as_the_next_request(
    server: FakeServer,
) -> None:
    smuggled = b"GET /v1/tasks/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(post(smuggled, length=str(2 << 20).encode()))
        answer = read_answer(raw)
    assert (answer.status, answer.closed) == (413, True)
    assert not any("smuggled" in c.request.path for c in server.fake.calls)
    refused = server.fake.calls[-1]
    assert (refused.request.path, refused.response.status, refused.request.body) == (
        "/v1/videos/generations",
        413,
        b"",
    )
    assert [(v.rule, v.message) for v in refused.violations] == [
        ("request.http", "a body of 2097152 bytes: the fake reads at most 1048576")
    ]


def test_a_valid_5000_digit_integer_is_judged_by_the_contract(server: FakeServer) -> None:
    answer = exchange(server.port, post(with_value("seed", "7" * 5000)))
    assert answer.status == 200  # seed is any integer: the contract allows it
    answer = exchange(server.port, post(with_value("safety_tolerance", "-" + "7" * 5000)))
    assert answer.status == 422
    assert answer.message == (
        "safety_tolerance: -77777777777...7777 (5000 digits) is less than the minimum 1"
    )


def test_keep_alive_serves_requests_in_order_after_an_answered_error(
    server: FakeServer,
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(post(b"[NaN]") + post(GOOD))
        first, second = read_one_of_two(raw)
    assert (first, second) == (400, 200)


def read_one_of_two(raw: socket.socket) -> tuple[int, int]:
    data = b""
    deadline = time.monotonic() + 5
    while data.count(b"HTTP/1.1 ") < 2 or not data.endswith(b"}"):
        assert time.monotonic() < deadline, data
        data += raw.recv(65536)
    statuses = [int(part[:3]) for part in data.split(b"HTTP/1.1 ")[1:]]
    return statuses[0], statuses[1]


def test_an_idle_connection_is_closed_after_the_timeout() -> None:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY)), idle_timeout=0.3) as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:
            started = time.monotonic()
            assert raw.recv(1) == b""  # closed by the server, not by our timeout
            waited = time.monotonic() - started
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:
            raw.sendall(HEAD + b"Content-Length: 50\r\n\r\n{")  # a body that never comes
            stalled = read_answer(raw)
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:
            raw.sendall(HEAD)  # headers that never end
            unfinished = read_answer(raw)
    assert (unfinished.status, unfinished.closed) == (408, True)
    assert unfinished.message == (
        "the request's headers did not arrive within 0.3 s (408 Request Timeout)"
    )
    assert (stalled.status, stalled.closed) == (408, True)
    assert stalled.message == "the request's body did not arrive within 0.3 s"
    assert 0.25 <= waited < 3


def test_stop_closes_open_connections() -> None:
    served = FakeServer(FakeAPI(FakeConfig(key=TEST_KEY)), idle_timeout=30).start()
    raw = socket.create_connection(("127.0.0.1", served.port), timeout=5)
    raw.sendall(post(GOOD))
    assert read_answer(raw).status == 200
    started = time.monotonic()
    served.stop()
    with raw:
        assert raw.recv(1) == b""
    assert time.monotonic() - started < 2


CLIENTS = 50
ROUNDS = 4


def test_50_concurrent_clients_are_served_without_a_reset() -> None:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY))) as served:
        barrier = threading.Barrier(CLIENTS, timeout=10)

        def client(_n: int) -> list[int]:
            statuses = []
            barrier.wait()  # all connect at once
            with socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw:
                for _ in range(ROUNDS):
                    raw.sendall(post(GOOD))
                    statuses.append(read_answer_kept(raw))
            return statuses

        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(client, range(CLIENTS)))  # a reset would raise here
    assert results == [[200] * ROUNDS] * CLIENTS
    assert served.fake.paid == CLIENTS * ROUNDS
    assert served.crashes == []


def read_answer_kept(raw: socket.socket) -> int:
    """One answer on a kept-alive connection (without waiting to see it close)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = raw.recv(65536)
        assert chunk, "the connection closed without an answer"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    size = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(rest) < size:
        chunk = raw.recv(65536)
        assert chunk
        rest += chunk
    return int(head.split()[1])


def test_a_chunked_body_is_read() -> None:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY))) as served:
        half = len(GOOD) // 2
        chunks = (
            f"{half:x};ext=1\r\n".encode()
            + GOOD[:half]
            + b"\r\n"
            + f"{len(GOOD) - half:X}\r\n".encode()
            + GOOD[half:]
            + b"\r\n0\r\nX-T: 1\r\n\r\n"
        )
        answer = exchange(served.port, HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    assert (answer.status, answer.closed) == (200, False)


def control(port: int, method: str, what: str, body: bytes) -> Answer:
    request = (
        f"{method} /_fake/{what} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return exchange(port, request, wait_close=0)


@pytest.mark.parametrize(
    ("method", "what", "body", "message"),
    [
        (
            "PUT",
            "config",
            b'{"credits": "abc"}',
            "fake config credits: expected an integer of 0 or more, or null (unlimited), "
            "got the string 'abc'",
        ),
        (
            "PUT",
            "config",
            b'{"credits": "5"}',
            (
                "fake config credits: expected an integer of 0 or more, or "
                "null (unlimited), got the string '5' (did you mean 5, without quotes?)"
            ),
        ),
        (
            "PUT",
            "config",
            b'{"credit": 5}',
            "fake config: unknown key 'credit' (did you mean 'credits'?)",
        ),
        (
            "PUT",
            "config",
            b'{"key": "sk-attacker"}',
            "fake config key: the accepted key is fixed while the server runs "
            "(start it with --key, or FOXAPI_API_KEY)",
        ),
        (
            "PUT",
            "config",
            b'{"seed": "x"}',
            "fake config seed: expected an integer, got the string 'x'",
        ),
        (
            "PUT",
            "config",
            b'{"estimated_time": -1}',
            "fake config estimated_time: expected an integer of 0 or more, got -1",
        ),
        (
            "PUT",
            "config",
            b'{"mutations": {"patch_task": "x"}}',
            "mutations patch_task: expected an object, got the string 'x'",
        ),
        (
            "PUT",
            "config",
            b'{"mutations": {"answer_rules": {"lite-no-4k": "servr"}}}',
            "mutations answer_rules: unknown error kind 'servr' (did you mean 'server'?)",
        ),
        (
            "PUT",
            "config",
            b'{"mutations": {"accept_rules": ["lite-no-4K"]}}',
            "mutations: unknown rule 'lite-no-4K' (did you mean 'lite-no-4k'?)",
        ),
        ("PUT", "config", b'{"credits": NaN}', "NaN is not JSON (numbers must be finite)"),
        ("PUT", "config", b'{"credits": 1, "credits": 2}', "duplicate key 'credits' in an object"),
        ("PUT", "config", b"[1]", "fake config: expected a JSON object, got list"),
        (
            "POST",
            "faults",
            b'{"kind": "rate_limit", "retry_after": 0.5}',
            "fault retry_after: Retry-After is whole seconds (0 or more) or an HTTP date, or null, "
            "got 0.5 (did you mean 1?)",
        ),
        (
            "POST",
            "faults",
            b'{"delay": "x"}',
            "fault delay: expected a number of seconds 0..60, got the string 'x'",
        ),
        (
            "POST",
            "faults",
            b'{"drop": "true"}',
            "fault drop: expected true or false, got the string 'true'"
            " (did you mean true, without quotes?)",
        ),
        (
            "POST",
            "faults",
            b'{"status": 418}',
            ("fault status: 418 is not in the contract ([400, 401, 402, 404, 422, 429, 500, 503])"),
        ),
        ("POST", "faults", b'{"method": 5}', "fault method: expected a string, or null, got 5"),
        (
            "POST",
            "tasks",
            b'{"statuses": "completed"}',
            "task statuses: expected a list of statuses, got the string 'completed' "
            "(did you mean ['completed']?)",
        ),
        (
            "POST",
            "tasks",
            b'{"statuses": ["completed", "pending"]}',
            "task statuses: a task starts pending or processing, not 'completed'",
        ),
        (
            "POST",
            "tasks",
            b'{"credits": "x"}',
            "task credits: expected an integer of 0 or more, got the string 'x'",
        ),
    ],
)
def test_a_bad_control_config_is_refused_and_nothing_is_applied(
    method: str, what: str, body: bytes, message: str
) -> None:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY))) as served:
        before = served.fake.config
        answer = control(served.port, method, what, body)
        assert answer.status == 400
        assert answer.message == message
        assert served.fake.config == before
        assert served.fake.config.key == TEST_KEY
        for _ in range(3):  # the next creates are served as before
            assert exchange(served.port, post(GOOD), wait_close=0).status == 200
        created = exchange(served.port, post(GOOD), wait_close=0).body
        assert created["status"] == "pending"  # no task script was queued


def test_the_serve_command_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from foxcontract.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "70000"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "foxcontract serve: error: argument --port: must be 0..65535 (0 picks a free port), "
        "got '70000'\n"
    )
    with pytest.raises(ValueError, match=r"port must be 0\.\.65535 \(0 picks a free one\), got -1"):
        FakeServer(port=-1)


def test_the_call_log_is_bounded_in_calls_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from foxcontract.fake import core
    from foxcontract.fake.wire import MAX_LOGGED_BODY

    fake = FakeAPI(FakeConfig(key=TEST_KEY))
    headers = {"authorization": f"Bearer {TEST_KEY}", "content-type": "application/json"}
    big = json.dumps({**FIELDS, "prompt": "x" * 200_000}).encode()
    fake.handle(FakeRequest("POST", "/v1/videos/generations", headers, big))
    (call,) = fake.calls
    assert (call.body_size, len(call.request.body), call.truncated) == (
        len(big),
        MAX_LOGGED_BODY,
        True,
    )
    assert call.response.status == 200  # judged on the whole body, kept cut
    monkeypatch.setattr(core, "MAX_CALLS", 3)
    for n in range(5):
        fake.handle(FakeRequest("GET", f"/v1/tasks/t{n}", headers))
    assert [c.request.path for c in fake.calls] == ["/v1/tasks/t2", "/v1/tasks/t3", "/v1/tasks/t4"]
    monkeypatch.setattr(core, "MAX_LOG_BYTES", 2 * MAX_LOGGED_BODY)
    for _ in range(3):
        fake.handle(FakeRequest("POST", "/v1/videos/generations", headers, big))
    assert [c.body_size for c in fake.calls] == [len(big), len(big)]
