"""Contract patterns rewritten so Python and ECMA-262 read them the same way.

The oracle judges ``pattern`` with Python's ``re``; OpenAPI 3.1 and JSON Schema say
ECMA-262, which other tools use. The two dialects differ on a few constructs the contract
uses or might: ``\\s`` (Python counts ``\\x1c``-``\\x1f`` and ``\\x85`` as spaces, ECMA counts
``\\ufeff``), ``$`` (Python also matches before a final newline) and ``.`` (ECMA also stops at
``\\r``, ``\\u2028``, ``\\u2029``). Each is rewritten into a form both read as Python does:
``\\s`` as an explicit class, ``$`` as ``(?=\\n?(?![\\s\\S]))``, ``.`` as ``[^\\n]``.

Constructs with no such rewrite here (``\\d``, ``\\w``, ``\\b``, ``\\A``, ``\\Z``, inline flags,
``(?P<name>`` and other Python-only groups, ``\\S`` inside a class, a class starting with
``]``) are refused with
:class:`PatternError`, so the export never states something the oracle does not check.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

__all__ = ["PatternError", "portable", "portable_schema", "python_spaces"]

_REFUSED_ESCAPES = {
    "d": "\\d",
    "D": "\\D",
    "w": "\\w",
    "W": "\\W",
    "b": "\\b",
    "B": "\\B",
    "A": "\\A",
    "Z": "\\Z",
    "z": "\\z",
    "G": "\\G",
    "U": "\\U",
    "N": "\\N",
}
_END = "(?=\\n?(?![\\s\\S]))"  # [\s\S] is any character in every dialect


class PatternError(ValueError):
    """A pattern construct that Python and ECMA-262 read differently, with no rewrite;
    ``where`` is the path of the ``pattern`` key in the contract file, when known."""

    def __init__(self, message: str, where: Sequence[str | int] = ()) -> None:
        super().__init__(message)
        self.where = list(where)


@cache
def python_spaces() -> str:
    """The characters Python's ``\\s`` matches in a str pattern, as class contents."""
    codes = [c for c in range(0x110000) if chr(c).isspace()]
    parts: list[str] = []
    start = prev = codes[0]
    for c in [*codes[1:], -1]:
        if c == prev + 1:
            prev = c
            continue
        parts.append(_u(start) if start == prev else f"{_u(start)}-{_u(prev)}")
        start = prev = c
    return "".join(parts)


def _u(code: int) -> str:
    if code > 0xFFFF:  # pragma: no cover - no astral spaces in Unicode today
        raise PatternError("an astral whitespace character has no portable escape")
    return f"\\u{code:04x}"


def portable(pattern: str) -> str:
    """``pattern`` rewritten to mean, in ECMA-262 and in Python, what it means in Python."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise PatternError("the pattern ends with a lone backslash")
            nxt = pattern[i + 1]
            out.append(_escape(nxt, in_class))
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            head = pattern[i + 1 : i + 3]
            if head.startswith("]") or head == "^]":
                raise PatternError("a class starting with ']' is read differently by ECMA-262")
            out.append(ch)
        elif ch == "(" and pattern.startswith("(?", i):
            _check_group(pattern[i + 2 : i + 4])
            out.append(ch)
        elif ch == "$":
            out.append(_END)
        elif ch == ".":
            out.append("[^\\n]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _escape(nxt: str, in_class: bool) -> str:
    if nxt in _REFUSED_ESCAPES:
        raise PatternError(
            f"{_REFUSED_ESCAPES[nxt]} means different things in Python and ECMA-262; "
            "write the characters it should match as a class, e.g. [0-9]"
        )
    if nxt == "s":
        return python_spaces() if in_class else f"[{python_spaces()}]"
    if nxt == "S":
        if in_class:
            raise PatternError("\\S inside a character class has no portable rewrite")
        return f"[^{python_spaces()}]"
    return "\\" + nxt


_SHARED_GROUPS = (":", "=", "!", "<=", "<!")
"""The ``(?`` groups both dialects read alike: non-capturing and lookaround."""


def _check_group(head: str) -> None:
    if not head.startswith(_SHARED_GROUPS):
        raise PatternError(
            f"the group (?{head[:1]}... is Python-only syntax "
            "(named groups, inline flags, comments, atomic or conditional groups)"
        )


_DATA = frozenset({"enum", "const", "default", "examples"})


def portable_schema(schema: Any, where: Sequence[str | int] = ()) -> Any:
    """A copy of JSON Schema ``schema`` with every ``pattern`` made :func:`portable`;
    ``where`` is the schema's path in its contract file, for :class:`PatternError`."""
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                try:
                    out[key] = portable(value)
                except PatternError as exc:
                    raise PatternError(str(exc), [*where, key]) from None
            elif key in _DATA:
                out[key] = value
            else:
                out[key] = portable_schema(value, [*where, key])
        return out
    if isinstance(schema, list):
        return [portable_schema(v, [*where, i]) for i, v in enumerate(schema)]
    return schema
