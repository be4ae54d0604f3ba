"""What passes through the fake: a transport-free request, response and call record, and the
strict JSON the fake reads.

Strict JSON is RFC 8259 as the fake takes it: UTF-8 only (RFC 8259 §8.1; a UTF-16 or UTF-32
body, or a byte-order mark, is refused), no ``NaN``/``Infinity`` (not JSON, §6), and no
duplicate member names (§4 leaves their meaning open: the fake refuses them rather than
guess, an assumption). Nesting deeper than :data:`MAX_DEPTH` is refused. An integer of any
length is read (Python's ``int()`` stops at 4,300 digits): the contract judges it.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from foxcontract.oracle import Violation

__all__ = [
    "MAX_DEPTH",
    "MAX_LOGGED_BODY",
    "Call",
    "FakeRequest",
    "FakeResponse",
    "LongInt",
    "StrictJSONError",
    "strict_json",
]

MAX_DEPTH = 64
"""Arrays and objects nested deeper than this are refused (a FoxAPI body has depth 1)."""
MAX_LOGGED_BODY = 64 * 1024
"""A request body longer than this is kept in the call log as its first this-many bytes."""
_EXACT_DIGITS = 20_000  # converting n digits costs O(n^2): past this, a stand-in of that length
_INT_DIGITS = 4_300  # Python's default int/str conversion limit


class StrictJSONError(ValueError):
    """A body that is not strict JSON: says what, and where when known."""


class LongInt(int):
    """An integer longer than Python's ``str()`` limit, shown by its ends and its length.

    Exact up to 20,000 digits; longer ones keep their sign and length (a value of the same
    magnitude), which is all a range or enum check can tell apart."""

    _shown: str

    def __new__(cls, text: str) -> LongInt:
        digits = text.lstrip("-")
        if len(digits) <= _EXACT_DIGITS:
            value = int(decimal.Decimal(text))
        else:
            value = (-1 if text.startswith("-") else 1) * 10 ** (len(digits) - 1)
        self = super().__new__(cls, value)
        self._shown = f"{text[:12]}...{text[-4:]} ({len(digits)} digits)"
        return self

    def __repr__(self) -> str:
        return self._shown

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return self._shown


def _parse_int(text: str) -> int:
    return int(text) if len(text) <= _INT_DIGITS else LongInt(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise StrictJSONError(f"the number {text[:20]} is too large for a double (not finite)")
    return value


def _no_constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not JSON (numbers must be finite)")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise StrictJSONError(f"duplicate key {key!r} in an object")
        result[key] = value
    return result


def _depth_ok(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_DEPTH:
                    return False
                stack.append((child, depth + 1))
    return True


def strict_json(body: bytes) -> Any:
    """Decode ``body`` as strict JSON, or raise :class:`StrictJSONError` saying why."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:3] == b"\xef\xbb\xbf":
        raise StrictJSONError("the body starts with a byte-order mark: send UTF-8 without one")
    if b"\x00" in body[:4]:
        raise StrictJSONError("the body looks like UTF-16 or UTF-32: send UTF-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StrictJSONError(f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_pairs,
        )
    except RecursionError:
        raise StrictJSONError(f"nested deeper than {MAX_DEPTH} levels") from None
    except StrictJSONError:
        raise
    except ValueError as exc:
        raise StrictJSONError(str(exc)) from None
    if isinstance(value, dict | list) and not _depth_ok(value):
        raise StrictJSONError(f"nested deeper than {MAX_DEPTH} levels")
    return value


@dataclass(frozen=True)
class FakeRequest:
    """A request as the fake sees it; header names in lower case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """The body as strict JSON (:func:`strict_json`)."""
        return strict_json(self.body)


@dataclass(frozen=True)
class FakeResponse:
    """The answer. ``delay`` and ``drop`` are instructions to the transport: wait first, or
    close the connection without answering."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    @property
    def content(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass(frozen=True)
class Call:
    """One request the fake answered, with the rules it broke: the oracle's, and
    ``request.auth``, ``request.content-type``, ``request.json`` for a request the fake
    rejected before reading the body, ``request.http`` for one the served fake refused for
    its HTTP framing (its body unread and not logged).

    ``at`` is when the fake received it (``time.monotonic()`` seconds: use it for intervals),
    ``wall`` the same moment as Unix time. ``body_size`` is the length of the body as sent:
    the log keeps at most :data:`MAX_LOGGED_BODY` bytes of it (``truncated``)."""

    request: FakeRequest
    response: FakeResponse
    contract: str | None
    violations: tuple[Violation, ...] = ()
    at: float = 0.0
    wall: float = 0.0
    body_size: int = 0

    @property
    def truncated(self) -> bool:
        return self.body_size > len(self.request.body)

    @property
    def answered_at(self) -> float:
        """When the answer left (``at`` plus any scripted delay), monotonic seconds."""
        return self.at + self.response.delay
