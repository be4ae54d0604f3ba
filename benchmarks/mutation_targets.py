"""What ``mutation.py`` mutates, the fast tests that must kill each module's mutants, and the
reviewed list of equivalent mutants (changes no test can see, because behaviour is the same)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Equivalent:
    """A mutant that cannot change behaviour, as ``mutation.py`` prints it, and why."""

    path: str
    function: str
    original: str
    mutated: str
    reason: str


TARGETS = (
    Target(
        "oracle",
        "foxcontract/oracle.py",
        (
            "tests/test_oracle_exact.py",
            "tests/test_oracle_messages.py",
            "tests/test_oracle_table.py",
            "tests/test_contract_settings.py",
            "tests/test_contract_fourth_model.py",
        ),
    ),
    Target(
        "fieldcheck",
        "foxcontract/fieldcheck.py",
        (
            # the Hypothesis agreement tests are left out: 8 s of CPU a run
            "tests/test_fieldcheck.py::test_integral_floats_settings_on_eight_point_zero",
            "tests/test_fieldcheck.py::test_the_first_broken_keyword_is_reported",
            "tests/test_fieldcheck.py::test_the_fallback_reports_the_first_keyword_in_order",
            "tests/test_fieldcheck.py::test_values_are_shown_readably",
            "tests/test_fieldcheck_exact.py",
        ),
    ),
    Target(
        "verdict",
        "foxcontract/verdict.py",
        ("tests/test_replay_verdict.py", "tests/test_verdict_exact.py"),
    ),
    Target(
        "budget",
        "foxcontract/live/budget.py",
        ("tests/test_budget_ledger.py",),
    ),
)

EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent(
        "foxcontract/oracle.py", "_Checker._explain",
        "assert rule.then is not None", "pass",
        "only cross rules (then set) are explained; the assert narrows the type for mypy",
    ),
    Equivalent(
        "foxcontract/oracle.py", "_Checker._defaulted",
        "('absent', 'present')", "('absent', '')",
        "a present condition that held means the field was sent: `present` says '' too",
    ),
    Equivalent(
        "foxcontract/fieldcheck.py", "compile_field",
        "'ambiguous'", "''",
        "the default is only compared with 'reject': '' and 'ambiguous' both accept 8.0",
    ),
)  # fmt: skip
