"""Self-check of the docs-only fake, written from the docs like the fake itself: the faithful
fake answers the documented cases as the docs say, and every fault changes at least one
answer of a fixed battery of requests (a fault that changes nothing would count as a miss
of the suite under test when it is a miss of the benchmark).

    python benchmarks/docsfake/selfcheck.py

Exit 0 when both hold; prints each problem otherwise. In-process, no socket.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docsfake.docs import (
    EXTEND,
    EXTEND_FAST,
    FAST,
    FL_FAST,
    FL_LITE,
    FL_STANDARD,
    LITE,
    REF_FAST,
    REF_STANDARD,
    STANDARD,
)
from docsfake.faults import FAULTS, Fault
from docsfake.server import DocsFake, Request

KEY = "sk-selfcheck-key"
IMG = "https://example.com/a.jpg"
BASE = {"model": STANDARD, "prompt": "The flowers sway", "image_url": IMG}
FIRST_LAST = {"model": FL_STANDARD, "prompt": "Dawn to dusk", "first_image_url": IMG,
              "last_image_url": "https://example.com/b.jpg"}  # fmt: skip
REFERENCE = {"model": REF_STANDARD, "prompt": "A woman walking through a garden",
             "reference_image_urls": [IMG]}  # fmt: skip
EXTENDING = {"model": EXTEND, "prompt": "The camera keeps going",
             "video_url": "https://example.com/v.mp4"}  # fmt: skip


def _bodies() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [dict(BASE)]
    for model in (STANDARD, FAST, LITE):
        for res in ("720p", "1080p", "4k", None):
            for dur in (4, 6, 8, None):
                for ar in ("16:9", "9:16", None):
                    b = {**BASE, "model": model, "resolution": res, "duration": dur}
                    b["aspect_ratio"] = ar
                    out.append({k: v for k, v in b.items() if v is not None})
    extra: list[dict[str, Any]] = [
        {"prompt": "花朵在微风中摇曳"}, {"prompt": "bees 🐝"}, {"prompt": 'say "hi" \\ now'},
        {"prompt": "two\nlines"}, {"prompt": "x" * 1500}, {"negative_prompt": "模糊, 水印"},
        {"image_url": "https://example.com/a%20b.jpg"}, {"image_url": "https://example.com/a.jpg?v=1"},
        {"generate_audio": False}, {"generate_audio": True}, {"seed": None}, {"auto_fix": None},
        {"model": FL_STANDARD}, {"model": REF_STANDARD},
        {"model": EXTEND}, {"model": "veo-3.1"}, {"model": "veo3.1-pro"},
        {"resolution": "2160p"}, {"duration": 5}, {"duration": 7}, {"duration": "8"},
        {"aspect_ratio": "1:1"}, {"safety_tolerance": 7}, {"safety_tolerance": 0},
        {"model": LITE, "safety_tolerance": 6}, {"model": LITE, "safety_tolerance": 3},
        {"model": FAST, "enhance_prompt": False}, {"model": FAST, "enhance_prompt": True},
        {"model": FAST, "person_generation": "dont_allow"},
        {"model": LITE, "person_generation": "allow_adult"}, {"model": "VEO"},
    ]  # fmt: skip
    out += [{**BASE, **e} for e in extra]
    swaps = ("image_urls", "first_image_url", "reference_image_urls")
    for name in swaps:
        b = {k: v for k, v in BASE.items() if k != "image_url"}
        out.append({**b, name: ["https://example.com/a.jpg"]})
    out.append({k: v for k, v in BASE.items() if k != "image_url"})
    for model in (FL_STANDARD, FL_FAST, FL_LITE):
        for res in ("720p", "1080p", "4k", None):
            for dur in (4, 8, None):
                b = {**FIRST_LAST, "model": model, "resolution": res, "duration": dur}
                out.append({k: v for k, v in b.items() if v is not None})
        out.append({**FIRST_LAST, "model": model, "enhance_prompt": True})
    family: list[dict[str, Any]] = [
        {**_without(FIRST_LAST, "first_image_url"), "image_url": IMG},
        _without(FIRST_LAST, "last_image_url"), {**FIRST_LAST, "image_url": IMG},
        {**REFERENCE, "reference_image_urls": [IMG] * 3},
        {**REFERENCE, "reference_image_urls": [IMG] * 4},
        {**REFERENCE, "reference_image_urls": [IMG] * 5}, {**REFERENCE, "reference_image_urls": []},
        {**REFERENCE, "duration": 4}, {**REFERENCE, "duration": 6}, {**REFERENCE, "duration": 8},
        {**REFERENCE, "reference_type": "STYLE"},
        {**REFERENCE, "model": REF_FAST, "reference_type": "ASSET"},
        {**_without(REFERENCE, "reference_image_urls"), "image_url": IMG},
        {**EXTENDING, "duration": 8}, {**EXTENDING, "resolution": "720p"},
        {**_without(EXTENDING, "video_url"), "video": "https://example.com/v.mp4"},
        {**EXTENDING, "model": EXTEND_FAST, "generate_audio": True}, {**EXTENDING, "seed": 7},
    ]  # fmt: skip
    return out + family


def _without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != name}


def _post(body: Any, auth: str | None = KEY, ctype: str = "application/json",
          raw: bytes | None = None) -> Request:  # fmt: skip
    headers = {"content-type": ctype}
    if auth is not None:
        headers["authorization"] = f"Bearer {auth}"
    data = raw if raw is not None else json.dumps(body).encode()
    return Request("POST", "/v1/videos/generations", headers, data)


def _get(task_id: str, auth: str | None = KEY) -> Request:
    headers = {"authorization": f"Bearer {auth}"} if auth is not None else {}
    return Request("GET", f"/v1/tasks/{task_id}", headers, b"")


def battery(fault: Fault | None) -> list[str]:
    """Every answer of the battery, as comparable text (task ids made stable)."""
    fake = DocsFake(KEY, fault)
    answers: list[str] = []

    def note(reply: Any) -> None:
        body = reply.raw.decode() if reply.raw is not None else json.dumps(reply.payload)
        answers.append(f"{reply.status} {reply.headers.get('Content-Type')} {body}")

    first_id = None
    for body in _bodies():
        reply = fake.handle(_post(body))
        note(reply)
        if reply.status < 300 and first_id is None:
            first_id = reply.payload["id"]
    note(fake.handle(_post(BASE, auth=None)))
    note(fake.handle(_post(BASE, auth="sk-wrong")))
    note(fake.handle(_post({"prompt": ""}, auth=None)))
    note(fake.handle(_post(BASE, ctype="text/plain")))
    note(fake.handle(_post(BASE, ctype="application/json; charset=utf-8")))
    note(fake.handle(_post(BASE, ctype="application/x-www-form-urlencoded")))
    note(fake.handle(_post(None, raw=b'{"model": ')))
    note(fake.handle(_post(None, raw=json.dumps({**BASE, "prompt": "caf\u00e9"}).encode())))
    note(fake.handle(_post(None, raw=b"[1, 2]")))
    assert first_id is not None
    for _ in range(5):
        note(fake.handle(_get(first_id)))
    for auth in (None, "sk-wrong"):
        note(fake.handle(_get(first_id, auth)))
        note(fake.handle(_get("task-unified-1-unknown0", auth)))
    note(fake.handle(_get("task-unified-1-unknown0")))
    stable = answers[:]
    for i, a in enumerate(stable):
        for tid in list(fake.tasks):
            a = a.replace(tid, "task-#")
        stable[i] = a
    return stable


def faithful_problems() -> list[str]:
    fake = DocsFake(KEY)
    out = []
    expect = [
        (_post(BASE), 200),
        (_post({**BASE, "model": LITE, "resolution": "4k"}), 422),
        (_post({**BASE, "model": LITE, "duration": 4}), 422),
        (_post({**BASE, "model": LITE, "duration": 4, "resolution": "720p"}), 200),
        (_post({**BASE, "model": LITE, "safety_tolerance": 2}), 422),
        (_post({**BASE, "model": FAST, "enhance_prompt": True}), 422),
        (_post({**BASE, "model": FAST, "safety_tolerance": 2}), 200),
        (_post(BASE, auth=None), 401),
        (_post(BASE, ctype="text/plain"), 400),
        (_post(None, raw=b"{"), 400),
        (_get("task-unified-1-unknown0"), 404),
        (_post(FIRST_LAST), 200),
        (_post({**FIRST_LAST, "model": FL_LITE, "resolution": "4k"}), 422),
        (_post({**FIRST_LAST, "model": FL_LITE, "duration": 6}), 422),
        (_post({**FIRST_LAST, "model": FL_LITE, "duration": 6, "resolution": "720p"}), 200),
        (_post({**FIRST_LAST, "model": FL_FAST, "safety_tolerance": 3}), 200),
        (_post({**FIRST_LAST, "model": FL_LITE, "safety_tolerance": 3}), 422),
        (_post({**FIRST_LAST, "model": FL_FAST, "enhance_prompt": True}), 422),
        (_post({**FIRST_LAST, "image_url": IMG}), 422),
        (_post(_without(FIRST_LAST, "last_image_url")), 422),
        (_post(REFERENCE), 200),
        (
            _post({**REFERENCE, "duration": 8, "resolution": "1080p", "reference_type": "STYLE"}),
            200,
        ),
        (_post({**REFERENCE, "reference_image_urls": [IMG] * 3, "model": REF_FAST}), 200),
        (_post({**REFERENCE, "reference_image_urls": [IMG] * 4}), 422),
        (_post({**REFERENCE, "reference_image_urls": IMG}), 422),
        (_post({**REFERENCE, "duration": 6}), 422),
        (_post({**REFERENCE, "model": REF_FAST, "enhance_prompt": True}), 422),
        (_post({**REFERENCE, "model": REF_FAST, "safety_tolerance": 2}), 200),
        (_post(EXTENDING), 200),
        (_post({**EXTENDING, "model": EXTEND_FAST, "generate_audio": False, "seed": 3}), 200),
        (_post({**EXTENDING, "duration": 8}), 422),
        (_post({**EXTENDING, "resolution": "1080p"}), 422),
        (_post({**EXTENDING, "video_url": "ftp://example.com/v.mp4"}), 422),
        (_post(_without(EXTENDING, "video_url")), 422),
        (_post({**BASE, "first_image_url": IMG}), 422),
    ]
    for req, status in expect:
        got = fake.handle(req)
        if got.status != status:
            out.append(f"faithful: {req.method} {req.raw[:80]!r}: {got.status}, want {status}")
    return out


def main() -> int:
    problems = faithful_problems()
    base = battery(None)
    for fault in FAULTS:
        if battery(fault) == base:
            problems.append(f"fault {fault.name}: changes no answer of the battery")
    for p in problems:
        print(p)
    print(f"{len(FAULTS)} faults checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
