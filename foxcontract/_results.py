"""The run's results for CI, at the hooks' end: JUnit properties per item, a live probe's
record and its ``curl`` line, the ``--fox-report`` JSON, the Markdown job summary, and the
coverage gate (``--fox-require-coverage``).

:func:`configure` registers :class:`ResultHooks` (and, under pytest-xdist, the controller's
half of it), so ``plugin.py`` stays one line per hook. Each piece does its work elsewhere:
the records in :mod:`foxcontract._probe_record`, the document in
:mod:`foxcontract._run_report`, the Markdown in :mod:`foxcontract._job_summary`.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from foxcontract.options import SETTINGS

__all__ = ["RESULTS", "ResultHooks", "RunResults", "configure", "item_properties"]

SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
_WORKER_KEY = "foxcontract_contracts"
_MESSAGE_LIMIT = 4000


@dataclass
class RunResults:
    """What the run keeps for its results: when it started, the test outcomes counted, the
    contracts seen, why a gate failed it, and what it wrote."""

    started: float = field(default_factory=time.time)
    clock: float = field(default_factory=time.monotonic)
    outcomes: Counter[str] = field(default_factory=Counter)
    contracts: dict[str, Any] = field(default_factory=dict)
    """name -> the Contract (collected here) or its report entry (sent by a worker)."""
    gate: list[str] = field(default_factory=list)
    """Why foxcontract failed the run beyond its tests: a gate, or a report not written."""
    written: list[str] = field(default_factory=list)


RESULTS = pytest.StashKey[RunResults]()


def configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = RunResults()
    config.pluginmanager.register(ResultHooks(config), "foxcontract-results")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_XdistResults(config), "foxcontract-results-xdist")


def _ours(item: pytest.Item) -> bool:
    return type(item).__module__.startswith("foxcontract.") and hasattr(item, "reportinfo")


def _location(item: pytest.Item) -> str:
    path, line, _ = item.reportinfo()
    return f"{Path(str(path)).name}:{(line or 0) + 1}"


def _live_kind(item: Any) -> tuple[str | None, str, bool]:
    """(rule, kind, paid) of a live item."""
    probe = item.probe
    if getattr(item, "lifecycle", False):
        return None, "lifecycle", False
    if hasattr(probe, "covers"):
        return None, "paid", True
    return probe.rule, probe.kind, False


def item_properties(item: pytest.Item) -> list[tuple[str, str]]:
    """The JUnit properties of one of foxcontract's items: its rule, its place in the
    contract, its kind of probe, and whether it costs money."""
    if not _ours(item):
        return []
    rule: str | None
    if hasattr(item, "probe"):
        rule, kind, paid = _live_kind(item)
    else:
        found = getattr(item, "rule", None)
        rule = getattr(found, "id", None)
        kind = str(getattr(item, "kind", "") or type(item).__name__.removesuffix("Item").lower())
        kind = "replay" if kind == "cassette" else kind
        paid = False
    props = [("foxcontract.contract", _location(item)), ("foxcontract.kind", kind)]
    if rule:
        props.insert(0, ("foxcontract.rule", rule))
    props.append(("foxcontract.cost", "paid" if paid else "free"))
    return props


class ResultHooks:
    """The hooks behind the run's results (registered by :func:`configure`)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @property
    def results(self) -> RunResults:
        return self.config.stash[RESULTS]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            props = item_properties(item)
            item.user_properties.extend(props)
            contract = getattr(item, "contract", None)
            if contract is None and hasattr(item, "probe") and _ours(item):
                contract = _live_contract(item)
            if contract is not None and hasattr(contract, "version"):
                self.results.contracts.setdefault(contract.name, contract)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        ran = report.when == "call" or (report.when == "setup" and not report.passed)
        if ran and hasattr(item, "probe") and _ours(item):
            _record_live(item, report)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count each test once: its call, or the setup or teardown that failed or
        skipped it (a failed setup or teardown is an error, as pytest counts it)."""
        if report.when == "call":
            self.results.outcomes[report.outcome] += 1
        elif report.failed:
            self.results.outcomes["error"] += 1
        elif report.skipped:
            self.results.outcomes["skipped"] += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = self.config
        workeroutput = getattr(config, "workeroutput", None)
        if workeroutput is not None:
            if not _wanted(config):
                return
            from foxcontract._run_report import contract_entry

            entries = {n: contract_entry(c) for n, c in self.results.contracts.items()}
            workeroutput[_WORKER_KEY] = json.dumps(entries)
            return
        finish(session)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(self.config, "workerinput"):
            return
        for line in self.results.gate:
            terminalreporter.write_line(line, red=True, bold=True)
        for line in self.results.written:
            terminalreporter.write_line(line)


class _XdistResults:
    """The controller's half under pytest-xdist: the contracts the workers collected."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        sent = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
        if sent:
            for name, entry in json.loads(sent).items():
                self.config.stash[RESULTS].contracts.setdefault(name, entry)


def _live_run(config: pytest.Config) -> Any:
    """The live run (``foxcontract.live.run.LiveRun``), or ``None``. Its key is read where
    the plugin's hooks read it (``foxcontract.live.hooks``), so both always agree."""
    from foxcontract.live import hooks

    return config.stash.get(hooks.LIVE, None)


def _live_contract(item: Any) -> Any:
    """The contract of a live item (``foxcontract.contract.Contract``)."""
    return _live_run(item.config).session(item.path.parent).contract(item.probe.contract)


def _record_live(item: Any, report: pytest.TestReport) -> None:
    """Append the live item's record (and, when it failed, show the ``curl`` line)."""
    from foxcontract._probe_record import ProbeRecord, append_record, request_of
    from foxcontract.redact import redact_text

    run = _live_run(item.config)
    probe = item.probe
    contract = _live_contract(item)
    rule, kind, paid = _live_kind(item)
    request = None
    if kind != "lifecycle":
        free = not paid
        request = request_of(
            method=probe.method,
            base_url=run.settings.base_url,
            path=probe.path,
            body=probe.body,
            raw=probe.raw if free else None,
            content_type=probe.content_type if free else "application/json",
            auth=probe.auth if free else "key",
            has_body=contract.has_body,
            key_auth=contract.provider.auth,
        )
    expect: dict[str, Any] = {"paid": sorted(contract.paid)}
    if not (paid or kind == "lifecycle"):
        e = probe.expect
        expect = {"status": e.status, "name": e.name, "type": e.type, "code": e.code, **expect}
    message = ""
    if not report.passed:
        longrepr = report.longrepr
        text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        message = redact_text(text, [run.key])[:_MESSAGE_LIMIT]
    covers = tuple(t.describe() for t in getattr(probe, "covers", ())) if paid else ()
    record = ProbeRecord(
        nodeid=item.nodeid,
        contract=probe.contract,
        probe=item.name,
        kind=kind,
        rule=rule,
        location=_location(item),
        paid=paid,
        outcome=report.outcome,
        expect=expect,
        request=request,
        message=message,
        covers=covers,
    )
    append_record(run.run_dir, record)
    if report.failed and request is not None:
        again = f"foxcontract probe REPORT '{item.nodeid}'  (REPORT: the --fox-report file)"
        report.sections.append(
            ("foxcontract: send this probe again", f"{request.curl()}\nor: {again}")
        )


def _profile(config: pytest.Config) -> str:
    given = config.getoption("hypothesis_profile", None)
    if given:
        return str(given)
    from foxcontract import profiles

    return profiles.CI if os.environ.get("CI") else profiles.DEV


def _seed(config: pytest.Config) -> int | None:
    from foxcontract import profiles

    seed = config.stash.get(profiles.SEED, None)
    if seed is None and config.getoption("hypothesis_seed", None) is not None:
        # a derandomized profile (CI) never drew on the seed, but the run was given one
        seed = profiles.run_seed(config)
    return seed


def _wanted(config: pytest.Config) -> bool:
    """Whether the run asked for anything at its end: a report, a summary, the gate."""
    settings = config.stash[SETTINGS]
    summary = os.environ.get(SUMMARY_ENV, "").strip()
    return bool(settings.report or settings.summary or summary or settings.require_coverage)


def finish(session: pytest.Session) -> None:
    """At the end of the run (the controller under xdist): the gate, the report, the
    summary."""
    config = session.config
    settings = config.stash[SETTINGS]
    results = config.stash[RESULTS]
    summary_env = os.environ.get(SUMMARY_ENV, "").strip()
    if not _wanted(config):
        return
    from foxcontract import _run_report
    from foxcontract.report import tally_of

    coverage = tally_of(config).to_json()
    if settings.require_coverage:
        missing = _run_report.unreached(coverage)
        if missing:
            shown = ", ".join(f"{m['contract']} {m['rule']} ({m['line']})" for m in missing)
            results.gate.append(
                f"foxcontract: --fox-require-coverage: {len(missing)} rule(s) reached by no "
                f"case and no probe: {shown}"
            )
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if not (settings.report or settings.summary or summary_env):
        return
    ledger = records = outcomes = None
    secrets: list[Any] = []
    if settings.mode.networked:
        from foxcontract._probe_record import read_records
        from foxcontract.live.drift import read_outcomes

        run = _live_run(config)
        if run is not None:
            ledger = run.ledger.state()
            records = read_records(run.run_dir)
            outcomes = read_outcomes(run.run_dir)
            secrets = [run.key]
    if not coverage and not records and not results.contracts:
        summary_env = ""  # nothing of foxcontract's ran: no summary in another project's job
        if not (settings.report or settings.summary):
            return
    facts = _run_report.RunFacts(
        mode=settings.mode.value,
        base_url=settings.base_url if settings.mode.networked else None,
        seed=_seed(config),
        hypothesis_profile=_profile(config),
        started=datetime.fromtimestamp(results.started, UTC).isoformat(timespec="seconds"),
        duration=time.monotonic() - results.clock,
        exit_status=int(session.exitstatus),
        outcomes=results.outcomes,
        contracts=[results.contracts[n] for n in sorted(results.contracts)],
    )
    document = _run_report.build_report(
        facts,
        coverage,
        ledger=ledger,
        records=records or (),
        outcomes=outcomes or (),
        gate=results.gate,
    )
    here = config.invocation_params.dir
    try:
        if settings.report:
            where = f"--fox-report {settings.report}"
            _run_report.write_report(here / settings.report, document, secrets)
            results.written.append(f"foxcontract: report written to {settings.report}")
        if settings.summary or summary_env:
            from foxcontract._job_summary import markdown, write_summary

            text = markdown(document)
            if settings.summary:
                where = f"--fox-summary {settings.summary}"
                write_summary(here / settings.summary, text, secrets, append=False)
                results.written.append(f"foxcontract: summary written to {settings.summary}")
            if summary_env:
                where = f"{SUMMARY_ENV} {summary_env}"
                write_summary(Path(summary_env), text, secrets, append=True)
    except (OSError, ValueError) as exc:  # unwritable, or a secret refused (SecretLeakError)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        results.gate.append(f"foxcontract: {where}: not written: {reason}")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
