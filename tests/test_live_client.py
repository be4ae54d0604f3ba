"""The live client: retries, backoff honouring a capped Retry-After, bounded attempts and
time, budget reservations across retries, and the key kept out of every repr and message."""

from __future__ import annotations

import email.utils
import logging
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from foxcontract.live import ApiKey, BudgetExhausted, Ledger, LiveClient, LiveError, RetryPolicy

KEY = "sk-canary-client-0123456789"


class Clock:
    """A fake clock: ``sleep`` advances it and records each delay."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def script(*steps: int | type[Exception] | tuple[int, dict[str, str]]) -> Callable[..., object]:
    """A handler answering each request with the next step (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        step = steps[min(len(seen), len(steps) - 1)]
        seen.append(request)
        if isinstance(step, type):
            raise step("simulated", request=request)  # type: ignore[call-arg]
        status, headers = step if isinstance(step, tuple) else (step, {})
        body = {"id": "task-1"} if status == 200 else {"error": {"message": "x", "type": "t"}}
        return httpx.Response(status, json=body, headers=headers)

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


def client(handler: Callable[..., object], clock: Clock, **policy: object) -> LiveClient:
    p = RetryPolicy(sleep=clock.sleep, clock=clock.time, **policy)  # type: ignore[arg-type]
    return LiveClient("http://fox.test", ApiKey(KEY), p, httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_retries_503_then_answers() -> None:
    clock = Clock()
    answer = client(script(503, 503, 200), clock).send("GET", "/v1/tasks/x")
    assert (answer.status, answer.attempts) == (200, 3)
    assert clock.sleeps == [0.25, 0.5]
    assert answer.retry_log == ("attempt 1: HTTP 503", "attempt 2: HTTP 503")


def test_retry_after_is_honoured_and_capped() -> None:
    clock = Clock()
    handler = script((429, {"Retry-After": "3"}), (429, {"Retry-After": "120"}), 200)
    answer = client(handler, clock, retry_after_cap=10.0, total=60.0).send("GET", "/x")
    assert answer.status == 200
    assert clock.sleeps == [3.0, 10.0]


def test_backoff_is_capped() -> None:
    clock = Clock()
    client(script(502, 502, 502, 502, 502, 200), clock, cap=1.0, attempts=6).send("GET", "/x")
    assert clock.sleeps == [0.25, 0.5, 1.0, 1.0, 1.0]


def test_persistent_failure_is_a_clear_message_after_bounded_attempts() -> None:
    clock = Clock()
    handler = script(503)
    with pytest.raises(LiveError) as info:
        client(handler, clock, attempts=4).send("POST", "/v1/videos/generations", json_body={})
    assert str(info.value) == (
        "POST /v1/videos/generations: HTTP 503 after 4 attempt(s) in 1.8s "
        "(retry limits: 4 attempts, 30s); last body: "
        """'{"error":{"message":"x","type":"t"}}'"""
    )
    assert len(handler.seen) == 4  # type: ignore[attr-defined]


def test_total_time_bounds_the_retries() -> None:
    clock = Clock()
    handler = script((429, {"Retry-After": "8"}))
    with pytest.raises(LiveError, match=r"after 2 attempt\(s\) in 8.0s"):
        client(handler, clock, attempts=10, total=10.0).send("GET", "/x")


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (httpx.RemoteProtocolError, "ambiguous: connection dropped (RemoteProtocolError)"),
        (
            httpx.ReadTimeout,
            "ambiguous: timed out (ReadTimeout): no status line and headers within 0.0s",
        ),
        (httpx.ConnectError, "connection failed (simulated)"),
    ],
)
def test_transport_failures_are_retried(error: type[Exception], outcome: str) -> None:
    clock = Clock()
    answer = client(script(error, 200), clock).send("GET", "/x")
    assert answer.status == 200
    assert answer.retry_log == (f"attempt 1: {outcome}",)


def test_non_retryable_answers_are_final() -> None:
    clock = Clock()
    answer = client(script(422), clock).send("POST", "/x", json_body={"a": 1})
    assert (answer.status, answer.attempts, clock.sleeps) == (422, 1, [])
    assert answer.summary() == "422 (type 't')"


# --- budget across retries ----------------------------------------------------------------
@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path, budget=2)


PAID = frozenset({"200"})


def test_a_retried_refusal_spends_once(ledger: Ledger) -> None:
    clock = Clock()
    client(script(503, 429, 200), clock).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    s = ledger.state()
    assert (s.spent, s.reserved) == (1, 0)


def test_a_refused_create_spends_nothing(ledger: Ledger) -> None:
    clock = Clock()
    client(script(503, 422), clock).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    assert (ledger.state().spent, ledger.state().reserved) == (0, 0)


def test_a_dropped_connection_may_have_been_accepted(ledger: Ledger) -> None:
    clock = Clock()
    handler = script(httpx.RemoteProtocolError, 200)
    client(handler, clock).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    assert ledger.state().spent == 2  # counted as spent: it may have started a generation


def test_an_unexpected_failure_may_have_been_sent(ledger: Ledger) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise MemoryError

    with pytest.raises(LiveError, match=r"the client failed on the server's answer: MemoryError$"):
        client(broken, Clock()).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    assert (ledger.state().spent, ledger.state().reserved) == (1, 0)  # counted: fails closed


def test_a_failed_connect_was_not_sent(ledger: Ledger) -> None:
    clock = Clock()
    handler = script(httpx.ConnectError, 200)
    client(handler, clock).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    assert ledger.state().spent == 1


def test_an_exhausted_budget_sends_nothing(tmp_path: Path) -> None:
    clock = Clock()
    handler = script(200)
    empty = Ledger(tmp_path, budget=0)
    with pytest.raises(BudgetExhausted, match="budget exhausted: 0 of 0 paid creates spent"):
        client(handler, clock).send("POST", "/x", json_body={}, paid=PAID, spender=empty)
    assert handler.seen == []  # type: ignore[attr-defined]


def test_retries_stop_when_the_budget_runs_out_mid_way(ledger: Ledger) -> None:
    clock = Clock()
    handler = script(httpx.ReadTimeout)
    with pytest.raises(BudgetExhausted):
        client(handler, clock).send("POST", "/x", json_body={}, paid=PAID, spender=ledger)
    assert len(handler.seen) == 2  # type: ignore[attr-defined]
    assert (ledger.state().spent, ledger.state().reserved) == (2, 0)


# --- the key --------------------------------------------------------------------------------
def test_the_key_is_sent_as_a_bearer_token_and_never_shown() -> None:
    clock = Clock()
    handler = script(200)
    c = client(handler, clock)
    c.send("GET", "/x")
    c.send("GET", "/x", auth="none")
    c.send("GET", "/x", auth="wrong")
    sent = [r.headers.get("authorization") for r in handler.seen]  # type: ignore[attr-defined]
    assert sent[0] == f"Bearer {KEY}"
    assert sent[1] is None
    assert sent[2] is not None
    assert KEY not in sent[2]
    key = ApiKey(KEY)
    for text in (repr(c), str(key), repr(key), repr(handler.seen[0].headers)):  # type: ignore[attr-defined]
        assert KEY not in text
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_error_messages_never_carry_the_key() -> None:
    clock = Clock()

    def leaky(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused with {request.headers['authorization']}")

    with pytest.raises(LiveError) as info:
        client(leaky, clock, attempts=2).send("GET", "/x")
    assert KEY not in str(info.value)
    assert str(info.value) == (
        "GET /x: no answer after 2 attempt(s) in 0.2s (retry limits: 2 attempts, 30s); last: "
        "connection failed (refused with Bearer <redacted>)"
    )


def test_the_key_comes_from_the_environment_only() -> None:
    assert ApiKey.from_env({}) is None
    assert ApiKey.from_env({"FOXAPI_API_KEY": "  "}) is None
    found = ApiKey.from_env({"FOXAPI_API_KEY": KEY})
    assert found is not None
    assert found.reveal() == KEY


def test_retry_after_as_an_http_date_and_junk() -> None:
    soon = email.utils.formatdate(time.time() + 2.6, usegmt=True)
    policy = RetryPolicy()
    assert 1.0 <= policy.delay(1, soon) <= 3.0
    assert policy.delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert policy.delay(1, "soon, please") == 0.25  # unreadable: plain backoff
    assert policy.delay(3, None) == 1.0


# --- hostile answers, in process ---------------------------------------------------------
def answering(
    status: int, content: bytes, headers: dict[str, str] | None = None
) -> Callable[..., object]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers=headers or {})

    return handler


def test_a_far_future_retry_after_is_read_as_no_hint() -> None:
    policy = RetryPolicy()
    assert policy.delay(1, "Mon, 01 Jan 99999999999 00:00:00 GMT") == 0.25  # OverflowError
    assert policy.delay(1, "Fri, 31 Dec 9999 23:59:59 GMT") == 10.0  # capped
    assert policy.delay(1, "nan") == 0.25
    assert policy.delay(1, "inf") == 10.0


def test_a_json_escaped_key_is_redacted_once_decoded() -> None:
    escaped = KEY.replace("-", "\\u002d")
    content = f'{{"id": "task-1", "note": "{escaped}", "{escaped}": 1}}'.encode()
    headers = {"X-Echo": f"Bearer {KEY}", f"X-{KEY}": "1"}
    answer = client(answering(200, content, headers), Clock()).send("GET", "/x")
    assert answer.body == {"id": "task-1", "note": "<redacted>", "<redacted>": 1}
    assert KEY not in answer.text
    assert escaped not in answer.text
    assert answer.headers["x-echo"] == "Bearer <redacted>"
    assert "x-<redacted>" in answer.headers


def test_a_non_json_answer_names_status_type_and_first_bytes() -> None:
    page = f"<html>{KEY}</html>".encode()
    handler = answering(200, page, {"Content-Type": "text/html"})
    with pytest.raises(LiveError) as info:
        client(handler, Clock()).send("GET", "/x")
    assert str(info.value) == (
        "GET /x: HTTP 200 OK: the answer is not JSON (Content-Type text/html, 40 bytes): "
        "'<html><redacted></html>'"
    )
    assert info.value.status == 200  # for the ledger: a 200 is an accepted request
    with pytest.raises(LiveError, match=r"not JSON \(Content-Type \(none\), 0 bytes\): \(empty"):
        client(answering(200, b""), Clock()).send("GET", "/x")


def test_json_nested_too_deeply_is_named() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(LiveError) as info:
        client(answering(200, deep), Clock()).send("GET", "/x")
    assert str(info.value) == (
        "GET /x: HTTP 200 OK: the answer's JSON is nested too deeply to decode (400000 bytes): "
        f"'{'[' * 200}'"
    )


def test_an_answer_over_the_size_limit_is_not_read() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=(b"x" * 1000 for _ in range(10**6)))

    c = LiveClient(
        "http://fox.test", ApiKey(KEY), RetryPolicy(), httpx.MockTransport(endless),
        max_answer_bytes=5000,
    )  # fmt: skip
    with pytest.raises(LiveError) as info:
        c.send("GET", "/x")
    assert str(info.value) == (
        "GET /x: HTTP 200 OK: the answer is larger than the limit of 5000 bytes "
        "(--fox-max-answer-bytes): stopped reading after 6000 bytes"
    )


def test_a_body_that_keeps_arriving_ends_at_the_attempt_deadline() -> None:
    clock = Clock()

    def drip(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            for _ in range(10**6):
                clock.now += 2.0  # one byte every 2 s
                yield b" "

        return httpx.Response(200, content=body())

    with pytest.raises(LiveError) as info:
        client(drip, clock, timeout=10.0, total=25.0).send("GET", "/x")
    assert str(info.value) == (
        "GET /x: HTTP 200 OK, then the body was still arriving when the attempt's time ran "
        "out (1 byte(s) in 2.0s); no complete answer after 3 attempt(s) in 26.8s "
        "(retry limits: 6 attempts, 25s)"
    )


@pytest.mark.parametrize("error", [MemoryError, RecursionError, ZeroDivisionError])
def test_anything_unexpected_is_a_live_error_without_the_key(error: type[Exception]) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise error(f"while holding {request.headers['authorization']}")

    with pytest.raises(LiveError) as info:
        client(broken, Clock()).send("GET", "/x")
    assert str(info.value) == (
        f"GET /x: the client failed on the server's answer: {error.__name__}: "
        "while holding Bearer <redacted>"
    )
    assert info.value.__context__ is None  # raised afresh: no frames below it to show
    assert info.value.__cause__ is None


def test_the_key_is_never_a_plain_value_in_the_client() -> None:
    c = client(script(200), Clock())
    shown = [repr(v) for v in vars(c).values()] + [repr(c), str(ApiKey(KEY))]
    assert all(KEY not in text for text in shown)
    assert isinstance(c._key, ApiKey)


def test_httpx_and_httpcore_records_are_redacted_while_a_client_is_open(
    caplog: pytest.LogCaptureFixture,
) -> None:
    child = logging.getLogger("httpcore.http11")
    before = list(child.filters)
    c = client(script(200), Clock())
    added = [f for f in child.filters if f not in before]  # on each child: a logger's filters
    assert len(added) == 1  # see only the records made on it
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info("reason %s", f"OK {KEY}")
        child.debug("headers %r", [(b"X", KEY.encode())])
    assert [r.getMessage() for r in caplog.records] == [
        "reason OK <redacted>",
        "headers [(b'X', b'<redacted>')]",
    ]
    c.close()
    assert added[0] not in child.filters


SHOWLOCALS = """
import httpx
from foxcontract.live import ApiKey, LiveClient, RetryPolicy

def test_unexpected(monkeypatch):
    def broken(request):
        seen = request.headers["authorization"]
        raise RuntimeError("boom")

    key = ApiKey.from_env()
    client = LiveClient("http://fox.test", key, RetryPolicy(), httpx.MockTransport(broken))
    client.send("GET", "/x")
"""


def test_with_showlocals_an_unexpected_error_prints_no_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    pytester.makepyfile(SHOWLOCALS)
    result = pytester.runpytest("-l", "--tb=long", "--junitxml=junit.xml", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   *LiveError: GET /x: the client failed on the server's answer: RuntimeError: boom",
            "key        = ApiKey([[]redacted])",
        ]
    )
    junit = (pytester.path / "junit.xml").read_text()
    assert "RuntimeError: boom" in junit
    for text in (result.stdout.str(), result.stderr.str(), junit):
        assert KEY[3:] not in text
