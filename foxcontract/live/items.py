"""Live probes as pytest items: one per free probe and per paid create of a contract file.

``add_live_items(collector, report)`` (from a ``pytest_make_collect_report`` wrapper)
appends them to whatever collector collected an endpoint contract file, next to the offline
items, so no collector has to know about live mode; ``live_items(parent, path)`` builds
them. Items are named by rule and probe (``rule-lite-no-4k[2]``, ``auth-wrong-key``,
``paid-03``) so ``-k`` picks them, and a failure shows the probe's
message alone: rule, request sent, expected and got.

Order within a file (``Plan.order``): the paid creates of the budget less its reserve
first, then the free probes (documented facts first), then the paid creates of the reserve
(with what accepted free probes left of it), then the lifecycle items (``lifecycle[paid-03]``,
marked ``fox_paid`` too). The budget buys the planned coverage first: a provider that
accepts requests the contract says it refuses is charged for each (see
:mod:`foxcontract.live.budget`), and were those free probes sent first they could use the
budget up before any planned create. A create only starts its task, which is then
followed in the background with every other task of the run while the free probes run; the
lifecycle item waits for its end and judges it (its polls are free).

Under pytest-xdist the order holds per worker: ``--dist load`` hands items out in this
order, so the creates are sent first but a worker may send a file's first free probes while
another sends its last creates (the ledger still never overspends); ``--dist loadfile`` and
``--dist loadscope`` keep a contract file on one worker, in this order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foxcontract.live.failures import LiveFailure, LiveSkip, ProviderGone
from foxcontract.live.plan import PaidCreate
from foxcontract.live.probes import FreeProbe
from foxcontract.live.run import LIVE, plan_of, stop

__all__ = ["LiveItem", "add_live_items", "live_items"]


class LiveItem(pytest.Item):
    """One live probe. Paid creates run before free probes, free probes before the
    lifecycle items that judge the creates' tasks."""

    def __init__(
        self,
        *,
        probe: FreeProbe | PaidCreate,
        line: int = 0,
        lifecycle: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.probe = probe
        self.lifecycle = lifecycle
        self._line = line
        self.add_marker(pytest.mark.fox_live)
        if isinstance(probe, PaidCreate):
            self.add_marker(pytest.mark.fox_paid)

    def runtest(self) -> None:
        run = self.config.stash[LIVE]
        session = run.session(self.path.parent)
        try:
            if self.lifecycle and isinstance(self.probe, PaidCreate):
                if not self._selected(lifecycle=False):
                    pytest.skip(f"no task to follow: {self.probe.name} is not selected")
                session.lifecycle(self.probe, alone=run.owner)
            else:
                session.run(self.probe, follow=self._selected(lifecycle=True))
        except LiveSkip as exc:
            pytest.skip(str(exc))
        except ProviderGone as exc:
            self.session.shouldfail = exc.stop  # the rest would only repeat it
            raise

    def _selected(self, *, lifecycle: bool) -> bool:
        """Whether the other half of this paid create is selected: its lifecycle item (only
        then is the task followed), or the create (else there is no task to judge)."""
        return any(
            isinstance(i, LiveItem) and i.lifecycle is lifecycle and i.probe is self.probe
            for i in self.session.items
        )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LiveFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        kind = "paid create" if isinstance(self.probe, PaidCreate) else "free probe"
        if self.lifecycle:
            kind = "task lifecycle of"
        return self.path, self._line, f"live {kind} {self.name}"


def live_items(parent: pytest.Collector, path: Path) -> Iterator[LiveItem]:
    """The live items of the contract file ``path`` (none unless the mode is live or record,
    or when ``path`` is not an endpoint contract)."""
    run = parent.config.stash.get(LIVE, None)
    if run is None:
        return
    session = run.session(path.parent)
    name = next((c.name for c in session.contracts if c.path.resolve() == path.resolve()), None)
    if name is None:
        return
    contract = session.contract(name)
    plan = plan_of(session)
    for probe in plan.order:
        if probe.contract != name:
            continue
        line = 0
        if isinstance(probe, FreeProbe) and probe.rule is not None:
            line = contract.rule(probe.rule).line - 1
        yield LiveItem.from_parent(parent, name=probe.name, probe=probe, line=line)
    if plan.task_contract is None:
        return
    for create in plan.paid:
        if create.contract == name:
            yield LiveItem.from_parent(
                parent, name=f"lifecycle[{create.name}]", probe=create, lifecycle=True
            )


def add_live_items(collector: pytest.Collector, report: pytest.CollectReport) -> None:
    """Append the live items of a collected contract file to its collect report."""
    if (
        isinstance(collector, pytest.File)
        and report.passed
        and LIVE in collector.config.stash
        and collector.path.suffix in (".yaml", ".yml")
        and not any(isinstance(i, LiveItem) for i in report.result)
    ):
        try:
            report.result.extend(live_items(collector, collector.path))
        except pytest.UsageError as exc:  # a plan the options cannot make: stop the run
            stop(collector.config, exc)
