"""``foxcontract plan``: what a live run would send and what it would cost, sending nothing.

Prints the live planner's plan (``foxcontract.live.build_plan``): the free probes, the
fewest paid creates that cover every allowed value, then the pairs and three-way
combinations the rules tie together, within ``--budget``; what each create is the first to
cover and the class of value each free-form field carries; and what the budget leaves
unsent. No request is made and no key is read. With no path it plans the project's
``./contracts`` when it exists, else the shipped contracts, and says which.
Exit 0 printed, 1 a contract is invalid (its ``file:line`` problems on stderr), 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys

from foxcontract._settings import DEFAULT_BASE_URL, check_base_url
from foxcontract.cli._common import (
    UsageError,
    add_paths_argument,
    budget_count,
    contract_files,
    default_contracts,
)
from foxcontract.cli._validate import check_file
from foxcontract.contract import ContractError
from foxcontract.live import PlanError, build_plan, format_plan
from foxcontract.live.probes import DEFAULT_MAX_FREE_PROBES

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser, project=True)
    parser.add_argument(
        "--budget",
        type=budget_count,
        default=0,
        metavar="N",
        help="the most paid creates the run may make, as --fox-budget (default 0)",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="the API the run would call (default: the contracts' provider's base_url_env, "
        f"then its base_url; FoxAPI: FOXAPI_BASE_URL, then {DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--max-free-probes",
        type=budget_count,
        default=DEFAULT_MAX_FREE_PROBES,
        metavar="N",
        help="the most free probes the run may send, as --fox-max-free-probes "
        f"(default {DEFAULT_MAX_FREE_PROBES})",
    )
    parser.add_argument(
        "--reserve",
        type=budget_count,
        default=None,
        metavar="N",
        help="paid creates kept for free probes the provider may accept, as --fox-reserve "
        "(default: one per 6 of the budget, at least 1)",
    )
    parser.add_argument(
        "--models",
        type=_models,
        default=(),
        metavar="MODELS",
        help="plan the paid creates for these models only (comma-separated), as --fox-models "
        "(default: every model)",
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list every probe, the pairs and triples each paid create covers, and every unsent "
        "value",
    )


def _models(text: str) -> tuple[str, ...]:
    return tuple(m.strip() for m in text.split(",") if m.strip())


def run(args: argparse.Namespace) -> int:
    default, planned = (None, None) if args.paths else default_contracts("planned from")
    paths = contract_files(args.paths, default)
    try:
        contracts = [c for c in (check_file(p) for p in paths) if c is not None]
    except ContractError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not contracts:
        raise UsageError(f"no endpoint contracts among: {', '.join(str(p) for p in paths)}")
    provider = contracts[0].provider
    origin, base_url = "--base-url", args.base_url
    if not base_url:
        origin = provider.base_url_env
        base_url = os.environ.get(provider.base_url_env) or provider.base_url
    try:
        base_url = check_base_url(base_url)
    except ValueError as exc:
        raise UsageError(f"{origin}: invalid value: {exc}") from None
    try:
        plan = build_plan(contracts, args.budget, args.max_free_probes, args.reserve, args.models)
    except PlanError as exc:
        raise UsageError(f"--models: {exc}") from None
    for line in format_plan(plan, base_url, verbose=args.verbose):
        print(line)
    if planned:
        print(planned)
    return 0
