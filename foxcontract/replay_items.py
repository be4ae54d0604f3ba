"""Cassette files as pytest items: one per recorded interaction.

Each item checks, offline, that (1) the oracle's verdict on the recorded request agrees with
the recorded status (and, for a broken rule, the error kind), (2) the recorded response
satisfies the contract as it is now (drift detection), and (3) a syrupy snapshot of the
normalised response (volatile paths masked) is unchanged (``--snapshot-update`` accepts).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from foxcontract.cassette import Cassette, CassetteError, Interaction, is_cassette, load_cassette
from foxcontract.contract.model import Contract
from foxcontract.offline import blocked_sockets
from foxcontract.options import SETTINGS, Mode
from foxcontract.redact import redact
from foxcontract.replay import Replayed, contract_for, replay

__all__ = ["CassetteFile", "CassetteItem", "ReplayFailure", "collect_file"]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ReplayFailure(AssertionError):
    """A recorded interaction that the contract, or its snapshot, no longer agrees with."""


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_cassette(file_path):
        return CassetteFile.from_parent(parent, path=file_path)
    return None


class CassetteFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
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


def _replayed_interaction() -> None:
    """Stands for the item in syrupy's snapshot naming (``<cassette>.ambr``, item name)."""


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
        self.obj = _replayed_interaction
        self.add_marker("foxcontract")
        self.add_marker("fox_replay")

    def runtest(self) -> None:
        with blocked_sockets():
            result = replay(self.interaction, self.contract)
        self._tally(result)
        if result.problems:
            raise ReplayFailure(self._explain(result))
        self._snapshot(redact(result.normalised))  # no key-like value reaches a snapshot

    def _tally(self, result: Replayed) -> None:
        try:
            from foxcontract.report import tally_of
        except ImportError:  # pragma: no cover - the coverage report is optional
            return
        tally = tally_of(self.config)
        if self.interaction.has_body and self.contract.has_body:
            tally.observe(self.contract, self.interaction.request_body)
        expected = result.verdict.expected
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

    def _snapshot(self, data: dict[str, Any]) -> None:
        session = getattr(self.config, "_syrupy", None)
        if session is None:
            raise ReplayFailure("the snapshot step needs syrupy, which is disabled in this run")
        from syrupy.assertion import SnapshotAssertion
        from syrupy.extensions.amber import AmberSnapshotExtension
        from syrupy.location import PyTestLocation

        option = self.config.option
        recording = self.config.stash[SETTINGS].mode is Mode.RECORD  # record writes snapshots
        snapshot = SnapshotAssertion(
            update_snapshots=bool(getattr(option, "update_snapshots", False)) or recording,
            update_new_snapshots_only=bool(getattr(option, "update_new_snapshots_only", False)),
            extension_class=AmberSnapshotExtension,
            test_location=PyTestLocation(self),
            session=session,
        )
        unchanged = snapshot == data
        if not unchanged:
            diff = "\n".join(snapshot.get_assert_diff())
            if not self.config.get_terminal_writer().hasmarkup:
                diff = _ANSI.sub("", diff)
            raise ReplayFailure(
                f"{self.cassette.path}:{self.interaction.line}: the normalised response of "
                f"{self.interaction.name!r} differs from its snapshot "
                f"(run with --snapshot-update to accept it)\n{diff}"
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, ReplayFailure | CassetteError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.interaction.line - 1, f"{self.cassette.contract}::{self.name}"
