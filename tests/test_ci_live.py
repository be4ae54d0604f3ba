"""Results a CI pipeline can use, from a live run against the fake served on loopback: the
report validates against the shipped schema, the summary's tables, the JUnit properties, and
a failing probe reproduced by its ``curl`` line and by ``foxcontract probe``; the key is in
none of them."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import xml.etree.ElementTree as ET

import pytest
from served_fake import live_project, served_fake_fixture

from foxcontract import cli
from foxcontract._run_report import schema_problems
from foxcontract.contract import load_contract
from foxcontract.fake import FakeAPI, Mutations

# live runs, under xdist too
pytestmark = pytest.mark.slow

pytest_plugins = ["pytester"]

KEY = "sk-ci-report-canary-key-0042"
LITE = "veo-3.1-lite-image-to-video"
BUDGET = 40
"""Enough for the one create and every lite-no-4k probe the mutated fake accepts (each is
charged, as an accepted refusal costs a create)."""


fake = served_fake_fixture(KEY)


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    live_project(pytester, monkeypatch, KEY)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return pytester


def _lite_4k(fake: FakeAPI) -> list[bytes]:
    """The bodies of the lite-no-4k probes the fake received."""
    out = []
    for call in fake.calls:
        try:
            body = json.loads(call.request.body or b"null")
        except ValueError:  # the malformed-JSON probe
            continue
        if isinstance(body, dict) and body.get("model") == LITE and body.get("resolution") == "4k":
            out.append(call.request.body)
    return out


def test_a_failing_live_run_reported_summarised_and_reproduced(
    project: pytest.Pytester,
    fake: FakeAPI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake.configure(mutations=Mutations(accept_rules=frozenset({"lite-no-4k"})))
    url = fake.base_url  # type: ignore[attr-defined]
    result = project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", url, "-p", "no:cacheprovider",
        "-m", "fox_live", "--fox-budget", str(BUDGET), "-k",
        "lite-no-4k or paid-01 or auth-wrong or malformed-json",
        "--fox-report", "r.json", "--fox-summary", "s.md", "--junitxml", "j.xml",
    )  # fmt: skip
    sent = _lite_4k(fake)
    n = len(sent)
    assert n >= 1
    assert result.parseoutcomes()["failed"] == n
    assert result.ret == 1
    body = sent[0].decode()
    out = result.stdout.lines
    failure = out.index(
        "videos-generations::rule-lite-no-4k[1]: the provider disagrees with the contract"
    )
    section = next(i for i, line in enumerate(out) if i > failure and "foxcontract: send" in line)
    assert out[section].strip("-").strip() == "foxcontract: send this probe again"
    assert not [line for line in out[failure:section] if line.startswith("____")]
    assert out[section + 1 : section + 3] == [
        f"curl -sS -X POST {url}/v1/videos/generations -H 'Accept-Encoding: identity' "
        "-H 'Content-Type: application/json' -H \"Authorization: Bearer $FOXAPI_API_KEY\" "
        f"--data-binary {shlex.quote(body)}",
        "or: foxcontract probe REPORT 'contracts/videos-generations.yaml::rule-lite-no-4k[1]'"
        "  (REPORT: the --fox-report file)",
    ]
    report_text = project.path.joinpath("r.json").read_text()
    summary = project.path.joinpath("s.md").read_text()
    junit = project.path.joinpath("j.xml").read_text()
    for text in (result.stdout.str(), result.stderr.str(), report_text, summary, junit):
        assert KEY not in text

    # the report
    doc = json.loads(report_text)
    assert schema_problems(doc) == []
    assert (doc["run"]["mode"], doc["run"]["base_url"]) == ("live", url)
    assert doc["run"]["verdict"] == "failed"
    assert doc["budget"] == {"budget": BUDGET, "spent": n + 1, "unexpected": n, "refused": 0,
                             "left": BUDGET - 1 - n}  # fmt: skip
    probes = {p["probe"]: p for p in doc["probes"]}
    failing = probes["rule-lite-no-4k[1]"]
    rule_line = (
        load_contract(project.path / "contracts/videos-generations.yaml").rule("lite-no-4k").line
    )
    assert failing["outcome"] == "failed"
    assert failing["location"] == f"videos-generations.yaml:{rule_line}"
    assert (failing["kind"], failing["rule"], failing["paid"]) == ("rule", "lite-no-4k", False)
    assert failing["request"]["body"] == body
    assert failing["request"]["headers"]["Authorization"] == "Bearer $FOXAPI_API_KEY"
    assert failing["message"].startswith("videos-generations::rule-lite-no-4k[1]: the provider")
    assert probes["paid-01"]["paid"] is True
    follow = probes["lifecycle[paid-01]"]
    assert (follow["kind"], follow["paid"], follow["request"]) == ("lifecycle", False, None)
    assert probes["auth-wrong-key"]["outcome"] == "passed"
    drift = [d for d in doc["drift"] if d["probe"] == "rule-lite-no-4k[1]"]
    assert [(d["settled"], d["actual"]) for d in drift] == [("drift", "200")]
    assert drift[0]["provenance"] == "documented"
    assert drift[0]["fact"].startswith("documented: ")

    # the summary: the verdict first, then its tables
    lines = summary.splitlines()
    assert lines[0] == "# foxcontract: FAILED"
    assert lines[4] == (
        f"- {n} probe(s) with drift, 0 with an assumption disproved, 0 with known drift "
        f"(baseline), of {len(doc['probes'])} live item(s)"
    )
    money = lines.index("## Money")
    assert lines[money + 2 : money + 5] == [
        "| budget | spent | of which unexpected | not sent (budget spent) | left |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {BUDGET} | {n + 1} | {n} | 0 | {BUDGET - 1 - n} |",
    ]
    documented = lines.index("### Documented facts broken (these fail the run)")
    assert lines[documented + 2] == (
        "| contract | probe | rule | the contract expects | the provider answered | problem "
        "| fact |"
    )
    assert lines[documented + 4].startswith(
        "| videos-generations | rule-lite-no-4k[1] | lite-no-4k | 422 validation type "
        "invalid_request_error | 200 | status: a body breaking rule lite-no-4k was accepted "
        "with 200 | "
    )
    lite = lines.index(f"### `{LITE}`")
    refused = lines.index("| rule broken (free probe) | probes | the provider answered |", lite)
    assert lines[refused + 1 : refused + 3] == [
        "| --- | ---: | --- |",
        f"| lite-no-4k | {n} | 200x{n} |",
    ]
    paid_model = json.loads(probes["paid-01"]["request"]["body"])["model"]
    heading = lines.index(f"### `{paid_model}`")
    assert lines[heading + 2 : heading + 4] == [
        "| value or combination sent | paid creates | the provider answered |",
        "| --- | ---: | --- |",
    ]
    assert f"| model={paid_model} | 1 | 200x1 |" in lines[heading:]

    # JUnit properties
    props = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.fromstring(junit).iter("testcase")
    }
    assert props["rule-lite-no-4k[1]"] == {
        "foxcontract.rule": "lite-no-4k",
        "foxcontract.contract": f"videos-generations.yaml:{rule_line}",
        "foxcontract.kind": "rule",
        "foxcontract.cost": "free",
    }
    assert props["paid-01"]["foxcontract.kind"] == "paid"
    assert props["paid-01"]["foxcontract.cost"] == "paid"

    # the curl line sends the same request again
    before = len(fake.calls)
    curl = failing["curl"]
    env = {"PATH": os.environ["PATH"], "FOXAPI_API_KEY": KEY}
    done = subprocess.run(
        ["bash", "-c", curl], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    assert json.loads(done.stdout)["status"] == "pending"
    again = fake.calls[before]
    assert again.request.body == sent[0]
    assert again.request.headers["authorization"] == f"Bearer {KEY}"
    assert again.request.headers["content-type"] == "application/json"

    # and so does foxcontract probe, which says the disagreement is reproduced
    monkeypatch.chdir(project.path)
    capsys.readouterr()
    item = "contracts/videos-generations.yaml::rule-lite-no-4k[1]"
    assert cli.main(["probe", "r.json", item]) == 1
    out = capsys.readouterr().out
    assert KEY not in out
    assert fake.calls[-1].request.body == sent[0]
    assert out.splitlines()[0] == f"sending videos-generations::rule-lite-no-4k[1] again to {url}"
    assert "reproduced: videos-generations::rule-lite-no-4k[1]: the provider still disagrees " \
        "with the contract" in out  # fmt: skip
    assert "  status: expected 422 validation, got 200" in out.splitlines()

    # fixed provider: not reproduced
    fake.configure(mutations=Mutations())
    assert cli.main(["probe", "r.json", "videos-generations::rule-lite-no-4k[1]"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "not reproduced: videos-generations::rule-lite-no-4k[1]: the answer agrees with the "
        "contract now"
    )

    # a body that is not JSON, and the wrong-key probe, are sent again byte for byte
    assert cli.main(["probe", "r.json", "videos-generations::malformed-json"]) == 0
    assert fake.calls[-1].request.body == b'{"model": "veo", "prompt": '
    wrong = probes["auth-wrong-key"]["curl"]
    assert (
        "$FOXCONTRACT_WRONG_KEY" in probes["auth-wrong-key"]["request"]["headers"]["Authorization"]
    )
    done = subprocess.run(
        ["bash", "-c", wrong], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    assert json.loads(done.stdout)["error"]["type"] == "authentication_error"
    assert fake.calls[-1].request.headers["authorization"] == (
        "Bearer sk-foxcontract-wrong-key-0000000000"
    )
    capsys.readouterr()

    assert cli.main(["probe", "r.json", "lifecycle[paid-01]"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract probe: error: videos-generations::lifecycle[paid-01] sends no request of "
        "its own (a lifecycle item): send its create again\n"
    )

    # a paid create is sent again only within a budget, through the ledger
    paid = fake.paid
    assert cli.main(["probe", "r.json", "paid-01"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract probe: error: videos-generations::paid-01 is a paid create: it costs "
        "money if accepted; add --budget 1 to send it\n"
    )
    assert fake.paid == paid
    assert cli.main(["probe", "r.json", "paid-01", "--budget", "1"]) == 0
    assert "  paid creates spent: 1 of budget 1" in capsys.readouterr().out.splitlines()
    assert fake.paid == paid + 1


def test_probe_command_bad_input(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    assert cli.main(["probe", "missing.json", "x"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract probe: error: missing.json: no such file (write one with pytest "
        "--fox-report)\n"
    )
    with open("old.json", "w") as handle:
        json.dump({"mini": {"requests": 1, "rules": {}}}, handle)
    assert cli.main(["probe", "old.json", "x"]) == 2
    assert capsys.readouterr().err == (
        'foxcontract probe: error: old.json: not a foxcontract report (no "format": '
        '"foxcontract-report")\n'
    )
    probe = {"nodeid": "c.yaml::rule-a[1]", "contract": "c", "probe": "rule-a[1]"}
    with open("r.json", "w") as handle:
        json.dump({"format": "foxcontract-report", "version": 2, "probes": [probe]}, handle)
    assert cli.main(["probe", "r.json", "rule-a[2]"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract probe: error: no probe 'rule-a[2]' in r.json (1 probes); did you mean "
        "c::rule-a[1]?\n"
    )


def test_the_report_merges_xdist_workers(project: pytest.Pytester, fake: FakeAPI) -> None:
    url = fake.base_url  # type: ignore[attr-defined]
    result = project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", url, "-p", "no:cacheprovider",
        "-m", "fox_live", "-n", "2", "-k", "lite-no-4k or auth", "--fox-report", "r.json",
        "--fox-require-coverage",
    )  # fmt: skip
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    doc = json.loads(project.path.joinpath("r.json").read_text())
    assert schema_problems(doc) == []
    sent = len(fake.calls)
    assert len(doc["probes"]) == outcomes["passed"] == sent
    assert doc["run"]["outcomes"] == {"passed": sent}
    assert [c["name"] for c in doc["run"]["contracts"]] == ["tasks-get", "videos-generations"]
    assert doc["coverage"]["videos-generations"]["rules"]["lite-no-4k"]["provider"] == {
        "422": len(_lite_4k(fake))
    }
    # the gate counts a rule probed live as reached; the others were not
    assert result.ret == 1
    assert {"contract": "videos-generations", "rule": "lite-no-4k"} not in [
        {"contract": u["contract"], "rule": u["rule"]} for u in doc["unreached"]
    ]
    result.stdout.fnmatch_lines(["foxcontract: --fox-require-coverage: * rule(s) reached by*"])


def test_disproved_assumptions_apart_from_documented_drift(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(mutations=Mutations(answer_rules={"body.type": "malformed_request"}))
    url = fake.base_url  # type: ignore[attr-defined]
    result = project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", url, "-p", "no:cacheprovider",
        "-m", "fox_live", "-k", "body.type and rule", "--fox-report", "r.json",
        "--fox-summary", "s.md",
    )  # fmt: skip
    n = result.parseoutcomes()["passed"]
    assert result.ret == 0
    doc = json.loads(project.path.joinpath("r.json").read_text())
    assert schema_problems(doc) == []
    assert doc["run"]["verdict"] == "passed"
    assert {(d["settled"], d["provenance"]) for d in doc["drift"]} == {("disproved", "assumed")}
    assert len(doc["drift"]) == n
    first = doc["drift"][0]
    assert first["fact"].startswith("assumed: stance 6: ")
    assert first["adopt"].endswith(
        ': under settings:, add answers: {"body.type": "malformed_request"}'
    )
    lines = project.path.joinpath("s.md").read_text().splitlines()
    assert lines[0] == "# foxcontract: PASSED"
    assert lines[4] == (
        f"- 0 probe(s) with drift, {n} with an assumption disproved, 0 with known drift "
        f"(baseline), of {n} live item(s)"
    )
    assert "### Documented facts broken (these fail the run)" not in lines
    title = lines.index(
        "### Assumptions of the contract disproved (failing only under --fox-strict)"
    )
    assert lines[title + 2] == (
        "| contract | probe | rule | the contract expects | the provider answered | problem "
        "| adopt |"
    )
    adopt = first["adopt"].replace("|", "\\|")
    assert lines[title + 4] == (
        "| videos-generations | rule-body.type[1] | body.type | 422 validation type "
        "invalid_request_error | 400 (type 'invalid_request_error') | status: expected 422 "
        "validation type invalid_request_error, got 400 type invalid_request_error code None "
        f"| {adopt} |"
    )
    assert len([line for line in lines if line.startswith("| videos-generations | rule-")]) == n
