"""Free probes: requests the contract says must be refused, so they cost nothing.

For every rule, every body that breaks that rule and only it: for a per-model rule, every
forbidden value for each value of its ``when``, each on bodies that differ in the other
fields the rules tie together (a limit kept at 16:9 may be broken at 9:16); then the near
misses (values valid elsewhere in the API family first, then wrong case, neighbours,
lenient-parser traps), and a required field sent under a name it goes by elsewhere in the
family (``image_urls`` for ``image_url``); then a missing key, a wrong key, malformed JSON, another
Content-Type, and every documented example of a refusal. Each carries the contract's answer.
:func:`cap_free_probes` keeps a run within ``--fox-max-free-probes``, taking each rule's
probes in turn so that every rule gets its first ones.

Each probe names the assumption it rests on (``rests_on``), if the fact it tests is not
documented: the rule's own stance (``rule <id>``; per value of its ``when`` for a per-model
rule), or, for ``null`` sent for a field whose documented type does not take it, the
null stance (:func:`null_stance`). :func:`in_send_order` sends the probes of documented
facts first: a provider is more likely to accept a probe of an assumption, and an accepted
probe costs a create.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from foxcontract._settings import DEFAULT_MAX_FREE_PROBES
from foxcontract.contract import fill_path
from foxcontract.contract.model import MISSING, Contract, ErrorKind, Field, Provenance, Rule
from foxcontract.live.targets import domain
from foxcontract.oracle import check
from foxcontract.strategies import near_misses, renamed_misses

__all__ = [
    "CONTEXTS_PER_VALUE",
    "DEFAULT_MAX_FREE_PROBES",
    "NULL_STANCE",
    "FreeProbe",
    "cap_free_probes",
    "free_probes",
    "in_send_order",
    "null_stance",
]

CONTEXTS_PER_VALUE = 4
"""A per-model rule's forbidden value is probed on at most this many bodies that differ in
the other fields the rules tie together."""

NULL_STANCE = "null for a field whose type does not take null"
"""The assumption a probe sending ``null`` for a non-nullable field rests on."""

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
    rests_on: str | None = None
    """The assumption of the contract this probe tests (``None``: a documented fact)."""

    @property
    def group(self) -> int:
        """When it is sent: 0, a documented fact; 1, a per-model assumption (a limit of the
        ``rules:`` section, ``rests_on`` ``rule <id> when <field>=<value>``); 2, a stance on
        a field (a null, a blank prompt, a required field the docs give a default)."""
        if self.rests_on is None:
            return 0
        return 1 if " when " in self.rests_on else 2

    @property
    def on_stance(self) -> bool:
        """A probe of a stance on a field: sent last, and only while the budget has room."""
        return self.group == 2

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
    """(label of the ``when`` values, body) per combination of the rule's ``when`` values:
    every forbidden value on the first base that takes it, then on up to
    :data:`CONTEXTS_PER_VALUE` bodies in all that vary one other enumerated field. The
    combinations take turns (each one's first body, then each one's second, ...), so a cap
    on a rule's probes still reaches every model the rule is about."""
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
    bad = _ends_first(bad)
    context = [
        g
        for g in contract.fields
        if g.enum is not None and not g.nullable and g.name not in rule.fields
    ]
    per_combo: list[list[tuple[str, JSON]]] = []
    for combo in itertools.product(*choices):
        mine: list[tuple[str, JSON]] = []
        per_combo.append(mine)
        label = "-".join(str(v) for n, v in combo if v is not None and len(rule.when[n].values) > 1)
        when = {n: v for n, v in combo if v is not None}
        if rule.then.op == "present":
            for base in bases:
                body = {k: v for k, v in {**base, **when}.items() if k != rule.field}
                if _only(contract, body, rule):
                    mine.append((label, body))
                    break
            continue
        per_value: list[list[dict[str, JSON]]] = []
        for value in bad:
            start = next(
                (
                    b
                    for b in ({**base, **when, rule.field: value} for base in bases)
                    if _only(contract, b, rule)
                ),
                None,
            )
            if start is None:
                continue
            found, seen = [start], {_context(start, context)}
            for g in context:
                for other in domain(contract, g):
                    body = {**start, g.name: other}
                    key = _context(body, context)
                    if (
                        len(found) < CONTEXTS_PER_VALUE
                        and key not in seen
                        and _only(contract, body, rule)
                    ):
                        found.append(body)
                        seen.add(key)
            per_value.append(found)
        # every forbidden value first, then each of them in the next context, and so on
        for depth in range(CONTEXTS_PER_VALUE):
            for found in per_value:
                if depth < len(found):
                    mine.append((label, found[depth]))
    for turn in range(max(map(len, per_combo), default=0)):
        for mine in per_combo:
            if turn < len(mine):
                yield mine[turn]


def _renamed(
    contract: Contract, rule: Rule, bases: Sequence[dict[str, JSON]]
) -> list[tuple[str, JSON]]:
    """For a rule that a field is required: a valid body with the field sent under another
    name it goes by in the API family instead (:func:`renamed_misses`). It breaks the rule,
    and maybe the stance on a field this mode does not take, which asks for the same
    refusal; nothing else."""
    present = rule.then is not None and rule.then.op == "present"
    if not present and rule.keyword != "required":
        return []
    base = next(
        (
            b
            for b in bases
            if rule.field in b
            and _only(contract, {k: v for k, v in b.items() if k != rule.field}, rule)
        ),
        None,
    )
    if base is None:
        return []
    out = []
    for name, body in renamed_misses(contract, rule.field, base):
        found = check(body, contract)
        if rule.id in {v.rule for v in found} and all(
            v.rule == rule.id or v.field == name for v in found
        ):
            out.append((f"as-{name}", body))
    return out


def _ends_first(values: list[JSON]) -> list[JSON]:
    """A range's two ends before its middle (``1..6``: 1, 6, 2, 3, 4, 5): a limit kept at one
    end and broken at the other shows within a rule's first probes."""
    if len(values) < 3 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return values
    low, high = min(values), max(values)
    return [low, high, *(v for v in values if v not in (low, high))]


def _context(body: dict[str, JSON], context: Sequence[Field]) -> tuple[JSON, ...]:
    """The values (defaults applied) ``body`` gives the fields of ``context``."""
    return tuple(
        _k(body.get(g.name, g.default))
        if g.name in body or g.default is not MISSING
        else ("absent", None)
        for g in context
    )


def null_stance(contract: Contract, rule_id: str, body: JSON) -> Provenance | None:
    """The assumption a body rests on when it breaks rule ``rule_id`` only by sending
    ``null`` for a field whose documented type does not take null (the docs type the field,
    they do not say whether a null is refused or read as the default): ``None`` otherwise."""
    rule = contract.rule(rule_id)
    if rule.keyword != "type" or rule.field == "body" or not isinstance(body, dict):
        return None
    if rule.field not in body or body[rule.field] is not None:
        return None
    f = contract.field(rule.field)
    if f.nullable or rule.provenance.documented is False:
        return None
    null = contract.settings.provenance_of("null_means_absent")
    types = " or ".join(f.types)
    reason = (
        f"the docs type {f.name} as {types} without saying whether null is refused or read "
        f"as the default; the contract refuses it (as the null stance: {null.reason or null.quote})"
    )
    return Provenance(False, reason, line=rule.provenance.line or f.line)


def _rests_on(contract: Contract, rule: Rule, body: JSON) -> str | None:
    """The assumption a probe of ``rule`` with ``body`` tests (``None``: a documented fact)."""
    if null_stance(contract, rule.id, body) is not None:
        return NULL_STANCE
    if rule.provenance.documented:
        return None
    if not rule.is_cross or not isinstance(body, dict):
        return f"rule {rule.id}"
    when = ", ".join(f"{n}={body.get(n, contract.field(n).default)}" for n in rule.when)
    return f"rule {rule.id} when {when}"


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
        # a field sent under another name goes before the same probe on the other models
        bodies[1:1] = _renamed(contract, rule, bases)
        limit = None if per_rule is None else len(bodies) + per_rule
        for case in near_misses(contract, rule.id):
            if limit is not None and len(bodies) >= limit:
                break
            if _only(contract, case.body, rule) and all(case.body != b for _, b in bodies):
                bodies.append(("", case.body))
        seen: dict[str, int] = {}
        for i, (label, body) in enumerate(bodies, 1):
            seen[label] = seen.get(label, 0) + 1
            shown = (f"{label}-{seen[label]}" if seen[label] > 1 else label) if label else str(i)
            add(
                f"rule-{rule.id}[{shown}]",
                kind="rule",
                rule=rule.id,
                expect=expect,
                body=body,
                doc=rule.doc,
                rests_on=_rests_on(contract, rule, body),
            )
    auth = contract.error_kind("authentication") or _kind(contract, 401, "authentication")
    if auth is not None and contract.keyed:
        body = base if contract.has_body else None
        add("auth-missing-key", kind="auth", rule=None, expect=auth, body=body, auth="none")
        add("auth-wrong-key", kind="auth", rule=None, expect=auth, body=body, auth="wrong")
        refused = next(
            (
                p.body
                for p in out
                if p.kind == "rule" and p.rests_on is None and isinstance(p.body, dict)
            ),
            None,
        )
        if contract.has_body and refused is not None:
            add(
                "auth-before-validation",
                kind="auth",
                rule=None,
                expect=auth,
                body=refused,
                auth="none",
                doc="a body the contract refuses, sent without a key: the key is checked first",
            )
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
    return fill_path(template, dict(params))


def _example_path(contract: Contract) -> str:
    for ex in contract.examples:
        if ex.params:
            return _fill(contract.url_path, ex.params)
    return contract.url_path


def _with_path(probe: FreeProbe, path: str) -> FreeProbe:
    from dataclasses import replace

    return replace(probe, path=path)


def in_send_order(probes: Sequence[FreeProbe]) -> tuple[FreeProbe, ...]:
    """``probes`` in the order to send them (:attr:`FreeProbe.group`, each group in its
    own order): documented facts first, then the contract's per-model assumptions, then
    its stances on fields. A provider accepts a probe of an assumption more often than one
    of a documented fact, and every accepted probe costs a create."""
    return tuple(sorted(probes, key=lambda p: p.group))


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
