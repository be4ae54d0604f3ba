"""Record mode: live mode that also keeps what it saw, as redacted cassettes and snapshots
that replay mode then reads.

Each process appends every exchange, redacted at once, to ``recorded-<pid>.jsonl`` in the
run directory; at the end of the run the controller writes one cassette per contract,
``<contracts>/cassettes/<contract>.live.yaml`` (``source: live``, merged by interaction
name), with the cassette writer that scans for secrets and refuses to write one, and the
syrupy snapshot of each normalised answer beside it (``__snapshots__/<contract>.live.ambr``),
both in one unit (``foxcontract.replay._recording``).
Requests that are not JSON (malformed-body probes) are not recorded: a cassette holds JSON.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from foxcontract.cassette import Cassette, Interaction
from foxcontract.cassette.write import now
from foxcontract.contract.model import Contract
from foxcontract.contract.provider import Auth
from foxcontract.live.client import Answer
from foxcontract.live.key import WRONG_KEY, ApiKey
from foxcontract.live.plan import PaidCreate
from foxcontract.live.probes import FreeProbe
from foxcontract.live.session import Recorder
from foxcontract.redact import SecretLike, redact, redact_headers, redact_text
from foxcontract.replay import record_cassette
from foxcontract.verdict import NO_BODY

__all__ = ["interaction_name", "make_recorder", "write_recorded"]


def interaction_name(probe: str, poll: int | None = None) -> str:
    """A cassette name for a probe (``rule-lite-no-4k-1``; ``paid-03-poll-2``)."""
    name = probe.replace("[", "-").replace("]", "")
    return name if poll is None else f"{name}-poll-{poll}"


def _content_type(answer: Answer) -> dict[str, str]:
    """The answer's Content-Type as received (judged again when the cassette is replayed)."""
    if answer.headers is None:
        return {"content-type": "application/json"}
    value = answer.headers.get("content-type")
    return {"content-type": value} if value is not None else {}


def make_recorder(run_dir: Path, key: ApiKey, auth: Auth | None = None) -> Recorder:
    """A recorder appending redacted exchanges to this process's file in ``run_dir``; the
    key's header is written as ``auth`` (the provider's) sends it, with the key redacted.
    An exchange is filed under the contract of its route: one filed under another contract
    than the probe's own is a poll of the probe's task."""
    auth = auth or Auth()
    polls: dict[str, int] = {}
    secrets: list[SecretLike] = [key, WRONG_KEY]
    target = run_dir / f"recorded-{os.getpid()}.jsonl"
    lock = threading.Lock()  # tasks are polled from threads of their own

    def record(
        contract: str, probe: FreeProbe | PaidCreate, path: str, body: Any, answer: Answer
    ) -> None:
        free = probe if isinstance(probe, FreeProbe) else None
        if free is not None and (free.raw is not None or free.content_type != "application/json"):
            return
        null_body = body is None and free is not None and free.kind == "rule"  # JSON null
        polled = contract != probe.contract
        has_body = body is not NO_BODY and not polled and (body is not None or null_body)
        poll = None
        if polled and isinstance(probe, PaidCreate):
            with lock:
                polls[probe.name] = poll = polls.get(probe.name, 0) + 1
        anonymous = free is not None and free.auth == "none"
        headers = {} if anonymous else {auth.header_name: auth.value("<redacted>")}
        if has_body:
            headers["content-type"] = "application/json"
        data = {
            "contract": contract,
            "name": interaction_name(probe.name, poll),
            "method": answer.method,
            "path": redact_text(path, secrets),
            "request_headers": redact_headers(headers, secrets),
            "request_body": redact(body, secrets) if has_body else None,
            "has_body": has_body,
            "status": answer.status,
            "response_headers": _content_type(answer),
            "response_body": redact(answer.body, secrets),
        }
        line = redact_text(json.dumps(data), secrets) + "\n"
        with lock, target.open("a", encoding="utf-8") as handle:
            handle.write(line)

    return record


def _recorded(run_dir: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(run_dir.glob("recorded-*.jsonl")):
        out += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return out


def write_recorded(
    run_dir: Path, contracts: Iterable[Contract], base_url: str, secrets: Sequence[SecretLike]
) -> list[Path]:
    """Write the cassettes and snapshots of everything recorded in ``run_dir``."""
    by_name = {c.name: c for c in contracts}
    grouped: dict[str, list[Interaction]] = {}
    for data in _recorded(run_dir):
        name = data.pop("contract")
        grouped.setdefault(name, []).append(Interaction(**data))
    written: list[Path] = []
    for name, interactions in sorted(grouped.items()):
        contract = by_name[name]
        folder = contract.path.parent / "cassettes"
        cassette = Cassette(
            path=folder / f"{name}.live.yaml",
            contract=name,
            contract_version=contract.version,
            source="live",
            recorded_at=now(),
            base_url=base_url,
            doc=f"Recorded by foxcontract --fox-mode record against {base_url}.",
            interactions=tuple(sorted(interactions, key=lambda i: i.name)),
        )
        written += record_cassette(cassette, contract, secrets)
    return written
