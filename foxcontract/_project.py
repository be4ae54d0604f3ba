"""The project's contracts: which contract files a test's fixtures follow.

A team keeps its own copy of the contracts (``foxcontract init`` puts one in ``contracts/``)
and edits it, e.g. to add a model. The contract suite, ``fox_api`` and ``fox_replay`` must
all follow that copy, found in this order:

1. the test's marker, ``@pytest.mark.fox_api(contracts="path")`` (or ``fox_server``; a
   folder or file, or a list of them);
2. ``--fox-contracts`` / the ini ``fox_contracts``;
3. the contracts shipped with foxcontract.

Relative paths are read from the project's root (``config.rootpath``). Among the files, the
endpoint whose ``task:`` role is ``create`` creates tasks and the one whose role is ``poll``
polls them (without a ``task:`` section: the endpoint with a request body, and the one with
a lifecycle); a role the project's files do not fill is the shipped endpoint's. Contracts
are loaded once per run and file version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from foxcontract._files import is_contract, yaml_files
from foxcontract._settings import SETTINGS

if TYPE_CHECKING:
    from foxcontract.contract.model import Contract

__all__ = ["ProjectContracts", "cassette_folder", "contract_paths", "project_contracts"]

MARKERS = ("fox_api", "fox_server")
"""The markers whose ``contracts=`` option names a test's contracts."""


@dataclass(frozen=True)
class ProjectContracts:
    """The endpoints a test follows, and where they came from (for messages)."""

    create: Contract
    poll: Contract
    paths: tuple[Path, ...]
    """The paths the contracts were looked for in; empty for the shipped contracts."""

    @property
    def origin(self) -> str:
        if not self.paths:
            return "the contracts shipped with foxcontract"
        return ", ".join(str(p) for p in self.paths)


_CACHE = pytest.StashKey[dict[tuple[Path, int], "Contract"]]()


def _marker(node: pytest.Item | None) -> pytest.Mark | None:
    """The test's marker that names its contracts, if one does."""
    if node is None:
        return None
    markers = [node.get_closest_marker(name) for name in MARKERS]
    return next((m for m in markers if m and "contracts" in m.kwargs), None)


def _marked(node: pytest.Item | None) -> tuple[str, ...] | None:
    mark = _marker(node)
    given: Any = None if mark is None else mark.kwargs["contracts"]
    if given is None:
        return None
    if isinstance(given, str | Path):
        return (str(given),)
    if isinstance(given, list | tuple) and all(isinstance(g, str | Path) for g in given):
        return tuple(str(g) for g in given)
    pytest.fail(
        f"@pytest.mark.fox_api(contracts=...): a path or a list of paths, got {given!r}",
        pytrace=False,
    )


def contract_paths(config: pytest.Config, node: pytest.Item | None = None) -> tuple[Path, ...]:
    """The contract folders or files the test follows (empty: the shipped contracts)."""
    given = _marked(node)
    if given is None and SETTINGS in config.stash:
        given = config.stash[SETTINGS].contracts
    return tuple(config.rootpath / p for p in given or ())


def _files_of(paths: tuple[Path, ...], where: str) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += [p for p in yaml_files(path) if is_contract(p)]
        elif path.is_file():
            out.append(path)
        else:
            pytest.fail(f"{where}: no such file or folder: {path}", pytrace=False)
    return out


def _where(node: pytest.Item | None) -> str:
    """Where the test's contract paths were named, for a message."""
    mark = _marker(node)
    if mark is not None:
        return f"@pytest.mark.{mark.name}(contracts=...)"
    return "--fox-contracts (ini fox_contracts)"


def _load(config: pytest.Config, path: Path) -> Contract:
    from foxcontract.contract.loader import load_contract

    cache = config.stash.setdefault(_CACHE, {})
    key = (path.resolve(), path.stat().st_mtime_ns)
    if key not in cache:
        cache[key] = load_contract(path)
    return cache[key]


def project_contracts(config: pytest.Config, node: pytest.Item | None = None) -> ProjectContracts:
    """The create and poll endpoints a test follows (see the module docstring). A broken
    contract file fails the test with its ``file:line`` problems."""
    from foxcontract.contract.errors import ContractError
    from foxcontract.contract.source import read_source
    from foxcontract.contract.task import task_endpoints
    from foxcontract.fake.core import shipped_endpoints

    paths = contract_paths(config, node)
    create: Contract | None = None
    poll: Contract | None = None
    problem: ContractError | None = None
    try:
        found = _files_of(paths, _where(node))
        files = [f for f in found if read_source(f).data.get("kind") == "endpoint"]
        create, poll = task_endpoints(_load(config, f) for f in files)
    except ContractError as exc:
        problem = exc
    if problem is not None:  # failed outside the except: the message once, not as a chain
        pytest.fail(f"the project's contracts ({', '.join(map(str, paths))}):\n{problem}", False)
    if create is None or poll is None:
        shipped = shipped_endpoints()
        create, poll = create or shipped[0], poll or shipped[1]
    return ProjectContracts(create, poll, paths)


def cassette_folder(config: pytest.Config, node: pytest.Item | None = None) -> Path:
    """Where ``fox_replay`` reads cassettes by default: ``cassettes/`` beside the project's
    first contract folder (or file), else the shipped cassettes."""
    for path in contract_paths(config, node):
        return (path if path.is_dir() else path.parent) / "cassettes"
    from foxcontract.contract.loader import shipped_contracts_dir

    return shipped_contracts_dir() / "cassettes"
