"""``foxcontract probe`` after the probe's contract file changed since the report: a warning
names the file, and the answer is judged against the contract as it is now (the report's
old expectation would call an adopted assumption "reproduced")."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from served_fake import served_fake

from foxcontract import cli
from foxcontract._run_report import FORMAT, VERSION
from foxcontract.fake import FakeAPI, Mutations

CONTRACTS = Path(__file__).parents[1] / "contracts"
KEY = "sk-probe-changed-contract-42"
NAME = "videos-generations::rule-body.type[1]"


@pytest.fixture
def fake() -> Iterator[FakeAPI]:
    with served_fake(KEY) as api:
        api.configure(mutations=Mutations(answer_rules={"body.type": "malformed_request"}))
        yield api


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeAPI) -> Path:
    shutil.copytree(CONTRACTS, tmp_path / "contracts", ignore=shutil.ignore_patterns("cassettes"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    contract = tmp_path / "contracts" / "videos-generations.yaml"
    url = fake.base_url  # type: ignore[attr-defined]
    probe = {
        "nodeid": "contracts/videos-generations.yaml::rule-body.type[1]",
        "contract": "videos-generations",
        "probe": "rule-body.type[1]",
        "kind": "rule",
        "rule": "body.type",
        "location": "videos-generations.yaml:39",
        "paid": False,
        "outcome": "passed",
        "expect": {
            "status": 422, "name": "validation", "type": "invalid_request_error",
            "code": None, "paid": ["200"],
        },
        "request": {
            "method": "POST", "base_url": url, "path": "/v1/videos/generations",
            "headers": {
                "Content-Type": "application/json", "Authorization": "Bearer $FOXAPI_API_KEY"
            },
            "auth": "key", "body": "[]", "body_base64": None,
        },
        "expected": "422 validation type invalid_request_error",
        "actual": "400 (type 'invalid_request_error')",
        "agrees": False,
    }  # fmt: skip
    digest = hashlib.sha256(contract.read_bytes()).hexdigest()
    report = {
        "format": FORMAT,
        "version": VERSION,
        "run": {"contracts": [{"name": "videos-generations", "sha256": digest}]},
        "probes": [probe],
    }
    (tmp_path / "r.json").write_text(json.dumps(report))
    return tmp_path


def adopt(project: Path) -> Path:
    """The report's one-line ``adopt`` advice, followed."""
    contract = project / "contracts" / "videos-generations.yaml"
    text = contract.read_text()
    contract.write_text(
        text.replace(
            "\nsettings:\n", '\nsettings:\n  answers: {"body.type": "malformed_request"}\n'
        )
    )
    return contract


def test_an_unchanged_contract_is_judged_by_the_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["probe", "r.json", NAME]) == 1
    out = capsys.readouterr().out
    assert "warning" not in out
    assert f"reproduced: {NAME}: the provider still disagrees with the contract" in out


def test_a_contract_changed_since_the_report_is_named_and_judged_as_it_is_now(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopt(project)
    assert cli.main(["probe", "r.json", NAME]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "warning: contracts/videos-generations.yaml changed since the report (its sha256 "
        "differs): judged against the contract as it is now"
    )
    assert out[3] == (
        "  expected: 400 malformed_request type invalid_request_error for rule body.type "
        "(body) (the contract now; the run: 422 validation type invalid_request_error)"
    )
    assert out[-1] == f"not reproduced: {NAME}: the answer agrees with the contract now"


def test_a_changed_contract_that_no_longer_loads_sends_nothing(
    project: Path, fake: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = adopt(project)
    contract.write_text(contract.read_text().replace("\nsettings:\n", "\nsetings:\n"))
    before = len(fake.calls)
    assert cli.main(["probe", "r.json", NAME]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "foxcontract probe: error: contracts/videos-generations.yaml changed since the report "
        "and is no longer a valid contract (nothing was sent):\n"
        "contracts/videos-generations.yaml:"
    )
    assert len(fake.calls) == before
