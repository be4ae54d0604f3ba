"""The project's own copy of the contracts: a model a team adds there is used by the suite,
by ``fox_api`` and by ``fox_replay``'s default cassettes folder, chosen with the
``fox_contracts`` ini, ``--fox-contracts`` or ``@pytest.mark.fox_api(contracts=...)``; a
failure names the contract file it was judged by."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.fourth_model import PRO, with_a_fourth_model

from foxcontract.contract import shipped_contracts_dir

pytest_plugins = ["pytester"]

CLIENT_TEST = f"""
import httpx
import pytest

BODY = {{"model": "{PRO}", "prompt": "a fox", "image_url": "https://example.com/fox.jpg"}}


def create(fox_api, **changes):
    auth = {{"Authorization": "Bearer " + fox_api.key}}
    with httpx.Client(base_url=fox_api.base_url) as client:
        return client.post("/v1/videos/generations", json={{**BODY, **changes}}, headers=auth)


MARK


def test_the_new_model_is_accepted(fox_api):
    assert create(fox_api).status_code == 200


MARK


def test_its_rule_is_enforced(fox_api):
    create(fox_api, resolution="720p")
"""


def project(pytester: pytest.Pytester, mark: str = "") -> Path:
    folder = pytester.mkdir("contracts")
    with_a_fourth_model(folder)
    shutil.copy(shipped_contracts_dir() / "tasks-get.yaml", folder / "tasks-get.yaml")
    pytester.makepyfile(test_client=CLIENT_TEST.replace("MARK", mark))
    return folder


@pytest.mark.parametrize(
    ("ini", "args", "mark"),
    [
        ("fox_contracts = contracts", [], ""),
        ("", ["--fox-contracts", "contracts"], ""),
        ("", [], '@pytest.mark.fox_api(contracts="contracts")'),
    ],
    ids=["ini", "option", "marker"],
)
def test_fox_api_follows_the_projects_copy_of_the_contract(
    pytester: pytest.Pytester, ini: str, args: list[str], mark: str
) -> None:
    folder = project(pytester, mark)
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "test_client.py", *args)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*ContractViolationError: FoxAPI request breaks rule pro-no-720p (field resolution)",
            f"E*Contract: {folder / 'videos-generations.yaml'}",
        ]
    )


def test_without_the_project_copy_the_shipped_contract_rejects_the_model(
    pytester: pytest.Pytester,
) -> None:
    project(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider", "test_client.py")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E*ContractViolationError: FoxAPI request breaks rule model.enum (field model)",
            f"E*Contract: {shipped_contracts_dir() / 'videos-generations.yaml'}",
        ]
    )


def test_the_suite_and_the_fixture_read_the_same_copy(pytester: pytest.Pytester) -> None:
    project(pytester)
    pytester.makeini("[pytest]\nfox_contracts = contracts\n")
    result = pytester.runpytest("--collect-only", "-q", "contracts", "-k", "pro-no-720p")
    result.stdout.fnmatch_lines(
        [
            "contracts/videos-generations.yaml::pro-no-720p[[]accepted[]]",
            "contracts/videos-generations.yaml::pro-no-720p[[]violated[]]",
            "2/* tests collected*",
        ]
    )


def test_a_missing_contracts_path_of_the_marker_fails_the_test_naming_it(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, '@pytest.mark.fox_api(contracts="specs")')
    result = pytester.runpytest("-p", "no:cacheprovider", "test_client.py")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [f"@pytest.mark.fox_api(contracts=...): no such file or folder: {pytester.path / 'specs'}"]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


@pytest.mark.parametrize(
    ("ini", "args", "origin"),
    [
        ("fox_contracts = contracts, specs", [], "ini fox_contracts"),
        ("", ["--fox-contracts", "specs"], "--fox-contracts"),
        ("fox_contracts = contracts", ["--fox-contracts=contracts,specs"], "--fox-contracts"),
    ],
    ids=["ini", "option", "option-over-ini"],
)
def test_a_missing_contracts_path_of_the_option_is_a_usage_error_at_startup(
    pytester: pytest.Pytester, ini: str, args: list[str], origin: str
) -> None:
    project(pytester)
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "test_client.py", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    root = pytester.path
    assert result.stderr.lines[0] == (
        f"ERROR: {origin}: no such file or folder: {root / 'specs'} (relative paths are read "
        f"from the project's root, {root}); name an existing contract file or folder, or run "
        "foxcontract init to copy the contracts into contracts/"
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "test_client.py" not in result.stdout.str()  # nothing was collected
    # pytest --help still shows the options, so the user can see how to fix it
    helped = pytester.runpytest("-p", "no:cacheprovider", "--help", *args)
    assert helped.ret == pytest.ExitCode.OK
    helped.stdout.fnmatch_lines(["*--fox-contracts=PATHS*"])
