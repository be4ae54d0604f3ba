"""Whether a contract's rules can all be honoured: every allowed value of a field is
allowed in at least one body, and every cross rule can both hold and be broken on its own.
A contradiction is reported at the ``file:line`` of the rule to blame."""

from __future__ import annotations

from foxcontract.contract.errors import Problem
from foxcontract.contract.model import Contract, Rule
from foxcontract.fieldcheck import describe_value
from foxcontract.oracle import check
from foxcontract.strategies import (
    bodies_with,
    combo_fields,
    exact_combos,
    field_values,
    valid_combos,
    when_holds,
)

__all__ = ["contradictions"]


def _value_problems(contract: Contract, name: str) -> list[Problem]:
    out = []
    for value in field_values(contract, name):
        if value is None:
            continue
        blamed: dict[str, Rule] = {}
        allowed = False
        for body in bodies_with(contract, name, value):
            found = check(body, contract)
            if not found:
                allowed = True
                break
            for v in found:
                rule = contract.rule(v.rule)
                if rule.is_cross:
                    blamed.setdefault(rule.id, rule)
        if allowed or not blamed:
            continue
        first = min(blamed.values(), key=lambda r: r.line)
        ids = ", ".join(sorted(blamed))
        out.append(
            Problem(
                contract.path,
                first.line,
                f"no valid body has {name} = {describe_value(value)}: every combination "
                f"breaks {ids} (rule {first.id} forbids it for every choice of the other fields)",
            )
        )
    return out


def _rule_problems(contract: Contract, rule: Rule) -> list[Problem]:
    out = []
    if not any(when_holds(contract, rule, b) for b in valid_combos(contract)):
        out.append(
            Problem(
                contract.path,
                rule.line,
                f"rule {rule.id} can never be satisfied: no valid body meets its condition "
                f"({_when(rule)})",
            )
        )
    if not exact_combos(contract, rule.id):
        out.append(
            Problem(
                contract.path,
                rule.line,
                f"rule {rule.id} can never be broken on its own: no body breaks it without "
                "breaking another rule (it is redundant or its condition never holds)",
            )
        )
    return out


def _when(rule: Rule) -> str:
    return " and ".join(f"{n} {c.describe()}" for n, c in rule.when.items()) or "always"


def contradictions(contract: Contract) -> list[Problem]:
    """Every contradiction in ``contract``'s rules, sorted by line."""
    out: list[Problem] = []
    for name in combo_fields(contract):
        if contract.field(name).enum is not None:
            out += _value_problems(contract, name)
    for rule in contract.cross_rules:
        out += _rule_problems(contract, rule)
    unique = {(p.line, p.message): p for p in out}
    return sorted(unique.values(), key=lambda p: (p.line, p.message))
