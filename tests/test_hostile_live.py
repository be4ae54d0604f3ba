"""Live mode against a hostile provider on loopback (see ``hostile_server``): every mode ends
in bounded time, with a message naming what the server did, and the canary key appears in no
output stream, JUnit XML, log or file under the test's folder, even under ``-l`` (locals in
tracebacks) and ``--log-level=DEBUG`` (httpx and httpcore log every header they receive)."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hostile_server import hostile_server
from served_fake import retries_conftest

from foxcontract.contract import shipped_contracts_dir

# live runs against a misbehaving server, some to their deadlines
pytestmark = pytest.mark.slow

CANARY = "sk-canary-7f3a9b2c41d0e8aa"

# Short limits, set the way a user's conftest can: one attempt at most 3 s (a drip of one
# byte every 2 s never lets a read time out by itself), a request at most 3.5 s.
CONFTEST = retries_conftest(timeout=3.0, total=3.5)


@pytest.fixture
def project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> pytest.Pytester:
    folder = pytester.mkdir("contracts")
    for path in shipped_contracts_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    pytester.makeconftest(CONFTEST)
    monkeypatch.setenv("FOXAPI_API_KEY", CANARY)
    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    # the run directory too is made under the test's folder, so the scan below covers it
    monkeypatch.setattr(tempfile, "tempdir", str(pytester.mkdir("tmp")))
    return pytester


# A run that ends is what these tests prove; how long each request took is read from the
# messages (the client's own clock, against the limits above), not from the wall time of the
# whole pytest run, which a loaded machine stretches. This only catches a run gone astray.
ASTRAY = 300.0
ATTEMPTS = re.compile(r"after (\d+) attempt\(s\) in ([0-9.]+)s")


def hostile_run(
    project: pytest.Pytester, base_url: str, *args: str
) -> tuple[pytest.RunResult, float]:
    """A live run with every output on (``-l``, DEBUG logs, JUnit XML, ``-rA``), checked for
    the key; returns the result and its wall time."""
    began = time.monotonic()
    result = project.runpytest(
        "contracts", "--fox-mode", "live", "--fox-base-url", base_url, "-p", "no:cacheprovider",
        "-m", "fox_live", "-l", "--tb=long", "-rA", "--log-level=DEBUG",
        "--log-file=run.log", "--log-file-level=DEBUG", "--junitxml=junit.xml", *args,
    )  # fmt: skip
    took = time.monotonic() - began
    assert took < ASTRAY, f"the run took {took:.1f}s"
    assert_no_key(project.path, result)
    return result, took


def request_seconds(result: pytest.RunResult) -> list[float]:
    """The seconds each failed request took, as its message reports them; each must be within
    the request's limit (3.5 s, CONFTEST), and at least one must be reported."""
    seconds = [float(s) for _, s in ATTEMPTS.findall(result.stdout.str())]
    assert seconds, "no request reported its attempts"
    assert max(seconds) <= 3.5 + 0.1, seconds
    return seconds


def assert_no_key(root: Path, result: pytest.RunResult) -> None:
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        outputs[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    assert (root / "junit.xml") in files
    assert (root / "run.log") in files
    for name, text in outputs.items():
        assert CANARY not in text, f"the key leaked into {name}"
        assert CANARY[3:] not in text, f"part of the key leaked into {name}"
        assert CANARY.replace("-", "\\u002d") not in text, f"the escaped key is in {name}"


def test_an_echoed_key_is_redacted_in_body_header_reason_and_logs(
    project: pytest.Pytester,
) -> None:
    with hostile_server("echo-key", CANARY) as server:
        result, _ = hostile_run(
            project,
            server.base_url,
            "--fox-budget",
            "2",
            "--fox-wait",
            "0.1",
            "--fox-strict",  # the code it replaces is an assumption: fail on it, to see it
        )
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] > 50
    assert outcomes["failed"] >= 1  # the echo replaced an error code the contract expects
    result.stdout.fnmatch_lines(
        [
            "*: the provider disagrees with the contract",
            "  got:      422 (type 'invalid_request_error', code 'Bearer <redacted>')",
            "*= foxcontract live: drift report =*",
            "DRIFT videos-generations::rule-*",
            "    provider: 422 (type 'invalid_request_error', code 'Bearer <redacted>')",
        ]
    )
    log = (project.path / "run.log").read_text()
    # the reason phrase and the echoing header, in httpx's and httpcore's own lines
    assert '"HTTP/1.1 422 Unprocessable Entity Bearer <redacted>"' in log
    assert "(b'X-Echo', b'Bearer <redacted>')" in log
    assert server.requests > 50


def test_a_record_run_against_an_echoing_server_writes_cassettes_without_the_key(
    project: pytest.Pytester,
) -> None:
    with hostile_server("echo-key", CANARY) as server:
        result, _ = hostile_run(
            project, server.base_url, "--fox-mode", "record", "--fox-budget", "1"
        )
    result.stdout.fnmatch_lines(["recorded (redacted): contracts/cassettes/*.live.yaml"])
    cassette = project.path / "contracts" / "cassettes" / "videos-generations.live.yaml"
    assert "echo: Bearer <redacted>" in cassette.read_text()  # scanned by hostile_run too


def test_an_answer_that_drips_ends_at_the_attempt_deadline(project: pytest.Pytester) -> None:
    with hostile_server("drip", CANARY, interval=2.0) as server:
        result, took = hostile_run(project, server.base_url)
    result.stdout.fnmatch_lines(
        [
            "*: no answer from the provider",
            "  * HTTP * then the body was still arriving when the attempt's time ran out "
            "(* byte(s) in *s); no complete answer after 2 attempt(s) in *s "
            "(retry limits: 6 attempts, 3.5s)",
        ]
    )
    result.stdout.fnmatch_lines(["*not sent: the provider gave no answer to 2 probes in a row*"])
    assert result.parseoutcomes().get("passed", 0) == 0
    assert took >= 3.5  # a request ran to its deadline (then the rest fail at once)
    assert max(request_seconds(result)) >= 3.0  # and no further: request_seconds checks that


def test_headers_that_drip_end_at_the_attempt_deadline(project: pytest.Pytester) -> None:
    with hostile_server("drip-headers", CANARY, interval=2.0) as server:
        result, _ = hostile_run(project, server.base_url)
    result.stdout.fnmatch_lines(
        [
            "*: no answer from the provider",
            "  * no answer after 2 attempt(s) in *s (retry limits: 6 attempts, 3.5s); "
            "last: ambiguous: timed out (ReadTimeout): no status line and headers within *s",
        ]
    )
    request_seconds(result)


@pytest.mark.parametrize(
    ("mode", "how"),
    [
        ("huge", "Content-Length 67108864; nothing read"),
        ("huge-undeclared", "stopped reading after * bytes"),
    ],
)
def test_a_huge_answer_is_refused_at_the_size_limit(
    project: pytest.Pytester, mode: str, how: str
) -> None:
    with hostile_server(mode, CANARY) as server:
        result, _ = hostile_run(project, server.base_url, "--fox-max-answer-bytes", "1048576")
    result.stdout.fnmatch_lines(
        [
            "*: no answer from the provider",
            "  * HTTP 200 OK: the answer is larger than the limit of 1048576 bytes "
            f"(--fox-max-answer-bytes): {how}",
        ]
    )


def test_the_size_limit_is_an_ini_setting_too(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nfox_max_answer_bytes = 0\n")
    result = project.runpytest("contracts", "--fox-mode", "live", "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(
        ["*ini fox_max_answer_bytes: invalid value '0': must be 1 or more, got 0"]
    )


def test_an_answer_that_is_not_json_is_named(project: pytest.Pytester) -> None:
    with hostile_server("invalid-json", CANARY) as server:
        result, _ = hostile_run(project, server.base_url)
    result.stdout.fnmatch_lines(
        [
            "*: no answer from the provider",
            "  * HTTP 200 OK: the answer is not JSON (Content-Type text/html; charset=utf-8, "
            "* bytes): '<html><body><h1>Welcome</h1><p>you sent Bearer <redacted></p>*",
        ]
    )
    assert "is not of type 'object'" not in result.stdout.str()


@pytest.mark.parametrize("mode", ["retry-after-overflow", "retry-after-far"])
def test_a_far_future_retry_after_is_capped_and_named(project: pytest.Pytester, mode: str) -> None:
    with hostile_server(mode, CANARY) as server:
        result, _ = hostile_run(project, server.base_url)
    result.stdout.fnmatch_lines(
        [
            "*: no answer from the provider",
            "  * HTTP 429, Retry-After * GMT after 6 attempt(s) in *s (retry limits: 6 "
            """attempts, 3.5s); last body: '{"error": {"message": "slow down", *}}'""",
        ]
    )
    # six attempts, each wait capped at 0.05 s (CONFTEST), where the header asked for years
    assert max(request_seconds(result)) < 3.0
    text = result.stdout.str()
    assert "OverflowError" not in text
    assert "Traceback" not in text


def test_a_task_stuck_in_processing_ends_in_bounded_time(project: pytest.Pytester) -> None:
    # The polling ends at the run's deadline, nothing hangs, nothing leaks, and the task that
    # never finished fails the run, named with its last status and the seconds waited.
    with hostile_server("stuck-task", CANARY) as server:
        result, _ = hostile_run(project, server.base_url, "--fox-budget", "1", "--fox-wait", "1")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "  stuck: task task-unified-* still 'processing' after 1.*s (--fox-wait 1): not in "
            "a terminal state (completed, failed) when the run's deadline ended",
            "paid creates: 1 of budget 1 spent*",
        ]
    )
    assert server.fake.paid == 1


def test_a_base_url_where_nothing_listens_stops_the_run_after_two_probes(
    project: pytest.Pytester,
) -> None:
    import socket

    with socket.socket() as s:  # a loopback port that was free a moment ago: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result, _ = hostile_run(project, f"http://127.0.0.1:{port}", "--fox-budget", "2")
    result.stdout.fnmatch_lines(
        [
            "*::*: no answer from the provider",
            "  * no answer after * attempt(s) in *s (retry limits: 6 attempts, 3.5s); last: "
            "connection failed (*",
            "*: not sent: the provider gave no answer to 2 probes in a row; the first: *",
            "paid creates: 0 of budget 2 spent",
            "no live probe got an answer from the provider",
            f"! foxcontract: live run stopped: the provider gave no answer to 2 probes in a row "
            f"(http://127.0.0.1:{port}); nothing more was sent !",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert result.parseoutcomes()["failed"] == 3  # two unanswered, the third stops the run
    request_seconds(result)
