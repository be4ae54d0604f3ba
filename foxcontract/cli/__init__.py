"""foxcontract: declarative contract testing of the FoxAPI video-generation API.

Exit codes:
  0  success
  1  the check failed (e.g. an invalid contract: its file:line problems are printed)
  2  usage error: unknown subcommand, bad arguments, missing file, unwritable output
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from foxcontract.cli._common import UsageError

__all__ = ["COMMANDS", "main"]

# subcommand -> (module holding ``add_arguments(parser)`` and ``run(args) -> int``, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "foxcontract.cli._validate",
        "check contract files or folders; print file:line for each problem",
    ),
    "export": ("foxcontract.cli._export", "write the contracts as an OpenAPI 3.1 document"),
    "serve": ("foxcontract.cli._serve", "serve the fake FoxAPI on a loopback address"),
    "cassette": (
        "foxcontract.cli._cassette",
        "write the docs cassettes from the contracts' documented examples",
    ),
    "plan": (
        "foxcontract.cli._plan",
        "show what a live run would send and what it would cost, sending nothing",
    ),
    "init": (
        "foxcontract.cli._init",
        "put the contracts, a sample fox_api test and a CI step into your project",
    ),
    "probe": (
        "foxcontract.cli._probe",
        "send one live probe of a --fox-report file again, exactly as the run sent it",
    ),
}


class _Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="foxcontract",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module = cast(_Command, importlib.import_module(module_name))
        module.add_arguments(sub)
        sub.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module: _Command = args._module
    try:
        return module.run(args)
    except UsageError as exc:
        print(f"foxcontract {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
