"""The live HTTP client: the API key kept out of every repr, and bounded retries.

Every request is retried on 429, 502, 503, 504 (and any status the contract marks
retryable), timeouts and dropped connections, with capped exponential backoff that honours a
capped ``Retry-After``; attempts and total time are both bounded. A persistent failure is a
:class:`LiveError` whose message names the request and the last outcome, never a header.

Paid requests hold a budget reservation (see :mod:`foxcontract.live.budget`): a retry after a
definite refusal reuses it; an ambiguous failure (the connection dropped after the request
was sent) may have been accepted, so it is counted as spent and a retry needs a new one.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from foxcontract.live.key import WRONG_KEY, ApiKey
from foxcontract.live.retry import RetryPolicy

__all__ = ["Answer", "BudgetExhausted", "LiveClient", "LiveError", "Spender"]

Auth = Literal["key", "none", "wrong"]


class LiveError(Exception):
    """A request that could not get an answer: its message is safe to print."""


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
    """A final answer: status, parsed JSON body (``None`` if not JSON), and how it went."""

    method: str
    path: str
    status: int
    body: Any
    text: str
    attempts: int
    elapsed: float
    retry_log: tuple[str, ...] = ()
    headers: Mapping[str, str] | None = None
    """The answer's headers, lower case (``None``: not known)."""

    def summary(self) -> str:
        err = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(err, dict):
            bits = [f"type {err.get('type')!r}"]
            if err.get("code") is not None:
                bits.append(f"code {err.get('code')!r}")
            return f"{self.status} ({', '.join(bits)})"
        return str(self.status)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "_Bearer([redacted])"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class LiveClient:
    """Sends requests to ``base_url`` with the key, retrying as the policy says."""

    def __init__(
        self,
        base_url: str,
        key: ApiKey | None,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.policy = policy or RetryPolicy()
        self._http = httpx.Client(
            base_url=self.base_url, timeout=self.policy.timeout, transport=transport
        )

    def __repr__(self) -> str:
        return f"LiveClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def scrub(self, text: str) -> str:
        return self._key.scrub(text) if self._key is not None else text

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
        if content is None and json_body is not None:
            content = json.dumps(json_body).encode()
        headers = {"Content-Type": content_type} if content is not None else {}
        token = {"key": self._key.reveal() if self._key else None, "wrong": WRONG_KEY}.get(auth)
        auth_obj = _Bearer(token) if token else None
        p = self.policy
        start = p.clock()
        log: list[str] = []
        holding = False
        attempt = 0
        try:
            while True:
                attempt += 1
                if spender is not None and not holding:
                    if not spender.reserve():
                        raise BudgetExhausted(f"{method} {path}: {spender.describe()}")
                    holding = True
                outcome, response, retry_after = self._attempt(
                    method, path, content, headers, auth_obj
                )
                if response is not None:
                    if str(response.status_code) in paid and holding:
                        spender.commit()  # type: ignore[union-attr]
                        holding = False
                    if response.status_code not in p.statuses:
                        return self._answer(method, path, response, attempt, start, log)
                elif spender is not None and holding and outcome.startswith("ambiguous"):
                    spender.commit()  # the server may have accepted it: count it as spent
                    holding = False
                log.append(f"attempt {attempt}: {outcome}")
                elapsed = p.clock() - start
                delay = p.delay(attempt, retry_after)
                if attempt >= p.attempts or elapsed + delay > p.total:
                    raise LiveError(
                        f"{method} {path}: no final answer after {attempt} attempt(s) in "
                        f"{elapsed:.1f}s (retry limits: {p.attempts} attempts, {p.total:g}s); "
                        f"last: {outcome}"
                    )
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
    ) -> tuple[str, httpx.Response | None, str | None]:
        try:
            response = self._http.request(
                method,
                path,
                content=content,
                headers=headers,
                auth=auth_obj or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.ConnectError as exc:
            return f"connection failed ({self._reason(exc)})", None, None
        except httpx.ConnectTimeout:
            return "connection timed out", None, None
        except httpx.TimeoutException as exc:
            return f"ambiguous: timed out ({type(exc).__name__})", None, None
        except httpx.TransportError as exc:
            return f"ambiguous: connection dropped ({type(exc).__name__})", None, None
        ra = response.headers.get("Retry-After")
        if response.status_code in self.policy.statuses:
            return _describe(response), response, ra
        return "", response, None

    def _reason(self, exc: Exception) -> str:
        return self.scrub(str(exc))[:200] or type(exc).__name__

    def _answer(
        self,
        method: str,
        path: str,
        response: httpx.Response,
        attempts: int,
        start: float,
        log: list[str],
    ) -> Answer:
        text = self.scrub(response.text)
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = None
        return Answer(
            method,
            path,
            response.status_code,
            body,
            text,
            attempts,
            self.policy.clock() - start,
            tuple(log),
            {k.lower(): self.scrub(v) for k, v in response.headers.items()},
        )


def _describe(response: httpx.Response) -> str:
    ra = response.headers.get("Retry-After")
    hint = f", Retry-After {ra}" if ra else ""
    return f"HTTP {response.status_code}{hint}"
