"""``foxcontract validate``, ``plan`` and ``export`` with no path read the project's
``./contracts`` when it exists (the folder ``cassette`` writes for and ``init`` fills), else
the shipped contracts, and say which folder they read (``export``: outside the document)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foxcontract import cli
from foxcontract.contract import shipped_contracts_dir

CONTRACTS = Path(__file__).parents[1] / "contracts"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CONTRACTS, tmp_path / "contracts", ignore=shutil.ignore_patterns("cassettes"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    return tmp_path


def break_a_rule(project: Path) -> int:
    """Misspell the first ``when:`` of the create contract; its line."""
    path = project / "contracts" / "videos-generations.yaml"
    lines = path.read_text().splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("when:"))
    lines[n] = lines[n].replace("when:", "whn:", 1)
    path.write_text("".join(lines))
    return n + 1


def test_validate_checks_the_projects_contracts_and_says_so(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "contracts/errors.yaml: ok (errors file, 9 error kinds)"
    assert out[-1] == (
        "checked the project's contracts in contracts/ (./contracts; name a PATH for others)"
    )
    line = break_a_rule(project)
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(o.startswith(f"contracts/videos-generations.yaml:{line}: ") for o in out), out
    assert out[-1].startswith("checked the project's contracts in contracts/")


def test_plan_plans_the_projects_contracts_and_says_so(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plan", "--budget", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "planned from the project's contracts in contracts/ (./contracts; name a PATH for others)"
    )
    line = break_a_rule(project)
    assert cli.main(["plan", "--budget", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"contracts/videos-generations.yaml:{line}: ")


def test_without_a_project_folder_the_shipped_contracts_are_read_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    shipped = shipped_contracts_dir()
    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{shipped / 'errors.yaml'}: ok (errors file, 9 error kinds)"
    assert out[-1] == (
        f"checked the contracts shipped with foxcontract, in {shipped} (there is no "
        "./contracts here; name a PATH for your own)"
    )
    assert cli.main(["plan"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"planned from the contracts shipped with foxcontract, in {shipped} (there is no "
        "./contracts here; name a PATH for your own)"
    )


def test_a_named_path_is_read_without_a_note(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "contracts/errors.yaml"]) == 0
    assert capsys.readouterr().out == "contracts/errors.yaml: ok (errors file, 9 error kinds)\n"


def test_export_exports_the_projects_contracts_and_says_so_outside_the_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create = project / "contracts" / "videos-generations.yaml"
    create.write_text(
        create.read_text().replace("path: /v1/videos/generations", "path: /v2/videos")
    )
    said = "exported the project's contracts in contracts/ (./contracts; name a PATH for others)"
    assert cli.main(["export", "openapi"]) == 0
    out, err = capsys.readouterr()
    assert sorted(json.loads(out)["paths"]) == ["/v1/tasks/{task_id}", "/v2/videos"]
    assert err == said + "\n"
    assert cli.main(["export", "openapi", "--out", "openapi.json"]) == 0
    assert capsys.readouterr() == (said + "\n", "")
    document = json.loads((project / "openapi.json").read_text())
    assert "/v2/videos" in document["paths"]
    line = break_a_rule(project)
    assert cli.main(["export", "openapi"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"contracts/videos-generations.yaml:{line}: ")
    assert err.endswith("\n" + said + "\n")


def test_export_without_a_project_folder_exports_the_shipped_contracts_and_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shipped = shipped_contracts_dir()
    assert cli.main(["export", "openapi"]) == 0
    out, err = capsys.readouterr()
    assert "/v1/videos/generations" in json.loads(out)["paths"]
    assert err == (
        f"exported the contracts shipped with foxcontract, in {shipped} (there is no "
        "./contracts here; name a PATH for your own)\n"
    )


def test_export_of_a_named_path_says_nothing_but_the_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "openapi", "contracts/videos-generations.yaml"]) == 0
    out, err = capsys.readouterr()
    assert list(json.loads(out)["paths"]) == ["/v1/videos/generations"]
    assert err == ""
