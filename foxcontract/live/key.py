"""The API key of a live run: read from the environment only, held as a secret, never shown."""

from __future__ import annotations

import os
from collections.abc import Mapping

from foxcontract.redact import Secret, redact_text

__all__ = ["KEY_ENV", "WRONG_KEY", "ApiKey"]

KEY_ENV = "FOXAPI_API_KEY"
"""The variable of the key when the contracts name none (their provider's ``auth.key_env``)."""
WRONG_KEY = "sk-foxcontract-wrong-key-0000000000"
"""The key sent by the wrong-key probes: a fixed fake, not a secret."""


class ApiKey(Secret):
    """The API key. ``str``, ``repr`` and pickling never show it; ``reveal()`` does, and only
    the client's auth flow calls it, while the ``Authorization`` header is built."""

    __slots__ = ()

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, name: str = KEY_ENV
    ) -> ApiKey | None:
        """The key in the environment variable ``name`` (``None`` when unset or blank)."""
        found = cls((os.environ if environ is None else environ).get(name, "").strip())
        return found if found else None

    def scrub(self, text: str) -> str:
        """``text`` with the key (also JSON-escaped or percent-encoded) and anything key-like
        replaced."""
        return redact_text(text, [self])
