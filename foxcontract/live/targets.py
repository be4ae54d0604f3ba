"""What a paid create should send: the targets of the covering set
(:mod:`foxcontract.live.covering`).

Every allowed value of every field, then every pair of values of fields that share a
per-model rule, then three-way combinations of fields the rules tie together, in that
priority order. Everything is derived from the contract: each field's domain comes from its
schema (enum, boolean, a small integer range, ``null`` when nullable, else one
representative value taken from the contract's examples or defaults), the pairs and triples
from the fields the ``rules:`` section ties together. Pairs and triples count a field left
out as its default.

Triples, most important first: the fields of one rule that reads three (``model x
resolution x duration``), then each pair of enumerated fields a rule ties together crossed
with another enumerated field that is neither nullable nor named by a rule about presence
(``model x resolution x aspect_ratio``); among them, those of values sent on purpose first.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import MISSING, Contract, Field, Rule, json_key
from foxcontract.fieldcheck import describe_value
from foxcontract.live._classes import ValueClass, value_classes
from foxcontract.oracle import check

__all__ = [
    "ABSENT",
    "SENT",
    "Target",
    "classes",
    "domain",
    "domains",
    "field_order",
    "representative",
    "targets",
]

JSON = Any
ABSENT: Any = MISSING
"""A field left out of the body."""


class _Sent:
    def __repr__(self) -> str:
        return "SENT"


SENT: Any = _Sent()
"""A field sent with any value but null (what a rule about presence asks of a pair)."""

_SMALL_RANGE = 12


_WEIGHTS = (1_000_000, 1_000, 1)
"""What a body gains by meeting a single value, a pair, a triple: each kind outweighs every
target of the kinds after it."""


@dataclass(frozen=True)
class Target:
    """Values a paid create should send together: one field (priority 0), a pair (1) or a
    triple (2). A value of :data:`ABSENT` is met by a body that leaves the field out.
    ``defaults`` (pairs and triples) lets a field left out count as its default value: a
    combination is about what the provider generates, whether a value was sent or implied
    (a single value is sent explicitly, so every allowed value is sent at least once)."""

    assignments: tuple[tuple[str, JSON], ...]
    defaults: tuple[tuple[str, JSON], ...] = ()
    tier: int | None = None
    """How early the target is planned: by its kind (``None``) unless told. The pairs of a
    rule about presence are planned as sent or left out (tier 1), and value by value with
    the triples (tier 2)."""

    def __hash__(self) -> int:  # a value may be an array: hashed as JSON
        return hash(tuple((n, json_key(v)) for n, v in self.assignments))

    @property
    def priority(self) -> int:
        return len(self.assignments) - 1

    @property
    def level(self) -> int:
        """How early it is planned: its ``tier`` when told, else its kind."""
        return self.priority if self.tier is None else self.tier

    @property
    def weight(self) -> int:
        """What meeting the target is worth: by its level; from level 2 on also by how many
        of its values are not the default (:attr:`rarity`)."""
        base = _WEIGHTS[min(self.level, len(_WEIGHTS) - 1)]
        return base * (1 + self.rarity) if self.level >= 2 else base

    @property
    def rarity(self) -> int:
        """How many of the values are not what a field left out means: a combination of
        defaults is what most requests send (and what a provider's own examples show), one
        of values sent on purpose is the rarer and so the likelier untested."""
        implied = {n: json_key(v) for n, v in self.defaults}
        return sum(
            1
            for n, v in self.assignments
            if v is not ABSENT and (n not in implied or implied[n] != json_key(v))
        )

    def met_by(self, body: Mapping[str, JSON]) -> bool:
        implied = dict(self.defaults)
        for name, value in self.assignments:
            if value is SENT:
                if body.get(name) is None:
                    return False
                continue
            if value is ABSENT:
                if name in body:
                    return False
                continue
            sent = body[name] if name in body else implied.get(name, ABSENT)
            if sent is ABSENT or json_key(sent) != json_key(value):
                return False
        return True

    def agrees(self, assigned: Mapping[str, JSON]) -> bool:
        """Whether a body being built may still meet the target: each field it names that
        ``assigned`` has set (:data:`ABSENT` when left out) has the target's value."""
        implied = dict(self.defaults)
        for name, value in self.assignments:
            if name not in assigned:
                continue
            sent = assigned[name]
            if value is SENT:
                if sent is ABSENT or sent is None:
                    return False
                continue
            if value is ABSENT:
                if sent is not ABSENT:
                    return False
                continue
            if sent is ABSENT:
                sent = implied.get(name, ABSENT)
            if sent is ABSENT or json_key(sent) != json_key(value):
                return False
        return True

    def describe(self) -> str:
        return " x ".join(f"{n}={_show(v)}" for n, v in self.assignments)


def _show(value: JSON) -> str:
    if value is ABSENT:
        return "(left out)"
    if value is SENT:
        return "(sent)"
    if isinstance(value, str):
        return value if len(value) <= 40 else f"{value[:24]!r}... ({len(value)} characters)"
    return describe_value(value)


def representative(contract: Contract, f: Field) -> JSON:
    """One valid value of a free field: from the examples, else the default, else by type."""
    candidates: list[JSON] = [
        e.body[f.name]
        for e in contract.examples
        if isinstance(e.body, dict) and f.name in e.body and e.body[f.name] is not None
    ]
    candidates += list(f.schema.get("examples", []))
    if f.default is not MISSING:
        candidates.append(f.default)
    if "integer" in f.types or "number" in f.types:
        candidates.append(f.schema.get("minimum", 42))
    if "string" in f.types:
        candidates.append("foxcontract probe")
    if "boolean" in f.types:
        candidates.append(True)
    for value in candidates:
        if not [v for v in check({f.name: value}, contract) if v.field == f.name]:
            return value
    raise ValueError(
        f"{contract.name}: field {f.name!r} has no valid value to send in a live probe; "
        "add a request example that sets it"
    )


def domain(contract: Contract, f: Field) -> list[JSON]:
    """Every value of ``f`` a paid create should send at least once."""
    if f.enum is not None:
        values = list(f.enum)
    elif "boolean" in f.types:
        values = [True, False]
    elif "integer" in f.types and "minimum" in f.schema and "maximum" in f.schema:
        lo, hi = int(f.schema["minimum"]), int(f.schema["maximum"])
        values = list(range(lo, hi + 1)) if hi - lo < _SMALL_RANGE else [lo, hi]
    elif "array" in f.types:
        values = _sizes(f, representative(contract, f))
    else:
        values = [representative(contract, f)]
    if f.nullable and not f.required and None not in values:
        values.append(None)
    return values


def _sizes(f: Field, example: JSON) -> list[JSON]:
    """An array of the fewest and one of the most items allowed, of the example's items."""
    if not isinstance(example, list) or not example:
        return [example]
    low = max(int(f.schema.get("minItems", 1)), 1)
    high = int(f.schema.get("maxItems", low))
    out = [[example[i % len(example)] for i in range(n)] for n in sorted({low, max(high, low)})]
    return out if example in out else [example, *out]


def classes(contract: Contract, f: Field) -> list[ValueClass]:
    """The equivalence classes of a free-form field (none for a field with a finite domain,
    or an array: its domain is its sizes)."""
    if f.enum is not None or "boolean" in f.types or "array" in f.types:
        return []
    if "integer" in f.types and "minimum" in f.schema and "maximum" in f.schema:
        lo, hi = int(f.schema["minimum"]), int(f.schema["maximum"])
        if hi - lo < _SMALL_RANGE:
            return []
    return value_classes(contract, f, representative(contract, f))


def field_order(contract: Contract) -> list[str]:
    """Fields in contract order, moved so that a rule's ``when`` fields come before the
    field it constrains (a body is then judged as soon as a rule's fields are all set)."""
    names = [f.name for f in contract.fields]
    before: dict[str, set[str]] = {n: set() for n in names}
    for rule in contract.cross_rules:
        if rule.field in before:
            before[rule.field] |= {w for w in rule.when if w in before and w != rule.field}
    out: list[str] = []
    pending = list(names)
    while pending:
        for n in pending:
            if before[n] <= set(out) or all(m not in pending for m in before[n]):
                out.append(n)
                pending.remove(n)
                break
        else:  # a cycle: keep contract order for the rest
            out += pending
            break
    return out


def _value_rules(contract: Contract) -> list[Rule]:
    """The cross rules about values (not those of the variants, about which fields are sent)."""
    return [r for r in contract.cross_rules if not r.shape]


def _scope(contract: Contract, rule: Rule) -> list[JSON] | None:
    """The discriminator values a rule's combinations are planned for: those of the
    variants its condition on the discriminator touches and that take all its fields
    (``None``: a contract without variants, every value)."""
    name = contract.discriminator
    if not contract.variants or name is None:
        return None
    condition = rule.when.get(name)
    out: list[JSON] = []
    for v in contract.variants:
        touched = condition is None or any(condition.holds(True, x) for x in v.values)
        if touched and all(n in v.fields for n in rule.fields):
            out += list(v.values)
    return out


def domains(contract: Contract, only: Collection[JSON] | None = None) -> dict[str, list[JSON]]:
    """Every field's :func:`domain`; with ``only``, the discriminator's values are those
    of ``only`` and a field no mode of theirs takes has none."""
    doms = {f.name: domain(contract, f) for f in contract.fields}
    chooser = contract.discriminator
    if only is None or chooser is None:
        return doms
    wanted = {json_key(v) for v in only}
    doms[chooser] = [v for v in doms[chooser] if json_key(v) in wanted]
    if not contract.variants:
        return doms
    modes = [m for m in (contract.variant_of({chooser: v}) for v in doms[chooser]) if m]
    return {n: d for n, d in doms.items() if n == chooser or any(n in m.fields for m in modes)}


def targets(contract: Contract, only: Collection[JSON] | None = None) -> list[Target]:
    """Every single value first, then every pair of values of fields sharing a rule, then
    the triples (see the module's doc), in priority order. With variants, the combinations
    of a rule are those within the modes it is about (the discriminator's values of those
    modes), and a field left out counts as its mode's default. ``only``: see
    :func:`domains`."""
    doms = domains(contract, only)
    singles = [Target(((n, v),)) for n in doms for v in doms[n]]
    order = field_order(contract)
    rules = _value_rules(contract)

    def ordered(names: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({n for n in names if n in doms}, key=order.index))

    # each group of field names, with the discriminator values it is planned for
    pairs: list[tuple[tuple[str, ...], list[JSON] | None]] = []
    triples: list[tuple[tuple[str, ...], list[JSON] | None]] = []

    def add(
        group: list[tuple[tuple[str, ...], list[JSON] | None]],
        names: tuple[str, ...],
        scope: list[JSON] | None,
    ) -> None:
        for i, (known, wide) in enumerate(group):
            if known == names:
                if wide is not None:  # the union of the scopes of every rule tying them
                    merged = None if scope is None else wide + [x for x in scope if x not in wide]
                    group[i] = (known, merged)
                return
        group.append((names, scope))

    # a rule about presence ties the field to be sent or left out, not any of its values
    presence: list[tuple[tuple[str, ...], list[JSON] | None]] = []
    for rule in rules:
        names, scope = ordered(rule.fields), _scope(contract, rule)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                add(
                    presence if _about_presence(rule) and rule.field in (a, b) else pairs,
                    (a, b),
                    scope,
                )
    presence = [(n, s) for n, s in presence if all(n != known for known, _ in pairs)]
    for rule in sorted(rules, key=lambda r: -len(ordered(r.fields))):
        names, scope = ordered(rule.fields), _scope(contract, rule)
        for i, a in enumerate(names):
            for j, b in enumerate(names[i + 1 :], i + 1):
                for c in names[j + 1 :]:
                    add(triples, (a, b, c), scope)
    shapes = [f.name for f in contract.fields if _shape(contract, f)]
    for rule in sorted(rules, key=lambda r: len(ordered(r.fields))):
        scope = _scope(contract, rule)
        tied = [n for n in ordered(rule.fields) if n in shapes]
        for i, a in enumerate(tied):
            for b in tied[i + 1 :]:
                for c in shapes:
                    t = ordered((a, b, c))
                    if len(t) == 3 and all(_takes(contract, scope, n) for n in t):
                        add(triples, t, scope)
    chooser = contract.discriminator
    constrained = {r.field for r in rules if _about_presence(r)}

    def combine(
        group: list[tuple[tuple[str, ...], list[JSON] | None]],
        tier: int,
        sent: bool = False,
    ) -> list[Target]:
        found = []
        for names, scope in group:
            axes = [
                [x for x in scope if x in doms[n]]
                if n == chooser and scope is not None
                else [SENT, ABSENT]
                if sent and n in constrained
                else doms[n]
                for n in names
            ]
            for values in itertools.product(*axes):
                assignments = tuple(zip(names, values, strict=True))
                implied = _implied(contract, names, dict(assignments))
                found.append(Target(assignments, implied, tier))
        return found

    finer = combine(presence, 2) + combine(triples, 2)
    finer.sort(key=lambda t: -t.weight)  # stable: the rarest first, else in rule order
    rested = _resting_on_defaults(contract, rules, doms)
    return singles + combine(pairs, 1) + combine(presence, 1, sent=True) + rested + finer


def _resting_on_defaults(
    contract: Contract, rules: list[Rule], doms: Mapping[str, list[JSON]]
) -> list[Target]:
    """For each rule that limits a field with a default the limit allows, a body the rule
    applies to that leaves the field out (Lite at 1080p without ``duration``): the
    provider must read the documented default exactly where a rule depends on it. Planned
    with the pairs."""
    chooser = contract.discriminator
    out: list[Target] = []
    for rule in rules:
        if rule.then is None or _about_presence(rule) or rule.field not in doms:
            continue
        if not all(c.op in ("eq", "in") and n in doms for n, c in rule.when.items()):
            continue
        axes = [
            [(n, v) for v in c.values if n != chooser or v in doms[n]] for n, c in rule.when.items()
        ]
        for combo in itertools.product(*axes):
            when = dict(combo)
            body = {chooser: when[chooser]} if chooser is not None and chooser in when else {}
            default = contract.default_of(rule.field, body)
            if default is MISSING or not rule.then.holds(True, default):
                continue
            assignments = (*combo, (rule.field, ABSENT))
            names = tuple(n for n, _ in assignments)
            target = Target(assignments, _implied(contract, names, when), 1)
            if target not in out:
                out.append(target)
    return out


def _about_presence(rule: Rule) -> bool:
    """A rule whose ``then`` asks for its field to be sent or left out."""
    return rule.then is not None and rule.then.op in ("absent", "present")


def _takes(contract: Contract, scope: list[JSON] | None, name: str) -> bool:
    """Whether every variant of ``scope`` takes field ``name``."""
    if scope is None or contract.discriminator is None:
        return True
    return all(
        (v := contract.variant_of({contract.discriminator: x})) is None or name in v.fields
        for x in scope
    )


def _implied(
    contract: Contract, names: tuple[str, ...], assigned: Mapping[str, JSON]
) -> tuple[tuple[str, JSON], ...]:
    """The defaults a target counts a field left out as: those of the mode it names."""
    chooser = contract.discriminator
    body = {chooser: assigned[chooser]} if chooser is not None and chooser in assigned else {}
    out = []
    for n in names:
        default = contract.default_of(n, body)
        if default is not MISSING:
            out.append((n, default))
    return tuple(out)


def _shape(contract: Contract, f: Field) -> bool:
    """An enumerated field every body has (a value, or its default): one a combination of
    three may turn on. Not nullable, and no rule asks for it to be absent or present."""
    if f.enum is None or f.nullable or (f.default is MISSING and not f.required):
        return False
    return not any(
        r.field == f.name and r.then is not None and r.then.op in ("absent", "present")
        for r in _value_rules(contract)
    )
