"""What the ``foxcontract`` subcommands share: usage errors, contract paths, safe output."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from foxcontract import _atomic
from foxcontract._files import yaml_files
from foxcontract.contract import shipped_contracts_dir

__all__ = ["UsageError", "add_paths_argument", "budget_count", "contract_files", "write_atomic"]


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


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    """The ``PATH ...`` argument of the commands that read contracts."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="contract files or folders (default: the shipped contracts)",
    )


def contract_files(paths: Iterable[str | Path]) -> list[Path]:
    """The contract files named by ``paths`` (files, or folders of ``*.yaml``/``*.yml``),
    in order, each once; no paths means the shipped contracts."""
    given = [Path(p) for p in paths] or [shipped_contracts_dir()]
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
