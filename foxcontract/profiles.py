"""Hypothesis settings for foxcontract's own items, through profiles.

``foxcontract-dev`` is fast for local runs; ``foxcontract-ci`` (chosen when the ``CI``
environment variable is set) is derandomized. A profile the user names with
``--hypothesis-profile`` wins: the items then run under the user's loaded settings. The
profiles only ever apply to foxcontract's items, never to a user's own tests.

Each item seeds Hypothesis from the run seed (``--hypothesis-seed``, else a random one) and
its node id, and prints the command that reproduces a failure.

Hypothesis is imported when the first item needs its settings, never at start-up: a run
without contract items does not pay for it. The profiles are registered then too, or at
configure when ``--hypothesis-profile`` is given (the user may name one of ours, and
Hypothesis is being imported by its own plugin anyway).
"""

from __future__ import annotations

import os
import random
import zlib
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from hypothesis import settings

__all__ = [
    "CI",
    "DEV",
    "SEED",
    "configure",
    "item_seed",
    "item_settings",
    "register",
    "reproduce_hint",
    "run_seed",
]

DEV = "foxcontract-dev"
CI = "foxcontract-ci"
SEED = pytest.StashKey[int]()
_REGISTERED = pytest.StashKey[bool]()


def register() -> None:
    """Register the two profiles (again is harmless)."""
    from hypothesis import HealthCheck, settings

    quiet = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
    # derandomize is set explicitly: under a CI variable Hypothesis's own default profile is
    # derandomized, and the dev profile must not inherit that
    settings.register_profile(
        DEV,
        max_examples=5,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=quiet,
    )
    settings.register_profile(CI, parent=settings.get_profile(DEV), derandomize=True)


def configure(config: pytest.Config) -> None:
    """Register the profiles now only if the user names a profile (see the docstring)."""
    if _user_profile(config):
        _registered(config)


def _registered(config: pytest.Config) -> None:
    if not config.stash.get(_REGISTERED, False):
        register()
        config.stash[_REGISTERED] = True


def run_seed(config: pytest.Config) -> int:
    """The run seed, fixed on first use: ``--hypothesis-seed``, else a random one."""
    if SEED not in config.stash:
        given = config.getoption("hypothesis_seed", None)
        try:
            config.stash[SEED] = int(given) if given is not None else random.getrandbits(32)
        except ValueError:
            config.stash[SEED] = zlib.crc32(str(given).encode())
    return config.stash[SEED]


def _user_profile(config: pytest.Config) -> bool:
    return config.getoption("hypothesis_profile", None) is not None


def item_settings(config: pytest.Config) -> settings:
    """The settings foxcontract's items run under."""
    from hypothesis import settings

    _registered(config)
    if _user_profile(config):
        return settings(settings(), database=None, report_multiple_bugs=False)
    chosen = settings.get_profile(CI if os.environ.get("CI") else DEV)
    return settings(chosen, report_multiple_bugs=False)


def item_seed(config: pytest.Config, nodeid: str) -> int:
    """The seed of one item: the run seed mixed with the item's node id."""
    return run_seed(config) ^ zlib.crc32(nodeid.encode())


def reproduce_hint(config: pytest.Config, nodeid: str) -> str:
    """The line that tells how to rerun a failed item with the same generated cases."""
    if item_settings(config).derandomize:
        return f"reproduce with: pytest '{nodeid}' (derandomized: the same cases every run)"
    return f"reproduce with: pytest '{nodeid}' --hypothesis-seed={run_seed(config)}"
