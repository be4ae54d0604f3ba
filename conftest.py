"""The project's root conftest: one environment fix, nothing else."""

from __future__ import annotations

import os

# tox copies CI into __TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI, which Hypothesis also reads as
# "running in CI" (derandomized). Tests that unset CI for a pytester subprocess expect a
# non-CI run, so CI stays the one switch: the copy is not passed on to subprocesses.
os.environ.pop("__TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI", None)
