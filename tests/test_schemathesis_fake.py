"""A peer tool's view: Schemathesis, given only the exported OpenAPI document, finds no
failure on the contract-faithful fake served on loopback.

About a minute, so marked slow, and skipped where Schemathesis 4 is not installed: ``tox -e
schemathesis`` installs it and sets ``FOXCONTRACT_SCHEMATHESIS=1``, which turns a missing
install into a failure. Bounded by examples per operation, a time budget and a subprocess
timeout.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from foxcontract import cli
from foxcontract.fake import FakeAPI, FakeConfig, FakeServer, Mutations

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("schemathesis") is None
        and os.environ.get("FOXCONTRACT_SCHEMATHESIS") != "1",
        reason="Schemathesis is not installed: run tox -e schemathesis",
    ),
]

KEY = "sk-foxcontract-schemathesis"
MAX_EXAMPLES = 25
MAX_SECONDS = 60
# The contracts say nothing about methods they do not declare (nor does the API
# documentation), so what the fake answers a TRACE or a PUT is not a contract matter: the
# coverage phase is told to send none. Every other check runs.
CONFIG = """\
[phases.coverage]
unexpected-methods = []
"""
RUN = (
    "import sys; from schemathesis.cli import schemathesis; "
    "sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())"
)


@pytest.fixture
def document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "openapi.json"
    assert cli.main(["export", "openapi", "--out", str(path)]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer(FakeAPI(FakeConfig(key=KEY))) as server:
        yield server


def schemathesis(
    document: Path, base_url: str, tmp_path: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    argv = [
        *("--config-file", str(config)),
        *("run", str(document), "--url", base_url),
        *("--header", f"Authorization: Bearer {KEY}"),
        *("--checks", "all"),
        *("--max-examples", str(MAX_EXAMPLES), "--max-time", str(MAX_SECONDS)),
        *("--workers", "1", "--seed", "20261124", "--request-timeout", "10"),
        *("--generation-database", "none", "--no-color"),
        *("--report", "junit", "--report-dir", str(tmp_path / "report")),
        *extra,
    ]
    return subprocess.run(
        [sys.executable, "-c", RUN, *argv],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS * 3 + 60,
        check=False,
        cwd=tmp_path,
    )


def test_schemathesis_finds_no_failure_on_the_fake(
    document: Path, fake: FakeServer, tmp_path: Path
) -> None:
    done = schemathesis(document, fake.base_url, tmp_path)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-6000:]
    # every phase that has something to run did run, the link-driven stateful one included
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, report[-3000:]
    assert "Tested: 2" in report
    # the stateful phase followed the link from the created task to its poll
    assert "API Links:    1 covered / 1 selected / 1 total" in report, report[-3000:]
    # the fake saw contract-valid creates and polls of the tasks they created
    calls = fake.fake.calls
    assert any(c.request.method == "POST" and c.response.status == 200 for c in calls)
    assert any(c.request.method == "GET" and c.response.status == 200 for c in calls)


def test_schemathesis_does_catch_a_fake_that_breaks_the_contract(
    document: Path, tmp_path: Path
) -> None:
    """The run above can fail: a task with progress 101 breaks the exported response schema."""
    broken = FakeConfig(key=KEY, mutations=Mutations(patch_task={"progress": 101}))
    with FakeServer(FakeAPI(broken)) as server:
        done = schemathesis(document, server.base_url, tmp_path, "--phases", "examples")
    report = done.stdout + done.stderr
    assert done.returncode == 1, report[-3000:]
    assert "ST108 Response violates schema: 1" in report, report[-3000:]
