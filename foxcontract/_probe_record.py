"""What a live probe sent, kept so it can be sent again: the request (method, URL, the headers
foxcontract sets, the body byte for byte), the ``curl`` line that repeats it, and the record
of the probe's item (verdict, rule, kind, cost).

The key is never part of it: the key's header of a keyed request is written with the
provider's key variable in place of the key (FoxAPI: ``Authorization: Bearer
$FOXAPI_API_KEY``; a provider sending the bare key in ``X-Api-Key`` from ``ACME_TOKEN``:
``X-Api-Key: $ACME_TOKEN``), and the request says which key it carried (``auth``: ``key``, the
fixed ``wrong`` key of the wrong-key probes, or ``none``), so whoever sends it again supplies
the key from the environment, in the header the record names. Each process appends its
records (one JSON line each) to ``probes-<pid>.jsonl`` in the live run's directory, as the
drift outcomes are, so pytest-xdist workers need no channel; the controller reads them all
before the directory goes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from foxcontract.contract.provider import Auth as KeyAuth
from foxcontract.live.key import KEY_ENV

__all__ = [
    "KEYED_HEADER",
    "ProbeRecord",
    "SentRequest",
    "append_record",
    "read_records",
    "request_of",
]

Auth = Literal["key", "none", "wrong"]
_KEY_VALUE = re.compile(r"(Bearer )?\$([A-Za-z_][A-Za-z0-9_]*)")

KEYED_HEADER = f"Bearer ${KEY_ENV}"
"""How the ``Authorization`` header of a request sent with the key is written down."""

WRONG_ENV = "FOXCONTRACT_WRONG_KEY"
WRONG_HEADER = f"Bearer ${WRONG_ENV}"
"""How the wrong-key probes' header is written down: their key is a fixed fake
(``foxcontract.live.key.WRONG_KEY``), but shaped like a real one, so it is never written."""


@dataclass(frozen=True)
class SentRequest:
    """One request as the live client sends it. ``body`` is the exact text of the body
    (``None``: no body); ``body_base64`` holds a body that is not UTF-8 text."""

    method: str
    base_url: str
    path: str
    headers: dict[str, str]
    auth: Auth = "key"
    body: str | None = None
    body_base64: str | None = None

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.path

    def content(self) -> bytes | None:
        if self.body_base64 is not None:
            return base64.b64decode(self.body_base64)
        return None if self.body is None else self.body.encode("utf-8")

    def key_auth(self) -> KeyAuth:
        """How the key was sent, read back from the header that names its variable
        (``Bearer $FOXAPI_API_KEY`` in ``Authorization`` when none does)."""
        for name, value in self.headers.items():
            found = _KEY_VALUE.fullmatch(value)
            if found is None or found[2] == WRONG_ENV:
                continue
            if found[1] and name.lower() == "authorization":
                return KeyAuth("bearer", name, found[2])
            if not found[1]:
                return KeyAuth("header", name, found[2])
        for name, value in self.headers.items():
            if value == WRONG_HEADER:
                return KeyAuth("bearer", name)
            if value == "$" + WRONG_ENV:
                return KeyAuth("header", name)
        return KeyAuth()

    def curl(self) -> str:
        """The ``curl`` command that sends this request again; the key stays in the
        environment (the provider's key variable: ``$FOXAPI_API_KEY`` for FoxAPI)."""
        key = self.key_auth()
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.headers.items():
            if name.lower() == key.header_name:
                continue
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.auth == "key":
            parts += ["-H", f'"{key.header}: {key.value("$" + key.key_env)}"']
        elif self.auth == "wrong":
            # the fixed fake key, split so that it does not look like a key in logs
            from foxcontract.live.key import WRONG_KEY

            head, tail = WRONG_KEY[:3], WRONG_KEY[3:]
            parts += ["-H", f"'{key.header}: {key.value(head)}''{tail}'"]
        if self.body_base64 is not None:
            parts = [f"echo {shlex.quote(self.body_base64)} | base64 -d |", *parts]
            parts += ["--data-binary", "@-"]
        elif self.body is not None:
            parts += ["--data-binary", shlex.quote(self.body)]
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["url"] = self.url
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentRequest:
        return cls(
            method=str(data["method"]),
            base_url=str(data["base_url"]),
            path=str(data["path"]),
            headers={str(k): str(v) for k, v in dict(data["headers"]).items()},
            auth=data.get("auth", "key"),
            body=data.get("body"),
            body_base64=data.get("body_base64"),
        )


def request_of(
    *,
    method: str,
    base_url: str,
    path: str,
    body: Any = None,
    raw: bytes | None = None,
    content_type: str = "application/json",
    auth: Auth = "key",
    has_body: bool = True,
    key_auth: KeyAuth | None = None,
) -> SentRequest:
    """The request the live client sends for a probe (as ``LiveSession._send`` calls it): a
    JSON body encoded as ``json.dumps`` does, ``raw`` bytes as they are, a JSON ``null`` for
    a body-less probe of an endpoint that takes a body."""
    if raw is None and body is None and has_body:
        raw = b"null"
    content = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    headers = {"Accept-Encoding": "identity"}
    if content is not None:
        headers["Content-Type"] = content_type
    key = key_auth or KeyAuth()
    if auth == "key":
        headers[key.header] = key.value("$" + key.key_env)
    elif auth == "wrong":
        headers[key.header] = key.value("$" + WRONG_ENV)
    text: str | None = None
    encoded: str | None = None
    if content is not None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            encoded = base64.b64encode(content).decode("ascii")
    return SentRequest(method, base_url, path, headers, auth, text, encoded)


@dataclass(frozen=True)
class ProbeRecord:
    """One live item's record: which probe, how its item ended, and what it sent.

    ``kind``: ``rule``, ``auth``, ``malformed``, ``example`` (free probes), ``paid`` (a
    create) or ``lifecycle`` (a created task followed); ``expect``: what the contract
    expects (``status``, ``name``, ``type``, ``code`` of an error kind; for a create the
    statuses that mean accepted, under ``paid``)."""

    nodeid: str
    contract: str
    probe: str
    kind: str
    rule: str | None
    location: str
    paid: bool
    outcome: str
    expect: dict[str, Any]
    request: SentRequest | None = None
    message: str = ""
    covers: tuple[str, ...] = ()
    """For a create: the values and combinations it is the first to send."""

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["request"] = None if self.request is None else self.request.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProbeRecord:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        request = data.get("request")
        fields["request"] = None if request is None else SentRequest.from_json(request)
        fields["covers"] = tuple(data.get("covers", ()))
        return cls(**fields)


def append_record(run_dir: Path, record: ProbeRecord) -> None:
    path = run_dir / f"probes-{os.getpid()}.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record.to_json()) + "\n")


def read_records(run_dir: Path) -> list[ProbeRecord]:
    """Every process's records, in node-id order (a later record of the same item wins)."""
    found: dict[str, ProbeRecord] = {}
    for path in sorted(run_dir.glob("probes-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = ProbeRecord.from_json(json.loads(line))
                found[record.nodeid] = record
    return [found[k] for k in sorted(found)]
