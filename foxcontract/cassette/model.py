"""The cassette: recorded FoxAPI interactions, one YAML file per contract.

```yaml
cassette: 1                      # the format version; tells a cassette from a contract
contract: videos-generations     # the contract's name ...
contract_version: "2026-11-24"   # ... and the version it was recorded against
source: docs                     # docs: built from the documented examples; live: recorded
recorded_at: "2026-11-24T00:00:00Z"
base_url: https://api.foxapi.cc
interactions:
  - name: documented-request     # unique in the file: the replay item's name
    doc: optional words
    request:  {method: POST, path: /v1/videos/generations, headers: {...}, body: {...}}
    response: {status: 200, headers: {...}, body: {...}}
```
Headers are lower case and redacted (``authorization: Bearer <redacted>``). Matching and
snapshots ignore the contract's volatile paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "SOURCES", "Cassette", "Interaction"]

FORMAT = 1
SOURCES = ("docs", "live")


@dataclass(frozen=True)
class Interaction:
    """One request and the answer it got. ``body`` is ``None`` for a request without one."""

    name: str
    method: str
    path: str
    request_headers: Mapping[str, str]
    request_body: Any
    status: int
    response_headers: Mapping[str, str]
    response_body: Any
    doc: str = ""
    line: int = 1
    has_body: bool = True

    def to_data(self) -> dict[str, Any]:
        request: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.request_headers:
            request["headers"] = dict(self.request_headers)
        if self.has_body:
            request["body"] = self.request_body
        response: dict[str, Any] = {"status": self.status}
        if self.response_headers:
            response["headers"] = dict(self.response_headers)
        response["body"] = self.response_body
        data: dict[str, Any] = {"name": self.name}
        if self.doc:
            data["doc"] = self.doc
        data["request"] = request
        data["response"] = response
        return data


@dataclass(frozen=True)
class Cassette:
    path: Path
    contract: str
    contract_version: str
    source: str
    recorded_at: str
    base_url: str
    interactions: tuple[Interaction, ...] = field(default=())
    doc: str = ""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "cassette": FORMAT,
            "contract": self.contract,
            "contract_version": self.contract_version,
            "source": self.source,
            "recorded_at": self.recorded_at,
            "base_url": self.base_url,
        }
        if self.doc:
            data["doc"] = self.doc
        data["interactions"] = [i.to_data() for i in self.interactions]
        return data
