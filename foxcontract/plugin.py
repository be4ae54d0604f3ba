"""foxcontract's pytest hooks. Hooks only: each hands off to the module that does the work.

Installing foxcontract must cost an unrelated pytest run nearly nothing, so this module and
what it imports at load stay light (pytest, the option table, the file-kind test, the
fixtures' faces): the contracts, Hypothesis, httpx and respx are imported when a contract
or cassette is collected or a fixture is used, and live mode's machinery only in a live or
record run.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from foxcontract import _registered, collect, options
from foxcontract._registered import (  # noqa: F401  (registers the fixtures)
    fox_api,
    fox_replay,
    fox_server,
)

__all__: list[str] = []


def _live(config: pytest.Config) -> bool:
    """Whether this is a live or record run (only these import the live machinery)."""
    return options.SETTINGS in config.stash and config.stash[options.SETTINGS].mode.networked


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from foxcontract import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    options.refuse_secret_arguments(args)  # before pytest parses (and echoes) the arguments


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[options.SETTINGS] = options.resolve(config)
    if _live(config):
        from foxcontract.live import hooks as live

        live.configure(config)
    _registered.configure(config)
    collect.configure(config)
    from foxcontract import _results

    _results.configure(config)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    _registered.remember_outcome(item, call)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collect.collect_file(file_path, parent)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    if _live(session.config):
        from foxcontract.live import hooks as live

        live.sessionstart(session)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if _live(collector.config):
        from foxcontract.live import hooks as live

        live.add_live_items(collector, report)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    from foxcontract import _idle_cost, report

    collect.finish(session)
    report.finish(session)
    _idle_cost.spare_idle_plugins(session.config)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    from foxcontract import _consumer_coverage, report

    report.summary(terminalreporter, config)
    _consumer_coverage.summary(terminalreporter, config)
    if _live(config):
        from foxcontract.live import hooks as live

        live.terminal_summary(terminalreporter)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _live(config):
        from foxcontract.live import hooks as live

        live.unconfigure(config)
