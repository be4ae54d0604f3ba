"""Replaying a recorded interaction: the contract it was recorded for, the verdict on it,
and the normalised answer that its snapshot holds (volatile paths masked).

``replay(interaction, contract)`` is pure and fast (no pytest, no I/O), so the replay items,
the ``fox_replay`` fixture and ``benchmarks/bench_replay.py`` share it. The package's other
modules: ``_sequence`` (answering requests in recorded order, any host), ``_snapshots``
(syrupy's amber files, owned per cassette) and ``_recording`` (a cassette and its snapshots
written as one unit); the names the rest of foxcontract uses are exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from foxcontract._files import is_contract, yaml_files
from foxcontract.cassette import Cassette, CassetteError, Interaction, key_line
from foxcontract.contract import match_path
from foxcontract.contract.errors import ContractError, did_you_mean
from foxcontract.contract.loader import load_contract, shipped_contracts_dir
from foxcontract.contract.model import Contract
from foxcontract.verdict import NO_BODY, Disagreement, Verdict, judge

__all__ = [
    "Recorded",
    "Replayed",
    "Sequencer",
    "cassette_files",
    "contract_for",
    "diff",
    "endpoint_contracts",
    "endpoint_of",
    "mask",
    "read_entries",
    "record_cassette",
    "recordings",
    "relative_path",
    "replay",
    "serialize",
    "snapshot_path",
    "update_snapshots",
    "volatile_paths",
]


def _mask_value(value: Any) -> str:
    kind = "null" if value is None else type(value).__name__
    return f"<volatile {kind}>"


def mask(body: Any, paths: Iterable[str]) -> Any:
    """A copy of ``body`` with each volatile path (``id``, ``results.*.url``) replaced by a
    marker that keeps the value's JSON type (``<volatile int>``)."""
    out = _copy(body)
    for path in paths:
        _mask_path(out, path.split("."))
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _mask_path(node: Any, steps: Sequence[str]) -> None:
    step, rest = steps[0], steps[1:]
    if step == "*":
        keys: Iterable[Any] = (
            range(len(node))
            if isinstance(node, list)
            else (list(node) if isinstance(node, dict) else ())
        )
    elif isinstance(node, dict) and step in node:
        keys = (step,)
    else:
        return
    for key in keys:
        if rest:
            _mask_path(node[key], rest)
        else:
            node[key] = _mask_value(node[key])


def volatile_paths(contract: Contract, status: int) -> tuple[str, ...]:
    spec = contract.responses.get(str(status))
    return spec.volatile if spec is not None else ()


@dataclass(frozen=True)
class Replayed:
    """The verdict on one interaction, and its normalised answer (for the snapshot)."""

    interaction: Interaction
    verdict: Verdict
    problems: tuple[Disagreement, ...]
    normalised: dict[str, Any]


def replay(interaction: Interaction, contract: Contract) -> Replayed:
    """Judge a recorded interaction against ``contract``."""
    problems: list[Disagreement] = []
    path = interaction.path.split("?", 1)[0]
    if interaction.method != contract.method or match_path(contract.url_path, path) is None:
        problems.append(
            Disagreement(
                "route",
                f"{interaction.method} {path} is not {contract.method} {contract.url_path}, "
                f"the endpoint of contract {contract.name}",
            )
        )
    body = interaction.request_body if contract.has_body and interaction.has_body else NO_BODY
    if contract.has_body and not interaction.has_body:
        problems.append(Disagreement("request", "the recorded request has no body"))
    # headers are judged when the cassette recorded any (a hand-written one may not)
    headers = interaction.response_headers or None
    verdict = judge(contract, interaction.status, interaction.response_body, body, headers)
    problems.extend(verdict.problems)
    normalised = {
        "status": interaction.status,
        "body": mask(interaction.response_body, volatile_paths(contract, interaction.status)),
    }
    return Replayed(interaction, verdict, tuple(problems), normalised)


def _contract_files(cassette_path: Path) -> list[Path]:
    return _contract_files_near(cassette_path.parent)


def _contract_files_near(folder: Path) -> list[Path]:
    folders = [folder, folder.parent, shipped_contracts_dir()]
    return [p for f in folders for p in yaml_files(f) if is_contract(p)]


def endpoint_contracts(folder: Path) -> list[Contract]:
    """The endpoint contracts a cassette folder records for: beside it, in its parent
    folder, or shipped (the first of each name); a broken file is left to its own run."""
    found: dict[str, Contract] = {}
    for path in _contract_files_near(folder):
        try:
            contract = _load(path.resolve())
        except ContractError:
            continue
        found.setdefault(contract.name, contract)
    return list(found.values())


@cache
def _load(path: Path) -> Contract:
    return load_contract(path)


def contract_for(cassette: Cassette) -> Contract:
    """The contract a cassette was recorded for: ``<contract>.yaml`` beside the cassette,
    in its parent folder, or shipped; its version must be the cassette's."""
    names: list[str] = []
    contract: Contract | None = None
    for path in _contract_files(cassette.path):
        if path.stem == cassette.contract:
            try:
                contract = _load(path.resolve())
            except ContractError:
                continue
            break
        names.append(path.stem)
    if contract is None:
        raise CassetteError.at(
            cassette.path,
            key_line(cassette.path, "contract"),
            f"no contract named {cassette.contract!r} beside the cassette or shipped"
            f"{did_you_mean(cassette.contract, names)}",
        )
    if contract.version != cassette.contract_version:
        raise CassetteError.at(
            cassette.path,
            key_line(cassette.path, "contract_version"),
            f"recorded for {contract.name} version {cassette.contract_version}, but "
            f"{contract.path} is version {contract.version}: record it again "
            "(pytest --fox-mode record) or check it against the new version and update "
            "contract_version",
        )
    return contract


# The package's other modules, imported last: ``_recording`` replays with the names above.
from foxcontract.replay._recording import record_cassette, update_snapshots  # noqa: E402
from foxcontract.replay._sequence import (  # noqa: E402
    Recorded,
    Sequencer,
    cassette_files,
    endpoint_of,
    recordings,
    relative_path,
)
from foxcontract.replay._snapshots import diff, read_entries, serialize, snapshot_path  # noqa: E402
