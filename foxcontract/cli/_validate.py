"""``foxcontract validate``: check contract files as collection does, without running tests.

Prints every problem as ``file:line: message`` (exit 1), or one ``ok`` line per file (exit 0).
With no path it checks the project's ``./contracts`` when it exists, else the shipped
contracts, and says which.
A cassette named among the paths is checked as a cassette (its format; ``pytest`` replays it
against its contract).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foxcontract._files import is_cassette
from foxcontract.cli._common import add_paths_argument, contract_files, default_contracts
from foxcontract.contract import Contract, ContractError
from foxcontract.contract.errors import Problem
from foxcontract.contract.loader import check_errors_file, load_source
from foxcontract.contract.source import Source, read_source

__all__ = ["add_arguments", "check_file", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser, project=True)


def check_file(path: Path) -> Contract | None:
    """The endpoint contract in ``path``, or ``None`` for a valid errors file; raises
    :class:`ContractError` for a bad file of either kind."""
    return _check(read_source(path))[0]


def _check(source: Source) -> tuple[Contract | None, str]:
    """The contract in ``source`` (``None`` for an errors file) and its summary line."""
    if source.data.get("kind") == "endpoint":
        contract = load_source(source)
        return contract, f"endpoint {contract.name}, {len(contract.rules)} rules"
    check_errors_file(source)
    return None, f"errors file, {len(source.data.get('errors', {}))} error kinds"


def _check_cassette(path: Path) -> str:
    """The summary line of the cassette in ``path``, read as collection reads it (its
    interactions are judged against their contract by ``pytest``)."""
    from foxcontract.cassette import load_cassette

    cassette = load_cassette(path)
    return (
        f"cassette for {cassette.contract} {cassette.contract_version}, "
        f"{len(cassette.interactions)} interactions, replayed by pytest"
    )


def run(args: argparse.Namespace) -> int:
    failed = False
    default, checked = (None, None) if args.paths else default_contracts("checked")
    for path in contract_files(args.paths, default):
        try:
            if is_cassette(path):
                summary = _check_cassette(path)
            else:
                _, summary = _check(read_source(path))
        except ContractError as exc:
            failed = True
            for problem in exc.problems:
                print(problem)
        except Exception as exc:  # a defect in foxcontract: report it, and check the rest
            failed = True
            print(Problem(path, 1, f"cannot check this file: {type(exc).__name__}: {exc}"[:500]))
        else:
            print(f"{path}: ok ({summary})")
    if checked:
        print(checked)
    return 1 if failed else 0
