"""A generated request and what the contract expects of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from foxcontract.contract.errors import did_you_mean
from foxcontract.contract.model import Contract, Rule

__all__ = ["Case", "UnknownRuleError", "find_rule"]


@dataclass(frozen=True)
class Case:
    """A request ``body``; ``rule_id`` is the one rule it breaks (``None``: none), and
    ``expect`` the name of the error kind the provider should answer (``None``: accepted).

    The label is a hint, not a verdict: tests re-run the oracle on the exact body sent."""

    body: Any
    rule_id: str | None
    expect: str | None

    @property
    def accepted(self) -> bool:
        return self.rule_id is None


class UnknownRuleError(LookupError):
    """A strategy was asked for a rule the contract does not have."""

    def __init__(self, contract: Contract, rule_id: str) -> None:
        hint = did_you_mean(rule_id, contract.rule_ids)
        super().__init__(
            f"contract {contract.name!r} ({contract.path}) has no rule {rule_id!r}{hint}; "
            f"its rules: {', '.join(contract.rule_ids)}"
        )
        self.rule_id = rule_id


def find_rule(contract: Contract, rule_id: str) -> Rule:
    """The rule ``rule_id`` of ``contract``; raises :class:`UnknownRuleError`."""
    for rule in contract.rules:
        if rule.id == rule_id:
            return rule
    raise UnknownRuleError(contract, rule_id)
