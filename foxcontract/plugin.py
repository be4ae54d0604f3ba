"""foxcontract's pytest hooks. Hooks only: each hands off to the module that does the work."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from foxcontract import fixtures, options, replay_fixture
from foxcontract.fixtures import fox_api  # noqa: F401  (registers the fixture)
from foxcontract.replay_fixture import fox_replay  # noqa: F401  (registers the fixture)

__all__: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[options.SETTINGS] = options.resolve(config)
    _live().configure(config)
    config.addinivalue_line("markers", fixtures.MARKER_HELP)
    config.addinivalue_line("markers", _replay().MARKER)
    config.addinivalue_line("markers", replay_fixture.MARKER)
    _suite().configure(config)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    fixtures.remember_outcome(item, call)


def _suite() -> Any:
    from foxcontract import collect  # imported on first use: keeps the plugin import cheap

    return collect


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return _suite().collect_file(file_path, parent) or _replay().collect_file(file_path, parent)  # type: ignore[no-any-return]


def _replay() -> Any:
    from foxcontract import replay_items  # cassettes: imported on first use

    return replay_items


def pytest_sessionfinish(session: pytest.Session) -> None:
    _suite().report.finish(session)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    _suite().report.summary(terminalreporter, config)
    _live().terminal_summary(terminalreporter)


def _live() -> Any:
    from foxcontract.live import hooks  # live and record modes; imported on first use

    return hooks


def pytest_unconfigure(config: pytest.Config) -> None:
    _live().unconfigure(config)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    _live().sessionstart(session)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    _live().add_live_items(collector, report)
    return report
