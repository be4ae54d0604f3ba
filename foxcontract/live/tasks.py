"""The tasks of a session's paid creates: followed from their create, judged by their
lifecycle items.

An accepted create's task is handed to the :class:`~foxcontract.live.polling.TaskFollower`
(:meth:`Tasks.follow`), or whoever waits for it hears why there is none
(:meth:`Tasks.not_followed`). :meth:`Tasks.judge` is a lifecycle item's verdict on how the
task ended: terminal by the run's deadline, and still so once more; refused to anyone without
the key (fetched without a key and with a wrong key: free); and ended as the contract's
``lifecycle.accepted_ends`` says, else that stance is disproved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from foxcontract.contract.model import Contract
from foxcontract.live._kinds import kind_problems
from foxcontract.live.client import Answer, LiveClient, LiveError
from foxcontract.live.drift import Disproved, Outcome, append_outcome
from foxcontract.live.failures import LiveFailure, LiveSkip
from foxcontract.live.lifecycle import TaskTracker
from foxcontract.live.plan import PaidCreate
from foxcontract.live.polling import PollSchedule, TaskFollower, TaskResult, poll_path, task_key
from foxcontract.verdict import Fact

__all__ = ["PollRecord", "Tasks"]

PollRecord = Callable[[str, Answer], None]
"""``record(path, answer)``: called after each poll of a task (from the follower's threads)."""


@dataclass
class Tasks:
    """The tasks created in one process for one folder of contracts, polled on
    ``contract`` (the poll contract, with a lifecycle)."""

    contract: Contract
    client: LiveClient
    run_dir: Path
    wait: float
    schedule: PollSchedule = field(default_factory=PollSchedule)

    def __post_init__(self) -> None:
        assert self.contract.lifecycle is not None
        self.follower = TaskFollower(self.run_dir, self.contract, self.wait, self.schedule)

    def follow(self, key: str, create: str, tracker: TaskTracker, record: PollRecord) -> None:
        """Follow the task ``tracker`` saw created (it has its id) by paid create ``create``,
        in the background; ``record`` hears each poll."""
        assert tracker.task_id is not None
        path = poll_path(self.contract, tracker.task_id)
        self.follower.follow(key, create, tracker, partial(self._poll_once, path, record))

    def not_followed(self, key: str, create: str, reason: str) -> None:
        """There is no task of ``create`` to follow: say why, to whoever waits for it."""
        self.follower.not_followed(key, create, reason)

    def _poll_once(self, path: str, record: PollRecord) -> Answer:
        """One poll of a task (called from the follower's threads)."""
        answer = self.client.send(self.contract.method, path, auth="key")
        record(path, answer)
        return answer

    def judge(self, c: Contract, create: PaidCreate, *, alone: bool, strict: bool) -> None:
        """Judge the lifecycle of ``create``'s task, followed since its create (here, or in
        another process of the run unless ``alone``): terminal by the deadline, and still so
        once more; and refused to anyone without the key. Fails when ``strict`` on a
        disproved stance too (``--fox-strict``)."""
        tc = self.contract
        assert tc.lifecycle is not None
        name = f"lifecycle[{create.name}]"
        slack = 2 * self.client.policy.total + self.schedule.cap + 5.0
        key = task_key(c, create.name)
        if alone and not self.follower.knows(key):
            raise LiveSkip(f"no task to follow: {create.name} has not run before this item")
        result = self.follower.result(key, slack)
        if result is None:
            raise LiveFailure(
                f"{c.name}::{name}: no word of the task of {create.name} within the run's "
                f"deadline (--fox-wait {self.wait:g}) plus {slack:g}s: the process that "
                "sent the create ended without reporting it"
            )
        if result.not_followed is not None:
            raise LiveSkip(f"no task to follow: {create.name}: {result.not_followed}")
        terminal = tc.lifecycle.terminal
        expected = (
            f"a terminal state ({', '.join(terminal)}) within --fox-wait {self.wait:g}s, "
            "kept once more"
        )
        auth = self._task_auth(result.task_id) if result.task_id is not None else []
        problems = result.judged(terminal) + auth
        disproved = () if problems else _ended_otherwise(tc, result)
        outcome = Outcome(
            tc.name, name, None, expected, result.summary(), tuple(problems),
            disproved=disproved, strict=strict,
        )  # fmt: skip
        append_outcome(self.run_dir, outcome)
        if problems or (strict and disproved):
            lines = [f"{c.name}::{name}: the task's lifecycle disagrees with the contract"]
            lines.append(f"  created by: {create.name} ({c.method} {c.url_path})")
            lines.append(f"  expected:   {expected}")
            lines.append(f"  got:        {result.summary(status=False)}")
            lines += [f"  {p}" for p in problems]
            for d in disproved:
                lines.append("  assumption disproved (failing under --fox-strict):")
                lines += [f"    {line}" for line in d.lines()]
            raise LiveFailure(self.client.scrub("\n".join(lines)))

    def _task_auth(self, task_id: str) -> list[str]:
        """The created task fetched without a key and with a wrong key (free): both must get
        the contract's authentication answer, never the task."""
        tc = self.contract
        kinds = [tc.error_kinds[n] for n in tc.errors if n in tc.error_kinds]
        kind = tc.error_kind("authentication") or next((k for k in kinds if k.status == 401), None)
        if kind is None or not tc.keyed:
            return []
        path = poll_path(tc, task_id)
        out: list[str] = []
        checks: tuple[tuple[Literal["none", "wrong"], str], ...] = (
            ("none", "without a key"),
            ("wrong", "with a wrong key"),
        )
        for auth, how in checks:
            where = f"auth: {tc.method} {path} {how}"
            try:
                answer = self.client.send(tc.method, path, auth=auth)
            except LiveError as exc:
                out.append(f"{where}: no answer: {exc}")
                continue
            fact = Fact("error", kind.provenance, key=kind.name)
            out += [f"{where}: {p}" for p in kind_problems(kind, answer, fact)]
        return out

    def close(self, *, wait: bool) -> None:
        """Stop following tasks (``wait``: only once every task followed here has ended)."""
        self.follower.close(wait=wait)


def _ended_otherwise(tc: Contract, result: TaskResult) -> tuple[Disproved, ...]:
    """The contract's stance that a task of a body it accepts ends in ``accepted_ends``,
    disproved by a planned create's task that ended in another terminal state."""
    lc = tc.lifecycle
    if lc is None or lc.accepted_ends is None or not result.terminal:
        return ()
    if result.status == lc.accepted_ends:
        return ()
    where = f"{tc.path.name}:{lc.accepted_provenance.line}"
    return (
        Disproved(
            f"task {result.task_id} of a body the contract accepts ended {result.status!r}, "
            f"not {lc.accepted_ends!r}",
            f"{lc.accepted_provenance.describe()} ({where})",
            f"{where}: remove accepted_ends (a task of an accepted body may end {result.status!r})",
        ),
    )
