"""The verdict: what the contract expected for a request, against what the provider answered.

Shared by replay (recorded interactions) and live mode. ``judge(contract, status, body,
request_body=...)`` re-runs the oracle on the exact body sent, then compares:

- a body that breaks a rule must get that rule's error kind (status, and type and code where
  the contract names them); an allowed body must get a 2xx;
- the response must satisfy the contract: ``responses[status].schema``, or the errors
  contract's body for an error status listed in the endpoint's ``errors``;
- when the answer's headers are known, its Content-Type must be the one the contract
  declares (``responses[status].content_type``, or the errors file's ``content_type``), and
  every header of ``responses[status].headers`` must be there and match its schema.

Each problem names the fact of the contract it contradicts (:class:`Fact`), with that
fact's provenance: live mode tells a documented fact broken from an assumption disproved.

An answer that does not judge the body (401, 402, 404, 429, 5xx: error kinds no rule or
setting names) is *inconclusive* for the rules, but its body is still checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from weakref import WeakKeyDictionary

from jsonschema import Draft202012Validator

from foxcontract.contract import schema_fact
from foxcontract.contract.model import UNSTATED, Contract, ErrorKind, Provenance
from foxcontract.contract.schemas import validator_of
from foxcontract.oracle import Violation, check

__all__ = [
    "NO_BODY",
    "Disagreement",
    "Expected",
    "Fact",
    "Verdict",
    "expect",
    "header_problems",
    "judge",
    "media_type",
    "response_problems",
]

NO_BODY: Any = object()
"""``request_body`` for a request without one (a GET): the rules are not judged."""


FactPart = Literal["rule", "answer", "response", "header", "error", "setting"]


@dataclass(frozen=True)
class Fact:
    """The fact of a contract an answer contradicts, and where that fact comes from.

    ``part``: ``rule`` (a body breaking ``rule`` was accepted), ``answer`` (it was refused
    with another answer than the rule's ``expect``), ``response`` (the response schema at
    ``key``), ``header`` (the header ``key``), ``error`` (the error kind ``key``) or
    ``setting`` (the setting ``key``)."""

    part: FactPart
    provenance: Provenance
    rule: str | None = None
    key: str = ""
    status: str = ""

    @property
    def documented(self) -> bool:
        return self.provenance.documented


@dataclass(frozen=True)
class Disagreement:
    """One way the answer differs from the contract. ``check``: ``status``, ``error`` (the
    error's type or code), ``schema``, ``header`` or ``lifecycle``. ``fact``: the fact it
    contradicts (``None``: no single fact, e.g. an allowed body refused)."""

    check: str
    message: str
    fact: Fact | None = None

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
        return f"{self.kind.describe()} for rule {rule.rule} ({rule.field})"


@dataclass(frozen=True)
class Verdict:
    expected: Expected
    status: int
    problems: tuple[Disagreement, ...]
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


def judge(
    contract: Contract,
    status: int,
    body: Any,
    request_body: Any = NO_BODY,
    headers: Mapping[str, str] | None = None,
) -> Verdict:
    """Compare an answer (``status``, JSON ``body``, and ``headers`` when known) with what
    ``contract`` expects for ``request_body``; every difference is a :class:`Disagreement`."""
    expected = expect(contract, request_body)
    shape = contract.provider.error
    problems = response_problems(contract, status, body)
    if headers is not None:
        problems += header_problems(contract, status, headers)
    inconclusive: str | None = None
    listed = {contract.error_kinds[n].status: n for n in contract.errors}
    if expected.judged and not 200 <= status < 300:
        name = listed.get(status)
        matching = [k for k in expected.kinds if k.matches(status, shape.parts(body))]
        if name is not None and name not in _body_kinds(contract) and not matching:
            inconclusive = f"{status} {name}: the provider answered without judging the body"
    if not expected.judged or inconclusive:
        return Verdict(expected, status, tuple(problems), inconclusive)
    if expected.kind is None:
        if not 200 <= status < 300:
            problems.insert(
                0, Disagreement("status", f"an allowed body was rejected with {status}")
            )
    elif 200 <= status < 300:
        rule = expected.violations[0]
        fact = Fact("rule", contract.rule(rule.rule).provenance, rule=rule.rule)
        message = f"a body breaking rule {rule.rule} was accepted with {status}"
        problems.insert(0, Disagreement("status", message, fact))
    elif not any(k.matches(status, shape.parts(body)) for k in expected.kinds):
        wanted = " or ".join(k.describe() for k in expected.kinds)
        parts = shape.parts(body)
        got = f"{status} type {parts.type} code {parts.code}" if parts is not None else str(status)
        check_name = "status" if all(k.status != status for k in expected.kinds) else "error"
        broken = expected.violations[0].rule
        fact = Fact("answer", contract.rule(broken).answer, rule=broken)
        problems.insert(0, Disagreement(check_name, f"expected {wanted}, got {got}", fact))
    return Verdict(expected, status, tuple(problems), None)


_validators: WeakKeyDictionary[Contract, dict[str, Draft202012Validator]] = WeakKeyDictionary()


def _validator(contract: Contract, key: str, schema: Mapping[str, Any]) -> Draft202012Validator:
    per = _validators.setdefault(contract, {})
    found = per.get(key)
    if found is None:
        found = per[key] = validator_of(schema)
    return found


def response_problems(contract: Contract, status: int, body: Any) -> list[Disagreement]:
    """How a response breaks ``contract``'s response side (schema, listed statuses)."""
    spec = contract.responses.get(str(status))
    facts: Mapping[str, Provenance]
    if spec is not None:
        validator = _validator(contract, str(status), spec.schema)
        where = f"responses.{status}.schema"
        facts = spec.provenance
    else:
        facts = contract.error_provenance
        kinds = [contract.error_kinds[n] for n in contract.errors]
        of_status = [k for k in kinds if k.status == status]
        if not of_status:
            known = sorted({*map(int, contract.responses), *(k.status for k in kinds)})
            return [Disagreement("status", f"{status} is not an answer the contract lists {known}")]
        validator = _validator(contract, "error", contract.error_schema)
        where = "the errors contract's schema"
        typed = [k.type for k in of_status if k.type is not None]
        error = contract.provider.error.parts(body)
        if typed and len(typed) == len(of_status) and error is not None and error.type not in typed:
            kind = of_status[0]
            return [
                *_schema_problems(validator, body, where, facts, str(status)),
                Disagreement(
                    "error",
                    f"error type {error.type!r} for {status}, expected "
                    + " or ".join(repr(t) for t in typed),
                    Fact("error", kind.provenance, key=kind.name, status=str(status)),
                ),
            ]
    return _schema_problems(validator, body, where, facts, str(status))


def _schema_problems(
    validator: Draft202012Validator,
    body: Any,
    where: str,
    facts: Mapping[str, Provenance],
    status: str,
) -> list[Disagreement]:
    out = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.path))):
        path = ".".join(str(p) for p in error.absolute_path) or "(the body)"
        key = schema_fact(facts, error.absolute_schema_path)
        fact = Fact("response", facts.get(key, UNSTATED), key=key, status=status)
        out.append(Disagreement("schema", f"{path}: {error.message} (against {where})", fact))
    return out


def media_type(value: str) -> str:
    """The media type of a Content-Type value, lower case, parameters dropped."""
    return value.split(";", 1)[0].strip().lower()


def header_problems(
    contract: Contract, status: int, headers: Mapping[str, str]
) -> list[Disagreement]:
    """How an answer's headers break what ``contract`` declares for ``status``: the
    Content-Type (``responses.<status>.content_type``, or the errors file's for an error
    status) and each required header of ``responses.<status>.headers``."""
    got = {k.lower(): v for k, v in headers.items()}
    spec = contract.responses.get(str(status))
    out: list[Disagreement] = []
    if spec is not None:
        wanted, where = spec.content_type, f"responses.{status}.content_type"
        provenance = spec.provenance_of("content_type")
    else:
        wanted, where = contract.error_content_type, "the errors file's content_type"
        provenance = contract.error_provenance.get("content_type", UNSTATED)
    if wanted is not None:
        value = got.get("content-type")
        if value is None or media_type(value) != media_type(wanted):
            shown = "no Content-Type header" if value is None else repr(value)
            fact = Fact("header", provenance, key="content-type", status=str(status))
            message = f"Content-Type: expected {wanted} ({where}), got {shown}"
            out.append(Disagreement("header", message, fact))
    for name, schema in (spec.headers if spec is not None else {}).items():
        fact = Fact("header", spec.provenance_of("headers") if spec else UNSTATED, key=name)
        value = got.get(name)
        if value is None:
            message = f"{name}: required by responses.{status}.headers, missing"
            out.append(Disagreement("header", message, fact))
            continue
        validator = _validator(contract, f"header {status} {name}", schema)
        for error in validator.iter_errors(value):
            message = f"{name}: {value!r}: {error.message} (responses.{status}.headers)"
            out.append(Disagreement("header", message, fact))
    return out
