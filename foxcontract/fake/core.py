"""The fake FoxAPI's core: one request in, one response out, no transport.

``FakeAPI.handle(FakeRequest) -> FakeResponse`` is shared by the respx mount (in-process) and
the loopback HTTP server. The order of judgement is the provider's: route, scripted faults,
key, content type and JSON, the rules oracle, quota, then the answer.
"""

from __future__ import annotations

import fnmatch
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from foxcontract.contract.loader import load_contract, shipped_contracts_dir
from foxcontract.contract.model import Contract, ErrorKind
from foxcontract.fake.config import FakeConfig, FakeConfigError, Fault, TaskScript
from foxcontract.fake.tasks import Task, check_script, new_task_id
from foxcontract.oracle import Violation, check

__all__ = ["Call", "FakeAPI", "FakeRequest", "FakeResponse"]

MAX_TASKS = 10_000
MAX_CALLS = 10_000


@dataclass(frozen=True)
class FakeRequest:
    """A request as the fake sees it; header names in lower case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class FakeResponse:
    """The answer. ``delay`` and ``drop`` are instructions to the transport: wait first, or
    close the connection without answering."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    @property
    def content(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass(frozen=True)
class Call:
    """One request the fake answered, with the rules its body broke (POST only)."""

    request: FakeRequest
    response: FakeResponse
    contract: str | None
    violations: tuple[Violation, ...] = ()


_Handler = Callable[
    ["FakeRequest", Contract, dict[str, str]], tuple["FakeResponse", list[Violation]]
]


def shipped_endpoints() -> tuple[Contract, Contract]:
    folder = shipped_contracts_dir()
    return (
        load_contract(folder / "videos-generations.yaml"),
        load_contract(folder / "tasks-get.yaml"),
    )


def _route_pattern(url_path: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", url_path)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}/?$")


class FakeAPI:
    """A FoxAPI stand-in that answers exactly as the contracts say (unless told otherwise by
    ``config.mutations``). Thread-safe; every store is bounded."""

    def __init__(
        self,
        config: FakeConfig | None = None,
        *,
        create: Contract | None = None,
        poll: Contract | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if create is None or poll is None:
            shipped = shipped_endpoints()
            create, poll = create or shipped[0], poll or shipped[1]
        self.create_contract, self.poll_contract = create, poll
        self._routes: list[tuple[str, re.Pattern[str], Contract, _Handler]] = [
            (create.method, _route_pattern(create.url_path), create, self._create),
            (poll.method, _route_pattern(poll.url_path), poll, self._poll),
        ]
        self._clock = clock
        self._lock = threading.RLock()
        self._calls: deque[Call] = deque(maxlen=MAX_CALLS)
        self._tasks: dict[str, Task] = {}
        self._scripts: deque[TaskScript] = deque()
        self.config = config or FakeConfig()
        self.configure(self.config)

    # --- scripting -------------------------------------------------------------------
    def configure(self, config: FakeConfig | None = None, **changes: Any) -> FakeConfig:
        """Replace the config (or change some of its fields); pending faults restart."""
        with self._lock:
            new = replace(config or self.config, **changes) if changes else (config or self.config)
            if not new.mutations.unchecked_lifecycle:
                check_script(new.task, self.poll_contract.lifecycle)
            for fault in new.faults:
                self._check_fault(fault)
            self.config = new
            self._faults: list[list[Any]] = [[f, f.times] for f in new.faults]
            self._rng = random.Random(new.seed)
            self._paid = 0
            return new

    def add_fault(self, fault: Fault) -> None:
        """Add a fault after those already pending."""
        self._check_fault(fault)
        with self._lock:
            self.config = self.config.with_faults(fault)
            self._faults.append([fault, fault.times])

    def script_task(self, script: TaskScript) -> None:
        """The next created task follows ``script`` (then ``config.task`` again)."""
        if not self.config.mutations.unchecked_lifecycle:
            check_script(script, self.poll_contract.lifecycle)
        with self._lock:
            self._scripts.append(script)

    def reset(self) -> None:
        """Forget calls, tasks and scripts; restart the config's faults and quota."""
        with self._lock:
            self._calls.clear()
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

    def task(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    # --- answering -------------------------------------------------------------------
    def handle(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            contract, response, violations = self._answer(request)
            self._calls.append(Call(request, response, contract, tuple(violations)))
            return response

    def _answer(self, request: FakeRequest) -> tuple[str | None, FakeResponse, list[Violation]]:
        path = request.path.split("?", 1)[0]
        found = self._route(request.method.upper(), path)
        if found is None:
            kind = self.create_contract.error_kinds["not_found"]
            message = f"no endpoint {request.method.upper()} {path}"
            return None, self.error(kind, message), []
        contract, handler, params = found
        fault = self._take_fault(request.method.upper(), path)
        if fault is not None and (fault.drop or fault.kind or fault.status):
            return contract.name, self._fault_response(fault), []
        delay = fault.delay if fault is not None else 0.0
        if not self._authorised(request):
            kind = contract.error_kinds["authentication"]
            return contract.name, self.error(kind, "invalid or missing API key", delay), []
        response, violations = handler(request, contract, params)
        if delay:
            response = replace(response, delay=delay)
        return contract.name, response, violations

    def _route(self, method: str, path: str) -> tuple[Contract, _Handler, dict[str, str]] | None:
        for route_method, pattern, contract, handler in self._routes:
            match = pattern.match(path)
            if match and method == route_method:
                return contract, handler, match.groupdict()
        return None

    def _authorised(self, request: FakeRequest) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self.config.key

    def _create(
        self, request: FakeRequest, contract: Contract, _params: dict[str, str]
    ) -> tuple[FakeResponse, list[Violation]]:
        kinds = contract.error_kinds
        malformed = kinds[contract.settings.malformed_request]
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if contract.content_type and content_type != contract.content_type:
            shown = content_type or "none"
            message = f"Content-Type must be {contract.content_type}, got {shown}"
            return self.error(malformed, message), []
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError) as exc:
            return self.error(malformed, f"the body is not valid JSON: {exc}"), []
        violations = check(body, contract)
        mutations = self.config.mutations
        if violations and not all(v.rule in mutations.accept_rules for v in violations):
            first = violations[0]
            name = mutations.answer_rules.get(first.rule) or contract.rule(first.rule).expect
            message = "; ".join(v.message for v in violations)
            return self.error(kinds[name], message), violations
        if self.config.credits is not None and self._paid >= self.config.credits:
            return self.error(kinds["insufficient_quota"], "insufficient balance"), violations
        self._paid += 1
        created = int(self._clock())
        script = self._scripts.popleft() if self._scripts else self.config.task
        model = body.get("model") if isinstance(body.get("model"), str) else "unknown"
        task = Task(
            new_task_id(created, self._rng), model, created, script, self.config.estimated_time
        )
        if len(self._tasks) >= MAX_TASKS:
            self._tasks.pop(next(iter(self._tasks)))
        self._tasks[task.id] = task
        return self._ok(task.created_body()), violations

    def _poll(
        self, _request: FakeRequest, contract: Contract, params: dict[str, str]
    ) -> tuple[FakeResponse, list[Violation]]:
        task = self._tasks.get(params.get("task_id", ""))
        if task is None:
            return self.error(contract.error_kinds["not_found"], "task not found"), []
        task.advance()
        return self._ok(task.polled_body()), []

    def _ok(self, body: dict[str, Any]) -> FakeResponse:
        for key, value in self.config.mutations.patch_task.items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        return FakeResponse(200, body, {"content-type": "application/json"})

    # --- errors and faults -----------------------------------------------------------
    @staticmethod
    def error(kind: ErrorKind, message: str, delay: float = 0.0) -> FakeResponse:
        """An error answer in the errors contract's body. A kind without a documented type
        (``unsupported_advanced_options``) is sent as ``invalid_request_error``."""
        error: dict[str, Any] = {"message": message, "type": kind.type or "invalid_request_error"}
        if kind.code is not None:
            error["code"] = kind.code
        headers = {"content-type": "application/json"}
        if kind.status == 429:
            headers["retry-after"] = "1"
        return FakeResponse(kind.status, {"error": error}, headers, delay=delay)

    def _check_fault(self, fault: Fault) -> None:
        kinds = self.create_contract.error_kinds
        if fault.kind is not None and fault.kind not in kinds:
            from foxcontract.contract.errors import did_you_mean

            raise FakeConfigError(
                f"fault kind: unknown error kind {fault.kind!r}{did_you_mean(fault.kind, kinds)}"
            )
        if fault.status is not None and not any(k.status == fault.status for k in kinds.values()):
            statuses = sorted({k.status for k in kinds.values()})
            raise FakeConfigError(
                f"fault status: {fault.status} is not in the contract ({statuses})"
            )

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for entry in self._faults:
            fault, left = entry
            if left == 0:
                continue
            if fault.method is not None and fault.method.upper() != method:
                continue
            if fault.path is not None and not fnmatch.fnmatchcase(path, fault.path):
                continue
            if left is not None:
                entry[1] = left - 1
            return fault  # type: ignore[no-any-return]
        return None

    def _fault_response(self, fault: Fault) -> FakeResponse:
        if fault.drop:
            return FakeResponse(0, None, {}, delay=fault.delay, drop=True)
        kinds = self.create_contract.error_kinds
        if fault.kind is not None:
            kind = kinds[fault.kind]
        else:
            kind = next(k for k in kinds.values() if k.status == fault.status)
        response = self.error(kind, fault.message or kind.cause or kind.name, fault.delay)
        if fault.retry_after is not None:
            shown = f"{fault.retry_after:g}"
            response = replace(response, headers={**response.headers, "retry-after": shown})
        return response
