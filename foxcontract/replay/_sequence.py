"""Answering requests from recorded interactions, in recorded order.

A request matches a recording by method, endpoint and body, never by host: the endpoint is
the contract's path template (``/v1/tasks/{task_id}``) at the end of the request's path, so a
cassette recorded against a loopback fake answers the production base URL, or one with a
path prefix (``https://gateway.example/foxapi``), alike. Volatile path parameters (task ids)
do not have to match, but a recording of the very same path is preferred.

Repeated identical requests form a sequence: the nth poll of a task gets the nth recorded
answer, and the last one (a terminal state) then repeats. A test's own recordings
(``<test>-<n>``, as ``fox_replay`` names them) are preferred to anyone else's. A request
with no recording is explained: which method, path or body fields differ from the nearest
recorded one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foxcontract.cassette import Cassette, Interaction
from foxcontract.contract import strip_prefix
from foxcontract.contract.model import Contract
from foxcontract.redact import redact

__all__ = ["Recorded", "Sequencer", "endpoint_of", "relative_path"]


@dataclass(frozen=True)
class Recorded:
    """One recorded interaction, with the cassette and contract it belongs to."""

    interaction: Interaction
    cassette: Cassette
    contract: Contract

    @property
    def where(self) -> str:
        return f"{self.cassette.path}:{self.interaction.line}"


def relative_path(contract: Contract, path: str) -> str | None:
    """``path`` (query dropped) without its base-URL prefix when it is ``contract``'s
    endpoint, else ``None``."""
    path = path.split("?", 1)[0]
    return strip_prefix(contract.url_path, path)


def endpoint_of(contracts: Iterable[Contract], method: str, path: str) -> Contract | None:
    """The contract whose endpoint ``method path`` is (any host, any prefix)."""
    for contract in contracts:
        if contract.method == method.upper() and relative_path(contract, path) is not None:
            return contract
    return None


def _same_body(contract: Contract, recorded: Interaction, body: Any) -> bool:
    return not contract.has_body or body == recorded.request_body


def _order(name: str, test: str) -> int:
    tail = name[len(test) + 1 :]
    return int(tail) if tail.isdigit() else 0


def _show(value: Any) -> str:
    return json.dumps(redact(value), sort_keys=True)[:80]


def _body_difference(sent: Any, recorded: Any) -> tuple[int, str]:
    """How far a sent body is from a recorded one, and the fields that differ."""
    if not isinstance(sent, dict) or not isinstance(recorded, dict):
        return (1, f"the body ({_show(sent)} sent, {_show(recorded)} recorded)")
    fields = []
    for key in sorted(set(sent) | set(recorded)):
        if key not in recorded:
            fields.append(f"{key} (sent {_show(sent[key])}, not recorded)")
        elif key not in sent:
            fields.append(f"{key} (not sent, recorded {_show(recorded[key])})")
        elif sent[key] != recorded[key]:
            fields.append(f"{key} (sent {_show(sent[key])}, recorded {_show(recorded[key])})")
    return (len(fields), "body fields " + ", ".join(fields))


class Sequencer:
    """The recordings a test replays, handed out in recorded order."""

    def __init__(self, recorded: Sequence[Recorded], test: str = "") -> None:
        self.recorded = list(recorded)
        self.test = test
        self._served: dict[tuple[Any, ...], int] = {}

    def find(self, method: str, path: str, body: Any, *, exact: bool = False) -> Recorded | None:
        """The recording that answers this request now (advancing its sequence). With
        ``exact`` the path parameters must match too (recording what is missing: a poll of
        a task created just now is not the recorded poll of another task)."""
        method = method.upper()
        pool: list[tuple[Recorded, str]] = []
        for r in self.recorded:
            if r.interaction.method != method:
                continue
            sent = relative_path(r.contract, path)
            if sent is None or relative_path(r.contract, r.interaction.path) is None:
                continue
            if _same_body(r.contract, r.interaction, body):
                pool.append((r, sent))
        if not pool:
            return None
        sent = pool[0][1]
        own = [p for p in pool if p[0].interaction.name.startswith(f"{self.test}-")]
        if own and self.test:
            own.sort(key=lambda p: _order(p[0].interaction.name, self.test))
            pool = own
        same = [p for p in pool if relative_path(p[0].contract, p[0].interaction.path) == sent]
        if exact and not same:
            return None
        chosen = same or pool
        key = (
            method,
            chosen[0][0].contract.name,
            sent if same else None,
            json.dumps(body, sort_keys=True, default=str),
        )
        n = self._served.get(key, 0)
        self._served[key] = n + 1
        return chosen[min(n, len(chosen) - 1)][0]

    def explain(self, method: str, path: str, body: Any) -> str:
        """What differs between this request and the nearest recording."""
        method = method.upper()
        same_endpoint = [r for r in self.recorded if relative_path(r.contract, path) is not None]
        same_method = [r for r in same_endpoint if r.interaction.method == method]
        if same_method:
            distance, nearest = min(
                ((_body_difference(body, r.interaction.request_body), r) for r in same_method),
                key=lambda pair: pair[0][0],
            )
            return (
                f"the nearest recording, {nearest.interaction.name!r} ({nearest.where}), "
                f"differs in {distance[1]}"
            )
        if same_endpoint:
            methods = sorted({r.interaction.method for r in same_endpoint})
            return f"the method differs: this path is recorded for {', '.join(methods)} only"
        endpoints = sorted({f"{r.contract.method} {r.contract.url_path}" for r in self.recorded})
        return "the path differs: recorded endpoints are " + (
            ", ".join(endpoints) if endpoints else "none (no cassette found)"
        )


def recordings(cassettes: Iterable[tuple[Cassette, Contract]]) -> list[Recorded]:
    return [Recorded(i, c, k) for c, k in cassettes for i in c.interactions]


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return out
