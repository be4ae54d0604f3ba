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
    """A mutant that cannot change behaviour, and why: its file, function, source line
    (stripped) and change (the change as ``mutation.py --list`` prints it)."""

    path: str
    function: str
    line: str
    original: str
    mutated: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.function, self.line, self.original, self.mutated)


TARGETS = (
    Target(
        "oracle",
        "foxcontract/oracle.py",
        (
            "tests/test_oracle_exact.py",
            "tests/test_oracle_messages.py",
            "tests/test_oracle_table.py",
            "tests/test_oracle_family.py",
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
        ("tests/test_budget_exact.py", "tests/test_budget_ledger.py"),
    ),
)

ORACLE, FIELDCHECK, VERDICT = (f"foxcontract/{m}.py" for m in ("oracle", "fieldcheck", "verdict"))
BUDGET = "foxcontract/live/budget.py"
CLOSED = "the descriptor is closed right after, and closing it releases the flock"
JUDGE_BLOCK = "if expected.judged and not 200 <= status < 300:"
NOT_AN_ERROR_STATUS = (
    "an error kind's status is 400 to 599 (the contract schema says so): a 1xx-3xx status "
    "is never one, so whether it enters the block changes nothing"
)
CACHE_KEY = "a key of the validator cache: any key distinct from the others does"

EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent(
        ORACLE, "_Checker._explain", "assert rule.then is not None",
        "assert rule.then is not None", "pass",
        "only cross rules (then set) are explained; the assert narrows the type for mypy",
    ),
    Equivalent(
        ORACLE, "_Checker._defaulted", 'if condition.op in ("absent", "present") or present:',
        "('absent', 'present')", "('absent', '')",
        "a present condition that held means the field was sent: `present` says '' too",
    ),
    Equivalent(
        FIELDCHECK, "compile_field",
        'integral_floats: Literal["accept", "reject", "ambiguous"] = "ambiguous",',
        "'ambiguous'", "''",
        "the default is only compared with 'reject': '' and 'ambiguous' both accept 8.0",
    ),
    *(
        Equivalent(VERDICT, "judge", JUDGE_BLOCK, "200 <= status < 300", m, NOT_AN_ERROR_STATUS)
        for m in (
            "200 < status < 300", "200 > status < 300", "200 <= status <= 300",
            "201 <= status < 300", "200 <= status < 301",
        )
    ),
    Equivalent(
        VERDICT, "response_problems",
        'validator = _validator(contract, "error", contract.error_schema)',
        "_validator(contract, 'error', contract.error_schema)",
        "_validator(contract, '', contract.error_schema)", CACHE_KEY,
    ),
    *(
        Equivalent(
            VERDICT, "header_problems",
            'validator = _validator(contract, f"header {status} {name}", schema)',
            "f'header {status} {name}'", m, CACHE_KEY,
        )
        for m in ("f'{status} {name}'", "f'header {status}{name}'")
    ),
    Equivalent(
        VERDICT, "media_type", 'return value.split(";", 1)[0].strip().lower()',
        "value.split(';', 1)", "value.split(';', 2)",
        "only the text before the first ';' is kept, however often it is split",
    ),
    Equivalent(BUDGET, "Ledger._locked", "_unlock(fd)", "_unlock(fd)", "pass", CLOSED),
    Equivalent(
        BUDGET, "Ledger._read", "def _read(self, *, start: bool = False) -> LedgerState | None:",
        "False", "True", "the default is never used: _locked always passes start",
    ),
    Equivalent(
        BUDGET, "Ledger._change",
        "assert state is not None  # _read raises on a missing file unless starting",
        "assert state is not None", "pass",
        "_read returns None only when starting, which _change never does; mypy needs it",
    ),
)  # fmt: skip
