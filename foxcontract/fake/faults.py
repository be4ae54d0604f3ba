"""Scripted faults: which request a fault hits, and the answer it makes."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from foxcontract.contract.errors import did_you_mean
from foxcontract.contract.model import ErrorKind
from foxcontract.contract.provider import ErrorShape
from foxcontract.fake.config import FakeConfigError, Fault
from foxcontract.fake.wire import FakeResponse

__all__ = ["FaultQueue", "error_response", "fallback_type"]


def error_response(
    kind: ErrorKind,
    message: str,
    delay: float = 0.0,
    shape: ErrorShape | None = None,
    fallback_type: str | None = None,
) -> FakeResponse:
    """An error answer in the body ``shape`` the provider's errors file says (FoxAPI's by
    default). A kind without a documented type (FoxAPI's ``unsupported_advanced_options``)
    is sent with ``fallback_type``: the type of another kind of its status."""
    type_ = kind.type or fallback_type or kind.name
    body: dict[str, Any] = (shape or ErrorShape()).build(type_, kind.code, message)
    headers = {"content-type": "application/json"}
    if kind.status == 429:
        headers["retry-after"] = "1"
    return FakeResponse(kind.status, body, headers, delay=delay)


def fallback_type(kinds: Mapping[str, ErrorKind], kind: ErrorKind) -> str | None:
    """The type to send for ``kind`` when it has none: that of the first kind of the same
    status that has one."""
    return next((k.type for k in kinds.values() if k.status == kind.status and k.type), None)


class FaultQueue:
    """Pending faults, each with the number of requests it still hits (``None``: all)."""

    def __init__(
        self,
        kinds: Mapping[str, ErrorKind],
        faults: Iterable[Fault] = (),
        shape: ErrorShape | None = None,
    ) -> None:
        self.kinds = kinds
        self.shape = shape
        self._entries: list[tuple[Fault, list[int | None]]] = []
        for fault in faults:
            self.add(fault)

    def check(self, fault: Fault) -> None:
        kinds = self.kinds
        if fault.kind is not None and fault.kind not in kinds:
            raise FakeConfigError(
                f"fault kind: unknown error kind {fault.kind!r}{did_you_mean(fault.kind, kinds)}"
            )
        if fault.status is not None and not any(k.status == fault.status for k in kinds.values()):
            statuses = sorted({k.status for k in kinds.values()})
            raise FakeConfigError(
                f"fault status: {fault.status} is not in the contract ({statuses})"
            )

    def add(self, fault: Fault) -> None:
        self.check(fault)
        self._entries.append((fault, [fault.times]))

    def take(self, method: str, path: str) -> Fault | None:
        """The first pending fault that hits this request (and count it)."""
        for fault, left in self._entries:
            if left[0] == 0:
                continue
            if fault.method is not None and fault.method.upper() != method:
                continue
            if fault.path is not None and not fnmatch.fnmatchcase(path, fault.path):
                continue
            if left[0] is not None:
                left[0] -= 1
            return fault
        return None

    def response(self, fault: Fault) -> FakeResponse:
        if fault.drop:
            return FakeResponse(0, None, {}, delay=fault.delay, drop=True)
        if fault.kind is not None:
            kind = self.kinds[fault.kind]
        else:
            kind = next(k for k in self.kinds.values() if k.status == fault.status)
        message = fault.message or kind.cause or kind.name
        response = error_response(
            kind, message, fault.delay, self.shape, fallback_type(self.kinds, kind)
        )
        if fault.retry_after is not None:  # whole seconds or an HTTP date (RFC 9110 10.2.3)
            shown = str(fault.retry_after)
            response = replace(response, headers={**response.headers, "retry-after": shown})
        return response
