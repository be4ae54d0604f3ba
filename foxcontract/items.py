"""The items a contract file yields, and the failures they raise.

- ``<rule>[accepted]``: bodies on which the oracle judges the rule and it holds;
- ``<rule>[violated]``: bodies that break that rule and nothing else;
  each runs the deterministic coverage cases first, then Hypothesis; the verdict re-runs the
  oracle on the exact body, so a label cannot go stale;
- ``example[<name>]``: a documented example agrees with the contract;
- ``response[<status>]``, ``response[errors]``: generated responses satisfy the contract;
- ``consistency``: the rules do not contradict each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given, seed
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, Unsatisfiable

from foxcontract import consistency, profiles
from foxcontract.contract.errors import Problem
from foxcontract.contract.model import Contract, Example, Rule
from foxcontract.contract.schemas import validator_of
from foxcontract.oracle import Violation
from foxcontract.report import tally_of
from foxcontract.strategies import (
    Case,
    error_responses,
    invalid_requests,
    near_misses,
    responses,
    valid_cases,
    valid_requests,
)
from foxcontract.strategies._combos import exercised

__all__ = [
    "ACCEPTED",
    "VIOLATED",
    "CaseFailure",
    "ConsistencyItem",
    "ContractFailure",
    "ExampleItem",
    "ResponseItem",
    "RuleItem",
]

ACCEPTED = "accepted"
VIOLATED = "violated"
BATCH = 14
"""Cases per Hypothesis example: one example judges a batch, shrinking keeps the culprit."""


def _show(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=repr)


class ContractFailure(AssertionError):
    """A contract check that failed; its message says what, where and why."""


class CaseFailure(ContractFailure):
    """A generated case whose verdict is not what its item expects."""

    def __init__(self, contract: Contract, rule: Rule, kind: str, case: Case, got: list[Violation]):
        where = f"{contract.path.name}:{rule.line}"
        if kind == ACCEPTED:
            expected = f"accepted, with rule {rule.id} judged (its field sent / condition met)"
        else:
            expected = f"rejected for rule {rule.id} only (error kind {rule.expect})"
        verdict = "; ".join(str(v) for v in got) if got else "accepted"
        super().__init__(
            f"rule {rule.id} ({where}){': ' + rule.doc if rule.doc else ''}\n"
            f"body sent: {_show(case.body)}\n"
            f"expected:  {expected}\n"
            f"got:       {verdict}\n"
            f"label:     {case.rule_id or 'valid'}"
        )


class _ContractItem(pytest.Item):
    contract: Contract
    line: int = 1

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, self.line - 1, f"{self.contract.name}::{self.name}"

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, ContractFailure):
            if not getattr(excinfo.value, "seeded", False):
                return str(excinfo.value)
            return f"{excinfo.value}\n{profiles.reproduce_hint(self.config, self.nodeid)}"
        return super().repr_failure(excinfo)

    def explore(self, strategy: st.SearchStrategy[Any], test: Callable[[Any], None]) -> None:
        """Run ``test`` on values Hypothesis draws, seeded for this item; a strategy that
        can draw nothing is a contract problem, reported at this item's line."""
        chosen = profiles.item_settings(self.config)
        run = chosen(given(strategy)(test))
        if not chosen.derandomize:
            run = seed(profiles.item_seed(self.config, self.nodeid))(run)
        try:
            run()
        except (Unsatisfiable, InvalidArgument) as exc:  # a schema no value satisfies
            raise ContractFailure(
                f"{self.contract.path.name}:{self.line}: no case could be generated for "
                f"{self.name}: {exc}"
            ) from None
        except ContractFailure as exc:
            exc.seeded = True  # type: ignore[attr-defined]
            raise


class RuleItem(_ContractItem):
    def __init__(self, *, contract: Contract, rule: Rule, kind: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.contract, self.rule, self.kind, self.line = contract, rule, kind, rule.line
        self.add_marker("foxcontract")
        self.add_marker(f"fox_{kind}")

    def judge(self, case: Case) -> None:
        got = tally_of(self.config).observe(self.contract, case.body)
        if self.kind == ACCEPTED:
            ok = not got and exercised(self.contract, self.rule, case.body, set())
        else:
            ok = [v.rule for v in got] == [self.rule.id]
        if not ok:
            raise CaseFailure(self.contract, self.rule, self.kind, case, got)

    def runtest(self) -> None:
        c, rule = self.contract, self.rule
        if self.kind == ACCEPTED:
            fixed = [x for x in valid_cases(c) if exercised(c, rule, x.body, set())]
            strategy = valid_requests(c, rule.id)
        else:
            fixed = list(near_misses(c, rule.id))
            strategy = invalid_requests(c, rule.id)
        if not fixed:
            raise ContractFailure(
                f"rule {rule.id} ({c.path.name}:{rule.line}): no body "
                f"{'satisfies' if self.kind == ACCEPTED else 'breaks only'} it; "
                "see this file's consistency item"
            )
        for case in fixed:
            self.judge(case)

        def batch(cases: list[Case]) -> None:
            for case in cases:
                self.judge(case)

        self.explore(st.lists(strategy, min_size=BATCH // 2, max_size=BATCH), batch)


class ExampleItem(_ContractItem):
    def __init__(self, *, contract: Contract, example: Example, **kw: Any) -> None:
        super().__init__(**kw)
        self.contract, self.example, self.line = contract, example, example.line
        self.add_marker("foxcontract")
        self.add_marker("fox_example")

    def runtest(self) -> None:
        c, ex = self.contract, self.example
        problems: list[str] = []
        kind = None
        if c.has_body:
            got = tally_of(self.config).observe(c, ex.body)
            judged = {c.settings.field_violation, *(r.expect for r in c.rules)}
            rule_ids: list[str | None] = [v.rule for v in got]
            for rule_id in rule_ids or [None]:
                tally_of(self.config).provider(rule_id, ex.status, c)
            if got:
                kind = c.error_kinds[c.rule(got[0].rule).expect]
                if ex.status != kind.status:
                    problems.append(
                        f"{kind.status} ({kind.name}), as the oracle rejects the body: {got[0]}"
                    )
            elif ex.status >= 300 and any(c.error_kinds[k].status == ex.status for k in judged):
                problems.append(f"a 2xx status, as the oracle accepts the body, not {ex.status}")
        for name, schema in c.params.items():
            if name in ex.params and not validator_of(schema).is_valid(ex.params[name]):
                problems.append(f"parameter {name}={ex.params[name]!r} breaks its schema")
        problems += self._response_problems(kind)
        if problems:
            raise ContractFailure(
                f"example {ex.name} ({c.path.name}:{ex.line})\n"
                f"body sent: {_show(ex.body)}\n"
                f"recorded:  {ex.status} {_show(ex.response_body)}\n"
                + "\n".join(f"expected:  {p}" for p in problems)
            )

    def _response_problems(self, kind: Any) -> list[str]:
        c, ex = self.contract, self.example
        spec = c.responses.get(str(ex.status))
        schema = spec.schema if spec is not None else c.error_schema
        out = [
            f"the response body to satisfy the {'response' if spec else 'error'} schema: "
            f"{e.message} at {'/'.join(map(str, e.absolute_path)) or 'the top'}"
            for e in validator_of(schema).iter_errors(ex.response_body)
        ]
        error = c.provider.error.parts(ex.response_body)
        if kind is None and spec is None and error is not None:
            kinds = [c.error_kinds[k] for k in c.errors if c.error_kinds[k].status == ex.status]
            if not kinds:
                out.append(f"status {ex.status} among the endpoint's errors: {', '.join(c.errors)}")
            elif all(k.type is not None and k.type != error.type for k in kinds):
                shown = " or ".join(repr(k.type) for k in kinds)
                out.append(f"error type {shown} for status {ex.status}, got {error.type!r}")
        if kind is not None and error is not None:
            for key in ("type", "code"):
                want, got = getattr(kind, key), getattr(error, key)
                if want is not None and got != want:
                    out.append(f"error {key} {want!r} (kind {kind.name}), got {got!r}")
        return out


class ResponseItem(_ContractItem):
    def __init__(self, *, contract: Contract, status: str | None, **kw: Any) -> None:
        super().__init__(**kw)
        self.contract, self.status = contract, status
        self.line = contract.responses[status].line if status else contract.line_of(["responses"])
        self.add_marker("foxcontract")
        self.add_marker("fox_response")

    def runtest(self) -> None:
        c = self.contract
        if self.status is not None:
            check = validator_of(c.responses[self.status].schema)
            self.explore(responses(c, self.status), lambda body: self._valid(check, body))
            return
        errors = validator_of(c.error_schema)

        def test(pair: tuple[Any, Any]) -> None:
            kind, body = pair
            self._valid(errors, body)
            got = c.provider.error.parts(body)
            if kind.type is not None and (got is None or got.type != kind.type):
                shown = got.type if got is not None else None
                raise ContractFailure(f"error kind {kind.name}: type {shown!r}")

        self.explore(error_responses(c), test)

    def _valid(self, validator: jsonschema.Draft202012Validator, body: Any) -> None:
        problems = [e.message for e in validator.iter_errors(body)]
        if problems:
            raise ContractFailure(
                f"generated response for {self.status or 'errors'} breaks the contract\n"
                f"body: {_show(body)}\ngot:  {'; '.join(problems)}"
            )


class ConsistencyItem(_ContractItem):
    def __init__(self, *, contract: Contract, **kw: Any) -> None:
        super().__init__(**kw)
        self.contract = contract
        try:
            self.problems = consistency.contradictions(contract)
        except Exception as exc:  # reported by runtest, not as a collection traceback
            self.problems = [Problem(contract.path, 1, f"cannot search the rules: {exc!r}")]
        self.line = self.problems[0].line if self.problems else contract.line_of(["rules"])
        self.add_marker("foxcontract")
        self.add_marker("fox_consistency")

    def runtest(self) -> None:
        if self.problems:
            raise ContractFailure(
                "the contract's rules contradict each other:\n"
                + "\n".join(f"{self.path.name}:{p.line}: {p.message}" for p in self.problems)
            )
