"""The fake served on loopback over real HTTP, for live-mode runs and non-Python clients.

``python -m foxcontract serve --port 8080`` (``--port 0``: a free port, printed). In Python::

    with FakeServer(FakeAPI(config)) as server:   # 127.0.0.1, a free port
        httpx.post(server.base_url + "/v1/videos/generations", ...)

Besides the FoxAPI routes, a running server takes scripts on ``/_fake/`` (JSON bodies):
``GET|PUT /_fake/config`` (a whole :class:`FakeConfig`, key kept), ``POST /_fake/faults``
(one :class:`Fault`), ``POST /_fake/tasks`` (a :class:`TaskScript` for the next task),
``POST /_fake/reset`` and ``GET /_fake/calls`` (method, path, status, broken rules; never
headers). The server listens on loopback addresses only.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import socket
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from foxcontract.fake.config import FakeConfig, FakeConfigError
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.wire import FakeRequest, FakeResponse

__all__ = ["FakeServer", "add_arguments", "run"]

MAX_BODY = 1 << 20
CONTROL = "/_fake/"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in two sends: without TCP_NODELAY each small answer would wait
    # for the client's delayed ACK (~40 ms on Linux loopback)
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:  # the request line and status only: never headers
            sys.stderr.write(f"fake: {format % args}\n")

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(
                FakeResponse(
                    413,
                    {
                        "error": {
                            "message": "bad or too large Content-Length",
                            "type": "invalid_request_error",
                        }
                    },
                )
            )
            return
        body = self.rfile.read(length) if length else b""
        if self.path.startswith(CONTROL):
            self._send(_control(self.server.fake, self.command, self.path, body))
            return
        request = FakeRequest(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        response = self.server.fake.handle(request)
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: FakeResponse) -> None:
        content = response.content
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


def _control(fake: FakeAPI, method: str, path: str, body: bytes) -> FakeResponse:
    what = path[len(CONTROL) :].split("?", 1)[0].strip("/")
    try:
        data = json.loads(body) if body else {}
        if (method, what) == ("GET", "config"):
            return FakeResponse(200, fake.config.to_dict())
        if (method, what) == ("PUT", "config"):
            config = FakeConfig.from_dict(data, base=FakeConfig(key=fake.config.key))
            return FakeResponse(200, fake.configure(config).to_dict())
        if (method, what) == ("POST", "faults"):
            fake.add_fault(FakeConfig.from_dict({"faults": [data]}).faults[0])
            return FakeResponse(200, fake.config.to_dict())
        if (method, what) == ("POST", "tasks"):
            fake.script_task(FakeConfig.from_dict({"task": data}).task)
            return FakeResponse(200, {"scripted": True})
        if (method, what) == ("POST", "reset"):
            fake.reset()
            return FakeResponse(200, {"reset": True})
        if (method, what) == ("GET", "calls"):
            calls = [
                {
                    "method": c.request.method,
                    "path": c.request.path,
                    "status": c.response.status,
                    "rules": [v.rule for v in c.violations],
                }
                for c in fake.calls
            ]
            return FakeResponse(200, {"calls": calls})
    except (ValueError, FakeConfigError) as exc:
        return FakeResponse(400, {"error": {"message": str(exc), "type": "fake_config_error"}})
    return FakeResponse(
        404, {"error": {"message": f"no control {method} {path}", "type": "not_found"}}
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeAPI, verbose: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.fake = fake
        self.verbose = verbose


class FakeServer:
    """A fake FoxAPI on ``http://host:port`` (loopback only; port 0 picks a free one)."""

    def __init__(
        self,
        fake: FakeAPI | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the fake serves loopback addresses only, not {host!r}")
        self.fake = fake if fake is not None else FakeAPI()
        self._server = _Server((host, port), self.fake, verbose)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self) -> FakeServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve(self, max_seconds: float | None = None) -> None:
        """Serve in this thread until interrupted or ``max_seconds`` have passed."""
        if max_seconds is not None:
            threading.Timer(max_seconds, self._server.shutdown).start()
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port (default 8080)")
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
    parser.add_argument("--max-seconds", type=float, default=None, help="stop after this long")
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
