"""Which YAML files are contracts, and the collector that turns one into items.

A ``.yaml``/``.yml`` file is a contract when its top level has the ``foxcontract:`` key.
A file named on the command line, or under a path of ``--fox-contracts`` (ini
``fox_contracts``), is taken for one unless it is a YAML mapping without that key (a
cassette, say): so an empty, non-YAML or non-mapping file named as a contract fails
collection with ``file:line`` and the reason. An errors file (``kind: errors``) is
validated and yields no items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foxcontract import profiles, report
from foxcontract.contract.errors import ContractError
from foxcontract.contract.loader import check_errors_file, load_source
from foxcontract.contract.source import CONTRACT_LIMITS, read_source
from foxcontract.items import (
    ACCEPTED,
    VIOLATED,
    ConsistencyItem,
    ExampleItem,
    ResponseItem,
    RuleItem,
)
from foxcontract.options import SETTINGS

__all__ = ["MARKERS", "ContractFile", "collect_file", "configure", "is_contract"]

_KEY = re.compile(r"^foxcontract[ \t]*:", re.MULTILINE)
_SUFFIXES = (".yaml", ".yml")


MARKERS = {
    "foxcontract": "an item collected from a foxcontract contract file",
    "fox_accepted": "a rule item whose cases the rule accepts",
    "fox_violated": "a rule item whose cases break the rule",
    "fox_example": "a documented example of a contract",
    "fox_response": "generated responses of a contract",
    "fox_consistency": "whether a contract's rules contradict each other",
}


def configure(config: pytest.Config) -> None:
    """Markers, the Hypothesis profiles and seed, and the coverage tally of this run."""
    for name, help_text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {help_text}")
    profiles.configure(config)
    report.configure(config)


def _named(path: Path, config: pytest.Config) -> bool:
    """Whether ``path`` was given on the command line or lies under ``--fox-contracts``."""
    here = Path(config.invocation_params.dir)
    named = [here / str(a).split("::")[0] for a in config.invocation_params.args]
    if SETTINGS in config.stash:
        named += [config.rootpath / p for p in config.stash[SETTINGS].contracts]
    resolved = path.resolve()
    for target in named:
        t = target.resolve()
        if resolved == t or (t.is_dir() and t in resolved.parents and _configured(t, config)):
            return True
    return False


def _configured(folder: Path, config: pytest.Config) -> bool:
    if SETTINGS not in config.stash:
        return False
    return any((config.rootpath / p).resolve() == folder for p in config.stash[SETTINGS].contracts)


def is_contract(path: Path, config: pytest.Config) -> bool:
    """Whether foxcontract should collect ``path`` (see the module docstring)."""
    if path.suffix not in _SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:  # a file past the size limit is not read whole
            head = handle.read(CONTRACT_LIMITS.max_bytes + 1)
        text = head.decode(
            "utf-8", errors="strict" if len(head) <= CONTRACT_LIMITS.max_bytes else "replace"
        )
    except (OSError, UnicodeDecodeError):
        return _named(path, config)
    if _KEY.search(text):
        return True
    if not _named(path, config):
        return False
    try:
        data = read_source(path).data
    except ContractError:
        return True  # empty, not YAML or not a mapping: report it
    return "foxcontract" in data


def collect_file(file_path: Path, parent: pytest.Collector) -> ContractFile | None:
    if not is_contract(file_path, parent.config):
        return None
    found: ContractFile = ContractFile.from_parent(parent, path=file_path)
    return found


class ContractFile(pytest.File):
    """One contract file: per rule an ``accepted`` and a ``violated`` item, an item per
    documented example and per response schema, and a ``consistency`` item."""

    def collect(self) -> Iterator[pytest.Item]:
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
