"""foxcontract's pytest hooks. Hooks only: each hands off to the module that does the work."""

from __future__ import annotations

import pytest

from foxcontract import fixtures, options
from foxcontract.fixtures import fox_api  # noqa: F401  (registers the fixture)

__all__: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[options.SETTINGS] = options.resolve(config)
    config.addinivalue_line("markers", fixtures.MARKER_HELP)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    fixtures.remember_outcome(item, call)
