"""Polling: every task of a run followed to its end, all at once, against one deadline.

:class:`TaskFollower` polls each task created in this process in a thread of its own, with
bounded backoff (:class:`PollSchedule`; retries inside one poll honour ``Retry-After``),
checking each answer with a :class:`~foxcontract.live.lifecycle.TaskTracker`, until the
task reaches a terminal state and, polled once more, stays there, or until the run's
deadline (``--fox-wait`` seconds after the run's first paid create, the same for every
process of the run) ends, or until an answer breaks the contract (the task then disagrees
already; following it on would only repeat that). Each task's :class:`TaskResult` is
written to the run directory, so the lifecycle item of a task may run in another
pytest-xdist worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foxcontract._atomic import write_atomic
from foxcontract.contract import fill_path
from foxcontract.contract.model import Contract
from foxcontract.live.client import Answer, LiveError
from foxcontract.live.lifecycle import TaskTracker
from foxcontract.live.retry import check_seconds
from foxcontract.verdict import header_problems, response_problems

__all__ = [
    "PollSchedule",
    "TaskFollower",
    "TaskResult",
    "poll_path",
    "read_results",
    "run_deadline",
    "task_key",
    "wait_for_result",
]


@dataclass(frozen=True)
class PollSchedule:
    """When a task is polled: at once after its create, then after ``base`` seconds,
    doubling up to ``cap`` (a generation that takes a minute is polled about 17 times)."""

    base: float = 0.25
    cap: float = 5.0

    def __post_init__(self) -> None:
        check_seconds("PollSchedule", {"base": self.base, "cap": self.cap})
        if self.cap < self.base:
            raise ValueError(
                f"PollSchedule: cap ({self.cap!r}) must be at least base ({self.base!r})"
            )

    def delay(self, polls: int) -> float:
        """Seconds to wait after poll number ``polls`` (counted from 1)."""
        return float(min(self.cap, self.base * 2.0 ** (polls - 1)))


@dataclass(frozen=True)
class TaskResult:
    """How following one task ended. ``not_followed`` says why there was no task to follow
    (the create was not sent, or not accepted); ``kept``: the terminal state was seen again
    on the poll after it."""

    key: str
    create: str
    task_id: str | None = None
    status: str | None = None
    terminal: bool = False
    kept: bool = False
    problems: tuple[str, ...] = ()
    history: str = "(no answer)"
    polls: int = 0
    waited: float = 0.0
    wait: float = 0.0
    last_error: str | None = None
    last_status: int | None = None
    timed_out: bool = False
    not_followed: str | None = None

    def judged(self, terminal: tuple[str, ...]) -> list[str]:
        """What is wrong with how the task ended: the problems seen on the way, and a task
        stuck short of a terminal state at the deadline or not polled again after it."""
        problems = list(self.problems)
        if self.timed_out:
            stuck = (
                f"stuck: task {self.task_id} still {self.status!r} after {self.waited:.1f}s "
                f"(--fox-wait {self.wait:g}): not in a terminal state ({', '.join(terminal)}) "
                "when the run's deadline ended"
            )
            if self.last_error:
                stuck += f"; the last poll got no answer: {self.last_error}"
            problems.insert(0, stuck)
        elif self.terminal and not self.kept and not problems:
            problems.append(f"lifecycle: task {self.task_id} was not polled again after it ended")
        return problems

    def summary(self, *, status: bool = True) -> str:
        """``200 task <id>: pending(0) -> ... (4 poll(s) in 0.8s)``: the last HTTP status
        first (``---`` without an answer) when ``status``, as the drift report reads it."""
        text = f"task {self.task_id}: {self.history} ({self.polls} poll(s) in {self.waited:.1f}s)"
        if not status:
            return text
        return f"{'---' if self.last_status is None else self.last_status} {text}"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TaskResult:
        data = json.loads(text)
        data["problems"] = tuple(data["problems"])
        return cls(**data)


DEADLINE_FILE = "poll-deadline"
RESULTS_DIR = "tasks"


def run_deadline(run_dir: Path, wait: float) -> float:
    """The run's polling deadline (Unix time): ``wait`` seconds after the first call made by
    any process of the run (the first paid create); later calls read it."""
    found = read_deadline(run_dir)
    if found is not None:
        return found
    path = run_dir / DEADLINE_FILE
    mine = time.time() + wait
    tmp = run_dir / f"{DEADLINE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        tmp.write_text(repr(mine), encoding="utf-8")
        os.link(tmp, path)  # atomic, and refused when another process was first
    except FileExistsError:
        pass
    except OSError:
        return mine
    finally:
        tmp.unlink(missing_ok=True)
    found = read_deadline(run_dir)
    return mine if found is None else found


def read_deadline(run_dir: Path) -> float | None:
    try:
        return float((run_dir / DEADLINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def task_key(contract: Contract, create: str) -> str:
    """A file-safe name for the task of paid create ``create`` of ``contract``."""
    where = hashlib.sha256(str(contract.path.resolve()).encode()).hexdigest()[:8]
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{contract.name}-{create}")
    return f"{safe}-{where}"


def poll_path(tc: Contract, task_id: str) -> str:
    """The poll contract's path for ``task_id`` (in its ``task.param``)."""
    if tc.task is not None and tc.task.param is not None:
        return tc.task.poll_path(tc.url_path, task_id)
    return fill_path(tc.url_path, task_id)


def _result_path(run_dir: Path, key: str) -> Path:
    return run_dir / RESULTS_DIR / f"{key}.json"


def _read_result(path: Path) -> TaskResult | None:
    try:
        return TaskResult.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def read_results(run_dir: Path) -> list[TaskResult]:
    """Every task result written in the run directory, by every process of the run."""
    found = (_read_result(p) for p in sorted((run_dir / RESULTS_DIR).glob("*.json")))
    return [r for r in found if r is not None]


def wait_for_result(
    run_dir: Path, key: str, wait: float, slack: float, *, step: float = 0.05
) -> TaskResult | None:
    """The result of task ``key`` written by any process of the run, waiting for it until
    the run's deadline plus ``slack`` seconds (``None`` when none came)."""
    started = time.time()
    path = _result_path(run_dir, key)
    while True:
        found = _read_result(path)
        if found is not None:
            return found
        deadline = read_deadline(run_dir)
        limit = (started + wait if deadline is None else deadline) + slack
        if time.time() > limit:
            return None
        time.sleep(step)


Poll = Callable[[], Answer]
"""``poll()``: one poll of a task; raises :class:`LiveError` when the provider gave no
final answer within the retry policy."""


@dataclass
class TaskFollower:
    """Follows the tasks created in this process, each in a thread of its own."""

    run_dir: Path
    contract: Contract
    wait: float
    schedule: PollSchedule = field(default_factory=PollSchedule)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._results: dict[str, TaskResult] = {}
        self._done: dict[str, threading.Event] = {}
        (self.run_dir / RESULTS_DIR).mkdir(parents=True, exist_ok=True)

    def follow(self, key: str, create: str, tracker: TaskTracker, poll: Poll) -> None:
        """Start following the task ``tracker`` saw created, polled by ``poll``."""
        until = run_deadline(self.run_dir, self.wait)
        self._event(key)
        thread = threading.Thread(
            target=self._run,
            args=(key, create, tracker, poll, until),
            name=f"foxcontract-poll-{create}",
            daemon=True,
        )
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def not_followed(self, key: str, create: str, reason: str) -> None:
        """There is no task to follow for ``create``: say why, to whoever waits for it."""
        self._event(key)
        self._publish(TaskResult(key, create, wait=self.wait, not_followed=reason))

    def knows(self, key: str) -> bool:
        """Whether task ``key`` was created (or its create tried) in this process."""
        with self._lock:
            return key in self._done

    def result(self, key: str, slack: float) -> TaskResult | None:
        """The result of task ``key``, followed here or by another process of the run;
        ``None`` when none came by the run's deadline plus ``slack`` seconds."""
        with self._lock:
            event = self._done.get(key)
        if event is None:
            return wait_for_result(self.run_dir, key, self.wait, slack)
        deadline = read_deadline(self.run_dir)
        limit = (time.time() + self.wait if deadline is None else deadline) + slack
        event.wait(max(0.0, limit - time.time()))
        with self._lock:
            return self._results.get(key)

    def close(self, *, wait: bool) -> None:
        """Stop: at once (``wait`` false: threads still inside a request get 2 s in all,
        then are left to end as daemons), or once every task followed here has ended (each
        is bounded by the run's deadline and one more poll)."""
        if not wait:
            self._stop.set()
        with self._lock:
            threads = list(self._threads)
        until = time.monotonic() + 2.0
        for thread in threads:
            thread.join(None if wait else max(0.0, until - time.monotonic()))
        self._stop.set()

    def _event(self, key: str) -> threading.Event:
        with self._lock:
            return self._done.setdefault(key, threading.Event())

    def _publish(self, result: TaskResult) -> None:
        path = _result_path(self.run_dir, result.key)
        with contextlib.suppress(OSError):  # the process that followed it still has it
            write_atomic(path, result.to_json())
        with self._lock:
            self._results[result.key] = result
            event = self._done.setdefault(result.key, threading.Event())
        event.set()

    def _run(self, key: str, create: str, tracker: TaskTracker, poll: Poll, until: float) -> None:
        started = time.monotonic()
        try:
            result = self._follow(key, create, tracker, poll, until, started)
        except Exception as exc:  # whatever happened, whoever waits gets an answer
            result = TaskResult(
                key,
                create,
                tracker.task_id,
                tracker.status,
                tracker.finished,
                problems=(f"following the task stopped: {type(exc).__name__}: {exc}",),
                history=tracker.history(),
                waited=round(time.monotonic() - started, 2),
                wait=self.wait,
            )
        self._publish(result)

    def _follow(
        self, key: str, create: str, tracker: TaskTracker, poll: Poll, until: float, started: float
    ) -> TaskResult:
        tc = self.contract
        problems: list[str] = []
        polls = 0
        last_error: str | None = None
        last_status: int | None = None
        terminal_seen = kept = timed_out = False
        while not self._stop.is_set():
            polls += 1
            where = f"poll {polls}" + (
                " (once more, after a terminal state)" if terminal_seen else ""
            )
            try:
                answer = poll()
            except LiveError as exc:
                last_error = str(exc)
                if terminal_seen:
                    problems.append(f"status: {where}: no answer: {exc}")
                    break
            else:
                last_error, last_status = None, answer.status
                if str(answer.status) not in tc.responses:
                    got = f"{answer.method} {answer.path} answered {answer.summary()}"
                    problems.append(f"status: {where}: {got}")
                    break
                found = [
                    f"{p.check}: {where}: {p.message}"
                    for p in [
                        *response_problems(tc, answer.status, answer.body),
                        *header_problems(tc, answer.status, answer.headers or {}),
                    ]
                ]
                found += [f"lifecycle: {p}" for p in tracker.observe(answer.body, where)]
                problems += found
                if terminal_seen:
                    kept = tracker.finished
                    break
                if found:  # the task already disagrees: following it on only repeats that
                    break
                terminal_seen = tracker.finished
            left = until - time.time()
            if not terminal_seen and left <= 0:
                timed_out = True
                break
            delay = self.schedule.delay(polls)
            self._stop.wait(delay if terminal_seen else min(delay, left))
        return TaskResult(
            key,
            create,
            tracker.task_id,
            tracker.status,
            tracker.finished,
            kept,
            tuple(problems),
            tracker.history(),
            polls,
            round(time.monotonic() - started, 2),
            self.wait,
            last_error,
            last_status=last_status,
            timed_out=timed_out,
        )
