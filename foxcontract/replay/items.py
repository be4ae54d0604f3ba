"""Cassette files as pytest items: one per recorded interaction.

Each item checks, offline, that (1) the oracle's verdict on the recorded request agrees with
the recorded status (and, for a broken rule, the error kind), (2) the recorded response
satisfies the contract as it is now (drift detection), and (3) a syrupy snapshot of the
normalised response (volatile paths masked) is unchanged (``--snapshot-update`` accepts; see
``foxcontract.replay._snapshots`` for why a partial run never deletes a snapshot).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from foxcontract.cassette import (
    Cassette,
    CassetteError,
    Interaction,
    is_cassette,
    load_cassette,
    recover,
)
from foxcontract.contract.model import Contract
from foxcontract.offline import blocked_sockets
from foxcontract.options import SETTINGS, Mode
from foxcontract.redact import redact
from foxcontract.replay import (
    Replayed,
    contract_for,
    diff,
    read_entries,
    replay,
    serialize,
    snapshot_path,
    update_snapshots,
)
from foxcontract.report import tally_of
from foxcontract.strategies import rules_judged

__all__ = [
    "CassetteFile",
    "CassetteItem",
    "ReplayFailure",
    "collect_file",
    "finish",
]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ReplayFailure(AssertionError):
    """A recorded interaction that the contract, or its snapshot, no longer agrees with."""


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_cassette(file_path):
        return CassetteFile.from_parent(parent, path=file_path)
    return None


class CassetteFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        recover(self.path.parent)  # finish a record run's write that was interrupted
        cassette = load_cassette(self.path)
        contract = contract_for(cassette)
        return [
            CassetteItem.from_parent(
                self, name=i.name, interaction=i, cassette=cassette, contract=contract
            )
            for i in cassette.interactions
        ]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, CassetteError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


_ENTRIES = pytest.StashKey[dict[tuple[str, int, int], dict[str, str]]]()
_UPDATES = pytest.StashKey[dict[Path, tuple[Cassette, dict[str, str]]]]()


def finish(session: pytest.Session) -> None:
    """Write the snapshot updates of the items that ran, one write per cassette (each
    pytest-xdist worker its own, merged under the folder's lock)."""
    for cassette, entries in session.config.stash.get(_UPDATES, {}).values():
        update_snapshots(cassette, entries)


def _entries(config: pytest.Config, path: Path) -> dict[str, str]:
    """The snapshot entries of ``path``, read once per run while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    cache = config.stash.setdefault(_ENTRIES, {})
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in cache:
        cache[key] = read_entries(path)
    return cache[key]


class CassetteItem(pytest.Item):
    def __init__(
        self,
        *,
        interaction: Interaction,
        cassette: Cassette,
        contract: Contract,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.interaction = interaction
        self.cassette = cassette
        self.contract = contract
        self.add_marker("foxcontract")
        self.add_marker("fox_replay")

    def runtest(self) -> None:
        with blocked_sockets():
            result = replay(self.interaction, self.contract)
        self._tally(result)
        if result.problems:
            raise ReplayFailure(self._explain(result))
        self._snapshot(result.normalised)  # serialize() redacts: no key in a snapshot

    def _tally(self, result: Replayed) -> None:
        """Tell the tally what the verdict decided on the recorded body and answer."""
        tally = tally_of(self.config)
        expected = result.verdict.expected
        if self.interaction.has_body and self.contract.has_body:
            body = self.interaction.request_body
            tally.count(self.contract, rules_judged(self.contract, body, expected.violations))
        if not expected.judged or result.verdict.inconclusive:
            return
        rule = expected.violations[0].rule if expected.violations else None
        tally.provider(rule, self.interaction.status, self.contract)

    def _explain(self, result: Replayed) -> str:
        i = self.interaction
        body = json.dumps(redact(i.request_body), sort_keys=True) if i.has_body else "(none)"
        lines = [
            f"{self.cassette.path}:{i.line}: interaction {i.name!r} no longer satisfies "
            f"contract {self.contract.name} ({self.contract.path})",
            f"request:  {i.method} {i.path}",
            f"body:     {body}",
            f"expected: {result.verdict.expected.describe()}",
            f"recorded: {i.status} {json.dumps(redact(i.response_body), sort_keys=True)[:300]}",
        ]
        lines += [f"  - {v}" for v in result.verdict.expected.violations]
        lines += [f"problem:  {p}" for p in result.problems]
        return "\n".join(lines)

    def _snapshot(self, normalised: dict[str, Any]) -> None:
        text = serialize(normalised)
        path = snapshot_path(self.cassette.path)
        entries = _entries(self.config, path)
        stored = entries.get(self.name)
        option = self.config.option
        recording = self.config.stash[SETTINGS].mode is Mode.RECORD  # record writes snapshots
        update = bool(getattr(option, "update_snapshots", False)) or recording
        if stored is None and bool(getattr(option, "update_new_snapshots_only", False)):
            update = True
        orphans = update and not set(entries) <= {i.name for i in self.cassette.interactions}
        if stored == text and not orphans:
            return
        if update:  # written once per cassette at the end of the run (see finish)
            pending = self.config.stash.setdefault(_UPDATES, {})
            pending.setdefault(self.cassette.path, (self.cassette, {}))[1][self.name] = text
            return
        where = f"{self.cassette.path}:{self.interaction.line}"
        if stored is None:
            raise ReplayFailure(
                f"{where}: no snapshot of {self.interaction.name!r} in {path} "
                "(run with --snapshot-update to write it, or record it again)"
            )
        shown = diff(text, stored)
        if not self.config.get_terminal_writer().hasmarkup:
            shown = _ANSI.sub("", shown)
        raise ReplayFailure(
            f"{where}: the normalised response of {self.interaction.name!r} differs from its "
            f"snapshot (run with --snapshot-update to accept it)\n{shown}"
        )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, ReplayFailure | CassetteError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.interaction.line - 1, f"{self.cassette.contract}::{self.name}"
