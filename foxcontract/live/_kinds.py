"""A live answer against the error kind it should be: its status, then its type and code
where the contract names them (an auth or malformed probe, a task fetched without a key)."""

from __future__ import annotations

from foxcontract.contract.model import ErrorKind
from foxcontract.live.client import Answer
from foxcontract.verdict import Disagreement, Fact

__all__ = ["kind_problems"]


def kind_problems(kind: ErrorKind, answer: Answer, fact: Fact) -> list[Disagreement]:
    """How ``answer`` differs from error kind ``kind`` (``fact``: the fact that names it)."""
    if answer.status != kind.status:
        message = f"expected {kind.status} {kind.name}, got {answer.summary()}"
        return [Disagreement("status", message, fact)]
    err = answer.error()
    if err is None:
        return [Disagreement("error", f"a {kind.status} without an error object", fact)]
    out = []
    if kind.type is not None and err.type != kind.type:
        message = f"expected type {kind.type!r}, got {err.type!r}"
        out.append(Disagreement("error", message, fact))
    if kind.code is not None and err.code != kind.code:
        message = f"expected code {kind.code!r}, got {err.code!r}"
        out.append(Disagreement("error", message, fact))
    return out
