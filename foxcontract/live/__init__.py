"""Live and record modes: probing the real provider with the contract, within a budget.

- :func:`build_plan` / :func:`format_plan`: the free probes and the fewest paid creates
  (a covering set of every allowed value, then model-dependent pairs, then three-way
  combinations), cut to the budget, for every model or those of ``--fox-models``;
- :class:`LiveClient`: httpx with the key kept out of every repr, bounded retries with
  capped backoff honouring ``Retry-After``;
- :class:`Ledger`: the paid-create budget shared by every process of a run, failing closed
  (:class:`LedgerError`); :func:`charged_statuses`: the answers a paid request is charged for;
- :class:`TaskTracker`: the task lifecycle checked answer by answer; :class:`TaskFollower`:
  every task of a run followed at once to its end, against one deadline.
"""

from foxcontract.live.budget import Ledger, LedgerError, LedgerState, charged_statuses
from foxcontract.live.client import Answer, BudgetExhausted, LiveClient, LiveError
from foxcontract.live.covering import Cover, cover
from foxcontract.live.key import KEY_ENV, ApiKey
from foxcontract.live.lifecycle import TaskTracker
from foxcontract.live.plan import PaidCreate, Plan, PlanError, build_plan, format_plan
from foxcontract.live.polling import PollSchedule, TaskFollower, TaskResult
from foxcontract.live.probes import FreeProbe, free_probes
from foxcontract.live.retry import RetryPolicy
from foxcontract.live.targets import Target

__all__ = [
    "KEY_ENV",
    "Answer",
    "ApiKey",
    "BudgetExhausted",
    "Cover",
    "FreeProbe",
    "Ledger",
    "LedgerError",
    "LedgerState",
    "LiveClient",
    "LiveError",
    "PaidCreate",
    "Plan",
    "PlanError",
    "PollSchedule",
    "RetryPolicy",
    "Target",
    "TaskFollower",
    "TaskResult",
    "TaskTracker",
    "build_plan",
    "charged_statuses",
    "cover",
    "format_plan",
    "free_probes",
]
