"""Free probes: requests the contract says must be refused, so they cost nothing.

For every rule, every body that breaks that rule and only it: one per value of a per-model
rule's ``when``, then the near misses (values valid elsewhere in the API family first, then
wrong case, neighbours, lenient-parser traps); then a missing key, a wrong key, malformed
JSON, another Content-Type, and every documented example of a refusal. Each carries the
contract's answer. :func:`cap_free_probes` keeps a run within ``--fox-max-free-probes``,
taking each rule's probes in turn so that every rule gets its first ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from foxcontract._settings import DEFAULT_MAX_FREE_PROBES
from foxcontract.contract.model import Contract, ErrorKind, Rule
from foxcontract.live.covering import domain
from foxcontract.oracle import check
from foxcontract.strategies import near_misses

__all__ = ["DEFAULT_MAX_FREE_PROBES", "FreeProbe", "cap_free_probes", "free_probes"]

JSON = Any
Auth = Literal["key", "none", "wrong"]


@dataclass(frozen=True)
class FreeProbe:
    """One request expected to be refused with ``expect``."""

    name: str
    contract: str
    kind: Literal["rule", "auth", "malformed", "example"]
    rule: str | None
    method: str
    path: str
    expect: ErrorKind
    body: JSON = None
    raw: bytes | None = None
    content_type: str = "application/json"
    auth: Auth = "key"
    doc: str = ""

    def describe(self) -> str:
        e = self.expect
        bits = [str(e.status)] + [
            f"{k} {v!r}" for k, v in (("type", e.type), ("code", e.code)) if v
        ]
        return f"{self.method} {self.path}: expect {' '.join(bits)} ({e.name})"


def _only(contract: Contract, body: JSON, rule: Rule) -> bool:
    found = check(body, contract)
    return len(found) == 1 and found[0].rule == rule.id


def _cross_rule_bodies(
    contract: Contract, rule: Rule, bases: Sequence[dict[str, JSON]]
) -> Iterator[tuple[str, JSON]]:
    """(label, body) per combination of the rule's ``when`` values."""
    assert rule.then is not None
    choices: list[list[tuple[str, JSON]]] = []
    for name, cond in rule.when.items():
        if cond.op in ("eq", "in"):
            choices.append([(name, v) for v in cond.values])
        else:
            choices.append([(name, None)])
    f = contract.field(rule.field)
    if rule.then.op == "absent":
        bad = [v for v in domain(contract, f) if v is not None]
    elif rule.then.op == "present":
        bad = []
    else:
        inside = rule.then.keys
        bad = [v for v in domain(contract, f) if (rule.then.op == "in") != (_k(v) in inside)]
    for combo in itertools.product(*choices):
        label = "-".join(str(v) for n, v in combo if v is not None and len(rule.when[n].values) > 1)
        for base in bases:
            when = {n: v for n, v in combo if v is not None}
            if rule.then.op == "present":
                candidates = [{k: v for k, v in {**base, **when}.items() if k != rule.field}]
            else:
                candidates = [{**base, **when, rule.field: v} for v in bad]
            found = [b for b in candidates if _only(contract, b, rule)]
            if found:
                yield label, found[0]
                break


def _k(value: JSON) -> tuple[str, JSON]:
    from foxcontract.contract.model import json_key

    return json_key(value)


def _kind(contract: Contract, status: int, preferred: str) -> ErrorKind | None:
    if preferred in contract.error_kinds:
        return contract.error_kinds[preferred]
    listed = [contract.error_kinds[n] for n in contract.errors if n in contract.error_kinds]
    return next((k for k in listed if k.status == status), None)


def free_probes(
    contract: Contract, bases: Sequence[dict[str, JSON]], per_rule: int | None = None
) -> list[FreeProbe]:
    """Every free probe of ``contract``; ``bases`` are valid bodies to start from.
    ``per_rule``: at most that many near misses per rule (``None``: all of them)."""
    out: list[FreeProbe] = []
    path = _example_path(contract)
    base = bases[0] if bases else {}

    def add(name: str, **kw: Any) -> None:
        out.append(
            FreeProbe(name=name, contract=contract.name, method=contract.method, path=path, **kw)
        )

    for rule in contract.rules if contract.has_body else ():
        expect = contract.error_for(rule.id)
        bodies: list[tuple[str, JSON]] = []
        if rule.is_cross:
            bodies += _cross_rule_bodies(contract, rule, bases)
        limit = None if per_rule is None else len(bodies) + per_rule
        for case in near_misses(contract, rule.id):
            if limit is not None and len(bodies) >= limit:
                break
            if _only(contract, case.body, rule) and all(case.body != b for _, b in bodies):
                bodies.append(("", case.body))
        for i, (label, body) in enumerate(bodies, 1):
            add(
                f"rule-{rule.id}[{label or i}]",
                kind="rule",
                rule=rule.id,
                expect=expect,
                body=body,
                doc=rule.doc,
            )
    auth = contract.error_kind("authentication") or _kind(contract, 401, "authentication")
    if auth is not None and contract.keyed:
        body = base if contract.has_body else None
        add("auth-missing-key", kind="auth", rule=None, expect=auth, body=body, auth="none")
        add("auth-wrong-key", kind="auth", rule=None, expect=auth, body=body, auth="wrong")
    malformed = contract.error_kinds.get(contract.settings.malformed_request)
    if contract.has_body and malformed is not None:
        add(
            "malformed-json",
            kind="malformed",
            rule=None,
            expect=malformed,
            raw=b'{"model": "veo", "prompt": ',
        )
        if contract.content_type:
            import json

            add(
                "malformed-content-type",
                kind="malformed",
                rule=None,
                expect=malformed,
                raw=json.dumps(base).encode(),
                content_type="text/plain",
            )
    for ex in contract.examples:
        if ex.status < 400 or not isinstance(ex.response_body, dict):
            continue
        err = contract.provider.error.parts(ex.response_body)
        kind = next(
            (
                k
                for k in contract.error_kinds.values()
                if k.status == ex.status
                and (k.type is None or (err is not None and k.type == err.type))
            ),
            None,
        )
        if kind is not None:
            add(
                f"example-{ex.name}",
                kind="example",
                rule=None,
                expect=kind,
                body=ex.body,
                doc=ex.doc,
            )
            if ex.params:
                out[-1] = _with_path(out[-1], _fill(contract.url_path, ex.params))
    return out


def _fill(template: str, params: dict[str, Any] | Any) -> str:
    out = template
    for k, v in dict(params).items():
        out = out.replace("{" + k + "}", str(v))
    return out


def _example_path(contract: Contract) -> str:
    for ex in contract.examples:
        if ex.params:
            return _fill(contract.url_path, ex.params)
    return contract.url_path


def _with_path(probe: FreeProbe, path: str) -> FreeProbe:
    from dataclasses import replace

    return replace(probe, path=path)


def cap_free_probes(probes: Sequence[FreeProbe], limit: int) -> tuple[tuple[FreeProbe, ...], int]:
    """At most ``limit`` of ``probes``, in their order, and how many were left out. Each
    rule (and each other probe) gets its first probe before any gets a second, and so on."""
    if len(probes) <= limit:
        return tuple(probes), 0
    groups: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(probes):
        groups.setdefault((p.contract, p.rule or p.name), []).append(i)
    chosen: set[int] = set()
    depth = 0
    while len(chosen) < limit:
        for members in groups.values():
            if depth < len(members) and len(chosen) < limit:
                chosen.add(members[depth])
        depth += 1
    kept = tuple(p for i, p in enumerate(probes) if i in chosen)
    return kept, len(probes) - len(kept)
