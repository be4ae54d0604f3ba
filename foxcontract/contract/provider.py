"""The provider side as contract data: who the provider is, and each endpoint's part in a task.

Three places of the contract files hold it, and this module reads all three:

- the errors file's ``provider:`` section (one provider, one errors file shared by its
  endpoints): ``name``, ``base_url`` (and ``base_url_env``), ``auth`` (``scheme: bearer``,
  or ``scheme: header`` with the ``header`` that carries the bare key; ``key_env``, the
  environment variable holding the key; ``key_pattern``, what a key looks like, for
  redaction), ``error`` (the dotted paths of an error answer's ``type``, ``code`` and
  ``message``), ``roles`` (which error kind means a missing key, an unknown id, no quota,
  a malformed request, a rate limit, a server error) and ``provenance``;
- an endpoint's ``task:`` section: ``role: create`` (``id``: where the created task's id is
  in the answer; ``id_format``, ``clock`` and ``echo`` shape the fake's answers) or
  ``role: poll`` (``param``: the path parameter that takes the id);
- the poll contract's ``lifecycle.outcomes``: what each terminal state's answer must carry,
  results with a URL (``{results: <path>, url: <key>}``) or an error object
  (``{error: <path>}``).

A key not written keeps the value FoxAPI has (the defaults below), so a copy of the contracts
made before these sections existed behaves as it did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from foxcontract.contract._provenance import _Reader
from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.model import UNSTATED, Contract, Lifecycle, Provenance
from foxcontract.contract.source import Source

__all__ = [
    "DEFAULT_PROVIDER",
    "ROLES",
    "Auth",
    "ErrorParts",
    "ErrorShape",
    "Outcome",
    "Provider",
    "TaskRole",
    "default_outcomes",
    "default_task",
    "get_path",
    "provider_problems",
    "read_outcomes",
    "read_provider",
    "read_task",
    "set_path",
    "task_endpoints",
    "with_provider",
]

JSONPath = list[str | int]

ROLES = ("authentication", "not_found", "quota", "malformed_request", "rate_limit", "server")
"""The parts an error kind can play for foxcontract itself (the fake, live probes, retries)."""

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ID_FIELDS = {"unix", "random"}


def get_path(value: Any, path: str) -> Any:
    """The value at dotted ``path`` in ``value`` (``None`` where it is not there)."""
    for step in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set dotted ``path`` in ``target``, making the objects on the way."""
    *parents, last = path.split(".")
    node = target
    for step in parents:
        child = node.get(step)
        if not isinstance(child, dict):
            child = node[step] = {}
        node = child
    node[last] = value


# --- the provider ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Auth:
    """How a request carries the key: ``Authorization: Bearer <key>`` (``bearer``) or the
    bare key in a header of its own (``header``, e.g. ``X-Api-Key``)."""

    scheme: Literal["bearer", "header"] = "bearer"
    header: str = "Authorization"
    key_env: str = "FOXAPI_API_KEY"
    key_pattern: str = r"(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9][A-Za-z0-9_-]{5,}"

    @property
    def header_name(self) -> str:
        """The header's name in lower case (as the fake and the redactor read headers)."""
        return self.header.lower()

    def value(self, key: str) -> str:
        """The header value that carries ``key``."""
        return f"Bearer {key}" if self.scheme == "bearer" else key

    def key_in(self, headers: Mapping[str, str]) -> str | None:
        """The key a request carried (``headers``' names in lower case), or ``None``."""
        raw = headers.get(self.header_name)
        if raw is None:
            return None
        if self.scheme == "header":
            return raw.strip()
        scheme, _, token = raw.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    def describe(self) -> str:
        """``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``, for messages."""
        return f"{self.header}: {self.value('<key>')}"


@dataclass(frozen=True)
class ErrorParts:
    """What an error answer says: its type, code and message (``None`` when absent)."""

    type: Any = None
    code: Any = None
    message: Any = None


@dataclass(frozen=True)
class ErrorShape:
    """Where an error answer's body carries its parts (dotted paths)."""

    type: str = "error.type"
    code: str | None = "error.code"
    message: str = "error.message"

    def _container(self, body: Any, path: str) -> Any:
        parent = path.rpartition(".")[0]
        return body if not parent else get_path(body, parent)

    def parts(self, body: Any) -> ErrorParts | None:
        """The parts of an error answer, or ``None`` when ``body`` holds no error object
        where the type should be."""
        if not isinstance(self._container(body, self.type), Mapping):
            return None
        return ErrorParts(
            get_path(body, self.type),
            get_path(body, self.code) if self.code else None,
            get_path(body, self.message),
        )

    def stamp(self, body: Any, type_: str | None, code: str | None) -> Any:
        """A copy of the error answer ``body`` with its type and code set (``None``: kept)."""
        import copy

        out = copy.deepcopy(body) if isinstance(body, dict) else {}
        if type_ is not None:
            set_path(out, self.type, type_)
        if code is not None and self.code:
            set_path(out, self.code, code)
        return out

    def build(self, type_: str, code: str | None, message: str) -> dict[str, Any]:
        """An error answer's body with these parts (``code`` left out when ``None``)."""
        body: dict[str, Any] = {}
        set_path(body, self.message, message)
        set_path(body, self.type, type_)
        if code is not None and self.code:
            set_path(body, self.code, code)
        return body


FOXAPI_ROLES: Mapping[str, str] = {
    "authentication": "authentication",
    "not_found": "not_found",
    "quota": "insufficient_quota",
    "malformed_request": "malformed_request",
    "rate_limit": "rate_limit",
    "server": "server",
}


@dataclass(frozen=True)
class Provider:
    """The provider an errors file belongs to (see the module docstring)."""

    name: str = "FoxAPI"
    base_url: str = "https://api.foxapi.cc"
    base_url_env: str = "FOXAPI_BASE_URL"
    auth: Auth = field(default_factory=Auth)
    error: ErrorShape = field(default_factory=ErrorShape)
    roles: Mapping[str, str] = field(default_factory=lambda: dict(FOXAPI_ROLES))
    provenance: Mapping[str, Provenance] = field(default_factory=dict, compare=False)

    def kind(self, role: str) -> str | None:
        """The name of the error kind playing ``role`` (``None``: none does)."""
        return self.roles.get(role)

    def provenance_of(self, fact: str) -> Provenance:
        return self.provenance.get(fact, UNSTATED)

    @property
    def title(self) -> str:
        """The title of the API in exports."""
        return f"{self.name} (from foxcontract contracts)"


DEFAULT_PROVIDER = Provider()
"""FoxAPI: the provider of a contract whose errors file has no ``provider:`` section."""

_PROVIDER_FACTS = ("name", "base_url", "base_url_env", "auth", "error", "roles")


def read_provider(errors: Source, reader: Any) -> tuple[Provider, list[Problem]]:
    """The errors file's ``provider:`` section (defaults for what it leaves out), and what is
    wrong with it, each problem at its ``file:line``. ``reader`` reads provenance entries
    (the contract's provenance reader for this file)."""
    data = errors.data.get("provider") or {}
    kinds = errors.data.get("errors") or {}
    problems: list[Problem] = []

    def problem(at: JSONPath, message: str) -> None:
        problems.append(Problem(errors.path, errors.line(["provider", *at]), message))

    base = DEFAULT_PROVIDER
    base_url = data.get("base_url", base.base_url)
    if "base_url" in data and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        problem(["base_url"], f"base_url {base_url!r} is not an http(s) URL with a host")
    base_url_env = data.get("base_url_env", base.base_url_env)
    if not _ENV_NAME.match(base_url_env):
        problem(
            ["base_url_env"], f"base_url_env {base_url_env!r} is not an environment variable name"
        )
    auth = _auth(data.get("auth") or {}, problem)
    error = ErrorShape(**(data.get("error") or {}))
    for part in ("type", "code", "message"):
        path = getattr(error, part)
        if path is not None and not all(path.split(".")):
            problem(["error", part], f"error {part}: {path!r} is not a dotted path (a.b.c)")
    roles: dict[str, str] = {}
    given_roles = data.get("roles") or {}
    for role in ROLES:
        if role in given_roles:
            name = given_roles[role]
            if name not in kinds:
                problem(
                    ["roles", role],
                    f"roles: {role} is played by unknown error kind {name!r}"
                    f"{did_you_mean(name, kinds)}; this file defines: {', '.join(kinds)}",
                )
            roles[role] = name
        elif FOXAPI_ROLES[role] in kinds:
            roles[role] = FOXAPI_ROLES[role]
    provenance = reader.mapping(
        data.get("provenance"), ["provider", "provenance"], _PROVIDER_FACTS, "provider"
    )
    problems += reader.problems
    provider = Provider(
        name=data.get("name", base.name),
        base_url=base_url.rstrip("/"),
        base_url_env=base_url_env,
        auth=auth,
        error=error,
        roles=roles,
        provenance=provenance,
    )
    return provider, problems


def _auth(data: Mapping[str, Any], problem: Any) -> Auth:
    base = Auth()
    scheme = data.get("scheme", base.scheme)
    header = data.get("header", base.header if scheme == "bearer" else "")
    if scheme == "header" and not header:
        problem(
            ["auth"],
            "auth: scheme header needs the header that carries the key (header: X-Api-Key)",
        )
    elif not _HEADER_NAME.match(header):
        problem(["auth", "header"], f"auth header {header!r} is not an HTTP header name")
    key_env = data.get("key_env", base.key_env)
    if not _ENV_NAME.match(key_env):
        problem(
            ["auth", "key_env"], f"auth key_env {key_env!r} is not an environment variable name"
        )
    pattern = data.get("key_pattern", base.key_pattern)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        problem(["auth", "key_pattern"], f"auth key_pattern is not a regular expression: {exc}")
    else:
        if compiled.search(""):
            problem(
                ["auth", "key_pattern"],
                "auth key_pattern matches the empty string: it would redact everything",
            )
    return Auth(scheme, header or base.header, key_env, pattern)


# --- an endpoint's part in a task's life ----------------------------------------------------
@dataclass(frozen=True)
class TaskRole:
    """What an endpoint does to a task. ``create``: its answer is a new task, whose id is at
    ``id``; the fake makes ids from ``id_format`` (``{unix}``: the time, ``{random:N}``: N
    random characters), sets the ``clock`` fields to the creation time and copies the
    ``echo`` fields from the request. ``poll``: the path parameter ``param`` takes the id."""

    role: Literal["create", "poll"]
    id: str = "id"
    param: str | None = None
    id_format: str = "task-unified-{unix}-{random:8}"
    clock: tuple[str, ...] = ("created",)
    echo: tuple[str, ...] = ("model",)
    provenance: Mapping[str, Provenance] = field(default_factory=dict, compare=False)

    def poll_path(self, url_path: str, task_id: str) -> str:
        """``url_path`` with the task's id in its parameter."""
        return url_path.replace("{" + str(self.param) + "}", task_id)


def _path_params(url_path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", url_path)


def default_task(data: Mapping[str, Any]) -> TaskRole | None:
    """The part of an endpoint without a ``task:`` section: the one with a request body
    creates tasks, the one with a lifecycle polls them by its only path parameter."""
    request = data["request"]
    if request.get("body") is not None:
        return TaskRole("create")
    params = _path_params(request["path"])
    if data.get("lifecycle") is not None and len(params) == 1:
        return TaskRole("poll", param=params[0])
    return None


def read_task(source: Source, reader: Any) -> tuple[TaskRole | None, list[Problem]]:
    """An endpoint's ``task:`` section (or its default), and what is wrong with it."""
    data = source.data
    given = data.get("task")
    if given is None:
        return default_task(data), []
    problems: list[Problem] = []

    def problem(at: JSONPath, message: str) -> None:
        problems.append(Problem(source.path, source.line(["task", *at]), message))

    role = given["role"]
    params = _path_params(data["request"]["path"])
    param = given.get("param")
    if role == "poll":
        if param is None:
            shown = ", ".join(params) or "none"
            problem(
                ["role"],
                "task: a poll endpoint needs param: the path parameter that takes the task id "
                f"(the path's: {shown})",
            )
        elif param not in params:
            problem(
                ["param"],
                f"task param {param!r} is not a parameter of the path {data['request']['path']}"
                f"{did_you_mean(param, params)}",
            )
        if data.get("lifecycle") is None:
            problem(["role"], "task: a poll endpoint needs a lifecycle: section (its states)")
    elif param is not None:
        problem(
            ["param"], "task param is for a poll endpoint; a create endpoint names its id (id: ...)"
        )
    id_format = given.get("id_format", TaskRole.id_format)
    for name in re.findall(r"\{(\w+)(?::\d+)?\}", id_format):
        if name not in _ID_FIELDS:
            problem(
                ["id_format"],
                f"id_format: unknown placeholder {{{name}}} (known: {{unix}}, {{random:N}})",
            )
    facts = [k for k in ("role", "id", "param", "id_format", "clock", "echo") if k in given]
    provenance = reader.mapping(given.get("provenance"), ["task", "provenance"], facts, "task")
    problems += reader.problems
    task = TaskRole(
        role,
        id=given.get("id", TaskRole.id),
        param=param,
        id_format=id_format,
        clock=tuple(given.get("clock", TaskRole.clock)),
        echo=tuple(given.get("echo", TaskRole.echo)),
        provenance=provenance,
    )
    return task, problems


def task_endpoints(contracts: Iterable[Contract]) -> tuple[Contract | None, Contract | None]:
    """The first endpoint that creates tasks and the first that polls them (by ``task.role``)."""
    create = poll = None
    for contract in contracts:
        role = contract.task.role if contract.task is not None else None
        if role == "create" and create is None:
            create = contract
        elif role == "poll" and poll is None:
            poll = contract
    return create, poll


# --- what a terminal state requires ---------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What the answer in terminal ``state`` must carry: a non-empty list at ``results``,
    each item with a non-empty string at ``url`` (a success); or an object at ``error``,
    whose ``code`` and ``message`` keys the fake fills from its task script (a failure)."""

    state: str
    results: str | None = None
    url: str = "url"
    error: str | None = None
    code: str = "code"
    message: str = "message"

    @property
    def succeeded(self) -> bool:
        return self.results is not None

    def problems(self, body: Mapping[str, Any], where: str) -> list[str]:
        """What the answer ``body`` in this state lacks (``where`` names it)."""
        a = "an" if self.state[:1] in "aeiou" else "a"
        if self.results is not None:
            results = get_path(body, self.results)
            if not isinstance(results, list) or not results:
                return [f"{where}: {a} {self.state} task has no {self.results}"]
            bad = [
                i
                for i, r in enumerate(results)
                if not (isinstance(r, Mapping) and isinstance(r.get(self.url), str) and r[self.url])
            ]
            if bad:
                url = "URL" if self.url == "url" else f"URL ({self.url})"
                return [f"{where}: {self.state} task {self.results} {bad} carry no {url}"]
        if self.error is not None and not isinstance(get_path(body, self.error), Mapping):
            return [f"{where}: {a} {self.state} task carries no {self.error} object"]
        return []


def default_outcomes(terminal: tuple[str, ...]) -> dict[str, Outcome]:
    """FoxAPI's: ``completed`` carries ``results`` with a ``url``, ``failed`` an ``error``."""
    known = {
        "completed": Outcome("completed", results="results"),
        "failed": Outcome("failed", error="error"),
    }
    return {s: known[s] for s in terminal if s in known}


def read_outcomes(source: Source, lifecycle: Lifecycle) -> tuple[dict[str, Outcome], list[Problem]]:
    """The lifecycle's ``outcomes:`` (FoxAPI's when absent), and what is wrong with them."""
    given = (source.data.get("lifecycle") or {}).get("outcomes")
    if given is None:
        return default_outcomes(lifecycle.terminal), []
    problems: list[Problem] = []
    out: dict[str, Outcome] = {}
    for state, spec in given.items():
        at = ["lifecycle", "outcomes", state]
        if state not in lifecycle.terminal:
            problems.append(
                Problem(
                    source.path,
                    source.line(at),
                    f"lifecycle outcome for {state!r}, which is not a terminal state"
                    f"{did_you_mean(state, lifecycle.terminal)} (terminal: "
                    f"{', '.join(lifecycle.terminal)})",
                )
            )
            continue
        if ("results" in spec) == ("error" in spec):
            problems.append(
                Problem(
                    source.path,
                    source.line(at),
                    f"lifecycle outcome {state!r}: give results: (a success with result URLs) "
                    "or error: (a failure with an error object), one of the two",
                )
            )
            continue
        out[state] = Outcome(state, **spec)
    return out, problems


# --- the loader's entry points ----------------------------------------------------------------
def provider_problems(errors: Source) -> list[Problem]:
    """What is wrong with an errors file's ``provider:`` section."""
    return read_provider(errors, _Reader(errors))[1]


def with_provider(contract: Contract, source: Source, errors: Source) -> Contract:
    """``contract`` with its provider, its task role and its lifecycle's outcomes read from
    ``source`` and its errors file; raises :class:`ContractError` naming each bad value.
    The provider's key (its variable and its pattern) is redacted from then on."""
    from dataclasses import replace

    from foxcontract.redact import remember_key

    provider, problems = read_provider(errors, _Reader(errors))
    task, task_problems = read_task(source, _Reader(source))
    problems += task_problems
    lifecycle = contract.lifecycle
    if lifecycle is not None:
        outcomes, outcome_problems = read_outcomes(source, lifecycle)
        problems += outcome_problems
        lifecycle = replace(lifecycle, outcomes=outcomes)
    if problems:
        raise ContractError(problems)
    pattern = provider.auth.key_pattern
    remember_key(provider.auth.key_env, None if pattern == Auth.key_pattern else pattern)
    return replace(contract, provider=provider, task=task, lifecycle=lifecycle)
