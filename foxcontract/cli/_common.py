"""What the ``foxcontract`` subcommands share: usage errors, contract paths, safe output."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from foxcontract import _atomic
from foxcontract._files import yaml_files
from foxcontract.contract import shipped_contracts_dir

__all__ = [
    "PROJECT_CONTRACTS",
    "UsageError",
    "add_paths_argument",
    "budget_count",
    "contract_files",
    "default_contracts",
    "write_atomic",
]

PROJECT_CONTRACTS = Path("contracts")
"""The project's own copy of the contracts (``foxcontract init`` puts it there), relative to
the folder a command runs in: the default of the commands that read or write contracts."""


class UsageError(Exception):
    """Bad input to a subcommand: reported as one line, exit status 2."""


def budget_count(text: str) -> int:
    """The ``--budget N`` argument's type: a whole number of paid creates, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def add_paths_argument(parser: argparse.ArgumentParser, *, project: bool = False) -> None:
    """The ``PATH ...`` argument of the commands that read contracts (``project``: they
    default to :func:`default_contracts`)."""
    default = (
        "./contracts, the project's copy, when it exists; else the shipped contracts"
        if project
        else "the shipped contracts"
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"contract files or folders (default: {default})"
    )


def default_contracts(verb: str) -> tuple[Path, str]:
    """The folder a command reads when no path is named: the project's ``./contracts`` when
    it exists, else the shipped contracts; and the line that says which (``verb``: what the
    command did with them)."""
    shipped = shipped_contracts_dir()
    if PROJECT_CONTRACTS.is_dir():
        return PROJECT_CONTRACTS, (
            f"{verb} the project's contracts in {PROJECT_CONTRACTS}/ (./contracts; name a "
            "PATH for others)"
        )
    return shipped, (
        f"{verb} the contracts shipped with foxcontract, in {shipped} (there is no "
        "./contracts here; name a PATH for your own)"
    )


def contract_files(paths: Iterable[str | Path], default: Path | None = None) -> list[Path]:
    """The contract files named by ``paths`` (files, or folders of ``*.yaml``/``*.yml``),
    in order, each once; no paths means ``default`` (the shipped contracts without one)."""
    given = [Path(p) for p in paths] or [default or shipped_contracts_dir()]
    out: list[Path] = []
    for path in given:
        if path.is_dir():
            found = yaml_files(path)
            if not found:
                raise UsageError(f"no contract files (*.yaml, *.yml) in folder: {path}")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return list(dict.fromkeys(out))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (:func:`foxcontract._atomic.write_atomic`); a failure
    is a usage error naming the file."""
    try:
        _atomic.write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
