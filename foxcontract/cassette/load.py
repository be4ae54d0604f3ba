"""Reading cassette files: every problem is a ``file:line`` error, nothing is guessed.

A fast path parses with libyaml (``foxcontract.cassette.yaml12``); a file with any problem is
parsed again with ruamel for the line numbers (as contract files are). Both read YAML 1.2, as
the writer writes it: ``16:9`` is a string, never the YAML 1.1 sexagesimal 969.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from foxcontract import _files
from foxcontract.cassette.model import FORMAT, SOURCES, Cassette, Interaction
from foxcontract.cassette.yaml12 import load_yaml12
from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.source import Limits, Source, parse_source, read_text

__all__ = ["CASSETTE_LIMITS", "CassetteError", "is_cassette", "key_line", "load_cassette"]

# A cassette holds whole answers, so it may be larger than a contract; past this it is refused
# (with its line-numbered parse, a file this size still reports a problem within seconds).
CASSETTE_LIMITS = Limits("cassette file", max_bytes=8_000_000)

_NAME_LINE = re.compile(r"^([ \t]*)-[ \t]+name[ \t]*:", re.MULTILINE)

# field -> (required, type check, what it must be)
_Spec = Mapping[str, tuple[bool, Any, str]]
_TOP: _Spec = {
    "cassette": (True, lambda v: v == FORMAT, f"the format version {FORMAT}"),
    "contract": (True, lambda v: isinstance(v, str) and v, "a contract name"),
    "contract_version": (True, lambda v: isinstance(v, str) and v, "a version string, quoted"),
    "source": (True, lambda v: v in SOURCES, "one of " + ", ".join(SOURCES)),
    "recorded_at": (True, lambda v: isinstance(v, str), "an ISO 8601 time, quoted"),
    "base_url": (True, lambda v: isinstance(v, str) and "://" in v, "a URL"),
    "doc": (False, lambda v: isinstance(v, str), "a string"),
    "interactions": (True, lambda v: isinstance(v, list) and v, "a non-empty list"),
}
_INTERACTION: _Spec = {
    "name": (True, lambda v: isinstance(v, str) and v, "a non-empty string"),
    "doc": (False, lambda v: isinstance(v, str), "a string"),
    "request": (True, lambda v: isinstance(v, dict), "a mapping"),
    "response": (True, lambda v: isinstance(v, dict), "a mapping"),
}
_HEADERS = (
    lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    "a mapping of header names to strings",
)
_REQUEST: _Spec = {
    "method": (True, lambda v: v in ("GET", "POST", "PUT", "PATCH", "DELETE"), "an HTTP method"),
    "path": (True, lambda v: isinstance(v, str) and v.startswith("/"), "a path starting with /"),
    "headers": (False, *_HEADERS),
    "body": (False, lambda v: True, "JSON"),
}
_RESPONSE: _Spec = {
    "status": (True, lambda v: type(v) is int and 100 <= v <= 599, "an HTTP status (100..599)"),
    "headers": (False, *_HEADERS),
    "body": (False, lambda v: True, "JSON"),
}


class CassetteError(ContractError):
    """A cassette that cannot be used; ``str()`` lists each problem as ``file:line: ...``."""


def is_cassette(path: Path) -> bool:
    """Whether ``path`` is a cassette file (``cassette: 1`` and ``interactions:`` at the top
    level, or the writer's header; the one test: :func:`foxcontract._files.is_cassette`)."""
    return _files.is_cassette(path)


def _fast(text: str) -> Any:
    """A parse without line numbers; ``None`` when it fails (or finds what the careful
    parse must judge: an alias, a duplicate key, deep nesting), so the careful parse reports
    the problem with its line."""
    try:
        return load_yaml12(text, CASSETTE_LIMITS.max_depth)
    except Exception:  # any failure: the careful parse below reports it with its line
        return None


def load_cassette(path: str | Path) -> Cassette:
    """Read and check one cassette file; raises :class:`CassetteError` (``file:line``)."""
    path = Path(path)
    text = read_text(path, CASSETTE_LIMITS, CassetteError)
    data = _fast(text)
    if data is not None and not _problems(data, None, path):
        return _build(path, data, _lines(text))
    source = parse_source(path, text, CassetteError, CASSETTE_LIMITS)
    problems = _problems(source.data, source, path)
    if problems:
        raise CassetteError(problems)
    return _build(path, source.data, _lines(text))  # pragma: no cover - fast path agrees


def _lines(text: str) -> list[int]:
    """The line of each interaction: the ``- name:`` items at the first one's indentation."""
    found = [(m.group(1), text.count("\n", 0, m.start()) + 1) for m in _NAME_LINE.finditer(text)]
    return [line for indent, line in found if indent == found[0][0]] if found else []


def key_line(path: Path, key: str) -> int:
    """The line of a top-level ``key:`` of a file (1 when it cannot be found)."""
    try:
        text = read_text(path, CASSETTE_LIMITS, CassetteError)
    except CassetteError:
        return 1
    match = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _problems(data: Any, source: Source | None, path: Path) -> list[Problem]:
    def line(where: list[str | int]) -> int:
        return source.line(where) if source is not None else 1

    if data is None:
        return [Problem(path, 1, "the cassette file is empty")]
    if not isinstance(data, dict):
        return [Problem(path, 1, f"a cassette must be a YAML mapping, not a {type(data).__name__}")]
    out = _check(data, _TOP, [], line, path, "the cassette")
    for i, item in enumerate(data.get("interactions") or []):
        where: list[str | int] = ["interactions", i]
        if not isinstance(item, dict):
            out.append(Problem(path, line(where), "an interaction must be a mapping"))
            continue
        out += _check(item, _INTERACTION, where, line, path, f"interaction {i + 1}")
        for part, spec in (("request", _REQUEST), ("response", _RESPONSE)):
            if isinstance(item.get(part), dict):
                out += _check(item[part], spec, [*where, part], line, path, f"the {part}")
    names = [i.get("name") for i in data.get("interactions") or [] if isinstance(i, dict)]
    for i, name in enumerate(names):
        if name in names[:i]:
            out.append(
                Problem(
                    path,
                    line(["interactions", i, "name"]),
                    f"interaction name {name!r} is used twice",
                )
            )
    return out


def _check(
    data: dict[str, Any], spec: _Spec, where: list[str | int], line: Any, path: Path, what: str
) -> list[Problem]:
    out = []
    for key, value in data.items():
        if key not in spec:
            out.append(
                Problem(
                    path,
                    line([*where, key]),
                    f"unknown field {key!r} in {what}{did_you_mean(key, spec)}",
                )
            )
        elif not spec[key][1](value):
            out.append(
                Problem(
                    path, line([*where, key]), f"{key}: must be {spec[key][2]}, got {value!r}"[:200]
                )
            )
    for key, (required, _, _) in spec.items():
        if required and key not in data:
            out.append(Problem(path, line(where) if where else 1, f"{what}: missing field {key!r}"))
    return out


def _build(path: Path, data: dict[str, Any], lines: list[int]) -> Cassette:
    interactions = []
    for i, item in enumerate(data["interactions"]):
        request, response = item["request"], item["response"]
        interactions.append(
            Interaction(
                name=item["name"],
                doc=item.get("doc", ""),
                method=request["method"],
                path=request["path"],
                request_headers=request.get("headers") or {},
                request_body=request.get("body"),
                has_body="body" in request,
                status=response["status"],
                response_headers=response.get("headers") or {},
                response_body=response.get("body"),
                line=lines[i] if i < len(lines) else 1,
            )
        )
    return Cassette(
        path=path,
        contract=data["contract"],
        contract_version=str(data["contract_version"]),
        source=data["source"],
        recorded_at=str(data["recorded_at"]),
        base_url=data["base_url"],
        doc=data.get("doc", ""),
        interactions=tuple(interactions),
    )
