"""The task-lifecycle checker: every answer about one task, in order, against the contract.

From the contract's :class:`~foxcontract.contract.Lifecycle`: the first status is an initial
one, a status only moves along the declared transitions (never back), progress never falls
and stays in 0..100, each terminal state's answer carries what its outcome requires (FoxAPI:
a completed task has results each with a URL, a failed one an error object), and every
answer is about the task that was created (its id where the create contract's ``task.id``
says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from foxcontract.contract import get_path
from foxcontract.contract.model import Lifecycle

__all__ = ["TaskTracker"]


@dataclass
class TaskTracker:
    """Feed it each answer body with :meth:`observe`; it returns what is wrong with it."""

    lifecycle: Lifecycle
    task_id: str | None = None
    id_path: str = "id"
    """Where each answer names its task (the create contract's ``task.id``)."""
    statuses: list[str] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def finished(self) -> bool:
        return self.status in self.lifecycle.terminal

    def history(self) -> str:
        steps = [
            f"{s}({p})" if p is not None else s
            for s, p in zip(self.statuses, self._padded_progress(), strict=False)
        ]
        return " -> ".join(steps) or "(no answer)"

    def _padded_progress(self) -> list[int | None]:
        out: list[int | None] = list(self.progress)
        return out + [None] * (len(self.statuses) - len(out))

    def observe(self, body: Any, where: str) -> list[str]:
        """Check one answer (``where`` names it in messages, e.g. ``poll 2``)."""
        if not isinstance(body, dict):
            return [f"{where}: the task answer is not a JSON object"]
        lc = self.lifecycle
        problems: list[str] = []
        got_id = get_path(body, self.id_path)
        if self.task_id is None:
            self.task_id = got_id if isinstance(got_id, str) else None
        elif got_id != self.task_id:
            problems.append(f"{where}: answer is about task {got_id!r}, not {self.task_id!r}")
        status = body.get(lc.field)
        if not isinstance(status, str) or status not in lc.transitions:
            problems.append(
                f"{where}: {lc.field} {status!r} is not a lifecycle status "
                f"({', '.join(lc.transitions)})"
            )
            return problems
        before = self.status
        if before is None and status not in lc.initial:
            problems.append(
                f"{where}: a new task starts {status!r}, expected one of {', '.join(lc.initial)}"
            )
        elif before is not None and not lc.allows(before, status):
            problems.append(
                f"{where}: {lc.field} went from {before!r} to {status!r}, which the lifecycle "
                f"does not allow (from {before!r}: {', '.join(lc.transitions.get(before, ()))})"
            )
        self.statuses.append(status)
        problems += self._progress(body, where)
        outcome = lc.outcome(status)
        if outcome is not None:
            problems += outcome.problems(body, where)
        return problems

    def _progress(self, body: dict[str, Any], where: str) -> list[str]:
        name = self.lifecycle.progress
        if name is None:
            return []
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{where}: {name} {value!r} is not an integer"]
        out = []
        if not 0 <= value <= 100:
            out.append(f"{where}: {name} {value} is outside 0..100")
        if self.progress and value < self.progress[-1]:
            out.append(f"{where}: {name} fell from {self.progress[-1]} to {value}")
        self.progress.append(value)
        return out
