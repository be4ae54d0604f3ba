"""What the budget says about a probe: whether it is sent, and what its answer cost.

The budget itself is the :class:`~foxcontract.live.budget.Ledger`, shared by every process of
a run and failing closed; these are a session's rules over it:

- a free probe is not sent once the budget is spent on answers the contract says are
  refused (that provider charges for them, so any free probe may cost a create);
- a free probe testing a stance of a paid endpoint is sent only with budget left (a provider
  may answer a stance by accepting the body), never while the ledger cannot be read;
- a free probe answered as the contract's paid answers are is charged
  (:meth:`~foxcontract.live.budget.Ledger.charge_unexpected`), or the probe says it could not
  be counted;
- a paid create is sent through the ledger (:func:`paid_create`): a spent budget skips it, a
  ledger that cannot be trusted fails it unsent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from foxcontract.contract.model import Contract
from foxcontract.live.budget import Ledger, LedgerError, charged_statuses
from foxcontract.live.client import BudgetExhausted
from foxcontract.live.failures import LiveFailure, LiveSkip
from foxcontract.live.plan import PaidCreate
from foxcontract.live.probes import FreeProbe

__all__ = ["charge_free", "check_free", "paid_create"]


def check_free(ledger: Ledger, c: Contract, probe: FreeProbe) -> None:
    """Raise :class:`LiveSkip` when the budget says the free probe ``probe`` of ``c`` must
    not be sent."""
    try:
        state = ledger.state()
    except LedgerError:
        state = None  # free probes go on; an accept among them is reported by charge_free
    if state is not None and state.unexpected and state.exhausted:
        raise LiveSkip(
            f"not sent: {ledger.describe()}; free probes stop too, since this "
            "provider charges for requests the contract says it refuses"
        )
    if probe.on_stance and c.paid and (state is None or state.exhausted):
        why = "the budget ledger cannot be read" if state is None else ledger.describe()
        raise LiveSkip(
            f"not sent: it tests the contract's stance ({probe.rests_on}), which a "
            f"provider may answer by accepting the body, and {why}; stances are probed "
            "only with budget left after the paid creates"
        )


def charge_free(ledger: Ledger, c: Contract, status: int) -> list[str]:
    """Charge a free probe of ``c`` answered ``status`` when that is one of the contract's
    paid answers; the problem when the ledger could not count it."""
    if c.paid and str(status) in charged_statuses(c):
        try:
            ledger.charge_unexpected()
        except LedgerError as exc:
            return [f"budget: this answer may have cost a create, not counted: {exc}"]
    return []


@contextmanager
def paid_create(c: Contract, create: PaidCreate) -> Iterator[None]:
    """Around sending ``create`` through the ledger: a spent budget skips it
    (:class:`LiveSkip`), a ledger that cannot be trusted fails it (:class:`LiveFailure`)."""
    try:
        yield
    except BudgetExhausted as exc:
        raise LiveSkip(f"not sent: {exc}") from None
    except LedgerError as exc:
        raise LiveFailure(f"{c.name}::{create.name}: stopped by the budget ledger: {exc}") from None
