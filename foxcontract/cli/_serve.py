"""``foxcontract serve``: the fake served on a loopback address, for live-mode runs and
clients in any language. ``--port 0`` picks a free port and prints it."""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import replace

from foxcontract.fake.config import FakeConfig, FakeConfigError
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
        help="the API key to accept (default: FOXAPI_API_KEY, else the documented test key)",
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


def run(args: argparse.Namespace) -> int:
    try:
        config = FakeConfig.from_file(args.config) if args.config else FakeConfig.from_env()
        if args.key:
            config = replace(config, key=args.key)
        server = FakeServer(FakeAPI(config), host=args.host, port=args.port, verbose=args.verbose)
    except (FakeConfigError, ValueError, OSError) as exc:
        print(f"foxcontract serve: error: {exc}", file=sys.stderr)
        return 2
    print(f"fake FoxAPI listening on {server.base_url} (port {server.port})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve(args.max_seconds)
    return 0
