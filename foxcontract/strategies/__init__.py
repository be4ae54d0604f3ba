"""Hypothesis strategies derived from a contract (nothing about FoxAPI is hard-coded: a new
model or rule is a YAML edit).

Requests (each drawn as a :class:`Case` ``(body, rule_id, expect)``):

- ``valid_requests(contract, rule=None)``: accepted bodies; with ``rule``, bodies on which
  the oracle judges that rule and it holds.
- ``invalid_requests(contract, rule=None)``: bodies breaking exactly one rule, labelled with
  it and with the error kind expected; with ``rule``, only that rule. Near misses first.
- ``near_misses(contract, rule)``, ``valid_cases(contract)``, ``coverage_cases(contract)``:
  the deterministic coverage phase, as tuples of cases.
- ``renamed_misses(contract, field, body)``: the body with a field sent under a name it goes
  by elsewhere in the API family (and not under its own).

Responses: ``responses(contract, status="200")`` (bodies valid under the response schema),
``error_responses(contract, kind=None)`` (``(ErrorKind, body)`` pairs), ``from_schema``.

The combination search behind them, for the consistency check and the coverage tallies:
``combo_fields``, ``valid_combos``, ``exact_combos``, ``bodies_with``, ``field_values``,
``when_holds``, and ``rules_judged(contract, body, violations)`` (the rules the oracle
judged on a body, and whether each held; ``exercised`` asks it of one rule).

An unknown rule id raises :class:`UnknownRuleError` (a ``LookupError``) with a "did you
mean". A label is a hint: tests re-run ``foxcontract.check`` on the exact body sent.
"""

from foxcontract.strategies._case import Case, UnknownRuleError
from foxcontract.strategies._combos import (
    bodies_with,
    combo_fields,
    exact_combos,
    exercised,
    rules_judged,
    valid_combos,
    when_holds,
)
from foxcontract.strategies._negatives import renamed_misses
from foxcontract.strategies._requests import (
    coverage_cases,
    invalid_requests,
    near_misses,
    valid_cases,
    valid_requests,
)
from foxcontract.strategies._responses import error_responses, from_schema, responses
from foxcontract.strategies._values import field_values

__all__ = [
    "Case",
    "UnknownRuleError",
    "bodies_with",
    "combo_fields",
    "coverage_cases",
    "error_responses",
    "exact_combos",
    "exercised",
    "field_values",
    "from_schema",
    "invalid_requests",
    "near_misses",
    "renamed_misses",
    "responses",
    "rules_judged",
    "valid_cases",
    "valid_combos",
    "valid_requests",
    "when_holds",
]
