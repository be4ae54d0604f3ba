"""The covering set: the fewest valid bodies that send every allowed value of every field,
then every pair of values of fields that share a per-model rule, then three-way
combinations of fields the rules tie together (a greedy covering array, in that priority
order); then, on the same bodies, the equivalence classes of the free-form fields
(:mod:`foxcontract.live._classes`) and each default both left out and sent.

Everything is derived from the contract: each field's domain comes from its schema (enum,
boolean, a small integer range, ``null`` when nullable, else one representative value taken
from the contract's examples or defaults), the pairs and triples from the fields the
``rules:`` section ties together, and validity from :func:`foxcontract.check` (every body
planned is allowed). Pairs and triples count a field left out as its default.

Triples, most important first: the fields of one rule that reads three (``model x
resolution x duration``), then each pair of enumerated fields a rule ties together crossed
with another enumerated field that is neither nullable nor named by a rule about presence
(``model x resolution x aspect_ratio``).
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
    "Cover",
    "Target",
    "classes",
    "cover",
    "domain",
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
    def weight(self) -> int:
        """What meeting the target is worth: by its kind; a triple also by how many of its
        values are not the default (see :func:`_rarity`)."""
        tier = self.priority if self.tier is None else self.tier
        base = _WEIGHTS[min(tier, len(_WEIGHTS) - 1)]
        return base * (1 + self.rarity) if tier >= 2 else base

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


@dataclass(frozen=True)
class Cover:
    """The bodies in the order planned (most important first), what each newly covers, and
    the targets no valid body can meet."""

    bodies: tuple[tuple[dict[str, JSON], tuple[Target, ...]], ...]
    infeasible: tuple[Target, ...]


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


def _taken(contract: Contract, assigned: Mapping[str, JSON], name: str) -> bool:
    """Whether the mode ``assigned`` has chosen so far takes field ``name`` (a body of one
    mode carries none of another's fields, though the contract reads a null as absent)."""
    variant = contract.variant_of(_body(assigned))
    return variant is None or name in variant.fields


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


def _body(assigned: Mapping[str, JSON]) -> dict[str, JSON]:
    return {n: v for n, v in assigned.items() if v is not ABSENT}


def _valid_so_far(contract: Contract, assigned: Mapping[str, JSON]) -> bool:
    done = set(assigned)
    for v in check(_body(assigned), contract):
        try:
            fields = contract.rule(v.rule).fields
        except KeyError:
            return False
        if set(fields) <= done:
            return False
    return True


def _complete(
    contract: Contract,
    fixed: Iterable[tuple[str, JSON]],
    open_targets: list[Target],
    doms: Mapping[str, list[JSON]],
    order: list[str],
) -> dict[str, JSON] | None:
    assigned: dict[str, JSON] = dict(fixed)
    sent = {n for n, v in assigned.items() if v is SENT}  # any value but null: chosen below
    for n in sent:
        del assigned[n]
    if not _valid_so_far(contract, assigned):
        return None
    required = {f.name for f in contract.fields if f.required}
    naming: dict[str, list[tuple[Target, tuple[str, ...]]]] = {n: [] for n in order}
    for t in open_targets:
        names = tuple(n for n, _ in t.assignments)
        for n in names:
            if n in naming:
                naming[n].append((t, names))
    for name in order:
        if name in assigned:
            continue
        if name not in doms or not _taken(contract, assigned, name):
            if name in sent:
                return None
            assigned[name] = ABSENT  # another mode's field: not even as null
            continue
        if name in sent:
            options = [v for v in doms[name] if v is not None]
        else:
            options = list(doms[name]) if name in required else [ABSENT, *doms[name]]
        best: tuple[int, int, int] | None = None
        chosen: JSON = None
        for rank, value in enumerate(options):
            trial = {**assigned, name: value}
            if not _valid_so_far(contract, trial):
                continue
            body = _body(trial)
            gain = hope = 0
            for t, names in naming[name]:
                if all(n in trial for n in names):
                    gain += t.weight if t.met_by(body) else 0
                elif t.agrees(trial):
                    hope += t.weight
            key = (gain, hope, -rank)
            if best is None or key > best:
                best, chosen = key, value
        if best is None:
            return None
        assigned[name] = chosen
    body = {n: assigned[n] for n in order if assigned.get(n, ABSENT) is not ABSENT}
    body = {f.name: body[f.name] for f in contract.fields if f.name in body}
    return body if not check(body, contract) else None


def _weight(met: Iterable[Target]) -> int:
    return sum(t.weight for t in met)


def cover(contract: Contract, candidates: int = 6, only: Collection[JSON] | None = None) -> Cover:
    """Plan the covering bodies of ``contract`` (a contract with a request body).

    Each body is the best of up to ``candidates`` greedy completions, each seeded with a
    different open target (single values first), scored by what it newly covers: so the
    first bodies cover every single value as soon as possible, and pairs pack tightly."""
    doms = domains(contract, only)
    order = field_order(contract)
    open_targets = targets(contract, only)
    bodies: list[tuple[dict[str, JSON], tuple[Target, ...]]] = []
    infeasible: list[Target] = []
    while open_targets:
        best: tuple[int, dict[str, JSON], tuple[Target, ...]] | None = None
        tried = 0
        for seed in list(open_targets):
            if tried >= candidates and best is not None:
                break
            body = _complete(contract, seed.assignments, open_targets, doms, order)
            if body is None or not seed.met_by(body):
                infeasible.append(seed)
                open_targets.remove(seed)
                continue
            tried += 1
            met = tuple(t for t in open_targets if t.met_by(body))
            if best is None or _weight(met) > best[0]:
                best = (_weight(met), body, met)
        if best is None:
            break
        _, body, met = best
        open_targets = [t for t in open_targets if t not in met]
        bodies.append((body, met))
    sendable = [t for t in targets(contract, only) if t not in infeasible]
    bodies = _refine(contract, bodies, sendable, doms, order)
    return Cover(tuple(_carry_classes(contract, bodies)), tuple(_smallest(infeasible)))


def _tier(t: Target) -> int:
    return t.priority if t.tier is None else t.tier


def _refine(
    contract: Contract,
    bodies: list[tuple[dict[str, JSON], tuple[Target, ...]]],
    sendable: list[Target],
    doms: Mapping[str, list[JSON]],
    order: list[str],
) -> list[tuple[dict[str, JSON], tuple[Target, ...]]]:
    """A second pass over the bodies, in order: each keeps the values of the single values
    and pairs it is the first to send, and its other fields are chosen again for the
    triples no body before it sends (the first pass chose them while most pairs were still
    open); the new body is taken only when it still sends all the old one did, and more.
    Then what each body newly covers is counted again, and a body left with nothing new is
    dropped."""
    done: set[Target] = set()
    out: list[dict[str, JSON]] = []
    for body, met in bodies:
        keep = [t for t in met if _tier(t) < 2]
        fixed = {n: body.get(n, ABSENT) for t in keep for n, _ in t.assignments}
        left = [t for t in sendable if t not in done]
        again = _complete(contract, fixed.items(), left, doms, order)
        mine = [t for t in left if t.met_by(body)]  # kept whole: no later body may send them
        if (
            again is not None
            and all(t.met_by(again) for t in mine)
            and _weight(t for t in left if t.met_by(again)) > _weight(mine)
        ):
            body = again
        out.append(body)
        done |= {t for t in left if t.met_by(body)}
    counted: list[tuple[dict[str, JSON], tuple[Target, ...]]] = []
    seen: set[Target] = set()
    for body in out:
        new = tuple(t for t in sendable if t not in seen and t.met_by(body))
        if new:
            counted.append((body, new))
            seen |= set(new)
    return counted


def _carry_classes(
    contract: Contract, bodies: list[tuple[dict[str, JSON], tuple[Target, ...]]]
) -> list[tuple[dict[str, JSON], tuple[Target, ...]]]:
    """Give the free-form fields their equivalence classes, at no extra cost: the bodies
    stay the ones planned, and a body keeps any value it is the first to send. A required
    field cycles through its classes over the other bodies; an optional one carries each
    class once, in the first bodies that do not already send it as a target. Each field
    starts its cycle one class later than the field before, so classes of different fields
    mostly travel apart. A body the oracle would refuse keeps its old value."""
    out = [(dict(b), met) for b, met in bodies]
    free = [(f, classes(contract, f)[1:]) for f in contract.fields]
    free = [(f, found) for f, found in free if found]
    for shift, (f, found) in enumerate(free):
        turn = 0
        for body, met in out:
            if any(f.name in dict(t.assignments) for t in met):
                continue
            required = f.name in contract.required_in(body)
            if not required and (turn >= len(found) or body.get(f.name, ABSENT) is None):
                continue
            cls = found[(turn + shift) % len(found)]
            trial = {**body, f.name: cls.value}
            trial = {g.name: trial[g.name] for g in contract.fields if g.name in trial}
            if check(trial, contract):
                continue
            body.clear()
            body.update(trial)
            turn += 1
    for f in contract.fields:
        if not f.required and f.default is not MISSING:
            _both_ways(contract, f, out)
    return out


def _both_ways(
    contract: Contract, f: Field, bodies: list[tuple[dict[str, JSON], tuple[Target, ...]]]
) -> None:
    """Make a field with a default both left out and sent at its default, each as early as
    possible: a body whose targets do not need the field sent (or left out) switches to the
    way not yet seen. The oracle reads a field left out as its default, and pairs and
    triples count a default as sent, so the switch changes what the provider parses, not
    what is covered."""
    seen: set[bool] = set()
    for body, met in bodies:
        default = contract.default_of(f.name, body)  # that of the body's mode
        if default is MISSING:
            continue
        sent = f.name in body
        if sent and json_key(body[f.name]) != json_key(default):
            continue
        free = not any(
            f.name in dict(t.assignments) and f.name not in dict(t.defaults) for t in met
        )
        if free and sent in seen and (not sent) not in seen:
            trial = (
                {k: v for k, v in body.items() if k != f.name}
                if sent
                else {**body, f.name: default}
            )
            trial = {g.name: trial[g.name] for g in contract.fields if g.name in trial}
            if not check(trial, contract):
                body.clear()
                body.update(trial)
                sent = not sent
        seen.add(sent)
        if len(seen) == 2:
            return


def _smallest(found: list[Target]) -> list[Target]:
    """The targets not implied by a smaller or wider one of ``found``: a triple holding a
    pair the rules forbid says nothing more, nor does a value of a field the rules forbid
    to send at all (``(sent)``)."""
    sets = [frozenset((n, json_key(v)) for n, v in t.assignments) for t in found]
    known = set(sets)

    def wider(s: frozenset[tuple[str, JSON]]) -> bool:
        return any(
            s - {(n, k)} | {(n, json_key(SENT))} in known
            for n, k in s
            if k not in (json_key(None), json_key(SENT), json_key(ABSENT))
        )

    return [
        s_t
        for s_t, s in zip(found, sets, strict=True)
        if not any(o < s for o in sets) and not wider(s)
    ]
