"""The task-lifecycle checker, fed answers one by one, against the shipped tasks contract."""

from __future__ import annotations

from typing import Any

import pytest

from foxcontract.contract import load_contract, shipped_contracts_dir
from foxcontract.live import TaskTracker


def tracker() -> TaskTracker:
    lifecycle = load_contract(shipped_contracts_dir() / "tasks-get.yaml").lifecycle
    assert lifecycle is not None
    return TaskTracker(lifecycle)


def task(status: str, progress: int, **extra: Any) -> dict[str, Any]:
    return {"id": "task-1", "status": status, "progress": progress, **extra}


DONE = {"results": [{"url": "https://cdn.example/v.mp4"}]}


def run(*answers: dict[str, Any]) -> list[str]:
    t = tracker()
    out: list[str] = []
    for i, body in enumerate(answers):
        out += t.observe(body, f"poll {i}")
    return out


def test_a_faithful_task_has_no_problem() -> None:
    t = tracker()
    assert t.observe(task("pending", 0), "create") == []
    assert t.observe(task("processing", 40), "poll 1") == []
    assert t.observe(task("completed", 100, **DONE), "poll 2") == []
    assert t.finished
    assert t.history() == "pending(0) -> processing(40) -> completed(100)"


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (
            [task("processing", 10), task("pending", 10)],
            "poll 1: status went from 'processing' to 'pending', which the lifecycle does not "
            "allow (from 'processing': processing, completed, failed)",
        ),
        (
            [task("pending", 50), task("processing", 20)],
            "poll 1: progress fell from 50 to 20",
        ),
        ([task("pending", 0), task("processing", 140)], "poll 1: progress 140 is outside 0..100"),
        ([task("pending", 0), task("completed", 100)], "poll 1: a completed task has no results"),
        (
            [task("pending", 0), task("completed", 100, results=[{"size": 3}])],
            "poll 1: completed task results [0] carry no URL",
        ),
        (
            [task("pending", 0), task("failed", 0, error=None)],
            "poll 1: a failed task carries no error object",
        ),
        (
            [task("completed", 100, **DONE)],
            "poll 0: a new task starts 'completed', expected one of pending, processing",
        ),
        (
            [task("pending", 0), {**task("processing", 5), "id": "task-2"}],
            "poll 1: answer is about task 'task-2', not 'task-1'",
        ),
        (
            [task("pending", 0), task("cancelled", 5)],
            "poll 1: status 'cancelled' is not a lifecycle status "
            "(pending, processing, completed, failed)",
        ),
    ],
)
def test_each_broken_promise_is_named(answers: list[dict[str, Any]], problem: str) -> None:
    assert problem in run(*answers)


def test_a_completed_task_stays_completed() -> None:
    problems = run(task("pending", 0), task("completed", 100, **DONE), task("failed", 100))
    assert problems[0].startswith("poll 2: status went from 'completed' to 'failed'")
