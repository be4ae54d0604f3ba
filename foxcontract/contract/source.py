"""Reading a YAML contract file while keeping the line of every key and item.

The parse is bounded, so a hostile file is a ``file:line`` error and never a hang, a crash or
a gigabyte of memory: a file larger than its :class:`Limits` allow is refused before it is
parsed; nesting deeper than ``max_depth``, aliases that would expand to more than
``max_alias_nodes`` nodes (a "billion laughs" bomb), an alias inside the node it names, and an
integer of more digits than Python converts (``sys.get_int_max_str_digits()``) are refused at
their line. Duplicate keys are refused by the parser itself.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from foxcontract.contract.errors import ContractError

__all__ = [
    "CONTRACT_LIMITS",
    "Limits",
    "Source",
    "decode_text",
    "parse_source",
    "read_source",
    "read_text",
]


@dataclass(frozen=True)
class Limits:
    """What a YAML file may hold before it is refused (see the module docstring)."""

    what: str  # "contract file", "cassette file": named in the messages
    max_bytes: int
    max_depth: int = 64
    max_alias_nodes: int = 10_000


# A real contract is a few KB; 500 KB leaves room for thousands of rules, and the parse (the
# bulk of validation, linear in the size) of the largest accepted file stays within seconds.
CONTRACT_LIMITS = Limits("contract file", max_bytes=500_000)

JSONPath = Sequence[str | int]


@dataclass(frozen=True, eq=False)
class Source:
    """A parsed contract file: its plain data, and where each part of it was written."""

    path: Path
    data: Any
    _tree: Any

    def line(self, where: JSONPath) -> int:
        """The 1-based line of the key or item at ``where`` (or of its nearest parent)."""
        node = self._tree
        line = 1
        for step in where:
            lc = getattr(node, "lc", None)
            try:
                if isinstance(step, int) and isinstance(node, list):
                    if lc is not None:
                        line = lc.item(step)[0] + 1
                    node = node[step]
                elif isinstance(node, dict):
                    key = _find_key(node, step)
                    if lc is not None:
                        line = lc.key(key)[0] + 1
                    node = node[key]
                else:
                    break
            except (KeyError, IndexError, TypeError):
                break
        return line


def _find_key(node: dict[Any, Any], step: str | int) -> Any:
    if step in node:
        return step
    for key in node:  # YAML keys such as 200 are ints; JSON paths carry "200"
        if str(key) == str(step):
            return key
    raise KeyError(step)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"


class _Refused(Exception):
    """A YAML file that is well formed but over a limit, at a 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_INT_TAG = "tag:yaml.org,2002:int"


class _BoundedComposer(Composer):
    """ruamel's composer, refusing what :class:`Limits` does not allow as it goes."""

    limits: Limits = CONTRACT_LIMITS

    def compose_document(self) -> Any:
        self.warn_double_anchors = False  # an anchor may be named again (valid YAML)
        self._alias_nodes = 0
        self._nodes = 0
        self._sizes: dict[str, int] = {}  # anchor -> nodes under it, aliases expanded
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            if event.anchor in self.anchors and event.anchor not in self._sizes:
                raise _Refused(
                    line,
                    f"alias *{event.anchor} is inside the node it names (a structure "
                    "that never ends); write the value out",
                )
            size = self._sizes.get(event.anchor, 0)
            self._alias_nodes += size
            self._nodes += size
            if self._alias_nodes > self.limits.max_alias_nodes:
                raise _Refused(
                    line,
                    f"aliases expand to more than {self.limits.max_alias_nodes:,} values "
                    f"(an alias bomb?); a {self.limits.what} may not repeat that much "
                    "through aliases: write the values out",
                )
            return super().compose_node(parent, index)
        if self.depth >= self.limits.max_depth:
            raise _Refused(
                line,
                f"nested more than {self.limits.max_depth} levels deep; "
                f"a {self.limits.what} may not nest deeper",
            )
        if event.anchor is not None:  # an anchor named again: the new node is not complete
            self._sizes.pop(event.anchor, None)
        before = self._nodes
        self._nodes += 1
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self._sizes[event.anchor] = self._nodes - before
        return node

    def compose_scalar_node(self, anchor: Any) -> Any:
        node = super().compose_scalar_node(anchor)
        if str(node.tag) == _INT_TAG:
            digits = _decimal_digits(str(node.value))
            most = sys.get_int_max_str_digits()
            if most and digits > most:
                raise _Refused(
                    node.start_mark.line + 1,
                    f"an integer of {digits:,} digits is longer than the {most:,} "
                    "digits allowed; quote it if it is meant as a string",
                )
        return node


def _decimal_digits(text: str) -> int:
    """About how many decimal digits the YAML integer ``text`` has (``0x``/``0o``/``0b``
    too: Python reads those at any length, but cannot print them past the limit)."""
    text = text.lstrip("+-").replace("_", "").lower()
    for prefix, per_digit in (("0x", math.log10(16)), ("0o", math.log10(8)), ("0b", math.log10(2))):
        if text.startswith(prefix):
            return math.ceil((len(text) - 2) * per_digit)
    return len(text)


def parse_source(
    path: Path,
    text: str,
    error: type[ContractError] = ContractError,
    limits: Limits = CONTRACT_LIMITS,
) -> Source:
    """Parse ``text`` (the content of ``path``) keeping every line; bad YAML, or YAML over
    ``limits``, is an ``error`` at the line where the parser stopped."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = type("Composer", (_BoundedComposer,), {"limits": limits})  # type: ignore[assignment]
    try:
        tree = yaml.load(text)
    except _Refused as exc:
        raise error.at(path, exc.line, exc.message) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise error.at(path, line, f"not valid YAML: {what}") from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise error.at(
            path, line, f"not valid YAML: character #x{exc.character:04x} is not allowed"
        ) from None
    except YAMLError as exc:
        raise error.at(path, 1, f"not valid YAML: {exc}") from None
    return Source(path=path, data=_plain(tree), _tree=tree)


def decode_text(
    path: Path, raw: bytes, error: type[ContractError] = ContractError, what: str = "file"
) -> str:
    """``raw`` as UTF-8 text; anything else is an ``error`` at the line of the first byte
    that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error.at(
            path,
            line,
            f"the {what} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column} "
            "cannot be decoded; save the file as UTF-8",
        ) from None


def read_text(
    path: Path, limits: Limits = CONTRACT_LIMITS, error: type[ContractError] = ContractError
) -> str:
    """The UTF-8 text of ``path``; a missing, unreadable, oversized or non-UTF-8 file is an
    ``error`` naming the file (and the line of a byte that is not UTF-8)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise error.at(path, 1, f"{limits.what} not found") from None
    except OSError as exc:
        raise error.at(path, 1, f"cannot read {limits.what}: {exc.strerror or exc}") from None
    if len(raw) > limits.max_bytes:
        raise error.at(
            path,
            1,
            f"the {limits.what} is larger than {limits.max_bytes:,} bytes, the most foxcontract "
            f"reads; split it or shorten it",
        )
    return decode_text(path, raw, error, limits.what)


def read_source(path: Path) -> Source:
    """Parse ``path``; bad YAML, an empty file or a non-mapping is a :class:`ContractError`."""
    source = parse_source(path, read_text(path))
    tree = source._tree
    if tree is None:
        raise ContractError.at(
            path,
            1,
            "the contract file is empty; it needs at least foxcontract, kind, name, version",
        )
    if not isinstance(tree, dict):
        raise ContractError.at(
            path, 1, f"a contract file must be a YAML mapping of keys, not {_kind_of(tree)}"
        )
    return source
