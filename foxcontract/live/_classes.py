"""Equivalence classes of the free-form fields a paid create sends: kinds of valid value a
provider may mishandle although the docs allow them, so the covering set carries one of each
at no extra cost.

A field is free-form when its schema names no finite set of values (a string without an
enum, an integer without a small range). Its classes come from its type and from the
representative value the contract gives (an example, a default): text in Chinese, with emoji,
with quotes, a backslash and a line break, or long (at ``maxLength`` when the schema sets
one, else 2000 characters); a URL with a query string or %-escapes; an integer at the bounds
of the common 32-bit types (or of the schema's range). Each class is kept only when the
oracle finds the field valid with it, so every body planned stays allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from foxcontract.contract.model import Contract, Field, json_key
from foxcontract.oracle import check

__all__ = ["ValueClass", "class_of", "value_classes"]

JSON = Any

LONG_TEXT = 2000
"""The length of the long-text class when the schema sets no ``maxLength``."""

_CJK = "花朵在微风中轻轻摇曳\N{FULLWIDTH COMMA}阳光洒在花瓣上"
_EMOJI = "Flowers 🌸 sway in the wind 🌬️ while a bee 🐝 passes"
_PUNCTUATION = 'The "flowers" sway: it\'s 50% wind; a/b \\ {x} <y> & z?\nThen (at last) calm.'


@dataclass(frozen=True)
class ValueClass:
    """One kind of value of a free-form field: ``name`` is what the plan shows."""

    field: str
    name: str
    value: JSON


def _text_classes(base: str, f: Field) -> list[tuple[str, JSON]]:
    top = f.schema.get("maxLength")
    length = int(top) if isinstance(top, int) else LONG_TEXT
    words = (base.strip() or "text") + " "
    long = (words * (length // len(words) + 1))[:length]
    if long != long.rstrip():  # end on a visible character
        long = long.rstrip() + "." * (length - len(long.rstrip()))
    return [("cjk", _CJK), ("emoji", _EMOJI), ("punctuation", _PUNCTUATION), ("long", long)]


def _url_classes(base: str) -> list[tuple[str, JSON]]:
    parts = urlsplit(base)
    path = parts.path or "/"
    head, _, tail = path.rpartition("/")
    stem, dot, ext = tail.rpartition(".")
    escaped = f"{stem or tail}%20%E8%8A%B1{dot}{ext}" if dot else f"{tail}%20%E8%8A%B1"
    query = "w=1280&h=720&sig=a%2Bb%3D"
    return [
        ("query", urlunsplit((parts.scheme, parts.netloc, path, query, ""))),
        ("percent-encoded", urlunsplit((parts.scheme, parts.netloc, f"{head}/{escaped}", "", ""))),
    ]


def _integer_classes(f: Field) -> list[tuple[str, JSON]]:
    lo, hi = f.schema.get("minimum"), f.schema.get("maximum")
    if isinstance(lo, int) and isinstance(hi, int):
        return [("minimum", lo), ("maximum", hi)]
    return [("zero", 0), ("int32-max", 2**31 - 1), ("uint32-max", 2**32 - 1)]


def value_classes(contract: Contract, f: Field, representative: JSON) -> list[ValueClass]:
    """The classes of the free-form field ``f``, the representative value first."""
    candidates: list[tuple[str, JSON]] = [("plain", representative)]
    if isinstance(representative, str):
        if urlsplit(representative).scheme.lower() in ("http", "https"):
            candidates += _url_classes(representative)
        else:
            candidates += _text_classes(representative, f)
    elif isinstance(representative, int) and not isinstance(representative, bool):
        candidates += _integer_classes(f)
    out: list[ValueClass] = []
    seen: set[tuple[str, JSON]] = set()
    for name, value in candidates:
        key = json_key(value)
        if key in seen or [v for v in check({f.name: value}, contract) if v.field == f.name]:
            continue
        seen.add(key)
        out.append(ValueClass(f.name, name, value))
    return out


def class_of(classes: list[ValueClass], value: JSON) -> str | None:
    """The name of the class ``value`` belongs to, if it is one of ``classes``."""
    key = json_key(value)
    return next((c.name for c in classes if json_key(c.value) == key), None)
