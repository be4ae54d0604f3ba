"""Every case the strategies generate gets the same verdict from ``jsonschema`` on the
exported request schema as from the oracle: over 2,000 cases, valid and invalid, per rule."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from helpers.agreement import assert_agree, validator_for
from helpers.oracle_family import family_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foxcontract.contract import Contract, default_contract
from foxcontract.strategies import Case, coverage_cases, invalid_requests, valid_requests

VALID_EXAMPLES = 800
INVALID_EXAMPLES = 1200
PER_RULE_EXAMPLES = 25


def run_cases(contract: Contract, cases: st.SearchStrategy[Case], examples: int) -> Counter[Any]:
    """Judge ``examples`` generated cases both ways; count verdicts and labels."""
    validator = validator_for(contract)
    seen: Counter[Any] = Counter()

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases)
    def judge(case: Case) -> None:
        seen[assert_agree(validator, contract, case.body)] += 1
        seen[case.rule_id] += 1
        seen["reference: " + ", ".join(family_reference(case.body))] += 1

    judge()
    return seen


def test_the_deterministic_coverage_cases() -> None:
    contract = default_contract()
    validator = validator_for(contract)
    cases = coverage_cases(contract)
    verdicts = Counter(assert_agree(validator, contract, c.body) for c in cases)
    # valid exactly where unlabelled, every rule labelled, each label what FAMILY.md and API.md say
    assert verdicts == Counter(c.rule_id is None for c in cases)
    assert {c.rule_id for c in cases} == {None, *contract.rule_ids}
    assert [
        c for c in cases if family_reference(c.body) != ([c.rule_id] if c.rule_id else [])
    ] == []


@pytest.mark.slow
def test_over_2000_generated_cases_valid_and_invalid() -> None:
    contract = default_contract()
    valid = run_cases(contract, valid_requests(contract), VALID_EXAMPLES)
    invalid = run_cases(contract, invalid_requests(contract), INVALID_EXAMPLES)
    total = sum(valid[v] + invalid[v] for v in (True, False))
    assert total >= 2000
    # the labels are hints, but a strategy that drifted from its label would hide nothing
    # here: both kinds must really be there
    assert valid[True] >= VALID_EXAMPLES * 0.9, valid
    assert invalid[False] >= INVALID_EXAMPLES * 0.9, invalid
    assert {r.id for r in contract.cross_rules} <= set(invalid), invalid


@pytest.mark.parametrize("rule", [r.id for r in default_contract().cross_rules])
def test_cases_of_each_cross_rule(rule: str) -> None:
    contract = default_contract()
    valid = run_cases(contract, valid_requests(contract, rule), PER_RULE_EXAMPLES)
    invalid = run_cases(contract, invalid_requests(contract, rule), PER_RULE_EXAMPLES)
    assert valid[True] == PER_RULE_EXAMPLES, valid
    assert invalid[False] == PER_RULE_EXAMPLES, invalid
    assert invalid[rule] == PER_RULE_EXAMPLES, invalid
    # the label is the strategy's own: FAMILY.md (the family reference) must break that rule alone
    assert invalid[f"reference: {rule}"] == PER_RULE_EXAMPLES, invalid
    assert valid["reference: "] == PER_RULE_EXAMPLES, valid
