"""``foxcontract init``: the contracts, a sample test and a CI step in the user's project;
never an overwrite, never a write into an installed package."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from foxcontract.cli import main
from foxcontract.contract import shipped_contracts_dir

pytest_plugins = ["pytester"]

CONTRACTS = [
    "contracts/errors.yaml",
    "contracts/tasks-get.yaml",
    "contracts/videos-generations.yaml",
]
CASSETTES = [
    "contracts/cassettes/tasks-get.yaml",
    "contracts/cassettes/videos-generations.yaml",
    "contracts/cassettes/__snapshots__/tasks-get.ambr",
    "contracts/cassettes/__snapshots__/videos-generations.ambr",
]
# the cassettes are copied when foxcontract ships them (a source checkout does)
SHIPS_CASSETTES = (shipped_contracts_dir() / "cassettes").is_dir()
WRITTEN = [
    *CONTRACTS,
    *(CASSETTES if SHIPS_CASSETTES else []),
    "contracts/test_foxapi_sample.py",
    "contracts/foxapi-ci.yml.example",
]
N = len(WRITTEN)
NEXT = [
    "Next:",
    "  1. make fox_api and fox_replay follow contracts: add `fox_contracts = contracts`",
    "     to your pytest configuration (pytest.ini, or [tool.pytest.ini_options])",
    "  2. python -m pytest contracts    (the contract suite and the sample, offline)",
    "  3. copy contracts/foxapi-ci.yml.example to .github/workflows/foxapi-ci.yml",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_the_contracts_a_sample_test_and_a_ci_step(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote    {p}" for p in WRITTEN] + [f"{N} written, 0 skipped.", *NEXT]
    shipped = shipped_contracts_dir()
    for name in ("errors.yaml", "tasks-get.yaml", "videos-generations.yaml"):
        assert (project / "contracts" / name).read_bytes() == (shipped / name).read_bytes()
    ci = (project / "contracts" / "foxapi-ci.yml.example").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if "pytest" in line] == [
        "      - run: python -m pytest contracts --fox-contracts contracts"
    ]


def test_init_never_overwrites_and_says_what_it_skipped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = project / "contracts" / "videos-generations.yaml"
    edited.parent.mkdir()
    edited.write_text("# the team's own copy\n", encoding="utf-8")
    assert main(["init"]) == 0
    out = capsys.readouterr().out.splitlines()
    kept = "contracts/videos-generations.yaml"
    assert out == [
        *(f"wrote    {p}" for p in WRITTEN if p != kept),
        f"skipped  {kept} (it exists; left as it is)",
        f"{N - 1} written, 1 skipped.",
        *NEXT,
    ]
    assert edited.read_text(encoding="utf-8") == "# the team's own copy\n"
    assert main(["init"]) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[:N] == [f"skipped  {p} (it exists; left as it is)" for p in WRITTEN]
    assert again[N] == f"0 written, {N} skipped."


def test_init_takes_a_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "api/foxapi"]) == 0
    assert (project / "api" / "foxapi" / "videos-generations.yaml").is_file()
    ci = (project / "api" / "foxapi" / "foxapi-ci.yml.example").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if "pytest" in line] == [
        "      - run: python -m pytest api/foxapi --fox-contracts api/foxapi"
    ]
    out = capsys.readouterr().out.splitlines()
    assert out[: N + 1] == [
        *(f"wrote    api/foxapi/{p.removeprefix('contracts/')}" for p in WRITTEN),
        f"{N} written, 0 skipped.",
    ]


def test_init_refuses_an_installed_package_folder(capsys: pytest.CaptureFixture[str]) -> None:
    target = Path(sysconfig.get_paths()["purelib"]) / "foxcontract-init-probe"
    assert main(["init", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"foxcontract init: error: {target} is inside an installed package folder "
        f"({Path(sysconfig.get_paths()['purelib']).resolve()}): give a folder of your "
        "project, e.g. `foxcontract init contracts` from its root\n"
    )
    assert not target.exists()


def test_init_refuses_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "contracts").write_text("", encoding="utf-8")
    assert main(["init"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract init: error: contracts exists and is not a folder\n"
    )


def test_the_sample_test_passes_on_the_fox_api_fixture(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(pytester.path / "contracts")]) == 0
    capsys.readouterr()
    result = pytester.runpytest("-p", "no:cacheprovider", "contracts/test_foxapi_sample.py")
    result.assert_outcomes(passed=3)
