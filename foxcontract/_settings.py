"""The run's settings as the rest of the package reads them: the modes, the defaults, the
environment variable of the base URL, and the frozen :class:`RunSettings` a run resolves
once (``config.stash[SETTINGS]``). No pytest option lives here: the option table
(:mod:`foxcontract.options`) reads these values, and the fake, the cassettes and live mode
read them without depending on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest

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
]

DEFAULT_BASE_URL = "https://api.foxapi.cc"
"""The public FoxAPI, where live and record modes go unless told otherwise."""

BASE_URL_ENV = "FOXAPI_BASE_URL"
"""The environment variable of the base URL (``--fox-base-url`` wins over it)."""

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


SETTINGS = pytest.StashKey[RunSettings]()
