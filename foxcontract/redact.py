"""Keeping secrets out of what foxcontract writes: cassettes, snapshots, logs and output.

A secret is held as a :class:`Secret`, whose ``str`` and ``repr`` never show it (so a
traceback printed with ``--showlocals`` does not either); its value is revealed only where
it is used. ``redact(value)`` replaces, anywhere in a decoded JSON value (keys too), the given
secrets and anything that looks like a FoxAPI key (``sk-...``) with :data:`PLACEHOLDER`;
``redact_text`` also catches a secret written JSON-escaped (``sk\\u002d...``) or
percent-encoded; ``redact_headers`` also blanks credential headers. :func:`redacting_logs`
redacts every record of the ``httpx`` and ``httpcore`` loggers while a run holds a key.
``write_text_safely`` refuses to write text that still holds a secret (``SecretLeakError``)
and writes atomically (a temp file in the same folder, then ``os.replace``), so parallel
workers never see half a file.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from foxcontract._atomic import write_atomic

__all__ = [
    "KEY_PATTERN",
    "PLACEHOLDER",
    "SECRET_HEADERS",
    "Secret",
    "SecretLeakError",
    "SecretLike",
    "find_secrets",
    "redact",
    "redact_headers",
    "redact_text",
    "redacting_logs",
    "remember_key",
    "write_text_safely",
]

PLACEHOLDER = "<redacted>"
_DASH = r"(?:-|\\u002[dD]|%2[dD])"  # a dash, also JSON-escaped or percent-encoded
KEY_PATTERN = re.compile(rf"(?<![A-Za-z0-9_\-])sk{_DASH}[A-Za-z0-9](?:[A-Za-z0-9_]|{_DASH}){{5,}}")
"""What a FoxAPI key looks like: ``sk-`` (not inside a word, as in ``task-``) and at least
six more key characters; a dash may be written JSON-escaped or percent-encoded."""
_KEY_ENVS: set[str] = {"FOXAPI_API_KEY"}
"""The environment variables whose value is redacted wherever it appears."""
_KEY_PATTERNS: dict[str, re.Pattern[str]] = {}
"""What the keys of the contracts' providers look like, besides :data:`KEY_PATTERN`."""
_KEYS_LOCK = threading.Lock()


def remember_key(env: str, pattern: str | None = None) -> None:
    """From now on, in this process, also redact the value of the variable ``env`` and any
    text matching ``pattern`` (``None``: the keys :data:`KEY_PATTERN` finds): the key of a
    provider whose contract was loaded. Redacting more than one provider's keys is the safe
    side, so nothing is ever forgotten."""
    with _KEYS_LOCK:
        _KEY_ENVS.add(env)
        if pattern is not None and pattern not in _KEY_PATTERNS:
            _KEY_PATTERNS[pattern] = re.compile(pattern)


LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""The loggers whose records can carry what a server sent (headers, reason phrases): named
one by one, since httpcore makes some only when their module is first imported, and a
logger's filters see only the records made on that very logger."""
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)


class SecretLeakError(ValueError):
    """Text about to be written still holds a secret; the message never shows it."""


class Secret:
    """A secret string. ``str``, ``repr`` and pickling never show it; ``reveal()`` does, and
    is called only where the value is used (a header being built, a redaction pattern)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}([redacted])"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError(f"a {type(self).__name__} cannot be pickled")


SecretLike = str | Secret | None
"""What the functions here take as a secret: a :class:`Secret`, or a plain string that is
not one (a fixed fake key)."""


def _matcher(secrets: Iterable[SecretLike]) -> re.Pattern[str] | None:
    """One pattern for the given secrets (and ``FOXAPI_API_KEY``), each also matched when
    written JSON-escaped or percent-encoded; ``None`` when there are none."""
    __tracebackhide__ = True
    values = {s.reveal() if isinstance(s, Secret) else s for s in secrets}
    values |= {os.environ.get(env, "").strip() for env in tuple(_KEY_ENVS)}
    return _compiled(tuple(sorted((v for v in values if v and len(v) >= 4), key=len)))


@functools.lru_cache(maxsize=32)
def _compiled(values: tuple[str, ...]) -> re.Pattern[str] | None:
    __tracebackhide__ = True
    if not values:
        return None
    return re.compile("|".join("".join(map(_char, v)) for v in reversed(values)))


def _char(c: str) -> str:
    """A pattern for one character: itself, ``\\uXXXX`` or (ASCII) ``%XX``, hex in any case."""
    code = ord(c)
    alternatives = [re.escape(c)]
    if code <= 0xFFFF:
        alternatives.append(r"\\u" + _hex(code, 4))
    if code < 0x80:
        alternatives.append("%" + _hex(code, 2))
    return f"(?:{'|'.join(alternatives)})"


def _hex(code: int, width: int) -> str:
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{code:0{width}x}")


def redact_text(text: str, secrets: Iterable[SecretLike] = ()) -> str:
    """``text`` with each secret (and ``FOXAPI_API_KEY``), also escaped, and each key-like
    value replaced."""
    __tracebackhide__ = True
    return _redact_with(text, _matcher(secrets))


def redact(value: Any, secrets: Iterable[SecretLike] = ()) -> Any:
    """A copy of a decoded JSON value with secrets and key-like strings redacted (keys too).
    Redact after decoding: a key written JSON-escaped is only plain text once decoded."""
    __tracebackhide__ = True
    known = _matcher(secrets)

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return _redact_with(item, known)
        if isinstance(item, Mapping):
            return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(v) for v in item]
        return item

    return walk(value)


def _redact_with(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is not None:
        text = pattern.sub(PLACEHOLDER, text)
    for shape in tuple(_KEY_PATTERNS.values()):
        text = shape.sub(PLACEHOLDER, text)
    return KEY_PATTERN.sub(PLACEHOLDER, text)


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[SecretLike] = ()
) -> dict[str, str]:
    """Header names in lower case; credentials replaced (``Bearer <redacted>`` keeps the
    scheme), and secrets removed from every other value and from the names. A repeated
    header keeps every value, joined with ``, ``."""
    __tracebackhide__ = True
    known = _matcher(secrets)
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        lower = _redact_with(name.lower(), known)
        if lower in SECRET_HEADERS:
            scheme, _, token = value.partition(" ")
            value = f"{scheme} {PLACEHOLDER}" if token else PLACEHOLDER
        else:
            value = _redact_with(value, known)
        out[lower] = f"{out[lower]}, {value}" if lower in out else value
    return out


def find_secrets(text: str, secrets: Iterable[SecretLike] = ()) -> list[str]:
    """Where ``text`` still holds a secret: descriptions such as ``line 3: a key-like value``,
    never the secret itself."""
    __tracebackhide__ = True
    known = _matcher(secrets)
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if known is not None and known.search(line):
            found.append(f"line {number}: the API key")
        elif KEY_PATTERN.search(line):
            found.append(f"line {number}: a key-like value (sk-...)")
        elif any(shape.search(line) for shape in tuple(_KEY_PATTERNS.values())):
            found.append(f"line {number}: a key-like value (a contract's key_pattern)")
    return found


def write_text_safely(path: str | Path, text: str, secrets: Iterable[SecretLike] = ()) -> None:
    """Write ``text`` to ``path`` atomically, after a scan for secrets; on a leak nothing is
    written and :class:`SecretLeakError` names the file and lines."""
    path = Path(path)
    leaks = find_secrets(text, secrets)
    if leaks:
        raise SecretLeakError(f"{path}: refusing to write a secret ({'; '.join(leaks)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


class _RedactingFilter(logging.Filter):
    """Rewrites each record with its message (and any traceback) redacted."""

    def __init__(self, secrets: Iterable[SecretLike]) -> None:
        super().__init__()
        self._secrets = tuple(secrets)

    def __repr__(self) -> str:
        return "_RedactingFilter([redacted])"

    def filter(self, record: logging.LogRecord) -> bool:
        __tracebackhide__ = True
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact_text(message, self._secrets), None
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, redact_text(formatted, self._secrets)
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, self._secrets)
        return True


def redacting_logs(
    secrets: Iterable[SecretLike], names: Iterable[str] = LOGGERS
) -> Callable[[], None]:
    """Redact every record of the loggers ``names`` and of their existing children (a
    logger's filters see only the records made on it, so each child gets the filter too).
    Returns the function that removes it again."""
    filt = _RedactingFilter(secrets)
    named = tuple(names)
    roots = {n.split(".")[0] for n in named}
    existing = [
        n
        for n, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and n.split(".")[0] in roots
    ]
    loggers = [logging.getLogger(n) for n in sorted({*named, *existing})]
    for logger in loggers:
        logger.addFilter(filt)

    def remove() -> None:
        for logger in loggers:
            logger.removeFilter(filt)

    return remove
