"""The fake served on loopback over real HTTP, for live-mode runs and non-Python clients.

From the command line, ``foxcontract serve`` (:mod:`foxcontract.cli._serve`). In Python::

    with FakeServer(FakeAPI(config)) as server:   # 127.0.0.1, a free port
        httpx.post(server.base_url + "/v1/videos/generations", ...)

Besides the FoxAPI routes, a running server takes scripts on ``/_fake/``
(:mod:`foxcontract.fake.control`): config, faults, task scripts, reset, the call log.

The server listens on loopback addresses only and answers every request it can read: a
malformed one gets 400 (413 for a body over ``MAX_BODY``, 414/431 for an over-long request
line or header, 501 for an unknown method, 505 for an unknown HTTP version) in the errors
contract's body, and when its body was not read the connection closes, so no stray bytes are
taken for the next request (:mod:`foxcontract.fake.framing`). A connection silent
for ``idle_timeout`` seconds is closed; ``BACKLOG`` connections may wait to be accepted.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from foxcontract.fake.control import CONTROL, control
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.framing import MAX_BODY, Refused, body_size, read_body
from foxcontract.fake.wire import FakeRequest, FakeResponse

__all__ = ["BACKLOG", "IDLE_TIMEOUT", "MAX_BODY", "FakeServer"]

IDLE_TIMEOUT = 10.0
"""Seconds a connection may stay silent (between requests, or inside one) before it is closed."""
BACKLOG = 128
POLL = 0.05  # how often the accept loop looks for stop(): a stop takes at most this long
"""Connections waiting to be accepted (the standard library's default of 5 resets clients)."""


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

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # type: ignore[misc]  # per server, not class
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:  # the request line and status only: never headers
            sys.stderr.write(f"fake: {format % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (bad request line, headers too long, unknown
        method, ...) in the errors contract's body; the connection closes after them."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # answer garbage with a real status line
            self.request_version = "HTTP/1.1"
        shown = message or explain or HTTPStatus(code).phrase
        self._send(self.server.fake.refusal(code, f"{shown} ({code} {HTTPStatus(code).phrase})"))

    def parse_request(self) -> bool:
        raw: bytes = self.raw_requestline  # type: ignore[attr-defined]  # set by the caller
        line = str(raw, "iso-8859-1").rstrip("\r\n")
        if len(line.split()) == 2:  # HTTP/0.9 has no headers: answer before waiting for any
            self.requestline, self.request_version, self.command = line, "HTTP/1.1", ""
            self.send_error(400, "HTTP/0.9 requests are not served")
            return False
        try:
            return super().parse_request()  # reads the headers
        except TimeoutError:
            message = f"the request's headers did not arrive within {self.server.idle_timeout:g} s"
            with contextlib.suppress(OSError):
                self.send_error(408, message)
            return False

    def handle_expect_100(self) -> bool:
        try:
            body_size(self.headers)
        except Refused as refused:  # refuse before the client sends the body
            self.close_connection = True
            self._send(self.server.fake.reshaped(refused.response))
            return False
        return super().handle_expect_100()

    def _serve(self) -> None:
        try:
            body = read_body(self.headers, self.rfile)
        except Refused as refused:  # the body was not read: the connection cannot be reused
            self.close_connection = True
            response = self.server.fake.reshaped(refused.response)
            if not self.path.startswith(CONTROL):
                self.server.fake.refused(self._request(b""), response)
            self._send(response)
            return
        except TimeoutError:
            self.close_connection = True
            message = f"the request's body did not arrive within {self.server.idle_timeout:g} s"
            with contextlib.suppress(OSError):
                self._send(self.server.fake.refusal(408, message))
            return
        except OSError:  # reset inside the body
            self.close_connection = True
            return
        try:
            self._answer(body)
        except OSError:
            self.close_connection = True
        except Exception as exc:  # a fault of the fake itself: answer, count it, go on
            self.server.crashes.append(f"{self.command} {self.path[:80]}: {exc!r}"[:300])
            self.close_connection = True
            self._send(self.server.fake.refusal(500, "the fake failed on this request"))

    def _answer(self, body: bytes) -> None:
        if self.path.startswith(CONTROL):
            self._send(control(self.server.fake, self.command, self.path, body))
            return
        response = self.server.fake.handle(self._request(body))
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _request(self, body: bytes) -> FakeRequest:
        headers = {k.lower(): v for k, v in self.headers.items()}
        return FakeRequest(self.command, self.path, headers, body)

    def _send(self, response: FakeResponse) -> None:
        content = response.content
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() closes the connections instead of waiting for them
    request_queue_size = BACKLOG

    def __init__(
        self, address: tuple[str, int], fake: FakeAPI, verbose: bool, idle_timeout: float
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.fake = fake
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        self.crashes: list[str] = []
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def opened(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_all(self) -> None:
        with self._open_lock:
            connections, self._open = list(self._open), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An exception outside the handler's own catch (the standard library's parsing):
        counted, one line on stderr, and the server goes on."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # the client went away
        self.crashes.append(repr(error)[:300])
        sys.stderr.write(f"fake: error on a connection: {error!r}\n")


class FakeServer:
    """A fake FoxAPI on ``http://host:port`` (loopback only; port 0 picks a free one).

    ``idle_timeout``: seconds a connection may stay silent before it is closed.
    ``crashes``: the fake's own failures while serving (each was answered 500); empty
    unless something is wrong with the fake."""

    def __init__(
        self,
        fake: FakeAPI | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the fake serves loopback addresses only, not {host!r}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535 (0 picks a free one), got {port}")
        self.fake = fake if fake is not None else FakeAPI()
        self._server = _Server((host, port), self.fake, verbose, idle_timeout)
        self._thread: threading.Thread | None = None

    @property
    def crashes(self) -> list[str]:
        return self._server.crashes

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self) -> FakeServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL,), daemon=True
        )
        self._thread.start()
        return self

    def serve(self, max_seconds: float | None = None) -> None:
        """Serve in this thread until interrupted or ``max_seconds`` have passed."""
        if max_seconds is not None:
            threading.Timer(max_seconds, self._server.shutdown).start()
        try:
            self._server.serve_forever(POLL)
        finally:
            self._server.server_close()

    def stop(self) -> None:
        """Stop accepting, close every open connection, release the port."""
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
