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

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from foxcontract._settings import SETTINGS, Mode, RunSettings
from foxcontract.contract import Contract, ContractError, load_contracts
from foxcontract.contract.provider import DEFAULT_PROVIDER, Provider
from foxcontract.live._baseline import Baseline, BaselineError, load_baseline
from foxcontract.live.budget import Ledger, LedgerError
from foxcontract.live.client import LiveClient
from foxcontract.live.drift import format_drift, read_outcomes
from foxcontract.live.key import ApiKey
from foxcontract.live.plan import Plan, PlanError, format_plan
from foxcontract.live.polling import PollSchedule, TaskResult, read_results
from foxcontract.live.retry import RetryPolicy
from foxcontract.live.session import LiveSession, Observer, Recorder

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

_T = TypeVar("_T")

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
    provider: Provider = DEFAULT_PROVIDER
    """The provider of the run's contracts (its key's header and variable, its base URL)."""
    stopped: str | None = None
    """Why the run stopped before sending anything (a plan its options cannot make)."""

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
            provider = contracts[0].provider if contracts else DEFAULT_PROVIDER
            client = LiveClient(
                self.settings.base_url,
                self.key,
                policy,
                max_answer_bytes=self.settings.max_answer_bytes,
                auth=provider.auth,
                error_shape=provider.error,
            )
            found = LiveSession(
                contracts, client, self.ledger, self.run_dir, self.settings.wait, self.schedule
            )
            found.observer = self.observer
            found.strict, found.baseline = self.settings.strict, self.baseline
            found.max_free_probes = self.settings.max_free_probes
            found.reserve = self.settings.reserve
            found.models = self.settings.models
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


def configure(config: pytest.Config, observer: Observer | None = None) -> None:
    """Set up the run when the mode is live or record; a missing key is a usage error.
    ``observer`` is told each provider answer (the rule-coverage tally's)."""
    settings = config.stash[SETTINGS]
    if not settings.mode.networked:
        return
    provider = _provider(config)
    key = ApiKey.from_env(name=provider.auth.key_env)
    if key is None:
        raise pytest.UsageError(
            f"--fox-mode {settings.mode.value} sends real requests and needs the API key in "
            f"the environment variable {provider.auth.key_env} (never on the command line); "
            "nothing was sent"
        )
    base_url = _base_url(config, provider)
    if base_url != settings.base_url:
        settings = config.stash[SETTINGS] = replace(settings, base_url=base_url)
    baseline = None
    if settings.baseline:
        try:
            baseline = load_baseline(config.invocation_params.dir / settings.baseline)
        except BaselineError as exc:
            raise pytest.UsageError(f"--fox-baseline: {exc}") from None
    policy = _asked(config, "retry_policy", RetryPolicy, RetryPolicy())
    schedule = _asked(config, "poll_schedule", PollSchedule, PollSchedule())
    # the run directory is made last: a usage error above leaves nothing behind
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and RUN_DIR_KEY in workerinput:
        run_dir, owner = Path(workerinput[RUN_DIR_KEY]), False
    else:
        run_dir, owner = Path(tempfile.mkdtemp(prefix="foxcontract-live-")), True
    try:
        run = LiveRun(
            settings,
            key,
            run_dir,
            owner,
            policy=policy,
            schedule=schedule,
            observer=observer,
            baseline=baseline,
            provider=provider,
        )
    except LedgerError as exc:
        if owner:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise pytest.UsageError(str(exc)) from None
    if settings.mode is Mode.RECORD:
        run.recorder_factory = _recorder
    config.stash[LIVE] = run
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHand(run_dir), "foxcontract-live-xdist")


def _asked(config: pytest.Config, name: str, kind: type[_T], default: _T) -> _T:
    """What the hook ``pytest_foxcontract_<name>`` answers (``default`` for ``None``)."""
    hook = f"pytest_foxcontract_{name}"
    try:
        answer = getattr(config.hook, hook)(config=config)
    except Exception as exc:  # the user's hook: its error as one line, never INTERNALERROR
        raise pytest.UsageError(
            f"{hook} raised {type(exc).__name__}: {exc} ({_where(exc)}); nothing was sent"
        ) from None
    if answer is None:
        return default
    if not isinstance(answer, kind):
        raise pytest.UsageError(
            f"{hook} returned {type(answer).__name__}, not a {kind.__name__} "
            f"(from foxcontract.live import {kind.__name__}) or None"
        )
    return answer


def _where(exc: BaseException) -> str:
    """``file:line`` of the last frame of ``exc``'s traceback outside pluggy and foxcontract
    (the hook's own code, or what it called: a value foxcontract refused is the line that
    made it)."""
    import traceback

    package = str(Path(__file__).resolve().parent.parent)
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "pluggy" not in f.filename
        and not f.filename.startswith((package, "<"))  # "<string>": a dataclass's __init__
    ]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "in a hook implementation"


def _recorder(run: LiveRun) -> Recorder:
    from foxcontract.live.record import make_recorder

    return make_recorder(run.run_dir, run.key, run.provider.auth)


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


def _provider(config: pytest.Config) -> Provider:
    """The provider of the contracts the run is given (FoxAPI's when they name none)."""
    for folder in _contract_folders(config):
        for contract in _endpoint_contracts(folder):
            return contract.provider
    return DEFAULT_PROVIDER


def _base_url(config: pytest.Config, provider: Provider) -> str:
    """``--fox-base-url``, else the provider's ``base_url_env``, else the ini, else the
    provider's ``base_url`` (the option's own default is FoxAPI's)."""
    given = config.getoption("fox_base_url") or os.environ.get(provider.base_url_env)
    given = given or config.getini("fox_base_url") or provider.base_url
    return str(given).rstrip("/")


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
        lines += format_plan(plan_of(session), run.settings.base_url, verbose=verbose)
    return lines


def plan_of(session: LiveSession) -> Plan:
    """The session's plan; options it cannot be made for are a usage error."""
    try:
        return session.plan
    except PlanError as exc:
        raise pytest.UsageError(f"--fox-models (ini fox_models): {exc}") from None


def stop(config: pytest.Config, why: pytest.UsageError) -> None:
    """Stop the run during collection, nothing sent: ``why`` is shown as a usage error
    (exit 4), without the drift report."""
    run = config.stash.get(LIVE, None)
    if run is not None:
        run.stopped = str(why)
    pytest.exit(f"ERROR: {why}", returncode=pytest.ExitCode.USAGE_ERROR)


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
    if run is None or not run.owner or run.stopped is not None:
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
