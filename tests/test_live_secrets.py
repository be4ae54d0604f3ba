"""The key never leaves the process: a record run with a canary key, against a fake that
even echoes the key back in its error messages, and a scan of everything the run wrote."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from served_fake import served

from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig, Fault, Mutations
from foxcontract.fake.wire import FakeRequest, FakeResponse

# a record run in a pytester subprocess
pytestmark = pytest.mark.slow

CANARY = "sk-canary-7f3a9b2c41d0e8aa"


class EchoingAPI(FakeAPI):
    """A careless provider: every 422 quotes the Authorization header it was sent."""

    def handle(self, request: FakeRequest) -> FakeResponse:
        response = super().handle(request)
        if response.status == 422:
            shown = request.headers.get("authorization", "")
            error = {**response.body["error"], "message": f"bad request from {shown}"}
            return FakeResponse(422, {"error": error}, response.headers)
        return response


@pytest.fixture
def fake() -> Iterator[FakeAPI]:
    api = EchoingAPI(
        FakeConfig(
            key=CANARY,
            # a drift (so failure messages are written) and a retried fault
            mutations=Mutations(accept_rules=frozenset({"lite-no-4k"})),
            faults=(Fault(kind="rate_limit", times=2, retry_after=0),),
        )
    )
    with served(api) as served_api:
        yield served_api


def test_a_record_run_writes_the_key_nowhere(
    pytester: pytest.Pytester, fake: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = pytester.mkdir("contracts")
    for path in shipped_contracts_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("FOXAPI_API_KEY", CANARY)
    scratch = pytester.mkdir("tmp")  # the run directory goes here, and must be gone at the end
    monkeypatch.setenv("TMPDIR", str(scratch))
    result = pytester.runpytest_subprocess(
        "contracts", "--fox-mode", "record", "--fox-base-url", fake.base_url,  # type: ignore[attr-defined]
        "--fox-budget", "2", "--fox-wait", "0.1", "--fox-report", "report.json",
        "--junitxml", "junit.xml", "-rA", "-l", "--tb=long", "-v", "-m", "fox_live",
        "-p", "no:cacheprovider",
    )  # fmt: skip
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 1  # the drift is reported ...
    result.stdout.fnmatch_lines(["DRIFT videos-generations::rule-lite-no-4k[[]1]"])
    written = [
        pytester.path / "junit.xml",
        pytester.path / "report.json",
        folder / "cassettes" / "videos-generations.live.yaml",
        folder / "cassettes" / "tasks-get.live.yaml",
        folder / "cassettes" / "__snapshots__" / "videos-generations.live.ambr",
        folder / "cassettes" / "__snapshots__" / "tasks-get.live.ambr",
    ]
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in written:
        assert path.is_file(), path
        outputs[path.name] = path.read_text(encoding="utf-8")
    every_file = [p for p in pytester.path.rglob("*") if p.is_file()]
    for path in every_file:
        outputs.setdefault(str(path), path.read_text(encoding="utf-8", errors="replace"))
    for name, text in outputs.items():
        assert CANARY not in text, f"the key leaked into {name}"
        assert CANARY[3:] not in text, f"part of the key leaked into {name}"
    cassette = outputs["videos-generations.live.yaml"]
    assert "authorization: Bearer <redacted>" in cassette
    assert "message: bad request from Bearer <redacted>" in cassette  # the echo, scrubbed
    assert len(every_file) >= len(written)
    assert not list(scratch.glob("foxcontract-live-*"))
