"""Consumer coverage: what a project's own tests exercised through the fake provider.

At the end of a run whose tests used ``fox_api``, the terminal summary shows two tables:
the contract rules the code's requests touched (how often a request was accepted by the
rule, how often it broke it), and which of the answers a client must cope with its tests
made it handle (a rate limit, no credits, a refused key, a server error, a failed task, a
dropped connection, a slow answer) and which it never saw. A row of ``0`` is the point:
an answer the code has never been tested against.

The tally observes only: it reads the calls a fixture recorded when the fixture is torn
down. One tally per run in ``config.stash``; under pytest-xdist each worker's tally is sent
to the controller and added up there (see :mod:`foxcontract.report`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from foxcontract.contract.model import Contract
    from foxcontract.fake.wire import Call

__all__ = ["ANSWERS", "CONSUMER", "ConsumerTally", "consumer_tally", "observe_calls", "summary"]

ANSWERS: tuple[tuple[str, str], ...] = (
    ("rate_limit", "{} rate limited"),
    ("quota", "{} out of credits"),
    ("authentication", "{} key refused"),
    ("5xx", "5xx server error"),
    ("failed-task", "a failed task"),
    ("dropped", "a dropped connection"),
    ("slow", "a slow answer"),
)
"""The answers a client must cope with: (key, what the table calls it). The first three are
the error kinds playing these roles for the provider, ``{}`` their status (FoxAPI: 429, 402,
401)."""
ROLE_ANSWERS = ("rate_limit", "quota", "authentication")


@dataclass
class RuleUse:
    accepted: int = 0
    broke: int = 0


@dataclass
class ConsumerTally:
    """Requests and tests seen, per contract the rules touched, and the answers handled."""

    requests: int = 0
    tests: int = 0
    rules: dict[str, dict[str, RuleUse]] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)
    provider: str = "FoxAPI"
    statuses: dict[str, int] = field(
        default_factory=lambda: {"rate_limit": 429, "quota": 402, "authentication": 401}
    )
    """The status of the error kind playing each role of :data:`ROLE_ANSWERS`."""

    def observe(self, calls: Iterable[Call], create: Contract, poll: Contract) -> None:
        """Count one test's calls (``create``/``poll``: the contracts the fake followed)."""
        self.tests += 1
        self.provider = create.provider.name
        for role in ROLE_ANSWERS:
            kind = create.error_kind(role)
            if kind is not None:
                self.statuses[role] = kind.status
        for call in calls:
            self.requests += 1
            if call.contract == create.name:
                self._rules(call, create)
            for key in _answer_keys(call, poll, self.statuses):
                self.answers[key] += 1

    def _rules(self, call: Call, contract: Contract) -> None:
        """Count what the fake's oracle decided on the call's body (its violations)."""
        from foxcontract.strategies import rules_judged

        table = self.rules.setdefault(contract.name, {r.id: RuleUse() for r in contract.rules})
        try:
            body = call.request.json()
        except (ValueError, UnicodeDecodeError):
            return
        for rule_id, held in rules_judged(contract, body, call.violations).items():
            use = table.setdefault(rule_id, RuleUse())
            if held:
                use.accepted += 1
            else:
                use.broke += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "tests": self.tests,
            "rules": {
                name: {rid: [u.accepted, u.broke] for rid, u in table.items()}
                for name, table in self.rules.items()
            },
            "answers": dict(self.answers),
            "provider": self.provider,
            "statuses": dict(self.statuses),
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add a tally sent as :meth:`to_json` (by an xdist worker)."""
        self.requests += data["requests"]
        self.tests += data["tests"]
        for name, table in data["rules"].items():
            mine = self.rules.setdefault(name, {})
            for rid, (accepted, broke) in table.items():
                use = mine.setdefault(rid, RuleUse())
                use.accepted += accepted
                use.broke += broke
        self.answers.update(data["answers"])
        self.provider = data.get("provider", self.provider)
        self.statuses.update(data.get("statuses", {}))


def _answer_keys(call: Call, poll: Contract, statuses: dict[str, int]) -> list[str]:
    response = call.response
    keys: list[str] = []
    if response.drop:
        return ["dropped"]
    roles = [role for role in ROLE_ANSWERS if statuses.get(role) == response.status]
    if roles:
        keys.append(roles[0])
    elif response.status >= 500:
        keys.append("5xx")
    if response.delay > 0:
        keys.append("slow")
    lifecycle = poll.lifecycle
    if (
        call.contract == poll.name
        and lifecycle is not None
        and isinstance(response.body, dict)
        and lifecycle.failure is not None
        and response.body.get(lifecycle.field) == lifecycle.failure
    ):
        keys.append("failed-task")
    return keys


CONSUMER = pytest.StashKey[ConsumerTally]()


def consumer_tally(config: pytest.Config) -> ConsumerTally:
    """The run's consumer tally (created on first use)."""
    if CONSUMER not in config.stash:
        config.stash[CONSUMER] = ConsumerTally()
    return config.stash[CONSUMER]


def observe_calls(
    config: pytest.Config, calls: Iterable[Call], create: Contract, poll: Contract
) -> None:
    """What a fixture calls at teardown with the calls its fake answered."""
    consumer_tally(config).observe(calls, create, poll)


def summary(reporter: Any, config: pytest.Config) -> None:
    """The consumer-coverage section of the terminal summary (only when a fixture was used)."""
    tally = config.stash.get(CONSUMER, None)
    if tally is None or not tally.tests or hasattr(config, "workerinput"):
        return
    reporter.section("foxcontract consumer coverage")
    reporter.write_line(
        f"your tests sent {tally.requests} requests to the fake {tally.provider} in "
        f"{tally.tests} tests"
    )
    for name, table in sorted(tally.rules.items()):
        touched = {rid: u for rid, u in table.items() if u.accepted or u.broke}
        width = max([len(f"rules of {name}"), *map(len, touched)])
        reporter.write_line(f"  {f'rules of {name}':<{width}}  accepted  broke")
        for rid, use in touched.items():
            reporter.write_line(f"  {rid:<{width}}  {use.accepted:>8}  {use.broke:>5}")
        untouched = [rid for rid in table if rid not in touched]
        if untouched:
            reporter.write_line(f"  never touched: {', '.join(untouched)}", yellow=True)
    header = "answers your code was made to handle"
    labels = [(key, label.format(tally.statuses.get(key, ""))) for key, label in ANSWERS]
    width = max([len(header), *(len(label) for _, label in labels)])
    reporter.write_line(f"  {header:<{width}}  seen")
    never: list[str] = []
    for key, label in labels:
        seen = tally.answers[key]
        reporter.write_line(f"  {label:<{width}}  {seen:>4}", yellow=not seen)
        if not seen:
            never.append(label)
    if never:
        reporter.write_line(
            f"foxcontract: your code never saw: {', '.join(never)} "
            "(script them with fox_api.fault(...) and fox_api.fail_next_task())",
            yellow=True,
        )
    else:
        reporter.write_line("foxcontract: your code saw every answer the contract allows")
