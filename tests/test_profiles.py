"""Hypothesis profiles: fast locally, derandomized on CI, the user's own profile wins, and a
failure is reproducible from the seed it prints."""

from __future__ import annotations

import json
import re

import pytest
from helpers.mini import write_mini

pytest_plugins = ["pytester"]

# pytester subprocess runs, each a Hypothesis run of a contract
pytestmark = pytest.mark.slow

# an oracle (the one the rule items ask) that wrongly rejects any note it has not seen in
# the coverage phase: only Hypothesis finds such a note
STRICT_NOTES = """
import foxcontract.items as items
from foxcontract.oracle import Violation

real = items.check
SEEN = {"The flowers sway gently in the wind", "https://example.com/photo.jpg", "x"}


def strict(body, contract=None):
    found = real(body, contract)
    note = body.get("note") if isinstance(body, dict) else None
    if isinstance(note, str) and note not in SEEN and not found:
        return [Violation("note.type", "note", "note: not a note I know")]
    return found


def pytest_configure(config):
    items.check = strict


def pytest_unconfigure(config):
    items.check = real
"""


def _requests(pytester: pytest.Pytester, *args: str, fresh: bool = True) -> dict[str, object]:
    """The rule coverage of the JSON report of a run, by default in a fresh process as a rerun
    from the shell."""
    run = pytester.runpytest_subprocess if fresh else pytester.runpytest
    run("--fox-report", "out.json", *args).assert_outcomes(passed=20)
    data: dict[str, object] = json.loads(pytester.path.joinpath("out.json").read_text())
    coverage: dict[str, object] = data["coverage"]  # type: ignore[assignment]
    return coverage


def test_a_failure_prints_its_seed_and_reproduces_from_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    write_mini(pytester)
    pytester.makeconftest(STRICT_NOTES)
    first = pytester.runpytest_subprocess("-k", "note.type and accepted")
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines(
        [
            "rule note.type (mini.yaml:21): type of note",
            'body sent: {"model": *, "note": *}',
            "got:       [[]note.type] note: not a note I know",
            "reproduce with: pytest 'mini.yaml::note.type[[]accepted]' --hypothesis-seed=*",
        ]
    )
    seed = re.search(r"--hypothesis-seed=(\d+)", first.stdout.str())
    assert seed is not None
    body = re.search(r"body sent: (.*)", first.stdout.str())
    assert body is not None
    again = pytester.runpytest_subprocess(
        "-k", "note.type and accepted", f"--hypothesis-seed={seed[1]}"
    )
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines([f"body sent: {body[1]}", f"*--hypothesis-seed={seed[1]}"])


def test_the_same_seed_generates_the_same_cases(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    write_mini(pytester)
    one = _requests(pytester, "--hypothesis-seed=7")
    assert _requests(pytester, "--hypothesis-seed=7") == one
    assert _requests(pytester, "--hypothesis-seed=8") != one


def test_ci_is_derandomized(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    write_mini(pytester)
    assert _requests(pytester, "--hypothesis-seed=1") == _requests(pytester, "--hypothesis-seed=2")


def test_the_users_profile_wins(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    write_mini(pytester)
    pytester.makeconftest(
        "from hypothesis import settings\n"
        "settings.register_profile('one', max_examples=1, deadline=None)\n"
    )
    ours = _requests(pytester, "--hypothesis-seed=3", fresh=False)
    theirs = _requests(pytester, "--hypothesis-seed=3", "--hypothesis-profile=one", fresh=False)
    assert theirs["mini"]["requests"] < ours["mini"]["requests"]  # type: ignore[index]
