"""The fake served on loopback over real HTTP, and the ``serve`` command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, FakeServer
from foxcontract.verdict import judge

GOOD = {
    "model": "veo-3.1-lite-image-to-video",
    "prompt": "a fox",
    "image_url": "https://example.com/fox.jpg",
    "resolution": "720p",
    "duration": 4,
}
AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
SERVE = (sys.executable, "-m", "foxcontract", "serve", "--port", "0")
"""``foxcontract serve`` on a free port, as a user starts it."""


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY))) as served:
        yield served


def test_the_served_fake_answers_as_the_contract_says(server: FakeServer) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        created = client.post("/v1/videos/generations", json=GOOD)
        assert created.status_code == 200
        assert judge(server.fake.create_contract, 200, created.json(), GOOD).ok
        task = client.get(f"/v1/tasks/{created.json()['id']}")
        assert task.json()["status"] == "processing"
        rejected = client.post("/v1/videos/generations", json={**GOOD, "resolution": "4k"})
        assert rejected.status_code == 422
        assert judge(
            server.fake.create_contract, 422, rejected.json(), {**GOOD, "resolution": "4k"}
        ).ok
        assert client.get("/v1/tasks/unknown").status_code == 404
        assert httpx.get(f"{server.base_url}/v1/tasks/x", timeout=5).status_code == 401


def test_faults_are_scripted_over_http(server: FakeServer) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        assert (
            client.post("/_fake/faults", json={"kind": "rate_limit", "retry_after": 7}).status_code
            == 200
        )
        limited = client.post("/v1/videos/generations", json=GOOD)
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
        client.post("/_fake/faults", json={"drop": True})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/v1/videos/generations", json=GOOD)
        client.put("/_fake/config", json={"task": {"statuses": ["pending", "failed"]}})
        task_id = client.post("/v1/videos/generations", json=GOOD).json()["id"]
        assert client.get(f"/v1/tasks/{task_id}").json()["error"]["type"] == "task_error"
        calls = client.get("/_fake/calls").json()["calls"]
        assert [c["status"] for c in calls] == [429, 0, 200, 200]
        bad = client.post("/_fake/faults", json={"kind": "nope"})
        assert bad.status_code == 400
        assert bad.json()["error"]["message"] == "fault kind: unknown error kind 'nope'"


def test_only_loopback_addresses_are_served() -> None:
    with pytest.raises(ValueError, match=r"loopback addresses only, not '0\.0\.0\.0'"):
        FakeServer(host="0.0.0.0")


def test_the_serve_command_prints_its_port_and_answers(tmp_path: object) -> None:
    config = json.dumps({"faults": [{"status": 503, "times": 1}]})
    process = subprocess.Popen(
        [*SERVE, "--key", "sk-served-key-1", "--max-seconds", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"FOXCONTRACT_FAKE_CONFIG": config, "PATH": ""},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("fake FoxAPI listening on http://127.0.0.1:")
        assert "sk-served-key-1" not in line
        base = line.split()[4]
        headers = {"Authorization": "Bearer sk-served-key-1"}
        url = f"{base}/v1/videos/generations"
        assert httpx.post(url, json=GOOD, headers=headers, timeout=5).status_code == 503
        assert httpx.post(url, json=GOOD, headers=headers, timeout=5).status_code == 200
        assert httpx.post(url, json=GOOD, headers=AUTH, timeout=5).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()
        process.stderr.close()


def test_the_serve_command_reports_a_bad_config(tmp_path: object) -> None:
    result = subprocess.run(
        [*SERVE, "--config", "/nonexistent.json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "foxcontract serve: error: /nonexistent.json: cannot read the fake config: [Errno 2] No "
        "such file or directory: '/nonexistent.json'\n"
    )


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ('{"credits": "5"}', "fake config credits: expected an integer of 0 or more, or null "
         "(unlimited), got the string '5' (did you mean 5, without quotes?)"),
        ('{"faults": [{"kind": "rate_limt"}]}',
         "fault kind: unknown error kind 'rate_limt' (did you mean 'rate_limit'?)"),
        ('{"task": {"statuses": ["pending", "donee"]}}',
         "task statuses: unknown status 'donee' (one of ['completed', 'failed', 'pending', "
         "'processing'])"),
    ],
    ids=["value", "fault-kind", "task-status"],
)  # fmt: skip
@pytest.mark.parametrize("given", ["file", "env"])
def test_the_serve_command_names_where_a_bad_config_came_from(
    tmp_path: Path, config: str, problem: str, given: str
) -> None:
    file = tmp_path / "script.json"
    file.write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "FOXCONTRACT_FAKE_CONFIG"}
    args, source = [*SERVE, "--config", str(file)], str(file)
    if given == "env":
        env["FOXCONTRACT_FAKE_CONFIG"] = config
        args, source = list(SERVE), "FOXCONTRACT_FAKE_CONFIG"
    result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False, env=env)
    assert result.returncode == 2
    assert result.stderr == f"foxcontract serve: error: {source}: {problem}\n"


def test_a_bad_content_length_is_refused_without_reading(server: FakeServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(
            b"POST /v1/videos/generations HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"
        )
        answer = ""
        for _ in range(10):  # the head and the body may come in separate packets
            answer += raw.recv(4096).decode()
            if answer.endswith("}}"):
                break
    assert answer.startswith("HTTP/1.1 400 ")
    assert "\"Content-Length '-5' is not a number of bytes\"" in answer


def test_the_config_is_read_reset_and_loaded_from_a_file(
    server: FakeServer, tmp_path: Path
) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        assert client.put("/_fake/config", json={"credits": 1}).json()["credits"] == 1
        assert client.get("/_fake/config").json()["credits"] == 1
        assert "key" not in client.get("/_fake/config").json()
        assert client.post("/v1/videos/generations", json=GOOD).status_code == 200
        assert client.post("/v1/videos/generations", json=GOOD).status_code == 402
        assert client.post("/_fake/reset").json() == {"reset": True}
        assert client.post("/v1/videos/generations", json=GOOD).status_code == 200
        assert client.get("/_fake/nothing").status_code == 404
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"task": {"statuses": ["processing"]}, "seed": 3}))
    config = FakeConfig.from_file(script)
    assert (config.task.statuses, config.seed) == (("processing",), 3)
