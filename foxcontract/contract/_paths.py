"""Dotted paths (``output.files``) into decoded JSON: the one way the provider facts name a
part of a body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["get_path", "set_path"]


def get_path(value: Any, path: str) -> Any:
    """The value at dotted ``path`` in ``value`` (``None`` where it is not there)."""
    for step in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set dotted ``path`` in ``target``, making the objects on the way."""
    *parents, last = path.split(".")
    node = target
    for step in parents:
        child = node.get(step)
        if not isinstance(child, dict):
            child = node[step] = {}
        node = child
    node[last] = value
