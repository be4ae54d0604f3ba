"""The proof that the provider side is data: a provider that is not FoxAPI (``acme_provider``:
``POST /api/jobs`` and ``GET /api/jobs/{job_id}``, the key in ``X-Acme-Key`` from
``ACME_TOKEN``, flat ``{kind, detail}`` error bodies, a 201 create, ``succeeded``/``errored``
terminal states) runs through the fake, the offline suite, ``fox_api`` and live mode against
its own served fake, from its contract files alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from acme_provider import KEY, KEY_ENV, write_acme
from served_fake import retries_conftest, served

from foxcontract.contract import Contract, load_contract
from foxcontract.fake import FakeAPI, FakeConfig, Mutations, TaskScript
from foxcontract.fake.wire import FakeRequest
from foxcontract.verdict import judge


def acme(folder: Path) -> tuple[Contract, Contract]:
    write_acme(folder)
    return load_contract(folder / "jobs-create.yaml"), load_contract(folder / "jobs-get.yaml")


def send(fake: FakeAPI, method: str, path: str, body: object = None, key: str = KEY) -> tuple:
    headers = {"x-acme-key": key, "content-type": "application/json"}
    raw = b"" if body is None else json.dumps(body).encode()
    response = fake.handle(FakeRequest(method, path, headers, raw))
    return response.status, response.body


def test_the_fake_answers_as_the_other_providers_contracts_say(tmp_path: Path) -> None:
    create, poll = acme(tmp_path)
    fake = FakeAPI(FakeConfig(key=KEY, seed=1), create=create, poll=poll, clock=lambda: 1800)
    job = {"scene": "a red cube", "frames": 24}
    status, body = send(fake, "POST", "/api/jobs", job)
    assert (status, body) == (
        201,
        {
            "job_id": "job_ieqh524yng",
            "state": "queued",
            "submitted_at": 1800,
            "scene": job["scene"],
        },
    )
    assert judge(create, status, body, job).ok
    polls = [send(fake, "GET", "/api/jobs/job_ieqh524yng") for _ in range(3)]
    assert [b["state"] for _, b in polls] == ["running", "succeeded", "succeeded"]
    assert polls[0][1]["output"] is None
    assert polls[1][1]["output"] == {
        "files": [{"href": "https://cdn.acme.example/job_ieqh524yng.mp4"}]
    }
    assert all(judge(poll, s, b).ok for s, b in polls)

    fake.script_task(TaskScript.failing("too_dark", "the scene is too dark"))
    _, body = send(fake, "POST", "/api/jobs", job)
    ended = [send(fake, "GET", f"/api/jobs/{body['job_id']}")[1] for _ in range(2)]
    assert [b["state"] for b in ended] == ["running", "errored"]
    assert ended[1]["failure"] == {"reason": "too_dark", "explanation": "the scene is too dark"}
    assert judge(poll, 200, ended[1]).ok

    assert send(fake, "POST", "/api/jobs", job, key="acme_wrongwrongwrong") == (
        403,
        {"detail": "invalid or missing API key", "kind": "no_such_token"},
    )
    assert send(fake, "GET", "/api/jobs/job_unknown") == (
        404,
        {"detail": "task not found", "kind": "no_such_job"},
    )
    too_long = {"scene": "a", "frames": 200, "quality": "final"}
    status, body = send(fake, "POST", "/api/jobs", too_long)
    assert (status, body["kind"]) == (400, "bad_job")
    assert judge(create, status, body, too_long).ok
    assert fake.calls[-1].violations[0].rule == "final-needs-short-scenes"


def test_a_bearer_token_is_not_the_other_providers_key(tmp_path: Path) -> None:
    create, poll = acme(tmp_path)
    fake = FakeAPI(FakeConfig(key=KEY), create=create, poll=poll)
    headers = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
    response = fake.handle(FakeRequest("POST", "/api/jobs", headers, b'{"scene":"a","frames":1}'))
    assert response.status == 403
    (violation,) = fake.calls[-1].violations
    assert (violation.rule, violation.field, violation.message) == (
        "request.auth",
        "X-Acme-Key",
        "X-Acme-Key: missing, or not '<the accepted key>'",
    )


def test_the_offline_suite_runs_the_other_providers_contracts(pytester: pytest.Pytester) -> None:
    write_acme(pytester.path / "contracts")
    result = pytester.runpytest("contracts", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=31)
    result.stdout.fnmatch_lines(
        [
            "jobs-create: * requests checked",
            "  final-needs-short-scenes  *",
            "  (no rule broken)                 0         0  201x1",
            "foxcontract: every rule was both accepted and violated",
        ]
    )


CLIENT_TESTS = """
import os

import httpx
import pytest


def render(scene, frames):
    base = os.environ["ACME_BASE_URL"]
    key = {"X-Acme-Key": os.environ["ACME_TOKEN"]}
    with httpx.Client(base_url=base, headers=key) as client:
        job = client.post("/api/jobs", json={"scene": scene, "frames": frames}).json()
        for _ in range(10):
            job = client.get(f"/api/jobs/{job['job_id']}").json()
            if job["state"] == "succeeded":
                return job["output"]["files"][0]["href"]
            if job["state"] == "errored":
                raise RuntimeError(job["failure"]["reason"])
    raise TimeoutError("still rendering")


def test_a_render_ends_with_a_file(fox_api):
    assert render("a red cube", 24).startswith("https://cdn.acme.example/job_")
    assert fox_api.requests("POST")[0].headers["x-acme-key"] == fox_api.key
    assert [c.response.status for c in fox_api.calls] == [201, 200, 200]


def test_a_failed_render_raises(fox_api):
    fox_api.fail_next_task("too_dark")
    with pytest.raises(RuntimeError, match="too_dark"):
        render("a red cube", 24)


def test_a_scene_too_long_breaks_the_contract(fox_api):
    render("a red cube", 500)


@pytest.mark.fox_api(key="acme_othervalidkey0")
def test_the_fixture_sets_the_providers_key_variable(fox_api):
    assert os.environ["ACME_TOKEN"] == fox_api.key == "acme_othervalidkey0"
    assert fox_api.base_url == "https://staging.acme.example"


def test_fox_server_serves_it_over_http_with_the_providers_variables(fox_server):
    assert os.environ["ACME_BASE_URL"] == fox_server.base_url
    assert os.environ["ACME_TOKEN"] == fox_server.key
    assert render("a blue sphere", 48).startswith("https://cdn.acme.example/job_")
    assert fox_server.paid == 1


@pytest.fixture
def no_base_url(monkeypatch):
    monkeypatch.delenv("ACME_BASE_URL")


def test_without_a_base_url_the_providers_own_is_used(no_base_url, fox_api):
    assert fox_api.base_url == "https://jobs.acme.example"
    fox_api.strict = False
    answer = httpx.get(fox_api.base_url + "/api/jobs/job_x")
    assert (answer.status_code, answer.json()["kind"]) == (403, "no_such_token")
"""


def test_fox_api_stands_in_for_the_other_provider(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_acme(pytester.path / "contracts")
    monkeypatch.setenv("ACME_BASE_URL", "https://staging.acme.example")
    pytester.makeini("[pytest]\nfox_contracts = contracts\n")
    pytester.makepyfile(test_client=CLIENT_TESTS)
    result = pytester.runpytest("test_client.py", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*ContractViolationError: Acme Jobs request breaks rule frames.maximum (field frames)",
            "E*  [[]frames.maximum] frames: 500 is more than the maximum 240",
            "E*Request sent:",
            "E*  POST https://staging.acme.example/api/jobs",
            "E*  content-type: application/json",
            "E*  x-acme-key: <redacted>",
            'E*  body: {"frames": 500, "scene": "a red cube"}',
            "E*The provider would answer 400 bad_job",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "your tests sent 11 requests to the fake Acme Jobs in 6 tests",
            "  answers your code was made to handle  seen",
            "  429 rate limited  * 0",
            "  402 out of credits  * 0",
            "  403 key refused  * 1",
            "  a failed task  * 1",
        ]
    )
    assert KEY not in result.stdout.str()


@pytest.fixture
def acme_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    write_acme(pytester.path / "contracts")
    # these runs count the creates spent: an attempt cut off after its create was sent is
    # charged (the ledger fails closed), so a loaded machine must not cut one off at 0.5 s
    pytester.makeconftest(retries_conftest(timeout=5.0))
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
    return pytester


ROOM_FOR_STANCES = 3
"""A budget one more than the two planned creates: the probes of the contract's stances on
fields go after every create and only while the budget has room (an accept is charged)."""


def _live(project: pytest.Pytester, fake: FakeAPI, *args: str, budget: int = 2) -> pytest.RunResult:
    url = fake.base_url  # type: ignore[attr-defined]
    return project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", url, "-p", "no:cacheprovider",
        "-m", "fox_live", "--fox-budget", str(budget), "--fox-wait", "10", *args,
    )  # fmt: skip


def test_live_mode_probes_the_other_providers_served_fake(
    acme_project: pytest.Pytester, tmp_path: Path
) -> None:
    create, poll = acme(tmp_path)
    with served(FakeAPI(FakeConfig(key=KEY), create=create, poll=poll)) as fake:
        result = _live(acme_project, fake, budget=ROOM_FOR_STANCES)
        calls = fake.calls
    outcomes = result.parseoutcomes()
    assert "failed" not in outcomes
    assert outcomes["deselected"] == 31
    result.stdout.fnmatch_lines(
        [
            "foxcontract live plan against http://127.0.0.1:*: budget 3 paid create(s)",
            "*paid creates: 2 of budget 3 spent",
            "*tasks: 2 followed, 2 ended and stayed ended*",
            "*, 0 disagree with the contract; 11 rule(s) probed, 0 with drift",
            "  jobs-create auth-missing-key * 403 denied type no_such_token * 403x1 ok",
            "  jobs-create auth-wrong-key * 403 denied type no_such_token * 403x1 ok",
            "  jobs-create malformed-json * 400 unreadable type unreadable_body * 400x1 ok",
            "  jobs-create paid creates * 2xx: an allowed body is accepted * 201x2 ok",
            "  jobs-get lifecycle * a terminal state (succeeded, errored) within --fox-wait 10s, "
            "kept once more * 200x2 ok",
        ]
    )
    keyed = [c for c in calls if c.request.headers.get("x-acme-key") == KEY]
    assert len(keyed) >= 2 * 3  # two creates and their polls, at least, carried the key
    assert not any("authorization" in c.request.headers for c in calls)
    assert [c.response.status for c in calls if c.request.method == "POST"].count(201) == 2


def test_live_mode_reports_a_succeeded_job_without_its_files(
    acme_project: pytest.Pytester, tmp_path: Path
) -> None:
    create, poll = acme(tmp_path)
    broken = FakeConfig(key=KEY, mutations=Mutations(patch_task={"output": None}))
    with served(FakeAPI(broken, create=create, poll=poll)) as fake:
        result = _live(acme_project, fake, budget=1)
    result.stdout.fnmatch_lines(
        [
            "*jobs-create::lifecycle[[]paid-01]: the task's lifecycle disagrees with the contract",
            "  lifecycle: poll 2: a succeeded task has no output.files",
        ]
    )
    assert result.parseoutcomes()["failed"] == 1


def test_live_mode_asks_for_the_other_providers_key(
    acme_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv("FOXAPI_API_KEY", "sk-not-this-providers-key")
    result = acme_project.runpytest("contracts", "--fox-mode", "live", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --fox-mode live sends real requests and needs the API key in the "
            "environment variable ACME_TOKEN (never on the command line); nothing was sent"
        ]
    )


def test_record_mode_files_the_other_providers_answers_by_route_and_replay_reads_them(
    acme_project: pytest.Pytester, tmp_path: Path
) -> None:
    create, poll = acme(tmp_path)
    with served(FakeAPI(FakeConfig(key=KEY), create=create, poll=poll)) as fake:
        recorded = acme_project.runpytest(
            "contracts", "--fox-mode", "record", "--fox-base-url", fake.base_url,  # type: ignore[attr-defined]
            "-p", "no:cacheprovider", "-m", "fox_live", "--fox-budget", "1", "--fox-wait", "10",
        )  # fmt: skip
    assert "failed" not in recorded.parseoutcomes()
    cassettes = acme_project.path / "contracts" / "cassettes"
    polls = (cassettes / "jobs-get.live.yaml").read_text(encoding="utf-8")
    creates = (cassettes / "jobs-create.live.yaml").read_text(encoding="utf-8")
    # the polls are filed under the poll endpoint, whatever their method
    assert polls.count("  - name: paid-01-poll-") == 3
    assert "  - name: paid-01\n" in creates
    assert "paid-01-poll" not in creates
    assert "        x-acme-key: <redacted>\n" in polls
    assert KEY not in polls + creates
    assert "authorization" not in polls + creates
    replayed = acme_project.runpytest("contracts", "-p", "no:cacheprovider")
    outcomes = replayed.parseoutcomes()
    assert "failed" not in outcomes
    assert outcomes["passed"] > 31  # the offline suite, and every recorded interaction
    replayed.stdout.fnmatch_lines(["foxcontract: every rule was both accepted and violated"])


def test_the_export_describes_the_other_provider(tmp_path: Path) -> None:
    import subprocess
    import sys

    from foxcontract.export import openapi_document

    create, poll = acme(tmp_path)
    document = openapi_document([create, poll])
    # validated in a process of its own: in this one, after an in-process record run, the
    # validator's reading of its own bundled schema was seen to fail (not diagnosed)
    check = (
        "import json, sys; from openapi_spec_validator import validate; "
        "validate(json.load(sys.stdin))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], input=json.dumps(document), capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert document["info"]["title"] == "Acme Jobs (from foxcontract contracts)"
    assert document["servers"] == [{"url": "https://jobs.acme.example"}]
    assert document["components"]["securitySchemes"] == {
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Acme-Key"}
    }
    op = document["paths"]["/api/jobs"]["post"]
    assert op["security"] == [{"apiKey": []}]
    assert op["responses"]["201"]["links"] == {
        "JobsGet": {
            "operationId": "jobs-get",
            "parameters": {"job_id": "$response.body#/job_id"},
            "description": "poll the created task with GET /api/jobs/{job_id}",
        }
    }
    assert op["responses"]["403"]["content"]["application/json"]["schema"] == {
        "allOf": [{"$ref": "#/components/schemas/Error"}],
        "properties": {"kind": {"const": "no_such_token"}},
    }


def test_the_served_fake_command_serves_the_other_provider(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import httpx

    write_acme(tmp_path / "contracts")
    env = {"PATH": "", KEY_ENV: KEY, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "foxcontract", "serve", "--contracts", str(tmp_path / "contracts"),
         "--port", "0", "--max-seconds", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("fake Acme Jobs listening on http://127.0.0.1:")
        base = line.split()[5]
        job = {"scene": "a red cube", "frames": 24}
        created = httpx.post(f"{base}/api/jobs", json=job, headers={"X-Acme-Key": KEY}, timeout=5)
        assert (created.status_code, created.json()["state"]) == (201, "queued")
        refused = httpx.post(f"{base}/api/jobs", json=job, timeout=5)
        assert (refused.status_code, refused.json()) == (
            403,
            {"detail": "invalid or missing API key", "kind": "no_such_token"},
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_failing_probe_of_the_other_provider_is_sent_again_with_its_key_header(
    acme_project: pytest.Pytester,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from foxcontract import cli

    create, poll = acme(tmp_path)
    lenient = FakeConfig(key=KEY, mutations=Mutations(accept_rules=frozenset({"frames.maximum"})))
    with served(FakeAPI(lenient, create=create, poll=poll)) as fake:
        result = _live(
            acme_project, fake, "--fox-report", "r.json", "--fox-strict", budget=ROOM_FOR_STANCES
        )
        result.stdout.fnmatch_lines(["ASSUMPTION DISPROVED jobs-create::rule-frames.maximum[[]1]"])
        assert result.parseoutcomes()["failed"] == 1
        report = json.loads((acme_project.path / "r.json").read_text(encoding="utf-8"))
        probes = {p["probe"]: p for p in report["probes"]}
        sent = probes["rule-frames.maximum[1]"]
        assert sent["request"]["headers"]["X-Acme-Key"] == "$ACME_TOKEN"
        assert "Authorization" not in sent["request"]["headers"]
        assert '-H "X-Acme-Key: $ACME_TOKEN"' in sent["curl"]
        assert probes["auth-wrong-key"]["request"]["headers"]["X-Acme-Key"] == (
            "$FOXCONTRACT_WRONG_KEY"
        )
        monkeypatch.chdir(acme_project.path)
        capsys.readouterr()
        assert cli.main(["probe", "r.json", "jobs-create::rule-frames.maximum[1]"]) == 1
        out = capsys.readouterr().out
        again = fake.calls[-1].request
    assert again.headers["x-acme-key"] == KEY
    assert KEY not in out
    assert "reproduced: jobs-create::rule-frames.maximum[1]: the provider still disagrees" in out
    assert "  status: expected 400 invalid, got 201" in out.splitlines()


def test_the_plan_names_the_other_providers_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from foxcontract import cli

    write_acme(tmp_path / "contracts")
    monkeypatch.delenv("ACME_BASE_URL", raising=False)
    assert cli.main(["plan", str(tmp_path / "contracts"), "--budget", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert (
        first == "foxcontract live plan against https://jobs.acme.example: budget 1 paid create(s)"
    )
    monkeypatch.setenv("ACME_BASE_URL", "https://staging.acme.example")
    assert cli.main(["plan", str(tmp_path / "contracts")]) == 0
    assert capsys.readouterr().out.startswith(
        "foxcontract live plan against https://staging.acme.example: budget 0"
    )


def test_without_documented_answers_the_fake_answers_from_the_schemas(tmp_path: Path) -> None:
    write_acme(tmp_path)
    for name in ("jobs-create.yaml", "jobs-get.yaml"):  # the examples are the files' ends
        text = (tmp_path / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.split("\nexamples:")[0] + "\n", encoding="utf-8")
    create = load_contract(tmp_path / "jobs-create.yaml")
    poll = load_contract(tmp_path / "jobs-get.yaml")
    assert create.examples == ()
    assert poll.examples == ()
    fake = FakeAPI(FakeConfig(key=KEY, seed=1), create=create, poll=poll, clock=lambda: 1800)
    job = {"scene": "a red cube", "frames": 24}
    status, created = send(fake, "POST", "/api/jobs", job)
    assert (status, created) == (
        201,
        {
            "job_id": "job_ieqh524yng",
            "state": "queued",
            "submitted_at": 1800,
            "scene": "a red cube",
        },
    )
    answers = [send(fake, "GET", "/api/jobs/job_ieqh524yng")[1] for _ in range(2)]
    assert answers == [
        {"job_id": "job_ieqh524yng", "state": "running", "submitted_at": 1800,
         "scene": "a red cube", "output": None, "failure": None},
        {"job_id": "job_ieqh524yng", "state": "succeeded", "submitted_at": 1800,
         "scene": "a red cube",
         "output": {"files": [{"href": "https://fake.invalid/results/job_ieqh524yng"}]},
         "failure": None},
    ]  # fmt: skip
    assert all(judge(poll, 200, body).ok for body in answers)
