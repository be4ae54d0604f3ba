"""foxcontract's pytest hooks. Hooks only: each hands off to the module that does the work."""

from __future__ import annotations

import pytest

from foxcontract import options

__all__: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[options.SETTINGS] = options.resolve(config)
