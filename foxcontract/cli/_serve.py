"""``foxcontract serve``: the fake served on a loopback address, for live-mode runs and
clients in any language. ``--port 0`` picks a free port and prints it; ``--contracts FOLDER``
serves the provider those contracts describe."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path

from foxcontract.contract import Contract, ContractError, load_contracts
from foxcontract.contract.task import task_endpoints
from foxcontract.fake.config import CONFIG_ENV, FakeConfig, FakeConfigError
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.server import FakeServer

__all__ = ["add_arguments", "run"]


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0..65535 (0 picks a free port), got {text!r}")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds above 0, got {text!r}"
        )
    return seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8080, help="0..65535; 0 picks a free port (default 8080)"
    )
    parser.add_argument(
        "--key",
        default=None,
        help="the API key to accept (default: the provider's key variable, FOXAPI_API_KEY for "
        "FoxAPI, else the documented test key)",
    )
    parser.add_argument(
        "--contracts",
        metavar="FOLDER",
        default=None,
        help="serve the provider of the contracts in FOLDER (default: the shipped FoxAPI ones)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="a JSON fake config: faults, task script, quota, mutations "
        "(default: FOXCONTRACT_FAKE_CONFIG, a file path or inline JSON)",
    )
    parser.add_argument("--max-seconds", type=_seconds, default=None, help="stop after this long")
    parser.add_argument("--verbose", action="store_true", help="log each request line")


def _endpoints(folder: str | None) -> tuple[Contract | None, Contract | None]:
    """The create and poll endpoints of the contracts in ``folder`` (``None``: shipped)."""
    if folder is None:
        return None, None
    from foxcontract._files import is_contract, yaml_files

    path = Path(folder)
    if not path.is_dir():
        raise ValueError(f"--contracts: no such folder: {folder}")
    create, poll = task_endpoints(load_contracts([p for p in yaml_files(path) if is_contract(p)]))
    if create is None or poll is None:
        missing = "creates" if create is None else "polls"
        raise ValueError(f"--contracts {folder}: no endpoint that {missing} tasks (task: role)")
    return create, poll


def _from_env() -> str | None:
    return CONFIG_ENV if os.environ.get(CONFIG_ENV, "").strip() else None


def _fake(
    config: FakeConfig, create: Contract | None, poll: Contract | None, source: str | None
) -> FakeAPI:
    """The fake; a config the contracts refuse (an unknown fault kind or task status) is a
    :class:`FakeConfigError` that names the config's ``source`` (a file, the variable)."""
    problem: FakeConfigError | None = None
    try:
        return FakeAPI(config, create=create, poll=poll)
    except FakeConfigError as exc:
        problem = exc
    raise FakeConfigError(f"{source}: {problem}" if source else str(problem))


def run(args: argparse.Namespace) -> int:
    try:
        config = FakeConfig.from_file(args.config) if args.config else FakeConfig.from_env()
        create, poll = _endpoints(args.contracts)
        key = args.key or (os.environ.get(create.provider.auth.key_env) if create else None)
        if key:
            config = replace(config, key=key)
        fake = _fake(config, create, poll, args.config or _from_env())
        server = FakeServer(fake, host=args.host, port=args.port, verbose=args.verbose)
    except (FakeConfigError, ContractError, ValueError, OSError) as exc:
        print(f"foxcontract serve: error: {exc}", file=sys.stderr)
        return 2
    name = fake.provider.name
    print(f"fake {name} listening on {server.base_url} (port {server.port})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve(args.max_seconds)
    return 0
