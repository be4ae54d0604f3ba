"""Test helper: a hostile FoxAPI on 127.0.0.1, for live-mode runs that must end in bounded
time, with a clear message, and without the key anywhere.

Behind it is the faithful fake (so a run gets real answers to work with); each mode then
spoils the answers on the wire, where a server controls everything:

- ``drip``: the headers at once, then the body one byte every ``interval`` seconds;
- ``drip-headers``: the status line and headers one byte every ``interval`` seconds;
- ``huge``: a 200 whose JSON body is ``size`` bytes, with its Content-Length declared;
- ``huge-undeclared``: the same with no Content-Length (the end is the connection's close);
- ``invalid-json``: a 200 ``text/html`` page that quotes the Authorization header;
- ``echo-key``: the faithful answer, with the Authorization header it was sent echoed in
  the JSON body (JSON-escaped, ``sk\\u002d...``: in an extra field, and in an error's
  message and code, so the drift report quotes it), in a response header and in the
  reason phrase;
- ``retry-after-overflow``: 429 with a ``Retry-After`` date whose year no clock can hold;
- ``retry-after-far``: 429 with a ``Retry-After`` date in the year 9999;
- ``stuck-task``: faithful, except that a created task stays ``processing`` for ever.

Every loop is bounded (a drip stops after ``max_seconds`` or when the server stops), and the
server listens on loopback only.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http import HTTPStatus
from typing import Any

from foxcontract.fake import FakeAPI, FakeConfig
from foxcontract.fake.config import TaskScript
from foxcontract.fake.wire import FakeRequest

__all__ = ["MODES", "HostileServer", "hostile_server"]

MODES = (
    "drip",
    "drip-headers",
    "huge",
    "huge-undeclared",
    "invalid-json",
    "echo-key",
    "retry-after-overflow",
    "retry-after-far",
    "stuck-task",
)
OVERFLOWING_DATE = "Mon, 01 Jan 99999999999 00:00:00 GMT"
FAR_DATE = "Fri, 31 Dec 9999 23:59:59 GMT"
MAX_REQUEST_BODY = 1 << 20


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        with suppress(OSError):
            while not self.server.stopping.is_set():
                request = self._read_request()
                if request is None:
                    return
                self.server.requests += 1
                if not self.server.hostile.answer(self, request):
                    return

    def _read_request(self) -> FakeRequest | None:
        line = self.rfile.readline(8192).decode("latin-1").strip()
        if not line:
            return None
        method, target, _ = ([*line.split(" ", 2), "", ""])[:3]
        headers: dict[str, str] = {}
        for _ in range(100):
            raw = self.rfile.readline(8192).decode("latin-1")
            if raw in ("\r\n", "\n", ""):
                break
            name, _, value = raw.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = min(int(headers.get("content-length", "0") or 0), MAX_REQUEST_BODY)
        body = self.rfile.read(length) if length else b""
        return FakeRequest(method, target, headers, body)

    def write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hostile: HostileServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hostile = hostile
        self.stopping = threading.Event()
        self.requests = 0


class HostileServer:
    """The hostile provider; ``base_url`` is where to point ``--fox-base-url``."""

    def __init__(
        self,
        mode: str,
        key: str,
        *,
        interval: float = 2.0,
        size: int = 64 << 20,
        max_seconds: float = 120.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")
        self.mode = mode
        self.key = key
        self.interval = interval
        self.size = size
        self.max_seconds = max_seconds
        task = TaskScript(statuses=("pending", "processing")) if mode == "stuck-task" else None
        config = FakeConfig(key=key) if task is None else FakeConfig(key=key, task=task)
        self.fake = FakeAPI(config)
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> int:
        return self._server.requests

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # --- answers ---------------------------------------------------------------------
    def answer(self, out: _Handler, request: FakeRequest) -> bool:
        """Write the answer to ``request``; ``False`` when the connection must close."""
        response = self.fake.handle(request)
        auth = request.headers.get("authorization", "")
        mode = self.mode
        if mode in ("retry-after-overflow", "retry-after-far"):
            date = OVERFLOWING_DATE if mode == "retry-after-overflow" else FAR_DATE
            error = {"error": {"message": "slow down", "type": "rate_limit_error"}}
            out.write(_head(429, {"Retry-After": date}, len(_json(error))) + _json(error))
            return True
        if mode == "invalid-json":
            page = f"<html><body><h1>Welcome</h1><p>you sent {auth}</p></body></html>".encode()
            out.write(_head(200, {"Content-Type": "text/html; charset=utf-8"}, len(page)) + page)
            return True
        if mode in ("huge", "huge-undeclared"):
            return self._huge(out, declared=mode == "huge")
        content = response.content
        reason: str | None = None
        headers = dict(response.headers)
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        if mode == "echo-key":
            body = response.body if isinstance(response.body, dict) else {}
            body = {**body, "echo": auth}
            if isinstance(body.get("error"), dict):
                body["error"] = {**body["error"], "message": f"from {auth}", "code": auth}
            escaped = self.key.replace("-", "\\u002d")
            content = _json(body).replace(self.key.encode(), escaped.encode())
            headers["X-Echo"] = auth
            reason = f"{HTTPStatus(response.status).phrase} {auth}"
        head = _head(response.status, headers, len(content), reason)
        if mode == "drip-headers":
            return self._drip(out, head + content)
        if mode == "drip":
            out.write(head)
            return self._drip(out, content)
        out.write(head + content)
        return True

    def _drip(self, out: _Handler, data: bytes) -> bool:
        """``data`` one byte every ``interval`` seconds, for at most ``max_seconds``."""
        end = time.monotonic() + self.max_seconds
        for i in range(len(data)):
            if self._server.stopping.wait(self.interval if i else 0) or time.monotonic() > end:
                return False
            out.write(data[i : i + 1])
        return True

    def _huge(self, out: _Handler, *, declared: bool) -> bool:
        chunk = b" " * (64 << 10)
        prefix, suffix = b'{"pad": "', b'"}'
        pad = self.size - len(prefix) - len(suffix)
        headers = {"Content-Type": "application/json"}
        if not declared:
            headers["Connection"] = "close"
        out.write(_head(200, headers, self.size if declared else None) + prefix)
        sent = 0
        while sent < pad and not self._server.stopping.is_set():
            piece = chunk[: pad - sent]
            out.write(piece)
            sent += len(piece)
        out.write(suffix)
        return declared


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _head(
    status: int, headers: dict[str, str], length: int | None, reason: str | None = None
) -> bytes:
    phrase = HTTPStatus(status).phrase if reason is None else reason
    lines = [f"HTTP/1.1 {status} {phrase}"]
    lines += [
        f"{name}: {value}" for name, value in headers.items() if name.lower() != "content-length"
    ]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@contextmanager
def hostile_server(mode: str, key: str, **options: Any) -> Iterator[HostileServer]:
    """A :class:`HostileServer` serving until the block ends."""
    server = HostileServer(mode, key, **options).start()
    try:
        yield server
    finally:
        server.stop()
