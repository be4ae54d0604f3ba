"""The items a contract file yields, and the failures they raise.

- ``<rule>[accepted]``: bodies on which the oracle judges the rule and it holds;
- ``<rule>[violated]``: bodies that break that rule and nothing else;
  each runs the deterministic coverage cases first, then Hypothesis; the verdict re-runs the
  oracle on the exact body, so a label cannot go stale;
- ``example[<name>]``: a documented example agrees with the contract;
- ``response[<status>]``, ``response[errors]``: the fake's answers satisfy the contract;
- ``consistency``: the rules do not contradict each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, Unsatisfiable

from foxcontract import consistency, profiles
from foxcontract.contract import fill_path, get_path
from foxcontract.contract.errors import Problem
from foxcontract.contract.model import Contract, ErrorKind, Example, Rule
from foxcontract.contract.schemas import validator_of
from foxcontract.fake import (
    FakeAPI,
    FakeConfigError,
    FakeRequest,
    FakeResponse,
    Fault,
    TaskScript,
)
from foxcontract.fake.answering import answering_fake
from foxcontract.oracle import Violation, check
from foxcontract.report import tally_of
from foxcontract.strategies import (
    Case,
    error_responses,
    exercised,
    invalid_requests,
    near_misses,
    responses,
    rules_judged,
    valid_cases,
    valid_requests,
)
from foxcontract.verdict import NO_BODY, judge

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

    def explore(
        self,
        strategy: st.SearchStrategy[Any],
        test: Callable[[Any], None],
        max_examples: int | None = None,
    ) -> None:
        """Run ``test`` on values Hypothesis draws, seeded for this item; a strategy that
        can draw nothing is a contract problem, reported at this item's line."""
        chosen = profiles.item_settings(self.config)
        if max_examples is not None:
            chosen = settings(chosen, max_examples=max_examples)
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
        """Ask the oracle about the exact body, tell the tally what it decided, and fail
        when that is not what this item expects."""
        got = check(case.body, self.contract)
        judged = rules_judged(self.contract, case.body, got)
        tally_of(self.config).count(self.contract, judged)
        if self.kind == ACCEPTED:
            ok = not got and judged.get(self.rule.id) is True
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
        """Judge the documented answer as a recorded one is judged (the verdict, as replay
        does for a cassette), tell the tally what was decided, and check the example's path
        parameters against their schemas."""
        c, ex = self.contract, self.example
        verdict = judge(
            c, ex.status, ex.response_body, request_body=ex.body if c.has_body else NO_BODY
        )
        if c.has_body:
            got = verdict.expected.violations
            tally_of(self.config).count(c, rules_judged(c, ex.body, got))
            rule_ids: list[str | None] = [v.rule for v in got]
            for rule_id in rule_ids or [None]:
                tally_of(self.config).provider(rule_id, ex.status, c)
        problems = [str(p) for p in verdict.problems]
        for name, schema in c.params.items():
            if name in ex.params and not validator_of(schema).is_valid(ex.params[name]):
                problems.append(f"parameter: {name}={ex.params[name]!r} breaks its schema")
        if problems:
            raise ContractFailure(
                f"example {ex.name} ({c.path.name}:{ex.line})\n"
                f"body sent: {_show(ex.body)}\n"
                f"recorded:  {ex.status} {_show(ex.response_body)}\n"
                f"expected:  {verdict.expected.describe()}\n"
                + "".join(f"  - {v}\n" for v in verdict.expected.violations)
                + "\n".join(f"problem:   {p}" for p in problems)
            )


class ResponseItem(_ContractItem):
    """``response[<status>]``: the fake's answers of that status satisfy the contract (the
    create endpoint's answers to accepted bodies, the poll endpoint's to each poll of a task
    that ends completed, and of one that ends failed); ``response[errors]``: the fake's
    refusals of bodies that break a rule, and its answer of each error kind the contract
    lists. Every answer is judged by the verdict, as a recorded or live one would be."""

    def __init__(self, *, contract: Contract, status: str | None, **kw: Any) -> None:
        super().__init__(**kw)
        self.contract, self.status = contract, status
        self.line = contract.responses[status].line if status else contract.line_of(["responses"])
        self.add_marker("foxcontract")
        self.add_marker("fox_response")

    def runtest(self) -> None:
        c = self.contract
        # the bodies a consumer's tests get from the strategies: a schema no body satisfies
        # is a contract problem, reported before the fake is asked
        drawn = responses(c, self.status) if self.status is not None else error_responses(c)
        self.explore(drawn, _drawn, max_examples=1)
        try:
            fake = answering_fake(c)
        except FakeConfigError as exc:
            pytest.skip(f"the fake cannot answer {c.method} {c.url_path}: {exc}")
        if fake is None:
            pytest.skip(
                f"the fake does not serve {c.method} {c.url_path}: it answers the endpoint "
                "that creates tasks and the one that polls them"
            )
        if self.status is None:
            self._errors(fake)
        elif c.has_body:
            self._accepted(fake, self.status)
        else:
            self._polled(fake, self.status)

    def _send(self, fake: FakeAPI, method: str, path: str, body: Any = NO_BODY) -> FakeResponse:
        auth = self.contract.provider.auth
        headers = {auth.header_name: auth.value(fake.config.key)}
        content = b""
        if body is not NO_BODY:
            headers["content-type"] = self.contract.content_type or "application/json"
            content = json.dumps(body).encode()
        return fake.handle(FakeRequest(method, path, headers, content))

    def _judge(
        self,
        request: str,
        answer: FakeResponse,
        body: Any = NO_BODY,
        expect: str | None = None,
        kind: ErrorKind | None = None,
    ) -> None:
        """Fail when the verdict finds a problem with ``answer`` (to ``request``, whose body
        is ``body``), or when it is not of the status ``expect`` or the error ``kind``."""
        c = self.contract
        verdict = judge(c, answer.status, answer.body, request_body=body, headers=answer.headers)
        problems = [str(p) for p in verdict.problems]
        if verdict.inconclusive:  # the fake was sent the accepted key: it must judge the body
            problems.insert(
                0,
                f"status: expected {verdict.expected.describe()}, got an answer that does not "
                f"judge the body ({verdict.inconclusive})",
            )
        if expect is not None and str(answer.status) != expect:
            problems.insert(0, f"status: expected {expect}, got {answer.status}")
        error = c.provider.error.parts(answer.body)
        for key in ("type", "code"):
            want = getattr(kind, key) if kind is not None else None
            got = getattr(error, key) if error is not None else None
            if kind is not None and want is not None and got != want:
                problems.append(f"error: {key} {want!r} (kind {kind.name}), got {got!r}")
        if problems:
            sent = request if body is NO_BODY else f"{request} {_show(body)}"
            raise ContractFailure(
                f"{self.name} ({c.path.name}:{self.line}): the fake's answer breaks the contract\n"
                f"request: {sent}\n"
                f"answer:  {answer.status} {_show(answer.body)}\n"
                + "\n".join(f"problem: {p}" for p in problems)
            )

    def _accepted(self, fake: FakeAPI, status: str) -> None:
        c = self.contract
        path = _path(c)
        first = next(iter(valid_cases(c)), None)
        if first is not None:
            answered = self._send(fake, c.method, path, first.body).status
            if 200 <= answered < 300 and str(answered) != status:
                pytest.skip(f"the fake answers an accepted request with {answered}, never {status}")

        def test(case: Case) -> None:
            answer = self._send(fake, c.method, path, case.body)
            self._judge(f"{c.method} {path}", answer, case.body, expect=status)

        for case in valid_cases(c):
            test(case)
        self.explore(valid_requests(c), test)

    def _polled(self, fake: FakeAPI, status: str) -> None:
        c, create = self.contract, fake.create_contract
        body = next(iter(valid_cases(create))).body
        for script in (fake.config.task, TaskScript.failing()):
            fake.script_task(script)
            created = self._send(fake, create.method, _path(create), body)
            id_path = create.task.id if create.task is not None else "id"
            task = get_path(created.body, id_path)
            if not isinstance(task, str):
                raise ContractFailure(
                    f"{self.name} ({c.path.name}:{self.line}): the fake created no task to "
                    f"poll (no id at {id_path}): {created.status} {_show(created.body)}"
                )
            path = _path(c, task)
            for _ in range(len(script.statuses) + 1):
                self._judge(f"{c.method} {path}", self._send(fake, c.method, path), expect=status)

    def _errors(self, fake: FakeAPI) -> None:
        c = self.contract
        base = fake.config
        kinds = [n for n in c.errors if n in fake.create_contract.error_kinds]
        body = next(iter(valid_cases(c))).body if c.has_body else NO_BODY
        path = _path(c)
        for name in kinds:
            kind = c.error_kinds[name]
            fake.configure(base)
            fake.add_fault(Fault(kind=name))
            answer = self._send(fake, c.method, path, body)
            # the fault answers before the body is read: the answer is judged, not the body
            request = f"{c.method} {path} (answered as error kind {name})"
            self._judge(request, answer, expect=str(kind.status), kind=kind)
        fake.configure(base)
        if not (c.has_body and c.rules):
            return

        def test(case: Case) -> None:
            answer = self._send(fake, c.method, path, case.body)
            self._judge(f"{c.method} {path}", answer, case.body)

        for case in near_misses_of_every_rule(c):
            test(case)
        self.explore(invalid_requests(c), test)


def _drawn(_value: Any) -> None:
    """What a drawn response needs: nothing more than being drawn."""


def near_misses_of_every_rule(contract: Contract) -> list[Case]:
    """The deterministic bodies that break one rule each, for every rule of ``contract``."""
    return [case for rule in contract.rules for case in near_misses(contract, rule.id)]


def _path(contract: Contract, value: str = "x") -> str:
    """The contract's path with every ``{parameter}`` filled with ``value``."""
    return fill_path(contract.url_path, value)


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
