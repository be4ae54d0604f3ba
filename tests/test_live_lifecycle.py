"""The task lifecycle: the checker fed answers one by one, against the shipped tasks
contract; then live runs against the served fake, where every paid task is followed, all at
once, to its end or the run's deadline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from served_fake import (
    Created201,
    live_project_fixture,
    retries_conftest,
    served,
    served_fake_fixture,
)
from served_fake import live as live_run

from foxcontract.contract import Contract, load_contract, shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig, Fault, Mutations, TaskScript
from foxcontract.fake.wire import FakeRequest
from foxcontract.live import Answer, LiveError, PollSchedule, TaskFollower, TaskTracker
from foxcontract.live.polling import read_results, run_deadline


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
    assert problems == [
        "poll 2: status went from 'completed' to 'failed', which the lifecycle does not allow "
        "(from 'completed': completed)",
        "poll 2: a failed task carries no error object",
    ]


# --- the follower, in process -----------------------------------------------------------------
def test_the_deadline_is_the_first_caller_s_for_the_whole_run(tmp_path: Path) -> None:
    first = run_deadline(tmp_path, 5.0)
    assert run_deadline(tmp_path, 100.0) == first  # another process, later: the same deadline
    assert first - time.time() <= 5.0


def test_a_task_without_answers_is_followed_until_the_deadline(tmp_path: Path) -> None:
    tasks = load_contract(shipped_contracts_dir() / "tasks-get.yaml")
    follower = TaskFollower(tmp_path, tasks, 0.3, PollSchedule(base=0.05, cap=0.1))
    asked: list[float] = []

    def poll() -> Answer:
        asked.append(time.monotonic())
        raise LiveError("GET /v1/tasks/task-1: no final answer after 6 attempt(s)")

    t = tracker()
    t.observe(task("pending", 0), "create")
    follower.follow("k", "paid-01", t, poll)
    result = follower.result("k", slack=5.0)
    assert result is not None
    assert (result.timed_out, result.terminal, result.status) == (True, False, "pending")
    assert result.last_error == "GET /v1/tasks/task-1: no final answer after 6 attempt(s)"
    assert 3 <= len(asked) <= 8  # backoff, bounded by the deadline
    assert 0.25 <= result.waited < 1.0
    assert read_results(tmp_path) == [result]  # for the other processes of the run


# --- every task of a live run followed to its end ------------------------------------------
KEY = "sk-lifecycle-test-key-31"


fake = served_fake_fixture(KEY)
project = live_project_fixture(KEY)


def live(project: pytest.Pytester, fake: FakeAPI, *args: str) -> pytest.RunResult:
    """The paid creates and their lifecycles only (``-k paid``): the free probes are the
    business of other tests."""
    return live_run(project, fake, "-k", "paid", *args)


def polls(fake: FakeAPI) -> list[str]:
    """The task id of each poll the fake answered, in order."""
    return [c.request.path.rsplit("/", 1)[1] for c in fake.calls if c.request.method == "GET"]


@pytest.mark.slow
def test_every_task_is_followed_to_its_end(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake, "--fox-budget", "3", "-v")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(
        [
            "*videos-generations.yaml::paid-01 PASSED*",
            "*videos-generations.yaml::paid-03 PASSED*",
            "*videos-generations.yaml::lifecycle[[]paid-01] PASSED*",
            "*videos-generations.yaml::lifecycle[[]paid-03] PASSED*",
            "paid creates: 3 of budget 3 spent",
            "tasks: 3 followed, 3 ended and stayed ended (slowest *s; deadline --fox-wait 300s)",
            "  tasks-get lifecycle * a terminal state (completed, failed) within --fox-wait "
            "300s, kept once more * 200x3 ok",
        ]
    )
    seen = polls(fake)
    for task in set(seen):
        # each task: pending (create), processing, completed, completed again; then the two
        # fetches without a key and with a wrong key
        assert seen.count(task) == 5
    statuses = [c.response.status for c in fake.calls if c.request.method == "GET"]
    assert statuses.count(401) == 6


@pytest.mark.slow
def test_tasks_are_polled_at_once_not_one_after_another(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(task=TaskScript(statuses=("pending", "processing")))  # every task stuck
    result = live(project, fake, "--fox-budget", "3", "--fox-wait", "1.5")
    result.assert_outcomes(passed=3, failed=3)
    seen = polls(fake)
    first, last = seen[0], seen[-1]
    # the tasks' polls interleave: the first task is still polled after the last one started
    assert seen.index(last) < len(seen) - 1 - seen[::-1].index(first)
    # one deadline for the run, not one wait per task: none waited much past 1.5 s
    result.stdout.fnmatch_lines(
        [
            "tasks: 3 followed, 0 ended and stayed ended (slowest 1.*s; deadline --fox-wait "
            "1.5s); 3 not in a terminal state at the deadline: paid-01 'processing' after *s, "
            "paid-02 'processing' after *s, paid-03 'processing' after *s",
        ]
    )


@pytest.mark.slow
def test_a_stuck_task_fails_naming_the_task_its_status_and_the_seconds(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.script_task(TaskScript(statuses=("pending", "processing")))  # the first task only
    result = live(project, fake, "--fox-budget", "3", "--fox-wait", "1.5")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::lifecycle[[]paid-01]: the task's lifecycle disagrees with "
            "the contract",
            "  created by: paid-01 (POST /v1/videos/generations)",
            "  expected:   a terminal state (completed, failed) within --fox-wait 1.5s, kept "
            "once more",
            "  got:        task task-unified-*: pending(0) -> processing(30) -> processing(60)"
            "* poll(s) in 1.*s)",
            "  stuck: task task-unified-* still 'processing' after 1.*s (--fox-wait 1.5): not "
            "in a terminal state (completed, failed) when the run's deadline ended",
            "*= foxcontract live: drift report =*",
            "tasks: 3 followed, 2 ended and stayed ended (slowest 1.*s; deadline --fox-wait "
            "1.5s); 1 not in a terminal state at the deadline: paid-01 'processing' after 1.*s",
            "DRIFT tasks-get::lifecycle[[]paid-01]",
        ]
    )


@pytest.mark.slow
def test_a_terminal_state_must_stay_terminal(project: pytest.Pytester, fake: FakeAPI) -> None:
    fake.configure(mutations=Mutations(unchecked_lifecycle=True))
    fake.script_task(TaskScript(statuses=("pending", "completed", "processing")))
    result = live(project, fake, "--fox-budget", "1")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::lifecycle[[]paid-01]: the task's lifecycle disagrees with "
            "the contract",
            "  got:        task task-unified-*: pending(0) -> completed(100) -> processing(90) "
            "(2 poll(s) in *s)",
            "  lifecycle: poll 2 (once more, after a terminal state): status went from "
            "'completed' to 'processing', which the lifecycle does not allow (from "
            "'completed': completed)",
        ]
    )


@pytest.mark.slow
def test_a_failed_task_ends_the_lifecycle(project: pytest.Pytester, fake: FakeAPI) -> None:
    # a failed task is a lifecycle the contract allows; that a valid body's task fails is
    # against the contract's stance (accepted_ends), reported and not failed
    fake.configure(task=TaskScript.failing())
    result = live(project, fake, "--fox-budget", "2")
    result.assert_outcomes(passed=4)
    line = _line_of(project, "tasks-get.yaml", "accepted_ends:")
    result.stdout.fnmatch_lines(
        [
            "tasks: 2 followed, 2 ended and stayed ended *",
            "assumptions disproved: 2 probe(s) (not failing; --fox-strict fails them); *",
            "ASSUMPTION DISPROVED tasks-get::lifecycle[[]paid-01[]]",
            "    - task task-unified-* of a body the contract accepts ended 'failed', not "
            "'completed'",
            "      assumed: the task page documents `failed` and its error object, not when a "
            f"task fails; a task of a body the contract accepts is expected to end completed "
            f"(tasks-get.yaml:{line})",
            f"      adopt: tasks-get.yaml:{line}: remove accepted_ends (a task of an accepted "
            "body may end 'failed')",
        ]
    )


@pytest.mark.slow
def test_a_failed_task_of_a_valid_body_fails_under_strict(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(task=TaskScript.failing())
    result = live(project, fake, "--fox-budget", "1", "--fox-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "videos-generations::lifecycle[[]paid-01[]]: the task's lifecycle disagrees with the "
            "contract",
            "  assumption disproved (failing under --fox-strict):",
            "    - task task-unified-* of a body the contract accepts ended 'failed', not "
            "'completed'",
        ]
    )


def _line_of(project: pytest.Pytester, name: str, text: str) -> int:
    lines = (project.path / "contracts" / name).read_text().splitlines()
    return next(i for i, ln in enumerate(lines, 1) if text in ln)


@pytest.mark.slow
def test_wait_0_wants_every_task_ended_at_its_first_poll(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    result = live(project, fake, "--fox-budget", "2", "--fox-wait", "0")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # never a pass for an unfinished task
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "  stuck: task task-unified-* still 'processing' after 0.*s (--fox-wait 0): not "
            "in a terminal state (completed, failed) when the run's deadline ended",
        ]
    )
    assert len(polls(fake)) == 2 * (1 + 2)  # one poll, then the two fetches without the key


@pytest.mark.slow
def test_rate_limited_polls_wait_as_told(project: pytest.Pytester, fake: FakeAPI) -> None:
    fake.configure(faults=(Fault(kind="rate_limit", retry_after=1, path="/v1/tasks/*", times=4),))
    result = live(project, fake, "--fox-budget", "2")
    result.assert_outcomes(passed=4)
    assert [c.response.status for c in fake.calls].count(429) == 4


@pytest.mark.slow
def test_creates_only_are_not_followed(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake, "--fox-budget", "2", "-k", "paid and not lifecycle")
    result.assert_outcomes(passed=2)
    assert polls(fake) == []


class OpenTasks(FakeAPI):
    """A provider that shows a task to anyone who asks for it, with a key or without."""

    def _authorised(self, request: FakeRequest, contract: Contract) -> bool:
        return request.method == "GET" or super()._authorised(request, contract)


@pytest.mark.slow
def test_a_task_shown_without_the_key_fails(project: pytest.Pytester) -> None:
    with served(OpenTasks(FakeConfig(key=KEY))) as fake:
        result = live(project, fake, "--fox-budget", "1")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::lifecycle[[]paid-01]: the task's lifecycle disagrees with "
            "the contract",
            "  auth: GET /v1/tasks/task-unified-* without a key: status: expected 401 "
            "authentication, got 200",
            "  auth: GET /v1/tasks/task-unified-* with a wrong key: status: expected 401 "
            "authentication, got 200",
        ]
    )


@pytest.mark.slow
def test_a_create_accepted_with_201_is_charged(project: pytest.Pytester) -> None:
    with served(Created201(FakeConfig(key=KEY))) as fake:
        result = live(project, fake, "--fox-budget", "3")
    result.assert_outcomes(passed=3, failed=3)  # the lifecycles pass; 201 is drift
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::paid-01: the provider disagrees with the contract",
            "  got:      201; task task-unified-* followed by lifecycle[[]paid-01]",
            "  status: 201 is not an answer the contract lists *",
            "paid creates: 3 of budget 3 spent",
            "tasks: 3 followed, 3 ended and stayed ended *",
        ]
    )
    assert fake.paid == 3


# --- the ledger failing closed in a run ------------------------------------------------------
BREAK_LEDGER = """
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.name == "paid-01":
        live = type(item).runtest.__globals__["LIVE"]  # the very key the live items use
        ledger = item.config.stash[live].run_dir / "ledger.json"
        {action}
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ('ledger.write_text("{")', "is corrupt (not JSON: *)"),
        ("ledger.unlink()", "is missing (deleted during the run, or never started)"),
    ],
)
def test_a_broken_ledger_stops_paid_creates_and_free_probes_go_on(
    project: pytest.Pytester, fake: FakeAPI, action: str, problem: str
) -> None:
    project.makeconftest(retries_conftest() + BREAK_LEDGER.format(action=action))
    result = live(project, fake, "--fox-budget", "3", "-k", "paid or auth", "-rs")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=5, failed=3, skipped=3)  # 5 free auth probes
    result.stdout.fnmatch_lines(
        [
            f"*videos-generations::paid-01: stopped by the budget ledger: budget ledger "
            f"*ledger.json {problem}; paid creates stop, since the money already spent "
            "cannot be known; free probes go on",
            "*videos-generations::paid-03: stopped by the budget ledger: *",
            f"paid creates: unknown: budget ledger *ledger.json {problem}; *",
            "SKIPPED * no task to follow: paid-01: videos-generations::paid-01: stopped by the "
            "budget ledger: *",
        ]
    )
    assert fake.paid == 0
    assert not [c for c in fake.calls if c.response.status == 200]


@pytest.mark.slow
def test_lifecycles_without_their_creates_skip_at_once(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    result = live(project, fake, "--fox-budget", "2", "-k", "lifecycle", "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED * no task to follow: paid-01 is not selected"])
    assert fake.calls == []


@pytest.mark.slow
def test_a_lifecycle_run_before_its_create_skips_at_once(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    project.makeconftest(
        retries_conftest() + "\ndef pytest_collection_modifyitems(items):\n    items.reverse()\n"
    )
    result = live(project, fake, "--fox-budget", "2", "-rs")
    result.assert_outcomes(passed=2, skipped=2)
    result.stdout.fnmatch_lines(
        ["SKIPPED * no task to follow: paid-02 has not run before this item"]
    )


@pytest.mark.slow
def test_a_task_answer_breaking_the_contract_ends_the_following(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(mutations=Mutations(patch_task={"progress": 140}))
    result = live(project, fake, "--fox-budget", "1", "-k", "lifecycle or paid")
    result.assert_outcomes(failed=2)  # the create answer is patched too
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::lifecycle[[]paid-01]: the task's lifecycle disagrees with "
            "the contract",
            "  got:        task task-unified-*: pending(140) -> processing(140) (1 poll(s) in *s)",
            "  schema: poll 1: progress: 140 is greater than the maximum of 100 (against "
            "responses.200.schema)",
            "  lifecycle: poll 1: progress 140 is outside 0..100",
            "*= foxcontract live: drift report =*",
            "tasks: 1 followed, 0 ended and stayed ended, 1 broke the contract (slowest *s; "
            "deadline --fox-wait 300s)",
        ]
    )
    assert "poll 2" not in result.stdout.str()
    assert len(polls(fake)) == 1 + 2  # one poll, then the two fetches without the key
