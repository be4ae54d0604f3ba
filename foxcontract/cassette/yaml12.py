"""A fast YAML 1.2 reader for cassettes: libyaml's parser with the YAML 1.2 core schema.

Cassettes are written by ruamel.yaml as YAML 1.2, where ``16:9`` is a string, ``010`` is ten
and ``yes`` is a string. PyYAML's own resolvers follow YAML 1.1 (``16:9`` would be the
sexagesimal integer 969), so this loader replaces them with the 1.2 core schema's. It only
speeds up reading valid files; any problem is reported by the line-numbered ruamel parse.
So this reader is strict: a duplicate key, an alias (a node shared by two places) or nesting
deeper than asked is refused here, and judged (bounded) by the careful parse.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

__all__ = ["load_yaml12"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Yaml12Loader(_Loader):  # type: ignore[misc]
    """Safe loading with YAML 1.2 core-schema resolution of plain scalars."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {}


_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
)
for _tag, _pattern, _first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _int(loader: Any, node: Any) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _float(loader: Any, node: Any) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith(".nan"):
        return float("nan")
    return float(text)


def _map(loader: Any, node: Any) -> Any:
    keys = [(k.tag, k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    if len(keys) != len(set(keys)):
        raise yaml.constructor.ConstructorError(None, None, "duplicate key", node.start_mark)
    return loader.construct_yaml_map(node)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _map)


def _check_tree(data: Any, max_depth: int) -> None:
    """Raise ``ValueError`` when a list or mapping appears twice (an alias) or the nesting
    is deeper than ``max_depth``; iterative, so any depth is safe to walk."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= max_depth:
            raise ValueError("nested too deep")
        if not isinstance(node, dict | list):
            continue
        if id(node) in seen:
            raise ValueError("a node appears twice (an alias)")
        seen.add(id(node))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)


def load_yaml12(text: str, max_depth: int = 64) -> Any:
    """Parse ``text`` as YAML 1.2 (core schema); raises ``yaml.YAMLError`` when it is not,
    ``ValueError`` when it holds an alias or nests deeper than ``max_depth``."""
    data = yaml.load(text, Loader=Yaml12Loader)
    _check_tree(data, max_depth)
    return data
