"""The state of one live or record run, kept in ``config.stash[LIVE]``.

Set up in ``pytest_configure``: the key from ``FOXAPI_API_KEY`` (a usage error when it is
missing, before anything is sent), the run directory shared with pytest-xdist workers (the
controller makes it and hands it on in ``workerinput``), and the budget ledger in it (the
controller starts it, a usage error when it cannot; workers only join it). One
:class:`LiveSession` per folder of contracts is made on first use. At the end, a worker
waits for the tasks it follows to end (bounded by the run's deadline), so the lifecycle
items of other workers get their answer.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from foxcontract.contract import Contract, ContractError, load_contracts
from foxcontract.live._baseline import Baseline, BaselineError, load_baseline
from foxcontract.live.budget import Ledger, LedgerError
from foxcontract.live.client import LiveClient
from foxcontract.live.drift import format_drift, read_outcomes
from foxcontract.live.key import KEY_ENV, ApiKey
from foxcontract.live.plan import format_plan
from foxcontract.live.polling import PollSchedule, TaskResult, read_results
from foxcontract.live.retry import RetryPolicy
from foxcontract.live.session import LiveSession, Observer, Recorder
from foxcontract.options import SETTINGS, Mode, RunSettings

__all__ = [
    "LIVE",
    "RUN_DIR_KEY",
    "LiveRun",
    "configure",
    "header",
    "sessionstart",
    "summary",
    "terminal_summary",
    "unconfigure",
]

RUN_DIR_KEY = "foxcontract_live_run_dir"
LIVE = pytest.StashKey["LiveRun"]()


@dataclass
class LiveRun:
    settings: RunSettings
    key: ApiKey
    run_dir: Path
    owner: bool
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    schedule: PollSchedule = field(default_factory=PollSchedule)
    recorder_factory: Callable[[LiveRun], Recorder | None] | None = None
    observer: Observer | None = None
    baseline: Baseline | None = None
    _sessions: dict[Path, LiveSession] = field(default_factory=dict)

    def __post_init__(self) -> None:
        budget = self.settings.budget
        self.ledger = (
            Ledger(self.run_dir, budget) if self.owner else Ledger.join(self.run_dir, budget)
        )
        self._written: list[Path] | None = None

    def session(self, folder: Path) -> LiveSession:
        """The session of the contracts in ``folder`` (made on first use)."""
        folder = folder.resolve()
        found = self._sessions.get(folder)
        if found is None:
            contracts = _endpoint_contracts(folder)
            retryable = {k.status for c in contracts for k in c.error_kinds.values() if k.retryable}
            policy = replace(self.policy, statuses=self.policy.statuses | retryable)
            client = LiveClient(
                self.settings.base_url,
                self.key,
                policy,
                max_answer_bytes=self.settings.max_answer_bytes,
            )
            found = LiveSession(
                contracts, client, self.ledger, self.run_dir, self.settings.wait, self.schedule
            )
            found.observer = self.observer
            found.strict, found.baseline = self.settings.strict, self.baseline
            found.max_free_probes = self.settings.max_free_probes
            found.reserve = self.settings.reserve
            if self.recorder_factory is not None:
                found.recorder = self.recorder_factory(self)
            self._sessions[folder] = found
        return found

    def write_recordings(self) -> list[Path]:
        """Record mode: write the cassettes and snapshots of this run (once, by the owner)."""
        if self.recorder_factory is None or not self.owner or self._written is not None:
            return self._written or []
        from foxcontract.live.record import write_recorded

        for s in self._sessions.values():  # no poll is recorded while the files are written
            s.stop_following(wait=False)
        self._written = []
        contracts = [c for s in self._sessions.values() for c in s.contracts]
        secrets = [self.key]
        self._written = write_recorded(self.run_dir, contracts, self.settings.base_url, secrets)
        return self._written

    def close(self) -> None:
        for s in self._sessions.values():
            s.close(wait=not self.owner)
        if self.owner:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def _endpoint_contracts(folder: Path) -> list[Contract]:
    """The endpoint contracts of ``folder``; a broken one is left to its own collection."""
    out: list[Contract] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            out += load_contracts([path])
        except (ContractError, OSError, ValueError):
            continue
    return out


def configure(config: pytest.Config) -> None:
    """Set up the run when the mode is live or record; a missing key is a usage error."""
    settings = config.stash[SETTINGS]
    if not settings.mode.networked:
        return
    key = ApiKey.from_env()
    if key is None:
        raise pytest.UsageError(
            f"--fox-mode {settings.mode.value} sends real requests and needs the API key in "
            f"the environment variable {KEY_ENV} (never on the command line); nothing was sent"
        )
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and RUN_DIR_KEY in workerinput:
        run_dir, owner = Path(workerinput[RUN_DIR_KEY]), False
    else:
        run_dir, owner = Path(tempfile.mkdtemp(prefix="foxcontract-live-")), True
    baseline = None
    if settings.baseline:
        try:
            baseline = load_baseline(config.invocation_params.dir / settings.baseline)
        except BaselineError as exc:
            raise pytest.UsageError(f"--fox-baseline: {exc}") from None
    try:
        run = LiveRun(settings, key, run_dir, owner, observer=_tally(config), baseline=baseline)
    except LedgerError as exc:
        raise pytest.UsageError(str(exc)) from None
    if settings.mode is Mode.RECORD:
        run.recorder_factory = _recorder
    config.stash[LIVE] = run
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHand(run_dir), "foxcontract-live-xdist")


def _recorder(run: LiveRun) -> Recorder:
    from foxcontract.live.record import make_recorder

    return make_recorder(run.run_dir, run.key)


def _tally(config: pytest.Config) -> Observer | None:
    """The rule-coverage tally's recorder of provider answers, when it is installed."""
    try:
        from foxcontract.report import tally_of
    except ImportError:  # pragma: no cover - the tally is part of the package
        return None
    observer: Observer = tally_of(config).provider
    return observer


class _XdistHand:
    """Hands the run directory to each pytest-xdist worker."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[RUN_DIR_KEY] = str(self.run_dir)


def unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(LIVE, None)
    if run is not None:
        try:
            run.write_recordings()
        finally:
            run.close()


def _contract_folders(config: pytest.Config) -> list[Path]:
    folders: list[Path] = []
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        path = path if path.is_absolute() else config.invocation_params.dir / path
        candidates = [path] if path.is_file() else sorted(path.glob("*.yaml"))
        for p in candidates:
            if p.suffix in (".yaml", ".yml") and p.parent.resolve() not in folders:
                folders.append(p.parent.resolve())
    return folders


def header(config: pytest.Config) -> list[str]:
    """The plan of every contract folder in the arguments, printed before anything is sent."""
    run = config.stash.get(LIVE, None)
    if run is None or not run.owner:
        return []
    lines: list[str] = []
    verbose = config.get_verbosity() > 1
    for folder in _contract_folders(config):
        session = run.session(folder)
        if not any(c.has_body or c.lifecycle for c in session.contracts):
            continue
        lines += format_plan(session.plan, run.settings.base_url, verbose=verbose)
    return lines


def sessionstart(session: pytest.Session) -> None:
    """Print the plan (even under ``-q``): nothing has been sent yet."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = header(session.config)
    if reporter is not None and lines:
        reporter.ensure_newline()
        for line in lines:
            reporter.write_line(line)


def summary(config: pytest.Config) -> list[str]:
    """The drift report and the money spent, at the end of the run."""
    run = config.stash.get(LIVE, None)
    if run is None or not run.owner:
        return []
    verbose = config.get_verbosity() > 0
    lines = [_money(run.ledger)]
    lines += _tasks(read_results(run.run_dir), run.settings.wait)
    outcomes = read_outcomes(run.run_dir)
    lines += format_drift(outcomes, verbose=verbose, baseline=run.baseline)
    for path in run.write_recordings():
        lines.append(f"recorded (redacted): {_shown(path, config)}")
    return lines


def _money(ledger: Ledger) -> str:
    try:
        s = ledger.state()
    except LedgerError as exc:
        return f"paid creates: unknown: {exc}"
    money = f"paid creates: {s.spent} of budget {s.budget} spent"
    if s.unexpected:
        money += f" ({s.unexpected} by requests the contract says must be refused)"
    if s.refused:
        money += f"; {s.refused} paid probe(s) not sent: budget exhausted"
    return money


def _tasks(results: list[TaskResult], wait: float) -> list[str]:
    """One line on the tasks followed: how many ended, how long the slowest took."""
    followed = [r for r in results if r.not_followed is None]
    if not followed:
        return []
    ended = [r for r in followed if r.terminal and r.kept and not r.problems]
    broke = [r for r in followed if r.problems]
    stuck = [r for r in followed if r.timed_out]
    slowest = max(r.waited for r in followed)
    line = f"tasks: {len(followed)} followed, {len(ended)} ended and stayed ended"
    if broke:
        line += f", {len(broke)} broke the contract"
    line += f" (slowest {slowest:.1f}s; deadline --fox-wait {wait:g}s)"
    if stuck:
        shown = ", ".join(f"{r.create} {r.status!r} after {r.waited:.1f}s" for r in stuck)
        line += f"; {len(stuck)} not in a terminal state at the deadline: {shown}"
    return [line]


def _shown(path: Path, config: pytest.Config) -> str:
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)


def terminal_summary(reporter: pytest.TerminalReporter) -> None:
    lines = summary(reporter.config)
    if lines:
        reporter.section("foxcontract live: drift report")
        for line in lines:
            reporter.write_line(line)
