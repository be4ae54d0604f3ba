"""Shared set-up of the project's tests.

``foxcontract.live.hooks`` (and the run module with the LIVE stash key) is imported here, in
the test process, so every in-process pytester run shares one copy: a module first imported
inside such a run is dropped from sys.modules after it, while the package keeps pointing at
the old copy, and a test conftest's ``from foxcontract.live.run import LIVE`` would then get
another key than the plugin's (its retry policy silently ignored).

The fixtures ``create`` and ``poll`` are the two shipped endpoint contracts.
"""

import pytest
from helpers.shipped import CONTRACTS

import foxcontract.live.hooks  # noqa: F401
from foxcontract.contract import load_contract
from foxcontract.contract.model import Contract


@pytest.fixture(scope="module")
def create() -> Contract:
    """The shipped ``POST /v1/videos/generations`` contract, loaded once per module."""
    return load_contract(CONTRACTS / "videos-generations.yaml")


@pytest.fixture(scope="module")
def poll() -> Contract:
    """The shipped ``GET /v1/tasks/{task_id}`` contract, loaded once per module."""
    return load_contract(CONTRACTS / "tasks-get.yaml")
