"""The served fake under hostile input: prints how many generated malformed requests were
tried, answered (by status), left without an answer, or crashed the handler; the call log's
memory after 2,000 requests of 1 MB; and 50 concurrent clients' resets.

    python benchmarks/bench_fake_server.py [--inputs 2000] [--seed 1]

Each input is a valid create request with one deterministic mutation (a byte flipped, cut,
doubled or inserted; a header changed; the framing changed), sent on a connection of its own,
then the write side closed so a request cut short ends instead of waiting for the idle timeout.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, FakeRequest, FakeServer

BODY = json.dumps(
    {
        "model": "veo-3.1-lite-image-to-video",
        "prompt": "a fox",
        "image_url": "https://example.com/fox.jpg",
        "resolution": "720p",
        "duration": 4,
    }
).encode()


def request(body: bytes = BODY, headers: list[bytes] | None = None) -> bytes:
    lines = headers or [
        b"Host: fake",
        b"Authorization: Bearer " + TEST_KEY.encode(),
        b"Content-Type: application/json",
        b"Content-Length: " + str(len(body)).encode(),
    ]
    return b"POST /v1/videos/generations HTTP/1.1\r\n" + b"\r\n".join(lines) + b"\r\n\r\n" + body


def mutate(rng: random.Random) -> bytes:
    raw = request()
    kind = rng.randrange(8)
    at = rng.randrange(len(raw))
    if kind == 0:  # flip one byte
        return raw[:at] + bytes([rng.randrange(256)]) + raw[at + 1 :]
    if kind == 1:  # cut short
        return raw[:at]
    if kind == 2:  # a byte doubled
        return raw[:at] + raw[at : at + 1] * rng.randrange(2, 2000) + raw[at + 1 :]
    if kind == 3:  # a control or non-ASCII byte inserted
        return raw[:at] + bytes([rng.choice([0, 9, 10, 13, 127, 0xC3, 0xFF])]) + raw[at:]
    if kind == 4:  # a strange Content-Length
        value = rng.choice([b"", b"-1", b"1e3", b"0x10", b"99999999999999", b"5, 6", b"\t3"])
        return raw.replace(
            b"Content-Length: " + str(len(BODY)).encode(), b"Content-Length: " + value
        )
    if kind == 5:  # chunked framing, sometimes broken
        size = rng.choice([len(BODY), len(BODY) + 5, 0, -1])
        chunk = (f"{size:x}" if size >= 0 else "zz").encode() + b"\r\n" + BODY + b"\r\n0\r\n\r\n"
        head = raw.split(b"\r\n\r\n")[0].replace(
            b"Content-Length: " + str(len(BODY)).encode(), b"Transfer-Encoding: chunked"
        )
        return head + b"\r\n\r\n" + chunk
    if kind == 6:  # a body that is JSON in some other way
        body = rng.choice(
            [
                b"[" * 5000 + b"]" * 5000,
                BODY.decode().encode("utf-16"),
                BODY.replace(b"4}", b"NaN}"),
                BODY.replace(b"4}", b"1" * 5000 + b"}"),
                BODY[:-1] + b', "model": "x"}',
                b"\xef\xbb\xbf" + BODY,
            ]
        )
        return request(body)
    return raw[:at] + raw[at:].replace(b"\r\n", b"\n", 1)  # a bare LF


def send(port: int, data: bytes) -> str:
    """``'<status>'``, ``'no answer'`` (closed without one) or ``'hang'``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        try:
            raw.sendall(data)
            raw.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        received = b""
        try:
            while True:
                chunk = raw.recv(65536)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            return "hang"
        except OSError:
            pass
    if not received.startswith(b"HTTP/1.1 "):
        return "no answer"
    return received[9:12].decode()


def hostile(inputs: int, seed: int) -> None:
    rng = random.Random(seed)
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY)), idle_timeout=1.0) as server:
        outcomes: Counter[str] = Counter()
        started = time.perf_counter()
        for n in range(inputs):
            outcomes[send(server.port, mutate(rng))] += 1
            if n % 100 == 99:
                assert send(server.port, request()) == "200", "the server stopped serving"
        elapsed = time.perf_counter() - started
        crashes = len(server.crashes)
    answered = sum(v for k, v in outcomes.items() if k.isdigit())
    print(f"hostile inputs tried: {inputs} in {elapsed:.1f} s (seed {seed})")
    print(f"  answered: {answered}  by status: {dict(sorted(outcomes.items()))}")
    print(f"  no answer: {outcomes['no answer']}  hangs: {outcomes['hang']}  crashes: {crashes}")


def memory() -> None:
    fake = FakeAPI(FakeConfig(key=TEST_KEY))
    headers = {"authorization": f"Bearer {TEST_KEY}", "content-type": "application/json"}
    big = b'{"prompt": "' + b"x" * (1 << 20) + b'"}'
    tracemalloc.start()
    for _ in range(2000):
        fake.handle(FakeRequest("POST", "/v1/videos/generations", headers, big))
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept = sum(len(c.request.body) for c in fake.calls)
    print(
        f"call log after 2000 requests of 1 MiB: {len(fake.calls)} calls, {kept / 2**20:.1f} MiB "
        f"of bodies kept; traced memory now {current / 2**20:.1f} MiB (peak {peak / 2**20:.1f})"
    )


def concurrent(clients: int = 50, rounds: int = 20) -> None:
    with FakeServer(FakeAPI(FakeConfig(key=TEST_KEY))) as server:

        def client(_n: int) -> Counter[str]:
            seen: Counter[str] = Counter()
            for _ in range(rounds):
                try:
                    seen[send(server.port, request())] += 1
                except ConnectionResetError:
                    seen["reset"] += 1
            return seen

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            total = sum(pool.map(client, range(clients)), Counter())
        elapsed = time.perf_counter() - started
    print(f"{clients} concurrent clients x {rounds} requests in {elapsed:.1f} s: {dict(total)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    hostile(args.inputs, args.seed)
    memory()
    concurrent()


if __name__ == "__main__":
    main()
