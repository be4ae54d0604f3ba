"""Path templates (``/v1/tasks/{task_id}``): their parameters, the paths they match, and a
path filled in. The one place that reads the ``{name}`` syntax."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["fill_path", "match_path", "path_params", "strip_prefix"]

_PARAM = re.compile(r"\{([^{}/]+)\}")


def path_params(template: str) -> list[str]:
    """The parameters of ``template``, in order."""
    return _PARAM.findall(template)


def fill_path(template: str, values: Mapping[str, Any] | str) -> str:
    """``template`` with each parameter replaced: by its value in ``values``, or every one by
    the string ``values`` (a parameter ``values`` does not name is left as it is)."""

    def value(match: re.Match[str]) -> str:
        if isinstance(values, str):
            return values
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PARAM.sub(value, template)


@functools.cache
def _pattern(template: str, prefixed: bool) -> re.Pattern[str]:
    """Each parameter one path segment (groups in order); a trailing ``/`` allowed; with
    ``prefixed``, any whole segments before the template, in the first group."""
    parts = _PARAM.split(template)
    body = "".join(re.escape(p) if i % 2 == 0 else "([^/]+)" for i, p in enumerate(parts))
    return re.compile(("^((?:/[^/]+)*?)" if prefixed else "^") + body + "/?$")


def match_path(template: str, path: str) -> dict[str, str] | None:
    """The parameters' values when ``path`` is a path of ``template``, else ``None``."""
    match = _pattern(template, False).match(path)
    return None if match is None else dict(zip(path_params(template), match.groups(), strict=True))


def strip_prefix(template: str, path: str) -> str | None:
    """``path`` without the whole segments before its ``template`` part (a base URL's path,
    ``/gateway/foxapi``), or ``None`` when ``path`` does not end in a path of ``template``."""
    match = _pattern(template, True).match(path)
    return None if match is None else path[len(match.group(1)) :]
