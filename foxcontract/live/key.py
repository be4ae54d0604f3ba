"""The API key of a live run: read from the environment only, never shown."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["KEY_ENV", "WRONG_KEY", "ApiKey"]

KEY_ENV = "FOXAPI_API_KEY"
WRONG_KEY = "sk-foxcontract-wrong-key-0000000000"


class ApiKey:
    """The API key. ``str``, ``repr`` and pickling never show it; ``reveal()`` does."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiKey | None:
        value = (os.environ if environ is None else environ).get(KEY_ENV, "").strip()
        return cls(value) if value else None

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with every occurrence of the key replaced."""
        return text.replace(self._value, "[redacted]") if self._value else text

    def __repr__(self) -> str:
        return "ApiKey([redacted])"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("an ApiKey cannot be pickled")
