"""``foxcontract export openapi``: the contracts as one OpenAPI 3.1 document (JSON).

Written to ``--out FILE`` atomically (a temporary file, then a rename), or to stdout.
Exit 0 written, 1 a contract is invalid (its ``file:line`` problems on stderr), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from foxcontract.cli._common import UsageError, add_paths_argument, contract_files, write_atomic
from foxcontract.cli._validate import check_file
from foxcontract.contract import ContractError
from foxcontract.export import openapi_document

__all__ = ["FORMATS", "add_arguments", "render", "run"]

FORMATS = ("openapi",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=FORMATS, help="the format to export (openapi)")
    add_paths_argument(parser)
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
    paths = contract_files(args.paths)
    try:
        text = render(paths)
    except ContractError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text)
    return 0
