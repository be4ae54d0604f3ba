"""Benchmark: replaying recorded interactions, with every check and a syrupy snapshot each.

Target (issue 4): 1,000 interactions within 5 s. The cassettes are recorded from the fake
API (valid and invalid bodies, creates and polls) into a temporary copy of the contracts;
the snapshots are written once (``--snapshot-update``), then ``pytest <cassettes>`` is timed
in this process. Run: ``python benchmarks/bench_replay.py [N]``.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from foxcontract.cassette import Cassette, Interaction, write_cassette
from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, FakeRequest

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
MODELS = ["veo-3.1-image-to-video", "veo-3.1-fast-image-to-video", "veo-3.1-lite-image-to-video"]


def record(n: int, folder: Path) -> int:
    """Record ``n`` interactions from the fake: each create, then a poll of its task."""
    rng = random.Random(7)
    fake = FakeAPI(FakeConfig(key=TEST_KEY, seed=7))
    headers = {"authorization": f"Bearer {TEST_KEY}", "content-type": "application/json"}
    creates: list[Interaction] = []
    polls: list[Interaction] = []
    while len(creates) + len(polls) < n:
        body = {
            "model": rng.choice(MODELS),
            "prompt": "The flowers sway gently in the wind",
            "image_url": "https://example.com/photo.jpg",
            "resolution": rng.choice(["720p", "1080p", "4k"]),
            "duration": rng.choice([4, 6, 8]),
        }
        if rng.random() < 0.2:
            body["enhance_prompt"] = True
        answer = fake.handle(
            FakeRequest("POST", "/v1/videos/generations", headers, json.dumps(body).encode())
        )
        creates.append(
            Interaction(
                f"create-{len(creates)}",
                "POST",
                "/v1/videos/generations",
                headers,
                body,
                answer.status,
                {},
                answer.body,
            )
        )
        if answer.status == 200 and len(creates) + len(polls) < n:
            path = f"/v1/tasks/{answer.body['id']}"
            polled = fake.handle(FakeRequest("GET", path, headers))
            polls.append(
                Interaction(
                    f"poll-{len(polls)}",
                    "GET",
                    path,
                    headers,
                    None,
                    polled.status,
                    {},
                    polled.body,
                    has_body=False,
                )
            )
    for name, interactions in (("videos-generations", creates), ("tasks-get", polls)):
        write_cassette(
            Cassette(
                folder / f"{name}.yaml",
                name,
                "2026-11-24",
                "live",
                "2026-11-24T00:00:00Z",
                "https://api.foxapi.cc",
                tuple(interactions),
            ),
            merge=False,
        )
    return len(creates) + len(polls)


def main(n: int = 1000) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for contract in CONTRACTS.glob("*.yaml"):
            shutil.copy(contract, root / contract.name)
        cassettes = root / "cassettes"
        count = record(n, cassettes)
        args = [
            str(cassettes),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--rootdir",
            str(root),
        ]
        code = pytest.main([*args, "--snapshot-update"])
        if code not in (0, 1):
            return int(code)
        start, cpu = time.perf_counter(), time.process_time()
        code = pytest.main(args)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"\nreplayed {count} interactions (checks + snapshots) in {elapsed:.2f} s wall, "
        f"{cpu:.2f} s CPU: {count / elapsed:,.0f} interactions/s wall, "
        f"{count / cpu:,.0f}/s CPU (target: 1,000 within 5 s; on a shared machine the CPU "
        "figure is the fair one)"
    )
    return int(code)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
