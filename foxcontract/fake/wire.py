"""What passes through the fake: a transport-free request, response and call record."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from foxcontract.oracle import Violation

__all__ = ["Call", "FakeRequest", "FakeResponse"]


@dataclass(frozen=True)
class FakeRequest:
    """A request as the fake sees it; header names in lower case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


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
    rejected before reading the body."""

    request: FakeRequest
    response: FakeResponse
    contract: str | None
    violations: tuple[Violation, ...] = ()
