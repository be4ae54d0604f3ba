"""The run's settings as the rest of the package reads them: the modes, the defaults, the
environment variable of the base URL, and the frozen :class:`RunSettings` a run resolves
once (``config.stash[SETTINGS]``). No pytest option lives here: the option table
(:mod:`foxcontract.options`) reads these values, and the fake, the cassettes and live mode
read them without depending on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import pytest

from foxcontract.redact import find_secrets

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_ANSWER_BYTES",
    "DEFAULT_MAX_FREE_PROBES",
    "DEFAULT_WAIT",
    "SETTINGS",
    "Mode",
    "RecordMode",
    "RunSettings",
    "check_base_url",
]

DEFAULT_BASE_URL = "https://api.foxapi.cc"
"""The public FoxAPI, where live and record modes go unless told otherwise."""

BASE_URL_ENV = "FOXAPI_BASE_URL"
"""The environment variable of the base URL (``--fox-base-url`` wins over it)."""

BASE_URL_FORM = "a scheme, a host and an optional path prefix, such as https://api.foxapi.cc"


def check_base_url(url: str) -> str:
    """``url`` as a base URL for live and record runs (without a trailing ``/``), or
    ``ValueError`` saying what is wrong with it. The message never repeats the URL: a base URL
    that is wrong may hold the API key (a key pasted in its place, in the user part or in a
    query), and the message is printed."""
    url = url.strip()
    if find_secrets(url):
        raise ValueError(
            "it holds the API key or a key-like value (sk-...): the key goes only in the "
            "environment variable FOXAPI_API_KEY, never in the URL"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http:// or https:// URL; give {BASE_URL_FORM}")
    if "@" in parts.netloc:
        raise ValueError(
            "it holds a user name or password (...@host): the key goes only in the "
            "environment variable FOXAPI_API_KEY, never in the URL"
        )
    if not parts.hostname:
        raise ValueError(f"it has no host; give {BASE_URL_FORM}")
    try:
        parts.port  # noqa: B018 (urlsplit checks the port only when it is read)
    except ValueError:
        raise ValueError(f"its port is not a number of 0..65535; give {BASE_URL_FORM}") from None
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"it holds a query (?...) or a fragment (#...); give {BASE_URL_FORM}")
    return url.rstrip("/")


DEFAULT_WAIT = 300.0
"""Seconds from a run's first paid create until every task must be in a terminal state: a
generation takes about a minute, so five minutes leave room for a slow provider."""

DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""The most bytes a live answer may have (16 MiB): a larger one is reported, not read."""

DEFAULT_MAX_FREE_PROBES = 400
"""The most free probes a run sends unless told otherwise (``--fox-max-free-probes``)."""


class Mode(StrEnum):
    REPLAY = "replay"
    LIVE = "live"
    RECORD = "record"

    @property
    def networked(self) -> bool:
        return self is not Mode.REPLAY


class RecordMode(StrEnum):
    """What ``fox_replay`` sends and records (the record modes of VCR and pytest-recording)."""

    NONE = "none"
    NEW = "new"
    ALL = "all"


@dataclass(frozen=True)
class RunSettings:
    """Every option, resolved once: command line, then environment, then ini, then default."""

    mode: Mode
    base_url: str
    budget: int
    wait: float
    report: str | None
    contracts: tuple[str, ...] = ()
    record_mode: RecordMode = RecordMode.NONE
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    strict: bool = False
    baseline: str | None = None
    max_free_probes: int = DEFAULT_MAX_FREE_PROBES
    summary: str | None = None
    require_coverage: bool = False
    reserve: int | None = None
    models: tuple[str, ...] = ()


SETTINGS = pytest.StashKey[RunSettings]()
