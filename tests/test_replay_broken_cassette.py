"""A broken cassette used by ``fox_replay`` fails the test at setup with its ``file:line``
problems alone, as a broken contract does: no traceback of foxcontract's own code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CASSETTES = Path(__file__).parents[1] / "contracts" / "cassettes"
TEST = """
import pytest

@pytest.mark.fox_cassette("cassettes")
def test_replayed(fox_replay):
    pass
"""


@pytest.fixture
def app(pytester: pytest.Pytester) -> pytest.Pytester:
    folder = pytester.path / "cassettes"
    folder.mkdir()
    shutil.copy(CASSETTES / "videos-generations.yaml", folder)
    pytester.makepyfile(test_app=TEST)
    return pytester


def test_a_misspelt_field_is_one_message_at_its_line(app: pytest.Pytester) -> None:
    cassette = app.path / "cassettes" / "videos-generations.yaml"
    text = cassette.read_text()
    cassette.write_text(text.replace("    request:", "    reqest:", 1))
    result = app.runpytest("test_app.py", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_replayed*",
            f"the cassettes of fox_replay ({app.path / 'cassettes'}):",
            f"{cassette}:11: interaction 1: missing field 'request'",
            f"{cassette}:13: unknown field 'reqest' in interaction 1 (did you mean 'request'?)",
            "=*short test summary info*",
        ],
        consecutive=True,
    )
    assert "fixture.py" not in result.stdout.str()
    assert "CassetteError" not in result.stdout.str()


def test_a_cassette_cut_short_is_one_message_at_its_line(app: pytest.Pytester) -> None:
    cassette = app.path / "cassettes" / "videos-generations.yaml"
    cassette.write_text(cassette.read_text()[:300])
    result = app.runpytest("test_app.py", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_replayed*",
            f"the cassettes of fox_replay ({app.path / 'cassettes'}):",
            f"{cassette}:*",
        ],
        consecutive=True,
    )
    assert "fixture.py" not in result.stdout.str()
