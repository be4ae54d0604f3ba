"""Keeping secrets out of what foxcontract writes: cassettes, snapshots, logs and output.

``redact(value)`` replaces, anywhere in a JSON value, the given secrets and anything that
looks like a FoxAPI key (``sk-...``) with :data:`PLACEHOLDER`; ``redact_headers`` also blanks
credential headers. ``write_text_safely`` refuses to write text that still holds a secret
(``SecretLeakError``) and writes atomically (a temp file in the same folder, then
``os.replace``), so parallel workers never see half a file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_PATTERN",
    "PLACEHOLDER",
    "SECRET_HEADERS",
    "SecretLeakError",
    "find_secrets",
    "redact",
    "redact_headers",
    "redact_text",
    "write_text_safely",
]

PLACEHOLDER = "<redacted>"
KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9][A-Za-z0-9_\-]{5,}")
"""What a FoxAPI key looks like: ``sk-`` (not inside a word, as in ``task-``) and at least
six more key characters."""
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)


class SecretLeakError(ValueError):
    """Text about to be written still holds a secret; the message never shows it."""


def _secrets(secrets: Iterable[str | None]) -> list[str]:
    found = [s for s in secrets if s and len(s) >= 4]
    env = os.environ.get("FOXAPI_API_KEY")
    if env and len(env) >= 4:
        found.append(env)
    return sorted(set(found), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with each secret (and ``FOXAPI_API_KEY``) and each key-like value replaced."""
    for secret in _secrets(secrets):
        text = text.replace(secret, PLACEHOLDER)
    return KEY_PATTERN.sub(PLACEHOLDER, text)


def redact(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """A copy of a JSON value with secrets and key-like strings redacted (keys too)."""
    known = _secrets(secrets)

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return redact_text(item, known)
        if isinstance(item, Mapping):
            return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(v) for v in item]
        return item

    return walk(value)


def redact_headers(
    headers: Mapping[str, str], secrets: Iterable[str | None] = ()
) -> dict[str, str]:
    """Header names in lower case; credentials replaced (``Bearer <redacted>`` keeps the
    scheme), and secrets removed from every other value."""
    known = _secrets(secrets)
    out: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in SECRET_HEADERS:
            scheme, _, token = value.partition(" ")
            out[lower] = f"{scheme} {PLACEHOLDER}" if token else PLACEHOLDER
        else:
            out[lower] = redact_text(value, known)
    return out


def find_secrets(text: str, secrets: Iterable[str | None] = ()) -> list[str]:
    """Where ``text`` still holds a secret: descriptions such as ``line 3: a key-like value``,
    never the secret itself."""
    known = _secrets(secrets)
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if any(s in line for s in known):
            found.append(f"line {number}: the API key")
        elif KEY_PATTERN.search(line):
            found.append(f"line {number}: a key-like value (sk-...)")
    return found


def write_text_safely(path: str | Path, text: str, secrets: Iterable[str | None] = ()) -> None:
    """Write ``text`` to ``path`` atomically, after a scan for secrets; on a leak nothing is
    written and :class:`SecretLeakError` names the file and lines."""
    path = Path(path)
    leaks = find_secrets(text, secrets)
    if leaks:
        raise SecretLeakError(f"{path}: refusing to write a secret ({'; '.join(leaks)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
