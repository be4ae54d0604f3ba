"""The live HTTP client: the API key kept out of every repr, local and message; every read
bounded; bounded retries.

Every request is retried on 429, 502, 503, 504 (and any status the contract marks
retryable), timeouts and dropped connections, with capped exponential backoff that honours a
capped ``Retry-After``; attempts and total time are both bounded, and each attempt has a
deadline covering the whole exchange (see :mod:`foxcontract.live.retry`). An answer is read
as a stream, at most ``max_answer_bytes`` of it. A persistent failure is a
:class:`LiveError` whose message names the request and what the server did (the last status
and body received), never a header or the key.

The key is an :class:`~foxcontract.live.key.ApiKey`: it is revealed only inside the auth
flow, while the ``Authorization`` header is built, so no frame of the client holds it in a
plain variable. Whatever goes wrong inside :meth:`LiveClient.send` (a far-future
``Retry-After``, a huge or undecodable answer, a bug) becomes a :class:`LiveError` raised
afresh, with no traceback of the frames below. What the server sent is redacted once
decoded (a key written JSON-escaped is caught): body, text, headers and reason phrase; and
while a client is open, the ``httpx`` and ``httpcore`` log records are redacted too.

Paid requests hold a budget reservation (see :mod:`foxcontract.live.budget`): a retry after a
definite refusal reuses it; an ambiguous failure (the connection dropped after the request
was sent) may have been accepted, so it is counted as spent and a retry needs a new one.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

import httpx

from foxcontract._settings import DEFAULT_MAX_ANSWER_BYTES
from foxcontract.contract.provider import Auth as KeyAuth
from foxcontract.contract.provider import ErrorParts, ErrorShape
from foxcontract.live._transport import DeadlineTransport
from foxcontract.live.key import WRONG_KEY, ApiKey
from foxcontract.live.retry import RetryPolicy
from foxcontract.redact import (
    Secret,
    SecretLike,
    redact,
    redact_headers,
    redact_text,
    redacting_logs,
)

__all__ = ["Answer", "BudgetExhausted", "LiveClient", "LiveError", "Spender", "never_opened"]

Auth = Literal["key", "none", "wrong"]

SHOWN_BYTES = 200
"""How much of an answer's body a message quotes."""


def never_opened(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection could not be opened (refused, a name that does
    not resolve, a failed TLS handshake, a connect timeout): nothing of the request was sent,
    so a paid one cost nothing. Anything else (a dropped connection or a timeout after the
    request went out) may have been accepted."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)


class LiveError(Exception):
    """A request that could not get a usable answer: its message is safe to print.
    ``status``: the status of the last answer received, if any (an answer too large or not
    JSON still has one, and a paid status still means the server accepted)."""

    def __init__(self, message: str, status: int | None = None, *, final: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.final = final
        """The answer came whole, in one attempt, and was not retried (not JSON, too large)."""


class BudgetExhausted(LiveError):
    """A paid request refused because the run's budget is spent."""


class Spender(Protocol):
    """What a paid request needs from the budget ledger."""

    def reserve(self) -> bool: ...

    def commit(self) -> None: ...

    def release(self) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Answer:
    """A final answer: status, decoded JSON body and how it went; the body, text, reason
    phrase and headers (names in lower case) are redacted."""

    method: str
    path: str
    status: int
    body: Any
    text: str
    attempts: int
    elapsed: float
    retry_log: tuple[str, ...] = ()
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    """The answer's headers, names in lower case, redacted."""
    shape: ErrorShape = field(default_factory=ErrorShape, compare=False, repr=False)
    """Where the provider's error answers carry their parts."""

    def error(self) -> ErrorParts | None:
        """The parts of the error this answer carries (``None``: no error object)."""
        return self.shape.parts(self.body)

    def summary(self) -> str:
        err = self.error()
        if err is not None:
            bits = [f"type {err.type!r}"]
            if err.code is not None:
                bits.append(f"code {err.code!r}")
            return f"{self.status} ({', '.join(bits)})"
        return str(self.status)


class _KeyAuth(httpx.Auth):
    """The key in the provider's header (``Authorization: Bearer <key>`` for FoxAPI), the
    key revealed only into the header itself."""

    def __init__(self, token: SecretLike, scheme: KeyAuth) -> None:
        self._token = token
        self._scheme = scheme

    def __repr__(self) -> str:
        return "_KeyAuth([redacted])"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        __tracebackhide__ = True
        request.headers[self._scheme.header] = self._scheme.value(
            self._token.reveal() if isinstance(self._token, Secret) else str(self._token)
        )
        yield request


class _TooLarge(Exception):
    pass


class _Late(Exception):
    pass


@dataclass(frozen=True)
class _Try:
    """What one attempt got. ``retry``: worth another attempt; ``answer``: a final answer;
    neither: a final failure described by ``outcome``."""

    outcome: str
    status: int | None = None
    retry: bool = False
    ambiguous: bool = False
    retry_after: str | None = None
    detail: str = ""
    answer: Answer | None = None


class LiveClient:
    """Sends requests to ``base_url`` with the key, retrying as the policy says."""

    def __init__(
        self,
        base_url: str,
        key: ApiKey | None,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        auth: KeyAuth | None = None,
        error_shape: ErrorShape | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth or KeyAuth()
        """How a request carries the key (the provider's ``auth``)."""
        self.error_shape = error_shape or ErrorShape()
        self._key = key
        self._secrets: tuple[SecretLike, ...] = (key, WRONG_KEY) if key else (WRONG_KEY,)
        self.policy = policy or RetryPolicy()
        self.max_answer_bytes = max_answer_bytes
        self._transport = transport or DeadlineTransport()
        self._http = httpx.Client(
            base_url=self.base_url, timeout=self.policy.timeout, transport=self._transport
        )
        # removed on close, or when the client is collected unclosed
        self._unlog = weakref.finalize(self, redacting_logs(self._secrets))

    def __repr__(self) -> str:
        return f"LiveClient({self.base_url!r})"

    def close(self) -> None:
        self._unlog()
        self._http.close()

    def scrub(self, text: str) -> str:
        """``text`` with the key (also escaped) and anything key-like redacted."""
        return redact_text(text, self._secrets)

    def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str = "application/json",
        auth: Auth = "key",
        paid: frozenset[str] = frozenset(),
        spender: Spender | None = None,
    ) -> Answer:
        """Send one request until it gets a final answer. ``paid`` statuses need a budget
        reservation from ``spender`` before each attempt that may be charged."""
        __tracebackhide__ = True
        if content is None and json_body is not None:
            content = json.dumps(json_body).encode()
        headers = {"Accept-Encoding": "identity"}
        if content is not None:
            headers["Content-Type"] = content_type
        bearer = {"key": self._key, "wrong": WRONG_KEY}.get(auth)
        auth_obj = _KeyAuth(bearer, self.auth) if bearer else None
        p = self.policy
        start = p.clock()
        log: list[str] = []
        holding = False
        attempt = 0
        last_answer = ""
        try:
            while True:
                attempt += 1
                if spender is not None and not holding:
                    if not spender.reserve():
                        raise BudgetExhausted(f"{method} {path}: {spender.describe()}")
                    holding = True
                got = self._attempt(method, path, content, headers, auth_obj, start, attempt)
                if spender is not None and holding:
                    if got.status is not None and str(got.status) in paid:
                        spender.commit()
                        holding = False
                    elif got.status is None and got.ambiguous:
                        spender.commit()  # the server may have accepted it: count it as spent
                        holding = False
                if not got.retry:
                    if got.answer is not None:
                        return replace(got.answer, retry_log=tuple(log))
                    raise LiveError(f"{method} {path}: {got.outcome}", got.status, final=True)
                if got.status is not None:
                    last_answer = f"{got.outcome}: {got.detail}"
                log.append(f"attempt {attempt}: {got.outcome}")
                elapsed = p.clock() - start
                delay = p.delay(attempt, got.retry_after)
                if attempt >= p.attempts or elapsed + delay > p.total:
                    message = _gave_up(method, path, got, attempt, elapsed, p, last_answer)
                    raise LiveError(message, got.status)
                p.sleep(delay)
        finally:
            if holding and spender is not None:
                spender.release()

    def _attempt(
        self,
        method: str,
        path: str,
        content: bytes | None,
        headers: dict[str, str],
        auth_obj: httpx.Auth | None,
        start: float,
        attempt: int,
    ) -> _Try:
        """One attempt, within its deadline; never raises (anything unexpected is a final
        failure naming what had been received)."""
        __tracebackhide__ = True
        p = self.policy
        began = p.clock()
        deadline = min(began + p.timeout, start + p.total)
        left = max(deadline - began, 0.001)
        if isinstance(self._transport, DeadlineTransport):
            self._transport.set_deadline(left)
        response: httpx.Response | None = None
        received = 0
        try:
            request = self._http.build_request(
                method, path, content=content, headers=headers, timeout=min(p.timeout, left)
            )
            try:
                response = self._http.send(
                    request, auth=auth_obj or httpx.USE_CLIENT_DEFAULT, stream=True
                )
            except httpx.TransportError as exc:
                if never_opened(exc):
                    if isinstance(exc, httpx.ConnectTimeout):
                        return _Try("connection timed out", retry=True)
                    return _Try(f"connection failed ({self._reason(exc)})", retry=True)
                if isinstance(exc, httpx.TimeoutException):
                    return _Try(
                        f"ambiguous: timed out ({type(exc).__name__}): no status line and "
                        f"headers within {p.clock() - began:.1f}s",
                        retry=True,
                        ambiguous=True,
                    )
                return _Try(
                    f"ambiguous: connection dropped ({type(exc).__name__})",
                    retry=True,
                    ambiguous=True,
                )
            status = response.status_code
            shown = self._status_line(response)
            try:
                raw = self._read(response, deadline, shown)
            except _TooLarge as exc:
                return _Try(str(exc), status)
            except _Late as exc:
                return _Try(str(exc), status, retry=True, ambiguous=True)
            except httpx.TransportError as exc:
                return _Try(
                    f"{shown}, then the connection dropped ({type(exc).__name__}) in the body",
                    status,
                    retry=True,
                    ambiguous=True,
                )
            received = len(raw)
            if status in p.statuses:
                ra = response.headers.get("Retry-After")
                hint = f", Retry-After {self.scrub(ra)[:60]}" if ra else ""
                return _Try(
                    f"HTTP {status}{hint}", status, retry=True, retry_after=ra,
                    detail=self._excerpt(raw),
                )  # fmt: skip
            return self._final(method, path, response, raw, attempt, start, shown)
        except Exception as exc:  # a bug, a MemoryError: reported, never a raw traceback
            where = f"after {self._status_line(response)}, {received} bytes" if response else ""
            return _Try(
                f"the client failed on the server's answer{' (' + where + ')' if where else ''}"
                f": {type(exc).__name__}{': ' + self._reason(exc) if str(exc) else ''}",
                None if response is None else response.status_code,
                ambiguous=response is None,  # it may have been sent: a paid one counts as spent
            )
        finally:
            if response is not None:
                response.close()
            if isinstance(self._transport, DeadlineTransport):
                self._transport.set_deadline(None)

    def _read(self, response: httpx.Response, deadline: float, shown: str) -> bytes:
        """The body, streamed: at most ``max_answer_bytes``, and only until ``deadline``."""
        limit = self.max_answer_bytes
        declared = response.headers.get("Content-Length", "").strip()
        too_large = f"{shown}: the answer is larger than the limit of {limit} bytes "
        too_large += "(--fox-max-answer-bytes)"
        if declared.isdigit() and int(declared) > limit:
            raise _TooLarge(f"{too_large}: Content-Length {declared}; nothing read")
        chunks: list[bytes] = []
        size = 0
        began = self.policy.clock()
        late = f"{shown}, then the body was still arriving when the attempt's time ran out"
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _TooLarge(f"{too_large}: stopped reading after {size} bytes")
                chunks.append(chunk)
                if self.policy.clock() > deadline:
                    raise _Late(f"{late} ({size} byte(s) in {self.policy.clock() - began:.1f}s)")
        except httpx.TimeoutException:
            raise _Late(f"{late} ({size} byte(s) in {self.policy.clock() - began:.1f}s)") from None
        return b"".join(chunks)

    def _final(
        self,
        method: str,
        path: str,
        response: httpx.Response,
        raw: bytes,
        attempt: int,
        start: float,
        shown: str,
    ) -> _Try:
        try:
            text = raw.decode("utf-8")
            body = json.loads(text)
        except RecursionError:
            return _Try(
                f"{shown}: the answer's JSON is nested too deeply to decode ({len(raw)} bytes): "
                f"{self._excerpt(raw[:SHOWN_BYTES])}",
                response.status_code,
            )
        except ValueError:
            ctype = self.scrub(response.headers.get("Content-Type", "(none)"))[:80]
            return _Try(
                f"{shown}: the answer is not JSON (Content-Type {ctype}, {len(raw)} bytes): "
                f"{self._excerpt(raw)}",
                response.status_code,
            )
        answer = Answer(
            method,
            path,
            response.status_code,
            redact(body, self._secrets),
            self.scrub(text),
            attempt,
            self.policy.clock() - start,
            reason=self.scrub(response.reason_phrase),
            headers=redact_headers(response.headers.multi_items(), self._secrets),
            shape=self.error_shape,
        )
        return _Try("", response.status_code, answer=answer)

    def _status_line(self, response: httpx.Response | None) -> str:
        if response is None:
            return "no answer"
        reason = self.scrub(response.reason_phrase)[:60]
        return f"HTTP {response.status_code}{' ' + reason if reason else ''}"

    def _excerpt(self, raw: bytes) -> str:
        """The start of a body for a message, redacted (all of it, then cut, so no part of
        a key is left at the cut)."""
        if not raw:
            return "(empty body)"
        shown = self.scrub(raw.decode("utf-8", errors="replace"))
        return repr(shown[:SHOWN_BYTES]) + ("..." if len(shown) > SHOWN_BYTES else "")

    def _reason(self, exc: Exception) -> str:
        return self.scrub(str(exc))[:200] or type(exc).__name__


def _gave_up(
    method: str, path: str, got: _Try, attempts: int, elapsed: float, p: RetryPolicy, last: str
) -> str:
    limits = f"after {attempts} attempt(s) in {elapsed:.1f}s (retry limits: {p.attempts} "
    limits += f"attempts, {p.total:g}s)"
    if got.status is not None and got.detail:
        return f"{method} {path}: {got.outcome} {limits}; last body: {got.detail}"
    if got.status is not None:
        return f"{method} {path}: {got.outcome}; no complete answer {limits}"
    message = f"{method} {path}: no answer {limits}; last: {got.outcome}"
    return message + (f"; the last answer received: {last}" if last else "")
