"""The covering set: the fewest valid bodies that meet every target of
:mod:`foxcontract.live.targets` (a greedy covering array, in their priority order, then a
second pass for the triples); then, on the same bodies, the equivalence classes of the
free-form fields (:mod:`foxcontract.live._classes`) and each default both left out and
sent. Validity comes from :func:`foxcontract.check`: every body planned is allowed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import MISSING, Contract, Field, json_key
from foxcontract.live.targets import (
    ABSENT,
    SENT,
    Target,
    classes,
    domains,
    field_order,
    targets,
)
from foxcontract.oracle import check

__all__ = ["Cover", "cover"]

JSON = Any


@dataclass(frozen=True)
class Cover:
    """The bodies in the order planned (most important first), what each newly covers, and
    the targets no valid body can meet."""

    bodies: tuple[tuple[dict[str, JSON], tuple[Target, ...]], ...]
    infeasible: tuple[Target, ...]


def _taken(contract: Contract, assigned: Mapping[str, JSON], name: str) -> bool:
    """Whether the mode ``assigned`` has chosen so far takes field ``name`` (a body of one
    mode carries none of another's fields, though the contract reads a null as absent)."""
    variant = contract.variant_of(_body(assigned))
    return variant is None or name in variant.fields


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
        keep = [t for t in met if t.level < 2]
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
