"""The fake provider's core: one request in, one response out, no transport.

``FakeAPI.handle(FakeRequest) -> FakeResponse`` is shared by the respx mount (in-process) and
the loopback HTTP server. The order of judgement is the provider's: route, scripted faults,
key, content type and JSON, the rules oracle, quota, then the answer.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

from foxcontract.contract import get_path, match_path
from foxcontract.contract.errors import did_you_mean
from foxcontract.contract.loader import load_contract, shipped_contracts_dir
from foxcontract.contract.model import Contract, ErrorKind
from foxcontract.contract.provider import ErrorShape
from foxcontract.contract.task import TaskRole
from foxcontract.fake.config import FakeConfig, FakeConfigError, Fault, Mutations, TaskScript
from foxcontract.fake.faults import FaultQueue, error_response, fallback_type
from foxcontract.fake.tasks import Task, TaskBodies, check_script, new_task_id, resolved
from foxcontract.fake.wire import MAX_LOGGED_BODY, Call, FakeRequest, FakeResponse
from foxcontract.oracle import Violation, check

__all__ = ["Call", "FakeAPI", "FakeRequest", "FakeResponse"]

MAX_TASKS = 10_000
FAKE_RULES = ("request.http", "request.auth", "request.content-type", "request.json")
"""The rules the fake itself judges, before the oracle reads the body."""
MAX_CALLS = 10_000
"""The call log keeps the last this-many calls..."""
MAX_LOG_BYTES = 32 * 1024 * 1024
"""...and at most this many bytes of request bodies (each cut to ``MAX_LOGGED_BODY``)."""


_Handler = Callable[
    ["FakeRequest", Contract, dict[str, str]], tuple["FakeResponse", list[Violation]]
]


@cache
def shipped_endpoints() -> tuple[Contract, Contract]:
    """The shipped create and poll contracts, loaded once (they are immutable): a fixture
    making a fake per test does not read and validate them each time."""
    folder = shipped_contracts_dir()
    return (
        load_contract(folder / "videos-generations.yaml"),
        load_contract(folder / "tasks-get.yaml"),
    )


class FakeAPI:
    """A stand-in for the contracts' provider that answers exactly as they say (unless told
    otherwise by ``config.mutations``): its routes, its key's header, its error bodies and
    its task answers all come from the contracts. Thread-safe; every store is bounded."""

    def __init__(
        self,
        config: FakeConfig | None = None,
        *,
        create: Contract | None = None,
        poll: Contract | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if create is None or poll is None:
            shipped = shipped_endpoints()
            create, poll = create or shipped[0], poll or shipped[1]
        self.create_contract, self.poll_contract = create, poll
        self.provider = create.provider
        self._create_role = create.task or TaskRole("create")
        self._poll_role = poll.task or TaskRole("poll", param="task_id")
        self._bodies = TaskBodies(create, poll)
        auth = self.provider.auth
        self.auth_message = f"{auth.header}: missing, or not '{auth.value('<the accepted key>')}'"
        self._routes: list[tuple[str, str, Contract, _Handler]] = [
            (create.method, create.url_path, create, self._create),
            (poll.method, poll.url_path, poll, self._poll),
        ]
        self._clock, self._monotonic = clock, monotonic
        self._lock = threading.RLock()
        self._calls: deque[Call] = deque()
        self._logged_bytes = 0
        self.observers: list[Callable[[Call], None]] = []
        """Called with each call as it is answered (under the fake's lock; keep them short)."""
        self._tasks: dict[str, Task] = {}
        self._scripts: deque[TaskScript] = deque()
        self.config = config or FakeConfig()
        self.configure(self.config)

    # --- scripting -------------------------------------------------------------------
    def configure(self, config: FakeConfig | None = None, **changes: Any) -> FakeConfig:
        """Replace the config (or change some of its fields); pending faults restart."""
        with self._lock:
            start = config or self.config
            new = start.with_changes(**changes) if changes else start
            if not new.mutations.unchecked_lifecycle:
                check_script(resolved(new.task, self.poll_contract.lifecycle), self._lifecycle)
            self._check_mutations(new.mutations)
            kinds = self.create_contract.error_kinds
            faults = FaultQueue(kinds, new.faults, self.provider.error)
            self.config = new
            self._faults = faults
            self._rng = random.Random(new.seed)
            self._paid = 0
            return new

    def _check_mutations(self, mutations: Mutations) -> None:
        contract = self.create_contract
        rules = [rule.id for rule in contract.rules] + list(FAKE_RULES)
        for rule in [*sorted(mutations.accept_rules), *mutations.answer_rules]:
            if rule not in rules:
                raise FakeConfigError(
                    f"mutations: unknown rule {rule!r}{did_you_mean(rule, rules)}"
                )
        for kind in mutations.answer_rules.values():
            if kind not in contract.error_kinds:
                raise FakeConfigError(
                    f"mutations answer_rules: unknown error kind {kind!r}"
                    f"{did_you_mean(kind, contract.error_kinds)}"
                )

    def add_fault(self, fault: Fault) -> None:
        """Add a fault after those already pending."""
        with self._lock:
            self._faults.add(fault)
            self.config = self.config.with_faults(fault)

    def script_task(self, script: TaskScript) -> None:
        """The next created task follows ``script`` (then ``config.task`` again)."""
        script = resolved(script, self._lifecycle)
        if not self.config.mutations.unchecked_lifecycle:
            check_script(script, self._lifecycle)
        with self._lock:
            self._scripts.append(script)

    def reset(self) -> None:
        """Forget calls, tasks and scripts; restart the config's faults and quota."""
        with self._lock:
            self._calls.clear()
            self._logged_bytes = 0
            self._tasks.clear()
            self._scripts.clear()
            self.configure(self.config)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    @property
    def paid(self) -> int:
        """How many creates were accepted (each one would be paid)."""
        return self._paid

    def route(self, method: str, path: str) -> tuple[Contract, dict[str, str]] | None:
        """The contract a request to ``method path`` is for, and its path parameters."""
        found = self._route(method.upper(), path.split("?", 1)[0])
        return None if found is None else (found[0], found[2])

    def task(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    # --- answering -------------------------------------------------------------------
    def handle(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            at, wall = self._monotonic(), self._clock()
            contract, response, violations = self._answer(request)
            self._log(Call(request, response, contract, tuple(violations), at, wall))
            return response

    def refused(self, request: FakeRequest, response: FakeResponse) -> None:
        """Log a request the transport answered itself (malformed HTTP framing), as breaking
        ``request.http``: a client sending it has a bug, like one sending bad JSON."""
        parts = self.provider.error.parts(response.body)
        message = str(parts.message) if parts is not None and parts.message is not None else ""
        broken = Violation("request.http", "request", message)
        with self._lock:
            at, wall = self._monotonic(), self._clock()
            self._log(Call(request, response, None, (broken,), at, wall))

    def _log(self, call: Call) -> None:
        """Keep ``call``, its body cut to ``MAX_LOGGED_BODY``; forget the oldest calls past
        ``MAX_CALLS`` or ``MAX_LOG_BYTES``."""
        body = call.request.body
        kept = body if len(body) <= MAX_LOGGED_BODY else body[:MAX_LOGGED_BODY]
        call = replace(call, request=replace(call.request, body=kept), body_size=len(body))
        self._calls.append(call)
        for observer in self.observers:
            observer(call)
        self._logged_bytes += len(kept)
        while len(self._calls) > MAX_CALLS or self._logged_bytes > MAX_LOG_BYTES:
            self._logged_bytes -= len(self._calls.popleft().request.body)

    def _answer(self, request: FakeRequest) -> tuple[str | None, FakeResponse, list[Violation]]:
        path = request.path.split("?", 1)[0]
        found = self._route(request.method.upper(), path)
        if found is None:
            kind = self._role_kind(self.create_contract, "not_found", 404)
            message = f"no endpoint {request.method.upper()} {path}"
            return None, self.error(kind, message), []
        contract, handler, params = found
        fault = self._faults.take(request.method.upper(), path)
        if fault is not None and (fault.drop or fault.kind or fault.status):
            # the fault answers, but the record still says what the request broke
            return contract.name, self._faults.response(fault), self._inspect(request, contract)
        delay = fault.delay if fault is not None else 0.0
        if not self._authorised(request, contract):
            kind = self._role_kind(contract, "authentication", 401)
            header = self.provider.auth.header
            no_key = Violation("request.auth", header, self.auth_message)
            return contract.name, self.error(kind, "invalid or missing API key", delay), [no_key]
        response, violations = handler(request, contract, params)
        if delay:
            response = replace(response, delay=delay)
        return contract.name, response, violations

    def _inspect(self, request: FakeRequest, contract: Contract) -> list[Violation]:
        """What ``request`` breaks, without answering it or changing any state."""
        if not self._authorised(request, contract):
            return [Violation("request.auth", self.provider.auth.header, self.auth_message)]
        if contract is not self.create_contract:
            return []
        return self._judge_body(request, contract)[1]

    def _route(self, method: str, path: str) -> tuple[Contract, _Handler, dict[str, str]] | None:
        for route_method, template, contract, handler in self._routes:
            params = match_path(template, path)
            if params is not None and method == route_method:
                return contract, handler, params
        return None

    def _authorised(self, request: FakeRequest, contract: Contract) -> bool:
        if not contract.keyed:
            return True
        return self.provider.auth.key_in(request.headers) == self.config.key

    @property
    def _lifecycle(self) -> Any:
        return self.poll_contract.lifecycle

    @staticmethod
    def _role_kind(contract: Contract, role: str, status: int) -> ErrorKind:
        """The error kind playing ``role`` (one named after the role when none does)."""
        found = contract.error_kind(role)
        return found if found is not None else ErrorKind(role, status, role)

    def _judge_body(
        self, request: FakeRequest, contract: Contract
    ) -> tuple[FakeResponse | None, list[Violation], Any]:
        """The rejection a create request earns (or ``None``), its violations, its body."""
        kinds = contract.error_kinds
        malformed = kinds[contract.settings.malformed_request]
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if contract.content_type and content_type != contract.content_type:
            shown = content_type or "none"
            message = f"Content-Type must be {contract.content_type}, got {shown}"
            broken = Violation("request.content-type", "Content-Type", message)
            return self.error(malformed, message), [broken], None
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError) as exc:
            message = f"the body is not valid JSON: {exc}"
            return (
                self.error(malformed, message),
                [Violation("request.json", "body", message)],
                None,
            )
        violations = check(body, contract)
        mutations = self.config.mutations
        if violations and not all(v.rule in mutations.accept_rules for v in violations):
            first = violations[0]
            name = mutations.answer_rules.get(first.rule) or contract.rule(first.rule).expect
            message = "; ".join(v.message for v in violations)
            return self.error(kinds[name], message), violations, body
        return None, violations, body

    def _create(
        self, request: FakeRequest, contract: Contract, _params: dict[str, str]
    ) -> tuple[FakeResponse, list[Violation]]:
        rejection, violations, body = self._judge_body(request, contract)
        if rejection is not None:
            return rejection, violations
        if self.config.credits is not None and self._paid >= self.config.credits:
            quota = self._role_kind(contract, "quota", 402)
            return self.error(quota, "insufficient balance"), violations
        self._paid += 1
        created = int(self._clock())
        script = self._scripts.popleft() if self._scripts else self.config.task
        role = self._create_role
        echoed = {
            path: value
            for path in role.echo
            if isinstance(value := get_path(body, path), str | int | float | bool)
        }
        task = Task(
            new_task_id(created, self._rng, role.id_format),
            echoed,
            created,
            resolved(script, self._lifecycle),
            self.config.estimated_time,
            self._lifecycle,
        )
        if len(self._tasks) >= MAX_TASKS:
            self._tasks.pop(next(iter(self._tasks)))
        self._tasks[task.id] = task
        return self._ok(self._bodies.created(task), contract), violations

    def _poll(
        self, _request: FakeRequest, contract: Contract, params: dict[str, str]
    ) -> tuple[FakeResponse, list[Violation]]:
        task = self._tasks.get(params.get(self._poll_role.param or "", ""))
        if task is None:
            return self.error(self._role_kind(contract, "not_found", 404), "task not found"), []
        task.advance()
        return self._ok(self._bodies.polled(task), contract), []

    def _ok(self, body: dict[str, Any], contract: Contract) -> FakeResponse:
        for key, value in self.config.mutations.patch_task.items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        ok = sorted(s for s in contract.responses if s.startswith("2"))
        status = int(ok[0]) if ok else 200
        return FakeResponse(status, body, {"content-type": "application/json"})

    # --- errors ----------------------------------------------------------------------
    def refusal(self, status: int, message: str) -> FakeResponse:
        """An HTTP-level refusal (400, 408, 413, 500, ...) in the provider's error body: its
        type that of the malformed-request kind (the server kind's for a 5xx)."""
        role = "server" if status >= 500 else "malformed_request"
        kind = self._role_kind(self.create_contract, role, status)
        return replace(self.error(ErrorKind(kind.name, status, kind.type), message), status=status)

    def reshaped(self, response: FakeResponse) -> FakeResponse:
        """A refusal the HTTP framing made (FoxAPI's body) in the provider's error body."""
        parts = ErrorShape().parts(response.body)
        message = str(parts.message) if parts is not None else ""
        refusal = self.refusal(response.status, message)
        return replace(response, body=refusal.body)

    def error(self, kind: ErrorKind, message: str, delay: float = 0.0) -> FakeResponse:
        """The provider's error answer for ``kind``, in its error body shape."""
        kinds = self.create_contract.error_kinds
        return error_response(kind, message, delay, self.provider.error, fallback_type(kinds, kind))
