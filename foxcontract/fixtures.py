"""The consumer-side fixture ``fox_api``: the fake provider inside a user's own test (FoxAPI,
or whichever provider the project's contracts describe: its paths, key header, key variable,
base URL and error bodies all come from them).

Code under test that calls the provider through **httpx** (sync or async) talks to the fake
instead: every request is checked against the contract, and one that breaks a rule fails
the test at once with :class:`ContractViolationError` (an ``AssertionError``) naming the
rule, the field and the request. Any other request httpx sends is blocked. Answers are
contract-valid and scriptable::

    def test_retries_on_429(fox_api):
        fox_api.fault(kind="rate_limit", retry_after=1)
        fox_api.script_task("pending", "processing", "failed")
        ...
        assert [c.response.status for c in fox_api.calls] == [429, 200, 200, 200]

Options per test: ``@pytest.mark.fox_api(base_url=..., key=..., strict=False,
check_client=True, contracts=..., **FakeConfig)``; ``contracts`` (a folder or file, or a list)
names the project's contracts the fake follows, else ``--fox-contracts`` / ini
``fox_contracts``, else the shipped ones (:mod:`foxcontract._project`).

``fox_server`` is the same fake served over real HTTP on 127.0.0.1 (a free port, a thread of
the test process), for clients that do not use httpx (requests, urllib, aiohttp, a subprocess
in another language). It has the same API (:class:`FoxAPIMock`); ``fox_server.base_url`` is
the address, also set for the test in the provider's ``base_url_env`` (``FOXAPI_BASE_URL``).
A request breaking the contract gets the provider's answer, and the test fails at teardown
naming the rule. Options:
``@pytest.mark.fox_server(key=..., strict=..., check_client=..., **FakeConfig)``.

``check_client=True`` (or a list of check names, or ``fox_api.check_client = True`` in the
test) also judges how the client behaved (:mod:`foxcontract.fake.behaviour`): Retry-After
honoured, no poll of a task already finished, no accepted create sent again. A client that
did any of these fails the test at teardown with :class:`ClientMisbehaviourError`.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Collection, Iterator
from dataclasses import fields
from typing import Any

import httpx
import pytest
import respx

from foxcontract._project import project_contracts
from foxcontract.contract.provider import DEFAULT_PROVIDER, Provider
from foxcontract.fake import (
    TEST_KEY,
    Call,
    FakeAPI,
    FakeConfig,
    FakeRequest,
    FakeServer,
    Fault,
    TaskScript,
)
from foxcontract.fake.behaviour import CHECKS, check_calls, explain
from foxcontract.fake.mount import DEFAULT_BASE_URL, from_httpx, to_httpx
from foxcontract.offline import Unchained
from foxcontract.redact import redact, redact_headers

__all__ = [
    "ClientMisbehaviourError",
    "ContractViolationError",
    "FoxAPIMock",
    "FoxServerMock",
    "fox_api_session",
    "fox_server_session",
    "remember_outcome",
]

# the markers' help lines are in foxcontract._registered.MARKERS (registered at start-up)
MARKER = "fox_api"
SERVER_MARKER = "fox_server"
CheckClient = bool | Collection[str]


class ContractViolationError(Unchained):
    """A request the provider's contract does not allow. ``call`` is the offending request."""

    def __init__(
        self,
        call: Call,
        base_url: str,
        contract_path: str | None,
        fixture: str = "fox_api",
        provider: Provider = DEFAULT_PROVIDER,
    ) -> None:
        self.call = call
        self.violations = call.violations
        super().__init__(_explain(call, base_url, contract_path, fixture, provider))


def _explain(
    call: Call, base_url: str, contract_path: str | None, fixture: str, provider: Provider
) -> str:
    first = call.violations[0]
    request = call.request
    lines = [f"{provider.name} request breaks rule {first.rule} (field {first.field})", ""]
    lines += [f"  [{v.rule}] {v.message}" for v in call.violations]
    lines += ["", "Request sent:", f"  {request.method} {base_url.rstrip('/')}{request.path}"]
    shown = redact_headers(request.headers)
    headers = (provider.auth.header_name, "content-type")
    lines += [f"  {k}: {v}" for k, v in sorted(shown.items()) if k in headers]
    lines.append(f"  body: {_show_body(request)}")
    error = provider.error.parts(call.response.body)
    type_, code = (error.type, error.code) if error is not None else ("", None)
    lines += [
        "",
        f"The provider would answer {call.response.status} {type_ or ''}"
        + (f" ({code})" if code else ""),
    ]
    if contract_path:
        lines.append(f"Contract: {contract_path}")
    lines.append(
        "To test how your code handles this answer on purpose, script it: "
        f"{fixture}.fault(kind=...); to let such requests through, {fixture}.strict = False."
    )
    return "\n".join(lines)


class ClientMisbehaviourError(AssertionError):
    """The client under test ignored Retry-After, polled a finished task, or sent an accepted
    (paid) create again (checked with ``check_client``)."""


def _show_body(request: FakeRequest) -> str:
    try:
        return json.dumps(redact(json.loads(request.body)), sort_keys=True)
    except (ValueError, UnicodeDecodeError):
        return repr(request.body[:200])


class FoxAPIMock:
    """The fake provider (FoxAPI, or the one the project's contracts describe) as the
    ``fox_api`` fixture hands it to a test."""

    name = "fox_api"

    def __init__(
        self,
        fake: FakeAPI,
        base_url: str = DEFAULT_BASE_URL,
        strict: bool = True,
        check_client: CheckClient = False,
    ) -> None:
        self.fake = fake
        self.base_url = base_url.rstrip("/")
        self.strict = strict
        """A request breaking the contract fails the test (``False``: it is only answered)."""
        self.check_client: CheckClient = check_client
        """Judge the client's behaviour at teardown: ``True`` (every check), or check names."""
        self.raised: list[ContractViolationError] = []
        fake.observers.append(self._observe)

    @property
    def key(self) -> str:
        """The key the fake accepts (also set, for the test, in the provider's key variable:
        ``FOXAPI_API_KEY`` for FoxAPI)."""
        return self.fake.config.key

    # --- inspecting --------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every request answered, in order: ``.request``, ``.response``, ``.violations``."""
        return self.fake.calls

    def requests(self, method: str | None = None, path: str | None = None) -> list[FakeRequest]:
        """The requests sent, optionally only those with this method and this path: the
        whole path (a query string aside), or a glob as a fault's ``path`` is
        (``/v1/tasks/*``)."""
        return [
            c.request
            for c in self.calls
            if (method is None or c.request.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(c.request.path.split("?", 1)[0], path))
        ]

    @property
    def paid(self) -> int:
        """Creates the fake accepted: each one would cost money on the real API."""
        return self.fake.paid

    # --- scripting ---------------------------------------------------------------
    def fault(
        self,
        kind: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | str | None = None,
        delay: float = 0.0,
        drop: bool = False,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with an error kind (``rate_limit``,
        ``insufficient_quota``, ``server``, ``unavailable``, ...) or ``status``; or answer
        slowly (``delay``), or drop the connection (``drop``). ``retry_after``: whole seconds
        or an HTTP date, sent as the answer's ``Retry-After``."""
        self.fake.add_fault(Fault(kind, status, retry_after, delay, drop, times, method, path))

    def script_task(
        self,
        *statuses: str,
        error_code: str = "generation_failed",
        error_message: str = "the video could not be generated",
    ) -> None:
        """The next created task goes through ``statuses`` (create answer, then each poll)."""
        self.fake.script_task(TaskScript(statuses, error_code, error_message))

    def fail_next_task(self, code: str = "generation_failed", message: str | None = None) -> None:
        """The next created task fails (FoxAPI: pending -> processing -> failed) with
        ``code``."""
        self.fake.script_task(TaskScript.failing(code, message))

    def configure(self, **changes: Any) -> None:
        """Change the fake's :class:`FakeConfig` (e.g. ``credits=1``, ``task=TaskScript(...)``)."""
        self.fake.configure(**changes)

    # --- judging -----------------------------------------------------------------
    def _observe(self, call: Call) -> None:
        if self.strict and call.violations:
            path = str(self.fake.create_contract.path)
            raised = ContractViolationError(
                call, self.base_url, path, self.name, self.fake.provider
            )
            self.raised.append(raised)

    def verify(self, failed_with: BaseException | None = None) -> None:
        """Fail for a contract violation the test did not already fail with, then for the
        client's misbehaviour when ``check_client`` is on (called at teardown)."""
        __tracebackhide__ = True
        if self.raised and not _reported(failed_with, self.raised):
            raise self.raised[0]  # swallowed by the code under test, or sent over HTTP
        problem: ValueError | None = None
        try:
            checks = _checks(self.check_client)
        except ValueError as exc:
            problem = exc
        if problem is not None:  # outside the except: the message once
            pytest.fail(f"{self.name}.{problem}", pytrace=False)
        if checks:
            calls = self.calls
            problems = check_calls(calls, self.fake, checks)
            if problems:
                raise ClientMisbehaviourError(explain(problems, calls, self.fake.provider.name))

    # --- the transport (fox_api: respx) -------------------------------------------
    def _answer(self, request: Any) -> Any:
        __tracebackhide__ = True
        raised = len(self.raised)
        response = self.fake.handle(from_httpx(request, httpx.URL(self.base_url).path))
        if len(self.raised) > raised:
            raise self.raised[-1]
        return to_httpx(response, request)


class FoxServerMock(FoxAPIMock):
    """The fake FoxAPI as the ``fox_server`` fixture hands it to a test: the same API, served
    on ``base_url`` (``http://127.0.0.1:<port>``)."""

    name = "fox_server"

    def __init__(
        self, server: FakeServer, strict: bool = True, check_client: CheckClient = False
    ) -> None:
        super().__init__(server.fake, server.base_url, strict, check_client)
        self.server = server

    @property
    def port(self) -> int:
        return self.server.port


def _reported(failed_with: BaseException | None, raised: list[ContractViolationError]) -> bool:
    """Whether the test already failed with one of ``raised`` (or with an error raised while
    handling one)."""
    seen = 0
    while failed_with is not None and seen < 20:
        if any(failed_with is error for error in raised):
            return True
        failed_with = failed_with.__cause__ or failed_with.__context__
        seen += 1
    return False


def _checks(check_client: CheckClient) -> tuple[str, ...]:
    """The check names ``check_client`` turns on; ``ValueError`` for an unknown one."""
    if check_client is True:
        return tuple(CHECKS)
    if check_client is False:
        return ()
    names = (check_client,) if isinstance(check_client, str) else tuple(check_client)
    for name in names:
        if name not in CHECKS:
            from foxcontract.contract.errors import did_you_mean

            raise ValueError(
                f"check_client: unknown check {name!r}{did_you_mean(name, CHECKS)} "
                f"(checks: {', '.join(CHECKS)})"
            )
    return names


def _options(
    node: pytest.Item, marker_name: str, own: tuple[str, ...]
) -> tuple[dict[str, Any], FakeConfig]:
    """The fixture's own options (``own``) and the fake's config, from the test's marker."""
    marker = node.get_closest_marker(marker_name)
    given = dict(marker.kwargs) if marker is not None else {}
    mine: dict[str, Any] = {k: given.pop(k) for k in own if k in given}
    known = {f.name for f in fields(FakeConfig)}
    where = f"@pytest.mark.{marker_name}"
    for key in given:
        if key not in known:
            from foxcontract.contract.errors import did_you_mean

            pytest.fail(
                f"{where}: unknown option {key!r}{did_you_mean(key, [*known, *own])}",
                pytrace=False,
            )
    given.setdefault("key", TEST_KEY)
    problem: ValueError | None = None  # FakeConfigError too
    try:
        mine["check_client"] = _checks(mine.get("check_client", False))
        return mine, FakeConfig(**given)
    except ValueError as exc:
        problem = exc
    pytest.fail(f"{where}: {problem}", pytrace=False)  # outside the except: the message once


def _failed_with(node: pytest.Item) -> BaseException | None:
    return node.stash.get(_FAILED_WITH, None)


def _fake(request: pytest.FixtureRequest, config: FakeConfig) -> FakeAPI:
    """A fake following the project's contracts (see :mod:`foxcontract._project`)."""
    project = project_contracts(request.config, request.node)
    return FakeAPI(config, create=project.create, poll=project.poll)


def fox_api_session(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxAPIMock]:
    """The ``fox_api`` fixture's work (registered in :mod:`foxcontract._registered`)."""
    __tracebackhide__ = True  # a failure at teardown shows its message, not this code
    own = ("base_url", "strict", "check_client", "contracts")
    mine, config = _options(request.node, MARKER, own)
    fake = _fake(request, config)
    provider = fake.provider
    mock = FoxAPIMock(
        fake,
        # the marker's, else the one the code under test is configured with, else the
        # provider's own (FoxAPI's FOXAPI_BASE_URL, https://api.foxapi.cc)
        mine.get("base_url") or os.environ.get(provider.base_url_env) or provider.base_url,
        mine.get("strict", True),
        mine.get("check_client", False),
    )
    monkeypatch.setenv(provider.auth.key_env, mock.key)
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        router.route(url__startswith=mock.base_url + "/").mock(side_effect=mock._answer)
        yield mock
    mock.verify(_failed_with(request.node))


def fox_server_session(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxServerMock]:
    """The ``fox_server`` fixture's work (registered in :mod:`foxcontract._registered`)."""
    __tracebackhide__ = True
    mine, config = _options(request.node, SERVER_MARKER, ("strict", "check_client", "contracts"))
    server = FakeServer(_fake(request, config)).start()
    try:
        mock = FoxServerMock(server, mine.get("strict", True), mine.get("check_client", False))
        provider = server.fake.provider
        monkeypatch.setenv(provider.auth.key_env, mock.key)
        monkeypatch.setenv(provider.base_url_env, mock.base_url)
        yield mock
    finally:
        server.stop()
    mock.verify(_failed_with(request.node))


_FAILED_WITH = pytest.StashKey[BaseException]()


def remember_outcome(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Keep what the test body raised, so a violation it already failed with is not
    reported a second time at teardown."""
    if call.when == "call" and call.excinfo is not None:
        item.stash[_FAILED_WITH] = call.excinfo.value
