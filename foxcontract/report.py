"""The rule-coverage tally: per rule, how many cases exercised it and were accepted, how
many broke it, and what the provider answered. One tally per run in ``config.stash[TALLY]``
(read it with :func:`tally_of`); under pytest-xdist each worker sends its tally to the
controller, which adds them up before the terminal summary and the ``--fox-report`` JSON.

The tally observes only: it judges nothing. The items ask the oracle about a body and tell
the tally what it decided with ``tally_of(config).count(contract, judged)`` (``judged``: the
rules the oracle judged and whether each held, from
:func:`foxcontract.strategies.rules_judged`); the example items, replay and live mode tell it
provider answers with ``tally_of(config).provider(rule_id, status, contract)``. The
consumer-coverage tally
(:mod:`foxcontract._consumer_coverage`) travels from the xdist workers the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from foxcontract._consumer_coverage import CONSUMER, consumer_tally

if TYPE_CHECKING:
    from foxcontract.contract.model import Contract

__all__ = ["TALLY", "CoverageTally", "RuleCount", "configure", "finish", "summary", "tally_of"]

_WORKER_KEY = "foxcontract_tally"
_CONSUMER_KEY = "foxcontract_consumer"


@dataclass
class RuleCount:
    """The counts of one rule. ``provider`` maps an HTTP status to how often it was seen."""

    line: str
    accepted: int = 0
    violated: int = 0
    provider: Counter[str] = field(default_factory=Counter)

    @property
    def reached(self) -> bool:
        return bool(self.accepted or self.violated)


class CoverageTally:
    """Counts per contract and rule; contracts are keyed by name."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, RuleCount]] = {}
        self.requests: Counter[str] = Counter()
        self._registered: set[str] = set()

    def register(self, contract: Contract) -> dict[str, RuleCount]:
        """List every rule of ``contract`` (so one no case reaches still shows)."""
        table = self.rules.setdefault(contract.name, {})
        self._registered.add(contract.name)
        for rule in contract.rules:
            if rule.id not in table:
                table[rule.id] = RuleCount(f"{contract.path.name}:{rule.line}")
        return table

    def count(self, contract: Contract, judged: Mapping[str, bool]) -> None:
        """Count one request body of ``contract`` as the oracle judged it: ``judged`` maps
        each rule it judged to whether the rule held (accepted) or was broken (violated)."""
        if contract.name in self._registered:
            table = self.rules[contract.name]
        else:
            table = self.register(contract)
        self.requests[contract.name] += 1
        for rule_id, held in judged.items():
            count = table.setdefault(rule_id, RuleCount(""))
            if held:
                count.accepted += 1
            else:
                count.violated += 1

    def provider(self, rule_id: str | None, status: int, contract: Contract | str) -> None:
        """Record that the provider answered ``status`` to a case of ``rule_id`` (``None``
        for an accepted case, counted under ``(no rule broken)``)."""
        name = contract if isinstance(contract, str) else contract.name
        if not isinstance(contract, str):
            self.register(contract)
        table = self.rules.setdefault(name, {})
        count = table.setdefault(rule_id or "(no rule broken)", RuleCount(""))
        count.provider[str(status)] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            name: {
                "requests": self.requests[name],
                "rules": {
                    rid: {
                        "line": c.line,
                        "accepted": c.accepted,
                        "violated": c.violated,
                        "provider": dict(sorted(c.provider.items())),
                    }
                    for rid, c in table.items()
                },
            }
            for name, table in sorted(self.rules.items())
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add a tally sent as :meth:`to_json` (by an xdist worker)."""
        for name, entry in data.items():
            self.requests[name] += entry["requests"]
            table = self.rules.setdefault(name, {})
            for rid, c in entry["rules"].items():
                mine = table.setdefault(rid, RuleCount(c["line"]))
                mine.line = mine.line or c["line"]
                mine.accepted += c["accepted"]
                mine.violated += c["violated"]
                mine.provider.update(c["provider"])


TALLY = pytest.StashKey[CoverageTally]()


def tally_of(config: pytest.Config) -> CoverageTally:
    """The run's tally (created on first use)."""
    if TALLY not in config.stash:
        config.stash[TALLY] = CoverageTally()
    return config.stash[TALLY]


class _XdistHooks:
    """Registered only when pytest-xdist is present: the controller adds up the tallies."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {})
        sent = output.get(_WORKER_KEY)
        if sent:
            tally_of(self.config).merge(json.loads(sent))
        consumer = output.get(_CONSUMER_KEY)
        if consumer:
            consumer_tally(self.config).merge(json.loads(consumer))


def configure(config: pytest.Config) -> None:
    tally_of(config)
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_XdistHooks(config), "foxcontract-xdist-tally")


def finish(session: pytest.Session) -> None:
    """On a worker, send the tally to the controller (whose ``--fox-report`` JSON holds it,
    see :mod:`foxcontract._run_report`)."""
    config = session.config
    tally = tally_of(config)
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_WORKER_KEY] = json.dumps(tally.to_json())
        if CONSUMER in config.stash:
            workeroutput[_CONSUMER_KEY] = json.dumps(config.stash[CONSUMER].to_json())


def _provider(c: RuleCount) -> str:
    return " ".join(f"{s}x{n}" for s, n in sorted(c.provider.items())) or "-"


def summary(reporter: Any, config: pytest.Config) -> None:
    """The rule-coverage section of the terminal summary."""
    tally = tally_of(config)
    if hasattr(config, "workerinput") or not tally.rules:
        return
    reporter.section("foxcontract rule coverage")
    missing: list[str] = []
    partial: list[str] = []
    for name, table in sorted(tally.rules.items()):
        reporter.write_line(f"{name}: {tally.requests[name]} requests checked")
        width = max([len("rule"), *map(len, table)])
        reporter.write_line(f"  {'rule':<{width}}  accepted  violated  provider")
        for rid, c in table.items():
            row = f"  {rid:<{width}}  {c.accepted:>8}  {c.violated:>8}  {_provider(c)}"
            reporter.write_line(row, red=not c.reached and bool(c.line))
            if c.line and not c.reached:
                missing.append(f"foxcontract: RULE NOT REACHED: {name} {rid} ({c.line})")
            elif c.line and not (c.accepted and c.violated):
                how = "accepted" if not c.accepted else "violated"
                partial.append(f"foxcontract: rule never {how}: {name} {rid} ({c.line})")
    for line in missing:
        reporter.write_line(line, red=True, bold=True)
    for line in partial:
        reporter.write_line(line, yellow=True)
    if not missing and not partial:
        reporter.write_line("foxcontract: every rule was both accepted and violated")
