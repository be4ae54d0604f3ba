"""Reading a YAML contract file while keeping the line of every key and item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from foxcontract.contract.errors import ContractError

__all__ = ["Source", "parse_source", "read_source"]

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


def parse_source(path: Path, text: str, error: type[ContractError] = ContractError) -> Source:
    """Parse ``text`` (the content of ``path``) keeping every line; bad YAML is an ``error``
    at the line where the parser stopped."""
    try:
        tree = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise error.at(path, line, f"not valid YAML: {what}") from None
    except YAMLError as exc:
        raise error.at(path, 1, f"not valid YAML: {exc}") from None
    return Source(path=path, data=_plain(tree), _tree=tree)


def read_source(path: Path) -> Source:
    """Parse ``path``; bad YAML, an empty file or a non-mapping is a :class:`ContractError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError.at(path, 1, "contract file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError.at(path, 1, f"cannot read contract file: {exc}") from None
    source = parse_source(path, text)
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
