"""Request strategies and the deterministic coverage phase that runs before them."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import strategies as st

from foxcontract.contract.model import MISSING, Contract, Rule
from foxcontract.oracle import check
from foxcontract.strategies._case import Case, find_rule
from foxcontract.strategies._combos import (
    base_body,
    base_for,
    combo_fields,
    exact_combos,
    exercised,
    repair,
    valid_combos,
    when_holds,
)
from foxcontract.strategies._negatives import _JSON, near_miss_values, random_invalid_values
from foxcontract.strategies._values import field_values, sample_value, valid_values

__all__ = ["coverage_cases", "invalid_requests", "near_misses", "valid_cases", "valid_requests"]

Body = dict[str, Any]


def _ordered(contract: Contract, body: Body) -> Body:
    names = [f.name for f in contract.fields]
    return {**{n: body[n] for n in names if n in body}, **body}


def _breaks_only(contract: Contract, body: Any, rule_id: str) -> bool:
    found = check(body, contract)
    return len(found) == 1 and found[0].rule == rule_id


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _candidates(contract: Contract, rule: Rule) -> list[Any]:
    base = base_body(contract) if rule.field == "body" else base_for(contract, rule.field)
    if rule.is_cross:
        return list(exact_combos(contract, rule.id))
    if rule.id == "body.type":
        return [[], [base], "", None, 1, True, "{}"]
    if rule.keyword == "additionalProperties":
        known = {f.name for f in contract.fields}
        names = [n for f in contract.fields for n in (f.name.upper(), _camel(f.name))]
        return [{**base, n: 1} for n in [*names, "extra"] if n not in known]
    if rule.keyword == "required":
        rest = {k: v for k, v in base.items() if k != rule.field}
        return [rest, {**rest, rule.field.title(): base[rule.field]}]
    return [{**base, rule.field: v} for v in near_miss_values(contract, rule.field)]


@cache
def near_misses(contract: Contract, rule_id: str) -> tuple[Case, ...]:
    """The deterministic invalid cases of rule ``rule_id``, near misses first; each breaks
    that rule and nothing else (checked with the oracle)."""
    rule = find_rule(contract, rule_id)
    return tuple(
        Case(b if not isinstance(b, dict) else _ordered(contract, b), rule.id, rule.expect)
        for b in _candidates(contract, rule)
        if _breaks_only(contract, b, rule.id)
    )


@cache
def valid_cases(contract: Contract) -> tuple[Case, ...]:
    """The deterministic valid cases: every allowed combination of the model-dependent
    fields, then every allowed value of every field (on a body that allows it)."""
    bodies = [dict(b) for b in valid_combos(contract)]
    seen = {repr(b) for b in bodies}
    bases = [base_body(contract), *valid_combos(contract)]
    for f in contract.fields:
        for value in field_values(contract, f.name):
            for base in bases:
                body = _ordered(contract, {**base, f.name: value})
                if repr(body) not in seen and not check(body, contract):
                    seen.add(repr(body))
                    bodies.append(body)
                    break
    return tuple(Case(b, None, None) for b in bodies)


@cache
def coverage_cases(contract: Contract) -> tuple[Case, ...]:
    """The coverage phase: :func:`valid_cases`, then :func:`near_misses` of every rule."""
    out = list(valid_cases(contract))
    for rule in contract.rules:
        out += near_misses(contract, rule.id)
    return tuple(out)


ROWS = 48
"""Pre-drawn combinations of the other fields' coverage values, one drawn per body."""


@cache
def _rows(contract: Contract) -> tuple[Body, ...]:
    rng = random.Random(contract.name)
    names = set(combo_fields(contract))
    rows = []
    for i in range(ROWS):
        row: Body = {}
        for f in contract.fields:
            values = field_values(contract, f.name)
            if f.name in names or not values or (not f.required and rng.random() < 0.5):
                continue
            row[f.name] = values[(i + rng.randrange(len(values))) % len(values)]
        rows.append(row)
    return tuple(rows)


def _pair(name: str, value: Any) -> tuple[str, Any]:
    return name, value


def _fresh(contract: Contract, force: str | None) -> st.SearchStrategy[tuple[str, Any]]:
    """One field with a value Hypothesis generates from its schema (``force``: that one)."""
    names = set(combo_fields(contract))
    options = []
    for f in contract.fields:
        if f.name in names or (force is not None and f.name != force):
            continue
        values = valid_values(contract, f.name, null=f.name != force)
        options.append(values.map(functools.partial(_pair, f.name)))
    return st.one_of(options) if options else st.just(("", MISSING))


def _valid_bodies(contract: Contract, rule: Rule | None) -> st.SearchStrategy[Body]:
    """A body from three draws: an allowed combination of the model-dependent fields, a
    row of the others' coverage values, and one field generated afresh from its schema.
    Cheap enough for thousands a second, and each field's whole range is explored."""
    combos = list(valid_combos(contract))
    names = set(combo_fields(contract))
    force = None
    if rule is not None and rule.is_cross:
        combos = [c for c in combos if when_holds(contract, rule, c)]
    elif rule is not None and rule.field in names and rule.keyword != "required":
        combos = [c for c in combos if c.get(rule.field) is not None]
    elif rule is not None and rule.field != "body":
        force = rule.field
        sendable = sample_value(contract, force)
        combos = [c for c in combos if not check({**c, force: sendable}, contract)]
    if not combos:
        return st.nothing()
    keep = frozenset(names | ({force} if force else set()))

    def build(parts: tuple[Body, Body, tuple[str, Any]]) -> Body:
        combo, row, (name, value) = parts
        needed = {k: v for k, v in combo.items() if k in contract.required_in(combo)}
        body = {**needed, **row, **{k: v for k, v in combo.items() if k in names}}
        if value is not MISSING:
            body[name] = value
        return _ordered(contract, repair(contract, body, keep))

    parts = st.tuples(
        st.sampled_from(combos), st.sampled_from(_rows(contract)), _fresh(contract, force)
    )
    return parts.map(build)


def valid_requests(contract: Contract, rule: str | None = None) -> st.SearchStrategy[Case]:
    """Accepted requests (``Case(body, None, None)``); with ``rule``, only bodies on which
    the oracle judges that rule (its field is sent, or its condition holds)."""
    found = find_rule(contract, rule) if rule is not None else None

    def ok(body: Body) -> bool:
        if check(body, contract):
            return False
        return found is None or exercised(contract, found, body, set())

    return _valid_bodies(contract, found).filter(ok).map(lambda b: Case(b, None, None))


def _random_invalid(contract: Contract, rule: Rule) -> st.SearchStrategy[Any]:
    # a field rule is broken on the bodies of a variant taking the field
    own = contract.variants and not rule.is_cross and rule.field != "body"
    bodies = _valid_bodies(contract, rule if own and rule.keyword != "required" else None)
    if rule.is_cross:
        combos = exact_combos(contract, rule.id)
        if not combos:
            return st.nothing()
        names = frozenset(combo_fields(contract)) | frozenset(rule.fields)

        def merge(parts: tuple[Body, Body]) -> Body:
            combo, rest = parts
            body = {**{k: v for k, v in rest.items() if k not in names}, **combo}
            return _ordered(contract, repair(contract, body, names, allow=rule.id))

        return st.tuples(st.sampled_from(combos), bodies).map(merge)
    if rule.id == "body.type":
        return st.one_of(_JSON, st.lists(bodies, min_size=1, max_size=2))
    if rule.keyword == "additionalProperties":
        known = {f.name for f in contract.fields}
        keys = st.text(min_size=1, max_size=12).filter(lambda k: k not in known)
        return st.builds(lambda b, k, v: {**b, k: v}, bodies, keys, _JSON)
    if rule.keyword == "required":
        return bodies.map(lambda b: {k: v for k, v in b.items() if k != rule.field})
    values = random_invalid_values(contract, contract.field(rule.field), str(rule.keyword))
    return st.builds(lambda b, v: _ordered(contract, {**b, rule.field: v}), bodies, values)


@cache
def _invalid(contract: Contract, rule_id: str) -> st.SearchStrategy[Case]:
    rule = find_rule(contract, rule_id)
    near = near_misses(contract, rule_id)
    label: Callable[[Any], Case] = lambda b: Case(b, rule.id, rule.expect)  # noqa: E731
    bodies = _random_invalid(contract, rule)
    if not near:
        return bodies.filter(lambda b: _breaks_only(contract, b, rule_id)).map(label)

    def case(body: Any) -> Case:
        # a body that misses falls back on a near miss instead of being thrown away
        if _breaks_only(contract, body, rule_id):
            return label(body)
        return near[len(repr(body)) % len(near)]

    return st.one_of(st.sampled_from(near), bodies.map(case))


def invalid_requests(contract: Contract, rule: str | None = None) -> st.SearchStrategy[Case]:
    """Rejected requests, each breaking exactly one rule and labelled with it (and with the
    error kind the provider should answer); with ``rule``, only that rule. Near misses are
    drawn as often as random values, and shrink towards the first near miss."""
    if rule is not None:
        return _invalid(contract, find_rule(contract, rule).id)
    ids = [r.id for r in contract.rules if near_misses(contract, r.id)]
    if not ids:
        return st.nothing()
    return st.sampled_from(ids).flatmap(lambda rid: _invalid(contract, rid))
