"""``foxcontract cassette``: write the docs cassettes, one per endpoint contract with
documented examples (``source: docs``), to ``<folder>/cassettes/<contract>.yaml``.

The folder defaults to ``./contracts`` (the project's own copy); without one it must be
named. Nothing is ever written inside the installed package (site-packages).

Run it after editing a contract's ``examples:``; then ``pytest contracts --snapshot-update``
once, and review both diffs.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from foxcontract.cassette.load import CassetteError, load_cassette
from foxcontract.cassette.write import from_examples, write_cassette
from foxcontract.cli._common import UsageError
from foxcontract.contract import ContractError, load_contract, shipped_contracts_dir
from foxcontract.contract.source import read_source

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        default=None,
        help="the contracts folder (default: ./contracts, the project's own copy)",
    )
    parser.add_argument("--out", default=None, help="where to write (default: FOLDER/cassettes)")


def _inside_package(path: Path) -> bool:
    package = Path(__file__).resolve().parents[1]
    return path.resolve().is_relative_to(package) or "site-packages" in path.resolve().parts


def run(args: argparse.Namespace) -> int:
    if args.folder:
        folder = Path(args.folder)
    elif Path("contracts").is_dir():
        folder = Path("contracts")
    else:
        raise UsageError(
            "name the contracts folder to write cassettes for (foxcontract cassette "
            f"contracts): there is no ./contracts here, and the shipped ones in "
            f"{shipped_contracts_dir()} are never written to"
        )
    if not folder.is_dir():
        raise UsageError(f"no such folder: {folder}")
    out = Path(args.out) if args.out else folder / "cassettes"
    if _inside_package(out):
        raise UsageError(
            f"refusing to write cassettes into the installed package ({out}): name a "
            "folder of your project with --out, or copy the contracts into it first"
        )
    try:
        for path in sorted(folder.glob("*.yaml")):
            if read_source(path).data.get("kind") != "endpoint":
                continue
            contract = load_contract(path)
            if not contract.examples:
                continue
            target = out / f"{contract.name}.yaml"
            cassette = from_examples(contract, target)
            if target.exists():  # keep the time it was first written: a clean diff
                old = load_cassette(target)
                if old.contract_version == contract.version:
                    cassette = replace(cassette, recorded_at=old.recorded_at)
            write_cassette(cassette, merge=False)
            print(f"{target}: {len(cassette.interactions)} documented interactions")
    except (ContractError, CassetteError) as exc:
        print(exc)
        return 1
    return 0
