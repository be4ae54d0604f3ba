"""``foxcontract cassette``: write the docs cassettes, one per endpoint contract with
documented examples (``source: docs``), to ``<folder>/cassettes/<contract>.yaml``.

The folder defaults to ``./contracts`` (the project's own copy); without one it must be
named. Nothing is ever written inside the installed package (site-packages). A cassette that
already exists and differs from the documented examples (edited by hand, or recorded by a
live run, ``source: live``) is never overwritten: it is listed as skipped, and ``--force``
replaces it. Exit 0 done (some files may have been skipped), 1 an invalid contract or
cassette, 2 bad input.

Run it after editing a contract's ``examples:`` (with ``--force`` when its docs cassette
exists: it differs from the new examples then); then ``pytest contracts --snapshot-update``
once, and review both diffs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from foxcontract.cassette.load import CassetteError, load_cassette
from foxcontract.cassette.write import dump_cassette, from_examples, write_cassette
from foxcontract.cli._common import PROJECT_CONTRACTS, UsageError
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
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite a cassette that exists and differs from the documented examples, "
        "one recorded by a live run (source: live) included; without it, such a file is "
        "skipped and left as it is",
    )


class _Skipped(Exception):
    """An existing cassette the run leaves as it is: why, in words."""


def _refuse_to_replace(text: str) -> Callable[[Path], None]:
    """The guard of one write: an existing file is replaced only by the same ``text``."""

    def guard(path: Path) -> None:
        if not path.exists() or path.read_bytes() == text.encode("utf-8"):
            return
        try:
            old = load_cassette(path)
        except CassetteError:
            raise _Skipped(
                "it exists and is not a valid cassette; left as it is: --force overwrites it"
            ) from None
        if old.source == "live":
            raise _Skipped(
                f"it exists and holds {_count(len(old.interactions))} recorded by a live "
                "run, source: live; left as it is: --force replaces it with the documented "
                "examples"
            )
        raise _Skipped(
            "it exists and differs from the documented examples; left as it is: --force "
            "overwrites it"
        )

    return guard


def _count(n: int) -> str:
    return f"{n} interaction" if n == 1 else f"{n} interactions"


def _inside_package(path: Path) -> bool:
    package = Path(__file__).resolve().parents[1]
    return path.resolve().is_relative_to(package) or "site-packages" in path.resolve().parts


def run(args: argparse.Namespace) -> int:
    if args.folder:
        folder = Path(args.folder)
    elif PROJECT_CONTRACTS.is_dir():
        folder = PROJECT_CONTRACTS
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
                try:
                    old = load_cassette(target)
                except CassetteError:
                    pass  # not kept without --force (the guard says why); replaced with it
                else:
                    if old.contract_version == contract.version:
                        cassette = replace(cassette, recorded_at=old.recorded_at)
            guard = None if args.force else _refuse_to_replace(dump_cassette(cassette))
            try:
                write_cassette(cassette, merge=False, guard=guard)
            except _Skipped as skipped:
                print(f"skipped  {target} ({skipped})")
                continue
            print(f"{target}: {len(cassette.interactions)} documented interactions")
    except (ContractError, CassetteError) as exc:
        print(exc)
        return 1
    return 0
