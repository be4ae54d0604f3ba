"""The provider side as contract data: who the provider is (this module), and each
endpoint's part in a task (:mod:`foxcontract.contract.task`).

Three places of the contract files hold it, and the loader reads all three through
:func:`with_provider`:

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from foxcontract.contract._paths import get_path, set_path
from foxcontract.contract._provenance import _Reader
from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.model import UNSTATED, Contract, Provenance
from foxcontract.contract.source import Source
from foxcontract.contract.task import read_accepted_ends, read_outcomes, read_task

__all__ = [
    "DEFAULT_PROVIDER",
    "ROLES",
    "Auth",
    "ErrorParts",
    "ErrorShape",
    "Provider",
    "provider_problems",
    "read_provider",
    "with_provider",
]

JSONPath = list[str | int]

ROLES = ("authentication", "not_found", "quota", "malformed_request", "rate_limit", "server")
"""The parts an error kind can play for foxcontract itself (the fake, live probes, retries)."""

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


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
    reader = _Reader(source)  # the endpoint's task and lifecycle sections: one file, one reader
    task = read_task(reader)
    lifecycle = contract.lifecycle
    if lifecycle is not None:
        outcomes = read_outcomes(reader, lifecycle)
        ends, ends_provenance = read_accepted_ends(reader, lifecycle)
        lifecycle = replace(
            lifecycle, outcomes=outcomes, accepted_ends=ends, accepted_provenance=ends_provenance
        )
    problems += reader.problems
    if problems:
        raise ContractError(problems)
    pattern = provider.auth.key_pattern
    remember_key(provider.auth.key_env, None if pattern == Auth.key_pattern else pattern)
    return replace(contract, provider=provider, task=task, lifecycle=lifecycle)
