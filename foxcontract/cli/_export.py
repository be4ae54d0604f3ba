"""``foxcontract export openapi``: the contracts as one OpenAPI 3.1 document (JSON).

Written to ``--out FILE`` atomically (a temporary file, then a rename), or to stdout.
Without a path it reads the project's ``./contracts`` when it exists, else the shipped
contracts, as ``validate`` and ``plan`` do, and says which: on stdout with ``--out``, on
stderr when stdout is the document.
Exit 0 written, 1 a contract is invalid (its ``file:line`` problems on stderr), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from foxcontract.cli._common import (
    UsageError,
    add_paths_argument,
    contract_files,
    default_contracts,
    write_atomic,
)
from foxcontract.cli._validate import check_file
from foxcontract.contract import ContractError
from foxcontract.export import openapi_document

__all__ = ["FORMATS", "add_arguments", "render", "run"]

FORMATS = ("openapi",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=FORMATS, help="the format to export (openapi)")
    add_paths_argument(parser, project=True)
    parser.add_argument(
        "--out",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the document to FILE, atomically (default: stdout)",
    )


def render(paths: list[Path]) -> str:
    """The OpenAPI document for the endpoint contracts among ``paths``, as JSON text."""
    found = [check_file(path) for path in paths]
    contracts = [c for c in found if c is not None]
    if not contracts:
        shown = ", ".join(str(p) for p in paths)
        raise UsageError(f"no endpoint contracts among: {shown}")
    return json.dumps(openapi_document(contracts), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    default, exported = (None, None) if args.paths else default_contracts("exported")
    paths = contract_files(args.paths, default)
    note = sys.stderr if args.out is None else sys.stdout  # never inside the document
    try:
        text = render(paths)
    except ContractError as exc:
        print(exc, file=sys.stderr)
        if exported:
            print(exported, file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text)
    if exported:
        print(exported, file=note)
    return 0
