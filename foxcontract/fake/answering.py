"""The fake that answers one contract's endpoint, with the endpoint that plays the other
part of a task's life.

A contract that creates tasks (``task.role: create``, or a request body) is answered with the
contract in the same folder that polls them, and the other way round; a part no contract of
the folder plays is the shipped endpoint's. The contract suite's ``response[...]`` items ask
it for the answers they judge.
"""

from __future__ import annotations

import functools
from pathlib import Path

from foxcontract._files import is_contract, yaml_files
from foxcontract.contract import ContractError, load_contracts
from foxcontract.contract.model import Contract
from foxcontract.contract.task import task_endpoints
from foxcontract.fake.config import FakeConfig
from foxcontract.fake.core import FakeAPI, shipped_endpoints

__all__ = ["answering_fake"]


def answering_fake(contract: Contract, config: FakeConfig | None = None) -> FakeAPI | None:
    """The fake that answers ``contract``'s requests, as the endpoint that creates tasks
    or the one that polls them; the other role is played by the contract in the same folder
    that has it (``task.role``), else by the shipped one. ``None`` for an endpoint that is
    neither."""
    role = contract.task.role if contract.task is not None else None
    if role is None:
        role = "create" if contract.has_body else "poll" if contract.lifecycle else None
    if role is None:
        return None
    own_create, own_poll = _partners(contract.path.parent)
    shipped_create, shipped_poll = shipped_endpoints()
    if role == "create":
        return FakeAPI(config, create=contract, poll=own_poll or shipped_poll)
    return FakeAPI(config, create=own_create or shipped_create, poll=contract)


@functools.lru_cache(maxsize=16)
def _partners(folder: Path) -> tuple[Contract | None, Contract | None]:
    """The endpoints of ``folder`` that create and poll tasks (a broken file is left to its
    own collection to report)."""
    found: list[Contract] = []
    for path in yaml_files(folder):
        if not is_contract(path):
            continue
        try:
            found += load_contracts([path])
        except (ContractError, OSError, ValueError):
            continue
    return task_endpoints(found)
