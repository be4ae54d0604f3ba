"""The combination search behind the strategies: which combinations of the model-dependent
fields (those named together in cross rules) a contract allows, and which break exactly one
rule. Everything is derived from the contract and computed once per contract."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from functools import cache
from typing import Any

from foxcontract.contract.model import MISSING, Contract, Rule
from foxcontract.oracle import Violation, check
from foxcontract.strategies._values import representatives, sample_value

__all__ = [
    "MAX_PRODUCT",
    "base_body",
    "base_for",
    "bodies_with",
    "combo_fields",
    "exact_combos",
    "exercised",
    "fit",
    "repair",
    "rules_judged",
    "valid_combos",
    "when_holds",
]

MAX_PRODUCT = 50_000
"""The most bodies one combination search judges; past it the search narrows to the fields
of the rule at hand."""

Body = dict[str, Any]


@cache
def combo_fields(contract: Contract) -> tuple[str, ...]:
    """The fields whose values rules compare: every ``when`` field, and every ``then`` field
    tested against values (not just for being absent). In contract order."""
    named: set[str] = set()
    for rule in contract.cross_rules:
        named.update(rule.when)
        if rule.then is not None and rule.then.op not in ("absent", "present"):
            named.add(rule.field)
    return tuple(f.name for f in contract.fields if f.name in named)


@cache
def base_body(contract: Contract, variant: str | None = None) -> Body:
    """The smallest valid-looking body: each required field with a sample value (those
    of its variant included; ``variant``: of that variant, by name)."""
    body = {f.name: sample_value(contract, f.name) for f in contract.fields if f.required}
    if variant is not None and contract.discriminator is not None:
        chosen = contract.variant(variant)
        if contract.variant_of(body) is not chosen:
            body[contract.discriminator] = chosen.values[0]
    return fit(contract, body, frozenset())


@cache
def base_for(contract: Contract, name: str) -> Body:
    """:func:`base_body` of the first variant taking field ``name`` (any, without variants)."""
    for v in contract.variants:
        if name in v.fields:
            return base_body(contract, v.name)
    return base_body(contract)


def fit(contract: Contract, body: Body, keep: frozenset[str]) -> Body:
    """``body`` made to fit its variant: the fields it requires added (a sample value),
    the fields it does not take removed, except those in ``keep``."""
    variant = contract.variant_of(body)
    if variant is None:
        return body
    out = {k: v for k, v in body.items() if k in variant.fields or k in keep}
    for name in variant.required:
        if name not in out and name not in keep:
            out[name] = sample_value(contract, name)
    return out


def _product(contract: Contract, names: tuple[str, ...], fixed: Body | None = None) -> list[Body]:
    base = {**base_body(contract), **(fixed or {})}
    keep = frozenset(names) | frozenset(fixed or {})
    names = tuple(n for n in names if n not in (fixed or {}))
    axes = [representatives(contract, n) for n in names]
    out = []
    for values in itertools.product(*axes):
        body = {k: v for k, v in base.items() if k not in names}
        body.update({n: v for n, v in zip(names, values, strict=True) if v is not MISSING})
        out.append(fit(contract, body, keep))
    return out


def _size(contract: Contract, names: tuple[str, ...]) -> int:
    size = 1
    for n in names:
        size *= len(representatives(contract, n))
    return size


def bodies_with(contract: Contract, name: str, value: Any) -> list[Body]:
    """Every combination of the :func:`combo_fields` with field ``name`` set to ``value``."""
    names = combo_fields(contract)
    if _size(contract, names) > MAX_PRODUCT:
        names = ()
    return _product(contract, names, {name: value})


@cache
def valid_combos(contract: Contract) -> tuple[Body, ...]:
    """Every allowed combination of the :func:`combo_fields` (absent ones left out), on
    :func:`base_body`, in a fixed order."""
    names = combo_fields(contract)
    if _size(contract, names) > MAX_PRODUCT:
        names = names[:1]
    return tuple(b for b in _product(contract, names) if not check(b, contract))


@cache
def exact_combos(contract: Contract, rule_id: str) -> tuple[Body, ...]:
    """Bodies that break the cross rule ``rule_id`` and nothing else: the exact combinations
    it forbids, including those it forbids through a default."""
    rule = contract.rule(rule_id)
    names = tuple(
        f.name for f in contract.fields if f.name in set(combo_fields(contract)) | set(rule.fields)
    )
    if _size(contract, names) > MAX_PRODUCT:
        names = tuple(f.name for f in contract.fields if f.name in rule.fields)
    out = []
    for body in _product(contract, names):
        found = check(body, contract)
        if len(found) == 1 and found[0].rule == rule_id:
            out.append(body)
    return tuple(out)


def state(contract: Contract, body: Body, name: str) -> tuple[bool, Any]:
    """``(present, value)`` of a field as rules read it: defaults applied, and null the same
    as absent when the contract says so (the oracle's reading)."""
    value = body.get(name, MISSING)
    present = value is not MISSING and not (value is None and contract.settings.null_means_absent)
    if not present:
        return False, contract.default_of(name, body)
    return True, value


def when_holds(contract: Contract, rule: Rule, body: Body) -> bool:
    """Whether every ``when`` condition of a cross rule holds for ``body``."""
    return all(c.holds(*state(contract, body, n)) for n, c in rule.when.items())


def exercised(contract: Contract, rule: Rule, body: Any, broken: set[str]) -> bool:
    """Whether the oracle judged ``rule`` on ``body`` (whose broken fields are ``broken``):
    a field rule when its field was sent, a cross rule when its condition held."""
    if not isinstance(body, dict):
        return rule.id == "body.type"
    if rule.field == "body":
        return True
    if not rule.is_cross:
        if rule.keyword == "required":
            return True
        return rule.field in body and (body[rule.field] is not None or rule.keyword == "type")
    if broken & set(rule.fields):
        return False
    return when_holds(contract, rule, body)


def rules_judged(contract: Contract, body: Any, violations: Iterable[Violation]) -> dict[str, bool]:
    """The rules the oracle judged on ``body``, given the ``violations`` it found there: rule
    id -> whether the rule held (``False``: broken). A rule it did not judge (its field not
    sent, its condition not met, or a field it reads broken by another rule) is left out."""
    found = list(violations)
    broken_rules = {v.rule for v in found}
    broken_fields = {v.field for v in found}
    out: dict[str, bool] = {}
    for rule in contract.rules:
        if rule.id in broken_rules:
            out[rule.id] = False
        elif exercised(contract, rule, body, broken_fields):
            out[rule.id] = True
    return out


def repair(contract: Contract, body: Body, keep: frozenset[str], allow: str | None = None) -> Body:
    """Drop the optional fields outside ``keep`` that break a rule other than ``allow``,
    until nothing more can be dropped."""
    required = contract.required_in(body)
    for _ in range(len(contract.rules) + 1):
        dropped = False
        for v in check(body, contract):
            if v.rule == allow:
                continue
            name = v.field
            if name in body and name not in keep and name not in required:
                body = {k: x for k, x in body.items() if k != name}
                dropped = True
        if not dropped:
            break
    return body
