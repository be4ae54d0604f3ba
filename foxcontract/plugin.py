"""foxcontract's pytest hooks. Hooks only: each hands off to the module that does the work.

The modules behind the hooks are imported inside them, on first use, so importing the plugin
stays cheap; the fixtures are imported here because pytest finds fixtures on the plugin.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from foxcontract import fixtures, options, replay_fixture
from foxcontract.fixtures import fox_api, fox_server  # noqa: F401  (registers the fixtures)
from foxcontract.replay_fixture import fox_replay  # noqa: F401  (registers the fixture)

__all__: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    from foxcontract import collect, replay_items
    from foxcontract.live import hooks as live

    config.stash[options.SETTINGS] = options.resolve(config)
    live.configure(config)
    config.addinivalue_line("markers", fixtures.MARKER_HELP)
    config.addinivalue_line("markers", fixtures.SERVER_MARKER_HELP)
    config.addinivalue_line("markers", replay_items.MARKER)
    config.addinivalue_line("markers", replay_fixture.MARKER)
    collect.configure(config)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    from foxcontract.offline import prune_library_frames

    prune_library_frames(call)
    fixtures.remember_outcome(item, call)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from foxcontract import collect, replay_items

    return collect.collect_file(file_path, parent) or replay_items.collect_file(file_path, parent)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    from foxcontract.live import hooks as live

    live.sessionstart(session)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    from foxcontract.live import hooks as live

    report = yield
    live.add_live_items(collector, report)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    from foxcontract import replay_items, report

    replay_items.finish(session)
    report.finish(session)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    from foxcontract import report
    from foxcontract.live import hooks as live

    report.summary(terminalreporter, config)
    live.terminal_summary(terminalreporter)


def pytest_unconfigure(config: pytest.Config) -> None:
    from foxcontract.live import hooks as live

    live.unconfigure(config)
