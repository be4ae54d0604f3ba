"""What installing foxcontract costs a pytest run that does not use it: as close to nothing
as the plugins of its dependencies allow.

foxcontract's own plugin imports nothing heavy at load (see :mod:`foxcontract.plugin`). Of
the plugins its dependencies bring, Hypothesis's is written to stay idle until Hypothesis is
used, but its terminal summary imports the whole library to look for observation files,
which only a run that imported Hypothesis can have written; in a run that used neither
foxcontract nor Hypothesis that import is about two thirds of the CPU time. So at the end of
such a run (Hypothesis never imported) its plugin is set aside before the summary: it has
nothing to report, and the run does not pay for the import.
"""

from __future__ import annotations

import sys

import pytest

__all__ = ["HYPOTHESIS_PLUGIN", "spare_idle_plugins"]

HYPOTHESIS_PLUGIN = "hypothesispytest"
"""The name Hypothesis registers its pytest plugin under (its ``pytest11`` entry point)."""


def spare_idle_plugins(config: pytest.Config) -> None:
    """Set aside Hypothesis's plugin when nothing in this run imported Hypothesis (called at
    the end of the session, before the terminal summary)."""
    plugins = config.pluginmanager
    if "hypothesis" not in sys.modules and plugins.has_plugin(HYPOTHESIS_PLUGIN):
        plugins.unregister(name=HYPOTHESIS_PLUGIN)
