"""Collection: which files become items (contracts and cassettes), and the contract collector.

Only files that are ours are collected (the strict marker of :mod:`foxcontract._files`):
any other YAML file, even one named on the command line, is left to other plugins. Under a
path of ``--fox-contracts`` (ini ``fox_contracts``) every ``.yaml``/``.yml`` file that is not
a cassette is taken for a contract, so an empty, non-YAML or unmarked file there fails
collection with ``file:line`` and the reason. An errors file (``kind: errors``) is validated
and yields no items.

The contract machinery (YAML, JSON Schema, Hypothesis) is imported when the first contract
file is collected, never at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foxcontract import profiles, report
from foxcontract._files import SUFFIXES, file_kind
from foxcontract.options import SETTINGS

__all__ = ["ContractFile", "collect_file", "configure", "finish", "is_collected_contract"]

_CASSETTES = pytest.StashKey[bool]()
"""Set when a cassette file was collected (its items may leave snapshot updates)."""


def configure(config: pytest.Config) -> None:
    """The Hypothesis profiles (if named) and the coverage tally of this run."""
    profiles.configure(config)
    report.configure(config)


def finish(session: pytest.Session) -> None:
    """Write the snapshot updates the cassette items left (only in a run that had some)."""
    if session.config.stash.get(_CASSETTES, False):
        from foxcontract.replay import items as replay_items

        replay_items.finish(session)


def _configured(path: Path, config: pytest.Config) -> bool:
    """Whether ``path`` is, or lies under, a path of ``--fox-contracts``."""
    if SETTINGS not in config.stash or not config.stash[SETTINGS].contracts:
        return False
    resolved = path.resolve()
    for given in config.stash[SETTINGS].contracts:
        target = (config.rootpath / given).resolve()
        if resolved == target or target in resolved.parents:
            return True
    return False


def is_collected_contract(path: Path, config: pytest.Config) -> bool:
    """Whether foxcontract collects ``path`` as a contract (see the module docstring)."""
    kind = file_kind(path)
    if kind is not None:
        return kind == "contract"
    return path.suffix in SUFFIXES and _configured(path, config)


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """The collector of a contract or cassette file; ``None`` for any other file."""
    if file_path.suffix not in SUFFIXES:
        return None
    if file_kind(file_path) == "cassette":
        from foxcontract.replay.items import CassetteFile

        parent.config.stash[_CASSETTES] = True
        cassette: CassetteFile = CassetteFile.from_parent(parent, path=file_path)
        return cassette
    if not is_collected_contract(file_path, parent.config):
        return None
    found: ContractFile = ContractFile.from_parent(parent, path=file_path)
    return found


class ContractFile(pytest.File):
    """One contract file: per rule an ``accepted`` and a ``violated`` item, an item per
    documented example and per response schema, and a ``consistency`` item."""

    def collect(self) -> Iterator[pytest.Item]:
        from foxcontract.contract.loader import check_errors_file, load_source
        from foxcontract.contract.source import read_source
        from foxcontract.items import (
            ACCEPTED,
            VIOLATED,
            ConsistencyItem,
            ExampleItem,
            ResponseItem,
            RuleItem,
        )

        source = read_source(self.path)
        if source.data.get("kind") == "errors":
            check_errors_file(source)
            return
        contract = load_source(source)
        yield ConsistencyItem.from_parent(self, name="consistency", contract=contract)
        for rule in contract.rules:
            for kind in (ACCEPTED, VIOLATED):
                yield RuleItem.from_parent(
                    self, name=f"{rule.id}[{kind}]", contract=contract, rule=rule, kind=kind
                )
        for example in contract.examples:
            yield ExampleItem.from_parent(
                self, name=f"example[{example.name}]", contract=contract, example=example
            )
        for status in contract.responses:
            yield ResponseItem.from_parent(
                self, name=f"response[{status}]", contract=contract, status=status
            )
        if contract.errors:
            yield ResponseItem.from_parent(
                self, name="response[errors]", contract=contract, status=None
            )

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        from foxcontract.contract.errors import ContractError

        if isinstance(excinfo.value, ContractError):
            return "\n".join(
                f"{self._where(p.path)}:{p.line}: {p.message}" for p in excinfo.value.problems
            )
        return super().repr_failure(excinfo)

    def _where(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.config.rootpath.resolve()))
        except ValueError:
            return str(path)
