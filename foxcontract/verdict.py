"""The verdict: what the contract expected for a request, against what the provider answered.

Shared by replay (recorded interactions) and live mode. ``judge(contract, status, body,
request_body=...)`` re-runs the oracle on the exact body sent, then compares:

- a body that breaks a rule must get that rule's error kind (status, and type and code where
  the contract names them); an allowed body must get a 2xx;
- the response must satisfy the contract: ``responses[status].schema``, or the errors
  contract's body for an error status listed in the endpoint's ``errors``.

An answer that does not judge the body (401, 402, 404, 429, 5xx: error kinds no rule or
setting names) is *inconclusive* for the rules, but its body is still checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from jsonschema import Draft202012Validator

from foxcontract.contract.model import Contract, ErrorKind
from foxcontract.contract.schemas import validator_of
from foxcontract.oracle import Violation, check

__all__ = ["NO_BODY", "Expected", "Problem", "Verdict", "expect", "judge", "response_problems"]

NO_BODY: Any = object()
"""``request_body`` for a request without one (a GET): the rules are not judged."""


@dataclass(frozen=True)
class Problem:
    """One way the answer differs from the contract. ``check``: ``status``, ``error`` (the
    error's type or code), ``schema`` or ``lifecycle``."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


@dataclass(frozen=True)
class Expected:
    """What the contract expects for a body: accepted (``kind`` None) or an error kind.
    ``kinds`` are all the acceptable kinds: one per broken rule."""

    violations: tuple[Violation, ...]
    kind: ErrorKind | None
    kinds: tuple[ErrorKind, ...]
    judged: bool = True

    def describe(self) -> str:
        if not self.judged:
            return "any answer the contract lists (no body to judge)"
        if self.kind is None:
            return "2xx: the body breaks no rule"
        rule = self.violations[0]
        return f"{_describe_kind(self.kind)} for rule {rule.rule} ({rule.field})"


@dataclass(frozen=True)
class Verdict:
    expected: Expected
    status: int
    problems: tuple[Problem, ...]
    inconclusive: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def outcome(self) -> str:
        """``accepted``, ``rejected`` or ``inconclusive``: what the provider did with the body."""
        if self.inconclusive:
            return "inconclusive"
        return "accepted" if 200 <= self.status < 300 else "rejected"

    def explain(self) -> str:
        lines = [f"expected: {self.expected.describe()}", f"actual:   {self.status}"]
        lines += [f"  - {v}" for v in self.expected.violations]
        if self.inconclusive:
            lines.append(f"inconclusive: {self.inconclusive}")
        lines += [f"problem: {p}" for p in self.problems]
        return "\n".join(lines)


def _describe_kind(kind: ErrorKind) -> str:
    parts = [str(kind.status), kind.name]
    if kind.type:
        parts.append(f"type {kind.type}")
    if kind.code:
        parts.append(f"code {kind.code}")
    return " ".join(parts)


def expect(contract: Contract, body: Any = NO_BODY) -> Expected:
    """The contract's expectation for a request ``body`` (the oracle, run on it now)."""
    if body is NO_BODY or not contract.has_body:
        return Expected((), None, (), judged=False)
    violations = tuple(check(body, contract))
    kinds: list[ErrorKind] = []
    for v in violations:
        kind = contract.error_kinds[contract.rule(v.rule).expect]
        if kind not in kinds:
            kinds.append(kind)
    return Expected(violations, kinds[0] if kinds else None, tuple(kinds))


def _body_kinds(contract: Contract) -> set[str]:
    """The error kinds that judge a body: named by a rule or a setting."""
    names = {r.expect for r in contract.rules}
    names |= {contract.settings.field_violation, contract.settings.malformed_request}
    return names


def _error_matches(kind: ErrorKind, status: int, body: Any) -> bool:
    if status != kind.status:
        return False
    error = body.get("error") if isinstance(body, Mapping) else None
    error = error if isinstance(error, Mapping) else {}
    if kind.type is not None and error.get("type") != kind.type:
        return False
    return kind.code is None or error.get("code") == kind.code


def judge(contract: Contract, status: int, body: Any, request_body: Any = NO_BODY) -> Verdict:
    """Compare an answer (``status``, JSON ``body``) with what ``contract`` expects for
    ``request_body``; every difference is a :class:`Problem`."""
    expected = expect(contract, request_body)
    problems = response_problems(contract, status, body)
    inconclusive: str | None = None
    listed = {contract.error_kinds[n].status: n for n in contract.errors}
    if expected.judged and not 200 <= status < 300:
        name = listed.get(status)
        matching = [k for k in expected.kinds if _error_matches(k, status, body)]
        if name is not None and name not in _body_kinds(contract) and not matching:
            inconclusive = f"{status} {name}: the provider answered without judging the body"
    if not expected.judged or inconclusive:
        return Verdict(expected, status, tuple(problems), inconclusive)
    if expected.kind is None:
        if not 200 <= status < 300:
            problems.insert(0, Problem("status", f"an allowed body was rejected with {status}"))
    elif 200 <= status < 300:
        rule = expected.violations[0]
        problems.insert(
            0, Problem("status", f"a body breaking rule {rule.rule} was accepted with {status}")
        )
    elif not any(_error_matches(k, status, body) for k in expected.kinds):
        wanted = " or ".join(_describe_kind(k) for k in expected.kinds)
        error = body.get("error") if isinstance(body, Mapping) else None
        got = (
            f"{status} type {error.get('type')} code {error.get('code')}"
            if isinstance(error, Mapping)
            else str(status)
        )
        check_name = "status" if all(k.status != status for k in expected.kinds) else "error"
        problems.insert(0, Problem(check_name, f"expected {wanted}, got {got}"))
    return Verdict(expected, status, tuple(problems), None)


_validators: WeakKeyDictionary[Contract, dict[str, Draft202012Validator]] = WeakKeyDictionary()


def _validator(contract: Contract, key: str, schema: Mapping[str, Any]) -> Draft202012Validator:
    per = _validators.setdefault(contract, {})
    found = per.get(key)
    if found is None:
        found = per[key] = validator_of(schema)
    return found


def response_problems(contract: Contract, status: int, body: Any) -> list[Problem]:
    """How a response breaks ``contract``'s response side (schema, listed statuses)."""
    spec = contract.responses.get(str(status))
    if spec is not None:
        validator = _validator(contract, str(status), spec.schema)
        where = f"responses.{status}.schema"
    else:
        kinds = [contract.error_kinds[n] for n in contract.errors]
        of_status = [k for k in kinds if k.status == status]
        if not of_status:
            known = sorted({*map(int, contract.responses), *(k.status for k in kinds)})
            return [Problem("status", f"{status} is not an answer the contract lists {known}")]
        validator = _validator(contract, "error", contract.error_schema)
        where = "the errors contract's schema"
        typed = [k.type for k in of_status if k.type is not None]
        error = body.get("error") if isinstance(body, Mapping) else None
        if (
            typed
            and len(typed) == len(of_status)
            and isinstance(error, Mapping)
            and error.get("type") not in typed
        ):
            return [
                *_schema_problems(validator, body, where),
                Problem(
                    "error",
                    f"error type {error.get('type')!r} for {status}, expected "
                    + " or ".join(repr(t) for t in typed),
                ),
            ]
    return _schema_problems(validator, body, where)


def _schema_problems(validator: Draft202012Validator, body: Any, where: str) -> list[Problem]:
    out = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.path))):
        path = ".".join(str(p) for p in error.absolute_path) or "(the body)"
        out.append(Problem("schema", f"{path}: {error.message} (against {where})"))
    return out
