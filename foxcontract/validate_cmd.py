"""``foxcontract validate``: check contract files as collection does, without running tests.

Prints every problem as ``file:line: message`` (exit 1), or one ``ok`` line per file (exit 0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foxcontract.cmdline import add_paths_argument, contract_files
from foxcontract.contract import Contract, ContractError
from foxcontract.contract.errors import Problem
from foxcontract.contract.loader import check_errors_file, load_contract
from foxcontract.contract.source import read_source

__all__ = ["add_arguments", "check_file", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def check_file(path: Path) -> Contract | None:
    """The endpoint contract in ``path``, or ``None`` for a valid errors file; raises
    :class:`ContractError` for a bad file of either kind."""
    source = read_source(path)
    if source.data.get("kind") == "endpoint":
        return load_contract(path)
    check_errors_file(source)
    return None


def _summary(path: Path, contract: Contract | None) -> str:
    if contract is not None:
        return f"endpoint {contract.name}, {len(contract.rules)} rules"
    kinds = read_source(path).data.get("errors", {})
    return f"errors file, {len(kinds)} error kinds"


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in contract_files(args.paths):
        try:
            contract = check_file(path)
        except ContractError as exc:
            failed = True
            for problem in exc.problems:
                print(problem)
        except Exception as exc:  # a defect in foxcontract: report it, and check the rest
            failed = True
            print(Problem(path, 1, f"cannot check this file: {type(exc).__name__}: {exc}"[:500]))
        else:
            print(f"{path}: ok ({_summary(path, contract)})")
    return 1 if failed else 0
