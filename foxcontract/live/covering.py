"""The covering set: the fewest valid bodies that send every allowed value of every field,
then every pair of values of fields that share a per-model rule (a greedy covering array).

Everything is derived from the contract: each field's domain comes from its schema (enum,
boolean, a small integer range, ``null`` when nullable, else one representative value taken
from the contract's examples or defaults), the pairs from the fields the ``rules:`` section
ties together, and validity from :func:`foxcontract.check` (every body planned is allowed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import MISSING, Contract, Field, json_key
from foxcontract.fieldcheck import describe_value
from foxcontract.oracle import check

__all__ = ["ABSENT", "Cover", "Target", "cover", "domain", "field_order", "representative"]

JSON = Any
ABSENT: Any = MISSING
"""A field left out of the body."""

_SMALL_RANGE = 12


@dataclass(frozen=True)
class Target:
    """Values a paid create should send together: one field (priority 0) or a pair (1)."""

    assignments: tuple[tuple[str, JSON], ...]

    @property
    def priority(self) -> int:
        return len(self.assignments) - 1

    def met_by(self, body: Mapping[str, JSON]) -> bool:
        return all(
            name in body and json_key(body[name]) == json_key(value)
            for name, value in self.assignments
        )

    def describe(self) -> str:
        return " x ".join(f"{n}={_show(v)}" for n, v in self.assignments)


def _show(value: JSON) -> str:
    return value if isinstance(value, str) else describe_value(value)


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
    else:
        values = [representative(contract, f)]
    if f.nullable and not f.required and None not in values:
        values.append(None)
    return values


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


def targets(contract: Contract) -> list[Target]:
    """Every single value first, then every pair of values of fields sharing a rule."""
    doms = {f.name: domain(contract, f) for f in contract.fields}
    singles = [Target(((n, v),)) for n in doms for v in doms[n]]
    order = field_order(contract)
    pairs: list[tuple[str, str]] = []
    for rule in contract.cross_rules:
        names = sorted({n for n in rule.fields if n in doms}, key=order.index)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if (a, b) not in pairs:
                    pairs.append((a, b))
    doubles = [Target(((a, va), (b, vb))) for a, b in pairs for va in doms[a] for vb in doms[b]]
    return singles + doubles


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
    if not _valid_so_far(contract, assigned):
        return None
    required = {f.name for f in contract.fields if f.required}
    for name in order:
        if name in assigned:
            continue
        options = list(doms[name]) if name in required else [ABSENT, *doms[name]]
        best: tuple[int, int] | None = None
        chosen: JSON = None
        for rank, value in enumerate(options):
            trial = {**assigned, name: value}
            if not _valid_so_far(contract, trial):
                continue
            body = _body(trial)
            gain = sum(
                1000 if t.priority == 0 else 1
                for t in open_targets
                if any(n == name for n, _ in t.assignments)
                and all(n in trial for n, _ in t.assignments)
                and t.met_by(body)
            )
            if best is None or gain > best[0]:
                best, chosen = (gain, -rank), value
        if best is None:
            return None
        assigned[name] = chosen
    body = {n: assigned[n] for n in order if assigned.get(n, ABSENT) is not ABSENT}
    body = {f.name: body[f.name] for f in contract.fields if f.name in body}
    return body if not check(body, contract) else None


def _weight(met: Iterable[Target]) -> int:
    return sum(1000 if t.priority == 0 else 1 for t in met)


def cover(contract: Contract, candidates: int = 6) -> Cover:
    """Plan the covering bodies of ``contract`` (a contract with a request body).

    Each body is the best of up to ``candidates`` greedy completions, each seeded with a
    different open target (single values first), scored by what it newly covers: so the
    first bodies cover every single value as soon as possible, and pairs pack tightly."""
    doms = {f.name: domain(contract, f) for f in contract.fields}
    order = field_order(contract)
    open_targets = targets(contract)
    bodies: list[tuple[dict[str, JSON], tuple[Target, ...]]] = []
    infeasible: list[Target] = []
    while open_targets:
        best: tuple[int, dict[str, JSON], tuple[Target, ...]] | None = None
        tried = 0
        for seed in list(open_targets):
            if tried >= candidates and best is not None:
                break
            body = _complete(contract, seed.assignments, open_targets, doms, order)
            if body is None:
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
    return Cover(tuple(bodies), tuple(infeasible))
