"""Reading a request's body off the wire, bounded: by Content-Length or chunked, never more
than ``MAX_BODY`` bytes, and anything ambiguous refused (RFC 9112 section 6).

A :class:`Refused` request is answered by the server itself, before the fake sees it, and its
connection closes: the body was not read (or not all of it), so the bytes left on the wire
must not be taken for the next request.
"""

from __future__ import annotations

import re
from email.message import Message
from io import BufferedIOBase

from foxcontract.fake.wire import FakeResponse

__all__ = ["MAX_BODY", "Refused", "body_size", "read_body", "refusal"]

MAX_BODY = 1 << 20
"""The largest request body read (bytes); a longer one is answered 413 unread."""
_MAX_LINE = 1024  # a chunk-size or trailer line
_MAX_TRAILERS = 64
_DIGITS = re.compile(r"[0-9]{1,19}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,8}")


def refusal(status: int, message: str) -> FakeResponse:
    """The errors contract's body for an HTTP-level refusal (400, 413, ...)."""
    return FakeResponse(
        status,
        {"error": {"message": message, "type": "invalid_request_error"}},
        {"content-type": "application/json"},
    )


class Refused(Exception):
    """A request the server answers itself with ``response``; its connection closes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.response = refusal(status, message)


def body_size(headers: Message) -> int | None:
    """The declared body length (``None``: chunked), or :class:`Refused`."""
    encodings = headers.get_all("transfer-encoding") or []
    lengths = headers.get_all("content-length") or []
    if encodings and lengths:
        raise Refused(400, "Transfer-Encoding and Content-Length together: send one")
    if encodings:
        codings = [c.strip().lower() for v in encodings for c in v.split(",")]
        if codings != ["chunked"]:
            raise Refused(400, f"Transfer-Encoding {', '.join(codings)!r}: only chunked is read")
        return None
    values = {v.strip() for v in lengths}
    if len(values) > 1:
        raise Refused(400, f"Content-Length given {len(lengths)} times, with different values")
    if not values:
        return 0
    text = values.pop()
    if not _DIGITS.fullmatch(text):
        raise Refused(400, f"Content-Length {text[:30]!r} is not a number of bytes")
    if int(text) > MAX_BODY:
        raise Refused(413, f"a body of {int(text)} bytes: the fake reads at most {MAX_BODY}")
    return int(text)


def read_body(headers: Message, stream: BufferedIOBase) -> bytes:
    """The request's body, or :class:`Refused` (a socket timeout passes through)."""
    size = body_size(headers)
    if size is None:
        return _read_chunked(stream)
    body = stream.read(size) if size else b""
    if len(body) < size:
        raise Refused(400, f"the body ended after {len(body)} of {size} bytes")
    return body


def _read_chunked(stream: BufferedIOBase) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = stream.readline(_MAX_LINE + 1)
        if not line.endswith(b"\r\n"):
            raise Refused(400, "chunked body: a chunk-size line without CRLF, or too long")
        size_text = line[:-2].split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_text):
            raise Refused(400, f"chunked body: bad chunk size {size_text[:20].decode('latin-1')!r}")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > MAX_BODY:
            raise Refused(413, f"a chunked body over {MAX_BODY} bytes: the fake reads at most that")
        data = stream.read(size)
        if len(data) < size or stream.read(2) != b"\r\n":
            raise Refused(400, "chunked body: a chunk shorter than its size, or without CRLF")
        parts.append(data)
    for _ in range(_MAX_TRAILERS):
        line = stream.readline(_MAX_LINE + 1)
        if line == b"\r\n":
            return b"".join(parts)
        if not line.endswith(b"\r\n"):
            raise Refused(400, "chunked body: a trailer line without CRLF, or too long")
    raise Refused(400, f"chunked body: more than {_MAX_TRAILERS} trailer lines")
