"""foxcontract in a project that is not about FoxAPI: only its own files are collected, a
YAML file of another plugin is left to it (even when named on the command line), and
loading the plugin imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.mini import write_mini

from foxcontract._files import kind_of_text

pytest_plugins = ["pytester"]

# a Tavern-style test file: several YAML documents, each a test
TAVERN = """\
---
test_name: list users
stages:
  - name: get
    request: {url: "http://127.0.0.1/users", method: GET}
---
test_name: one user
stages:
  - name: get
    request: {url: "http://127.0.0.1/users/1", method: GET}
"""

# a conftest standing for another YAML plugin: one item per document of *.tavern.yaml
OTHER_PLUGIN = """
import pytest
import yaml


class Doc(pytest.Item):
    def runtest(self):
        pass


class TavernFile(pytest.File):
    def collect(self):
        for doc in yaml.safe_load_all(self.path.read_text()):
            yield Doc.from_parent(self, name=doc["test_name"])


def pytest_collect_file(file_path, parent):
    if file_path.name.endswith((".tavern.yaml", ".vcr.yaml")):
        return TavernFile.from_parent(parent, path=file_path)
"""

CASSETTE_OF_ANOTHER_TOOL = """\
cassette: users
test_name: users cassette
requests: []
"""


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("foxcontract: 1\nkind: endpoint\n", "contract"),
        ("# a comment\nfoxcontract: 1  # format\n", "contract"),
        ("---\nfoxcontract: 1\n", "contract"),
        ("cassette: 1\ncontract: x\ninteractions: []\n", "cassette"),
        ("cassette: 1\ncontract: x\n", None),  # no interactions: not ours
        ("cassette: users\ninteractions: []\n", None),  # not our format version
        ("cassette:\n  name: x\n", None),
        ("  foxcontract: 1\n", None),  # not top level
        ("foxcontract: 2\n", None),
        ("settings:\n  foxcontract: 1\n", None),
        ("foxcontract: 1\n---\nother: 2\n", None),  # several documents
        (TAVERN, None),
        ("", None),
    ],
)
def test_only_a_strict_marker_makes_a_file_ours(text: str, kind: str | None) -> None:
    assert kind_of_text(text) == kind


def test_a_tavern_file_named_on_the_command_line_is_left_to_its_plugin(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OTHER_PLUGIN)
    pytester.path.joinpath("test_users.tavern.yaml").write_text(TAVERN, encoding="utf-8")
    result = pytester.runpytest("-v", "test_users.tavern.yaml")
    result.stdout.fnmatch_lines(
        [
            "test_users.tavern.yaml::list users PASSED*",
            "test_users.tavern.yaml::one user PASSED*",
        ]
    )
    result.assert_outcomes(passed=2)


def test_a_yaml_file_with_a_cassette_key_that_is_not_ours_is_left_alone(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OTHER_PLUGIN)
    pytester.path.joinpath("users.vcr.yaml").write_text(CASSETTE_OF_ANOTHER_TOOL, "utf-8")
    pytester.path.joinpath("other.yaml").write_text(CASSETTE_OF_ANOTHER_TOOL, "utf-8")
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["users.vcr.yaml::users cassette PASSED*"])
    result.assert_outcomes(passed=2)
    named = pytester.runpytest("-v", "users.vcr.yaml")
    named.assert_outcomes(passed=1)


def test_our_files_are_still_collected_beside_theirs(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OTHER_PLUGIN)
    write_mini(pytester)
    pytester.path.joinpath("test_users.tavern.yaml").write_text(TAVERN, encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["mini.yaml::consistency", "22 tests collected*"])


HEAVY = ("hypothesis", "httpx", "respx", "jsonschema", "ruamel.yaml", "foxcontract.contract")
PROBE = """
import json, sys

HEAVY = HEAVY_MODULES


def pytest_sessionfinish(session):
    loaded = [m for m in HEAVY if m in sys.modules]
    plugin = session.config.pluginmanager.hasplugin("foxcontract")
    with open("loaded.json", "w") as out:
        json.dump({"loaded": loaded, "plugin": plugin}, out)
""".replace("HEAVY_MODULES", repr(HEAVY))


def _pytest_writes(project: Path, name: str, *args: str) -> object:
    """Run pytest in ``project`` (its conftest writes the JSON file ``name``) and read it."""
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return json.loads((project / name).read_text())


def _heavy_loaded(project: Path, *args: str) -> dict[str, object]:
    loaded = _pytest_writes(project, "loaded.json", *args)
    assert isinstance(loaded, dict)
    return loaded


def test_loading_the_plugin_imports_nothing_heavy(tmp_path: Path) -> None:
    """A deterministic stand-in for the start-up cost (``benchmarks/bench_startup.py``
    measures it): a one-test run with foxcontract imports no heavy module that the same run
    without it does not (respx's own plugin, when installed, imports httpx in both)."""
    (tmp_path / "conftest.py").write_text(PROBE, encoding="utf-8")
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    without = _heavy_loaded(tmp_path, "-p", "no:foxcontract")
    with_plugin = _heavy_loaded(tmp_path)
    assert (without["plugin"], with_plugin["plugin"]) == (False, True)
    assert isinstance(without["loaded"], list)
    assert isinstance(with_plugin["loaded"], list)
    assert [m for m in with_plugin["loaded"] if m not in without["loaded"]] == []


UNCONFIGURE = """
import json, sys


def pytest_unconfigure(config):
    with open("imported.json", "w") as out:
        json.dump("hypothesis" in sys.modules, out)
"""


def _hypothesis_imported(project: Path, *args: str) -> bool:
    imported = _pytest_writes(project, "imported.json", *args)
    assert isinstance(imported, bool)
    return imported


def test_a_run_that_uses_no_hypothesis_does_not_import_it_for_the_summary(tmp_path: Path) -> None:
    """Hypothesis's plugin imports all of Hypothesis for its terminal summary, even in a run
    that never used it (most of the CPU of a one-test run): foxcontract sets it aside then."""
    (tmp_path / "conftest.py").write_text(UNCONFIGURE, encoding="utf-8")
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    assert _hypothesis_imported(tmp_path, "-p", "no:foxcontract") is True  # the cost
    assert _hypothesis_imported(tmp_path) is False


def test_a_run_that_uses_hypothesis_keeps_its_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "from hypothesis import given, strategies as st\n\n\n"
        "@given(st.integers())\ndef test_ints(x):\n    assert isinstance(x, int)\n"
    )
    result = pytester.runpytest_subprocess("--hypothesis-show-statistics", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*Hypothesis Statistics*", "*test_ints:*"])
