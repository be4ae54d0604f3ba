"""The consumer-side fixture ``fox_api``: the fake FoxAPI inside a user's own test.

Code under test that calls FoxAPI through **httpx** (sync or async) talks to the fake
instead: every request is checked against the contract, and one that breaks a rule fails
the test at once with :class:`ContractViolationError` (an ``AssertionError``) naming the
rule, the field and the request. Any other request httpx sends is blocked. Answers are
contract-valid and scriptable::

    def test_retries_on_429(fox_api):
        fox_api.fault(kind="rate_limit", retry_after=1)
        fox_api.script_task("pending", "processing", "failed")
        ...
        assert [c.response.status for c in fox_api.calls] == [429, 200, 200, 200]

Options per test: ``@pytest.mark.fox_api(base_url=..., key=..., strict=False, **FakeConfig)``.
For a client that does not use httpx (requests, aiohttp, another language), serve the fake
on loopback instead (``python -m foxcontract serve``, or :class:`foxcontract.fake.FakeServer`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest
import respx

from foxcontract._project import project_contracts
from foxcontract.fake import TEST_KEY, Call, FakeAPI, FakeConfig, FakeRequest, Fault, TaskScript
from foxcontract.fake.mount import DEFAULT_BASE_URL, from_httpx, to_httpx
from foxcontract.offline import Unchained
from foxcontract.redact import redact, redact_headers

__all__ = ["ContractViolationError", "FoxAPIMock", "fox_api_session", "remember_outcome"]

MARKER = "fox_api"


class ContractViolationError(Unchained):
    """A request the FoxAPI contract does not allow. ``call`` is the offending request."""

    def __init__(self, call: Call, base_url: str, contract_path: str | None) -> None:
        self.call = call
        self.violations = call.violations
        super().__init__(_explain(call, base_url, contract_path))


def _explain(call: Call, base_url: str, contract_path: str | None) -> str:
    first = call.violations[0]
    request = call.request
    lines = [f"FoxAPI request breaks rule {first.rule} (field {first.field})", ""]
    lines += [f"  [{v.rule}] {v.message}" for v in call.violations]
    lines += ["", "Request sent:", f"  {request.method} {base_url.rstrip('/')}{request.path}"]
    shown = redact_headers(request.headers)
    lines += [
        f"  {k}: {v}" for k, v in sorted(shown.items()) if k in ("authorization", "content-type")
    ]
    lines.append(f"  body: {_show_body(request)}")
    error = call.response.body.get("error", {}) if isinstance(call.response.body, dict) else {}
    lines += [
        "",
        f"The provider would answer {call.response.status} {error.get('type', '')}"
        + (f" ({error['code']})" if error.get("code") else ""),
    ]
    if contract_path:
        lines.append(f"Contract: {contract_path}")
    lines.append(
        "To test how your code handles this answer on purpose, script it: "
        "fox_api.fault(kind=...); to let such requests through, fox_api.strict = False."
    )
    return "\n".join(lines)


def _show_body(request: FakeRequest) -> str:
    try:
        return json.dumps(redact(json.loads(request.body)), sort_keys=True)
    except (ValueError, UnicodeDecodeError):
        return repr(request.body[:200])


class FoxAPIMock:
    """The fake FoxAPI as the ``fox_api`` fixture hands it to a test."""

    def __init__(
        self, fake: FakeAPI, base_url: str = DEFAULT_BASE_URL, strict: bool = True
    ) -> None:
        self.fake = fake
        self.base_url = base_url.rstrip("/")
        self.strict = strict
        self.raised: list[ContractViolationError] = []

    @property
    def key(self) -> str:
        """The key the fake accepts (also set as ``FOXAPI_API_KEY`` for the test)."""
        return self.fake.config.key

    # --- inspecting --------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every request answered, in order: ``.request``, ``.response``, ``.violations``."""
        return self.fake.calls

    def requests(self, method: str | None = None, path: str | None = None) -> list[FakeRequest]:
        """The requests sent, optionally only those with this method and path prefix."""
        return [
            c.request
            for c in self.calls
            if (method is None or c.request.method == method.upper())
            and (path is None or c.request.path.startswith(path))
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
        retry_after: float | None = None,
        delay: float = 0.0,
        drop: bool = False,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with an error kind (``rate_limit``,
        ``insufficient_quota``, ``server``, ``unavailable``, ...) or ``status``; or answer
        slowly (``delay``), or drop the connection (``drop``)."""
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
        """The next created task fails: pending -> processing -> failed with ``code``."""
        self.fake.script_task(TaskScript.failing(code, message))

    def configure(self, **changes: Any) -> None:
        """Change the fake's :class:`FakeConfig` (e.g. ``credits=1``, ``task=TaskScript(...)``)."""
        self.fake.configure(**changes)

    # --- the transport -----------------------------------------------------------
    def _answer(self, request: Any) -> Any:
        __tracebackhide__ = True
        response = self.fake.handle(from_httpx(request))
        call = self.fake.calls[-1]
        if self.strict and call.violations:
            error = ContractViolationError(call, self.base_url, str(self.fake.create_contract.path))
            self.raised.append(error)
            raise error
        return to_httpx(response, request)


def _options(node: pytest.Item) -> tuple[dict[str, Any], dict[str, Any]]:
    marker = node.get_closest_marker(MARKER)
    given = dict(marker.kwargs) if marker is not None else {}
    mine: dict[str, Any] = {
        k: given.pop(k) for k in ("base_url", "strict", "contracts") if k in given
    }
    known = {f.name for f in fields(FakeConfig)}
    for key in given:
        if key not in known:
            from foxcontract.contract.errors import did_you_mean

            pytest.fail(
                f"@pytest.mark.fox_api: unknown option {key!r}"
                f"{did_you_mean(key, [*known, 'base_url', 'strict', 'contracts'])}",
                pytrace=False,
            )
    return mine, given


def fox_api_session(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FoxAPIMock]:
    """The ``fox_api`` fixture's work (registered in :mod:`foxcontract._registered`)."""
    mine, config = _options(request.node)
    config.setdefault("key", TEST_KEY)
    project = project_contracts(request.config, request.node)  # the project's own copy
    mock = FoxAPIMock(
        FakeAPI(FakeConfig(**config), create=project.create, poll=project.poll),
        mine.get("base_url", DEFAULT_BASE_URL),
        mine.get("strict", True),
    )
    monkeypatch.setenv("FOXAPI_API_KEY", mock.key)
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        router.route(url__startswith=mock.base_url + "/").mock(side_effect=mock._answer)
        yield mock
    if mock.raised and not isinstance(request.node.stash.get(_FAILED_WITH, None), AssertionError):
        raise mock.raised[0]  # the code under test swallowed the violation


_FAILED_WITH = pytest.StashKey[BaseException]()


def remember_outcome(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Keep what the test body raised, so a violation it already failed with is not
    reported a second time at teardown."""
    if call.when == "call" and call.excinfo is not None:
        item.stash[_FAILED_WITH] = call.excinfo.value
