"""Results a CI pipeline can use, offline: the versioned JSON report and its shipped schema,
the Markdown summary, the coverage gate and the JUnit properties of each item."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET

import pytest
from helpers.mini import write_mini

from foxcontract._run_report import report_schema, schema_problems

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _no_job_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_the_report_of_a_replay_run_validates_and_keeps_the_tally(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)  # so the profile is the local one
    write_mini(pytester)
    result = pytester.runpytest("--fox-report", "out/report.json", "--hypothesis-seed", "7")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["foxcontract: report written to out/report.json"])
    doc = json.loads(pytester.path.joinpath("out/report.json").read_text())
    assert schema_problems(doc) == []
    assert doc["format"] == "foxcontract-report"
    assert doc["version"] == 2
    run = doc["run"]
    assert (run["mode"], run["base_url"], run["seed"]) == ("replay", None, 7)
    assert run["hypothesis_profile"] == "foxcontract-dev"
    assert run["verdict"] == "passed"
    assert run["outcomes"] == {"passed": 20}
    assert run["contracts"][0]["name"] == "mini"
    assert len(run["contracts"][0]["sha256"]) == 64
    assert doc["budget"] is None
    assert (doc["probes"], doc["drift"], doc["unreached"]) == ([], [], [])
    rule = doc["coverage"]["mini"]["rules"]["small-size-1"]
    assert rule["line"] == "mini.yaml:23"
    assert rule["accepted"] > 0
    assert rule["violated"] > 0
    assert rule["provider"] == {"422": 1}


def test_the_schema_refuses_what_a_reader_would_misread() -> None:
    assert report_schema()["properties"]["version"] == {
        "const": 2,
        "description": "Bumped on any change a reader of an older version would misread.",
    }
    problems = schema_problems({"format": "foxcontract-report", "version": 1})
    assert problems == [
        "(top): 'run' is a required property",
        "(top): 'budget' is a required property",
        "(top): 'coverage' is a required property",
        "(top): 'unreached' is a required property",
        "(top): 'probes' is a required property",
        "(top): 'drift' is a required property",
        "version: 2 was expected",
    ]


def test_an_unreached_rule_fails_the_run_under_the_gate(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest(
        "-k", "model.required and violated", "--fox-require-coverage", "--fox-report", "r.json"
    )
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "foxcontract: RULE NOT REACHED: mini small-size-1 (mini.yaml:23)",
            "*",
            "foxcontract: --fox-require-coverage: 3 rule(s) reached by no case and no probe: "
            "mini model.type (mini.yaml:14), mini model.enum (mini.yaml:15), "
            "mini small-size-1 (mini.yaml:23)",
            "foxcontract: report written to r.json",
        ]
    )
    doc = json.loads(pytester.path.joinpath("r.json").read_text())
    assert doc["run"]["verdict"] == "failed"
    assert doc["run"]["exit_status"] == 1
    assert {"contract": "mini", "rule": "small-size-1", "line": "mini.yaml:23"} in doc["unreached"]


def test_the_gate_from_the_ini_file_and_a_run_that_reaches_every_rule(
    pytester: pytest.Pytester,
) -> None:
    write_mini(pytester)
    pytester.makeini("[pytest]\nfox_require_coverage = true\n")
    assert pytester.runpytest().ret == 0
    assert pytester.runpytest("-k", "model.required and violated").ret == 1


def test_a_bad_gate_value_in_the_ini_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.makeini("[pytest]\nfox_require_coverage = maybe\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: ini fox_require_coverage: invalid value 'maybe': use true or false"]
    )


def test_the_summary_of_a_replay_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_mini(pytester)
    job = pytester.path / "job-summary.md"
    job.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(job))
    result = pytester.runpytest("-k", "model.required and violated", "--fox-summary", "s.md")
    result.assert_outcomes(passed=1, deselected=19)
    result.stdout.fnmatch_lines(["foxcontract: summary written to s.md"])
    text = pytester.path.joinpath("s.md").read_text()
    pytest.LineMatcher(text.splitlines()).fnmatch_lines(
        [
            "# foxcontract: PASSED",
            "",
            "replay run, foxcontract 0.1.0, *.* s: 1 passed.",
            "",
            "- 3 rule(s) reached by no case and no probe",
            "",
            "## Money",
            "",
            "Nothing spent: a replay run sends no request.",
            "",
            "## Unreached rules",
            "",
            "| contract | rule | where |",
            "| --- | --- | --- |",
            "| mini | model.type | mini.yaml:14 |",
            "| mini | model.enum | mini.yaml:15 |",
            "| mini | small-size-1 | mini.yaml:23 |",
            "",
            "## Rules",
            "",
            "| contract | rule | where | accepted | violated | the provider answered |",
            "| --- | --- | --- | ---: | ---: | --- |",
            "| mini | body.type | mini.yaml:9 | [1-9]* | 0 | - |",
            "| mini | model.required | mini.yaml:11 | 0 | [1-9]* | - |",
            "| mini | model.type | mini.yaml:14 | 0 | 0 | - |",
            "| mini | model.enum | mini.yaml:15 | 0 | 0 | - |",
            "| mini | size.type | mini.yaml:17 | [1-9]* | 0 | - |",
            "| mini | size.enum | mini.yaml:18 | [1-9]* | 0 | - |",
            "| mini | note.type | mini.yaml:21 | [1-9]* | 0 | - |",
            "| mini | small-size-1 | mini.yaml:23 | 0 | 0 | - |",
        ],
        consecutive=True,
    )
    # the job's own summary file is appended to, never rewritten
    assert job.read_text() == "earlier step\n\n" + text


def test_a_run_with_the_gate_says_why_in_the_summary(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    args = ["-k", "model.required and violated", "--fox-require-coverage"]
    assert pytester.runpytest(*args, "--fox-summary", "s.md").ret == 1
    lines = pytester.path.joinpath("s.md").read_text().splitlines()
    assert lines[:5] == [
        "# foxcontract: FAILED",
        "",
        lines[2],
        "",
        "- foxcontract: --fox-require-coverage: 3 rule(s) reached by no case and no probe: "
        "mini model.type (mini.yaml:14), mini model.enum (mini.yaml:15), "
        "mini small-size-1 (mini.yaml:23)",
    ]


def test_junit_properties_per_item(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.runpytest("-k", "small-size-1 or consistency", "--junitxml", "junit.xml")
    root = ET.parse(pytester.path / "junit.xml").getroot()
    props = {
        case.get("name"): [(p.get("name"), p.get("value")) for p in case.iter("property")]
        for case in root.iter("testcase")
    }
    assert props["small-size-1[violated]"] == [
        ("foxcontract.rule", "small-size-1"),
        ("foxcontract.contract", "mini.yaml:23"),
        ("foxcontract.kind", "violated"),
        ("foxcontract.cost", "free"),
    ]
    assert props["consistency"] == [
        ("foxcontract.contract", "mini.yaml:22"),
        ("foxcontract.kind", "consistency"),
        ("foxcontract.cost", "free"),
    ]


def test_an_unwritable_report_fails_the_run_saying_why(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.path.joinpath("taken").write_text("a file, not a folder\n")
    result = pytester.runpytest("-k", "consistency", "--fox-report", "taken/r.json")
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["foxcontract: --fox-report taken/r.json: not written: *"])
    assert pytester.path.joinpath("taken").read_text() == "a file, not a folder\n"


def test_a_curl_line_is_read_by_the_shell_as_the_request_sent() -> None:
    import shlex

    from foxcontract._probe_record import SentRequest, request_of
    from foxcontract.live.key import WRONG_KEY
    from foxcontract.redact import KEY_PATTERN

    body = {"prompt": 'it\'s a "quoted" $HOME `x` prompt'}
    sent = request_of(method="POST", base_url="http://127.0.0.1:9", path="/v1/x", body=body)
    words = shlex.split(sent.curl())
    assert words[words.index("--data-binary") + 1] == json.dumps(body)
    assert "Authorization: Bearer $FOXAPI_API_KEY" in words  # expanded by the shell, not here
    assert SentRequest.from_json(json.loads(json.dumps(sent.to_json()))) == sent

    wrong = request_of(method="GET", base_url="http://h", path="/t", auth="wrong", has_body=False)
    assert wrong.content() is None
    assert f"Authorization: Bearer {WRONG_KEY}" in shlex.split(wrong.curl())
    assert not KEY_PATTERN.search(wrong.curl())
    assert not KEY_PATTERN.search(json.dumps(wrong.to_json()))

    raw = b"\xff\xfe not utf-8"
    binary = request_of(method="POST", base_url="http://h", path="/v", raw=raw, auth="none")
    assert (binary.body, binary.content()) == (None, raw)
    feed, _, rest = binary.curl().partition(" | curl ")
    assert rest.startswith("-sS -X POST http://h/v ")
    assert rest.endswith(" --data-binary @-")
    made = subprocess.run(["bash", "-c", feed], capture_output=True, timeout=30, check=True)
    assert made.stdout == raw
    assert "Authorization" not in binary.curl()
    assert request_of(method="POST", base_url="http://h", path="/v").body == "null"


def test_a_run_without_contracts_writes_what_was_asked_and_no_job_summary(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_theirs="def test_one():\n    assert True\n")
    job = pytester.path / "job-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(job))
    assert pytester.runpytest().ret == 0
    assert not job.exists()
    result = pytester.runpytest("--fox-report", "r.json", "--fox-summary", "s.md")
    assert result.ret == 0
    assert not job.exists()
    doc = json.loads(pytester.path.joinpath("r.json").read_text())
    assert schema_problems(doc) == []
    assert (doc["coverage"], doc["run"]["outcomes"]) == ({}, {"passed": 1})
    assert pytester.path.joinpath("s.md").read_text().splitlines()[0] == "# foxcontract: PASSED"
    # their tests carry no foxcontract properties
    pytester.runpytest("--junitxml", "j.xml")
    assert "foxcontract." not in pytester.path.joinpath("j.xml").read_text()
