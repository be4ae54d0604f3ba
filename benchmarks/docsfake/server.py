"""A stand-in for FoxAPI written from the documentation alone (``shared/foxapi/seed-page.txt``,
``API.md`` and ``FAMILY.md``), sharing no code and no files with the ``foxcontract`` package.

It serves ``POST /v1/videos/generations`` (the four Veo 3.1 modes: image-to-video, first and
last frame, reference images, extend; ``FAMILY.md``; the body's ``model`` decides) and
``GET /v1/tasks/{task_id}`` on 127.0.0.1 only, with one optional injected fault
(``--fault NAME``, see ``faults.py``). Where the docs are silent it takes its own stance,
listed in ``STANCES`` below; several differ on purpose from the stances of the project's
contract, so a test suite that treats its own guesses as facts shows false alarms here.

    python benchmarks/docsfake/server.py [--port N] [--key KEY] [--fault NAME] [--log FILE]

Bounded: at most ``--max-requests`` requests and ``--max-seconds`` of life, a request body of
at most 1 MiB, 16 connections at once, idle connections closed after 10 s.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import string
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: make the ``docsfake`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docsfake.docs import (
    CREATE_PATH,
    EXTENDING,
    MAX_BODY,
    MODELS,
    POLLS_TO_COMPLETE,
    REFERENCE_IMAGES,
    SIZES,
    TASK_PREFIX,
    Mode,
    effective,
    mode_of,
)
from docsfake.faults import FAULTS, Fault

__all__ = ["STANCES", "DocsFake", "Problem", "Reply", "main", "serve"]

JSON = Any


STANCES = (
    "a JSON body that is not an object (array, string, null) is malformed: 400",
    "a prompt must be a non-empty string; a blank one (spaces only) is accepted",
    "image_url: surrounding whitespace is stripped; then an http(s) URL with a host",
    "a field the page does not list is refused: 422",
    "null for an optional field means the field's default (also aspect_ratio, duration, ...)",
    "model may be left out: the documented default veo-3.1-image-to-video is used",
    "a request without a Content-Type header is read as JSON; another media type is 400",
    "an integer field takes 8.0 as 8 (but not true, '8' or 8.5)",
    "seed: an integer from 0 to 4294967295",
    "an advanced option sent as null counts as not sent",
    "a task is pending when created, processing at polls 1-2, completed from poll 3 on",
    "the model decides the mode; a missing or unknown model is judged by image-to-video's fields",
    "a field another mode takes (image_url on first-last-frame, duration on extend) is unknown",
    "first-last-frame: person_generation [gap] is for the Standard model only, as on the "
    "image-to-video and reference pages",
    "first-last-frame: negative_prompt and seed [gap] are taken by every model, as on "
    "image-to-video and extend",
    "first_image_url, last_image_url, video_url: checked like image_url (http(s) with a host)",
    "reference_image_urls: a JSON array of 1 to 3 such URLs; repeats are accepted",
    "reference: duration may be left out or 8 (fixed at 8); any other integer is refused",
    "reference: safety_tolerance is taken by both models (no per-model note on the page)",
    "reference: generate_audio defaults to false like every mode but extend (no default given)",
    "reference: negative_prompt and seed are not listed on the page: unknown fields",
    "extend: enhance_prompt and person_generation are not listed on the page: unknown fields",
    "extend: a completed result carries no width/height (the input video decides the size)",
)


@dataclass
class Problem:
    """One reason to refuse a request: ``check`` names the documented rule it enforces."""

    check: str
    message: str
    status: int = 422
    type: str = "invalid_request_error"
    code: str | None = None
    field: str | None = None


@dataclass
class Reply:
    status: int
    payload: JSON = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, ensure_ascii=False).encode("utf-8")


def error(status: int, type_: str, message: str, code: str | None = None) -> Reply:
    err: dict[str, JSON] = {"message": message, "type": type_}
    if code is not None:
        err["code"] = code
    return Reply(status, {"error": err})


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Task:
    id: str
    model: str
    created: int
    body: dict[str, JSON]
    polls: int = 0


def _is_int(value: JSON) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, float) and math.isfinite(value) and value.is_integer()
    )


class DocsFake:
    """The request handling, free of HTTP plumbing: ``handle(request) -> Reply``."""

    def __init__(self, key: str, fault: Fault | None = None, seed: int = 0) -> None:
        self.key = key
        self.fault = fault
        self.tasks: dict[str, Task] = {}
        self.creates = 0
        self.lock = threading.Lock()
        self._random = random.Random(seed)

    # --- entry -----------------------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        path = urlsplit(req.path).path
        if req.method == "POST" and path == CREATE_PATH:
            reply = self.create(req)
        elif req.method == "GET" and path.startswith(TASK_PREFIX) and len(path) > len(TASK_PREFIX):
            reply = self.get_task(req, path[len(TASK_PREFIX) :])
        else:
            reply = error(404, "not_found", f"no route {req.method} {path}")
        reply.headers.setdefault("Content-Type", "application/json")
        if self.fault and self.fault.respond:
            reply = self.fault.respond(req, reply)
        return reply

    def authorized(self, req: Request) -> bool:
        value = req.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        ok = scheme.lower() == "bearer" and token.strip() == self.key
        if self.fault and self.fault.auth:
            ok = self.fault.auth(req, ok, self)
        return ok

    # --- POST /v1/videos/generations -------------------------------------------------------
    def create(self, req: Request) -> Reply:
        late_auth = bool(self.fault and self.fault.auth_after_validation)
        if not late_auth and not self.authorized(req):
            return error(401, "authentication_error", "invalid or missing API key")
        media = (req.header("content-type") or "application/json").split(";")[0].strip().lower()
        ok = media == "application/json"
        if self.fault and self.fault.content_type:
            ok = self.fault.content_type(req.header("content-type") or "", ok)
        if not ok:
            return error(400, "invalid_request_error", "Content-Type must be application/json")
        try:
            body = json.loads(req.raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            return error(400, "invalid_request_error", f"malformed JSON: {exc}")
        if not isinstance(body, dict):
            return error(400, "invalid_request_error", "the request body must be a JSON object")
        problems = self.validate(body)
        if self.fault and self.fault.check:
            problems = self.fault.check(body, problems, req)
        if late_auth and not self.authorized(req) and not problems:
            return error(401, "authentication_error", "invalid or missing API key")
        if problems:
            p = problems[0]
            return error(p.status, p.type, p.message, p.code)
        return self.start(body)

    def allowed(self, mode: Mode, name: str) -> tuple[JSON, ...]:
        extra = self.fault.extra.get(name, ()) if self.fault else ()
        values = MODELS if name == "model" else mode.enums[name]
        return (*values, *extra)

    def validate(self, body: dict[str, JSON]) -> list[Problem]:
        out: list[Problem] = []
        mode = mode_of(body)
        substitutes = self.fault.substitutes if self.fault else ()
        if mode.name != "image-to-video":
            substitutes = ()
        for name in body:
            if name not in mode.fields and name not in substitutes:
                out.append(Problem("known-fields", f"unknown field {name!r}", field=name))
        for name in mode.required:
            if body.get(name) is None and not (
                name == "image_url" and any(body.get(s) for s in substitutes)
            ):
                out.append(Problem(f"{name}-required", f"{name} is required", field=name))
        prompt = body.get("prompt")
        if prompt is not None and (not isinstance(prompt, str) or prompt == ""):
            out.append(Problem("prompt-text", "prompt must be a non-empty string"))
        for name in mode.urls:
            url = body.get(name)
            if url is not None and not _image_url_ok(url):
                check = "image-url" if name == "image_url" else f"{name}-url"
                out.append(Problem(check, f"{name} must be a public http(s) URL", field=name))
        refs = body.get("reference_image_urls")
        if "reference_image_urls" in mode.fields and refs is not None:
            out += self.reference_problems(refs)
        for name in ("model", *mode.enums):
            value = body.get(name)
            if value is None or name not in mode.fields:
                continue
            if name == "duration" and not _is_int(value):
                out.append(Problem("duration-type", "duration must be an integer"))
            elif not self.is_allowed(mode, name, value):
                out.append(Problem(f"{name}-value", f"{name} {value!r} is not supported"))
        for name in ("generate_audio", "auto_fix", "enhance_prompt"):
            if body.get(name) is not None and not isinstance(body[name], bool):
                out.append(Problem(f"{name}-type", f"{name} must be a boolean"))
        tol = body.get("safety_tolerance")
        if tol is not None and not (_is_int(tol) and self.tolerance_ok(int(tol))):
            out.append(Problem("safety-range", "safety_tolerance must be an integer from 1 to 6"))
        neg = body.get("negative_prompt")
        if neg is not None and not isinstance(neg, str):
            out.append(Problem("negative-prompt-type", "negative_prompt must be a string"))
        seed = body.get("seed")
        if seed is not None and not (_is_int(seed) and 0 <= int(seed) <= 2**32 - 1):
            out.append(Problem("seed-range", "seed must be an integer from 0 to 4294967295"))
        if out:
            return out
        return self.model_rules(mode, body)

    def reference_problems(self, refs: JSON) -> list[Problem]:
        low, high = REFERENCE_IMAGES
        counts = (
            *range(low, high + 1),
            *(self.fault.extra.get("reference_count", ()) if self.fault else ()),
        )
        if not isinstance(refs, list):
            return [Problem("reference-urls-type", "reference_image_urls must be an array")]
        if len(refs) not in counts:
            return [
                Problem(
                    "reference-urls-count", f"reference_image_urls takes {low} to {high} images"
                )
            ]
        if not all(_image_url_ok(u) for u in refs):
            return [
                Problem("reference-urls-url", "each reference image must be a public http(s) URL")
            ]
        return []

    def is_allowed(self, mode: Mode, name: str, value: JSON) -> bool:
        if name == "duration" and _is_int(value):
            value = int(value)
        return any(type(value) is type(a) and value == a for a in self.allowed(mode, name))

    def tolerance_ok(self, value: int) -> bool:
        extra = self.fault.extra.get("safety_tolerance", ()) if self.fault else ()
        return 1 <= value <= 6 or value in extra

    def model_rules(self, mode: Mode, body: dict[str, JSON]) -> list[Problem]:
        model = effective(body, "model")
        resolution = effective(body, "resolution")
        duration = effective(body, "duration")
        out: list[Problem] = []
        lite = mode.lite
        if lite is not None and model == lite and resolution == "4k":
            out.append(Problem("lite-no-4k", f"{lite} supports only 720p and 1080p"))
        if lite is not None and model == lite and resolution == "1080p" and duration != 8:
            out.append(Problem("lite-1080p-8s", f"{lite} at 1080p supports only 8 seconds"))
        for name, models in mode.advanced.items():
            if body.get(name) is not None and model not in models:
                out.append(
                    Problem(
                        f"{name}-models",
                        f"{name} is not applicable for {model}",
                        code="unsupported_advanced_options",
                        field=name,
                    )
                )
        return out

    def start(self, body: dict[str, JSON]) -> Reply:
        now = int(time.time())
        with self.lock:
            if len(self.tasks) >= 5000:
                return error(503, "service_unavailable_error", "too many tasks on this fake")
            alphabet = string.ascii_lowercase + string.digits
            suffix = "".join(self._random.choice(alphabet) for _ in range(8))
            task = Task(f"task-unified-{now}-{suffix}", effective(body, "model"), now, body)
            self.tasks[task.id] = task
            self.creates += 1
        payload = {
            "created": task.created,
            "id": task.id,
            "model": task.model,
            "object": "video.generation.task",
            "progress": 0,
            "status": "pending",
            "task_info": {"can_cancel": True, "estimated_time": 45},
            "type": "video",
        }
        status = self.fault.create_status if self.fault else 200
        return Reply(status, payload)

    # --- GET /v1/tasks/{task_id} -----------------------------------------------------------
    def get_task(self, req: Request, task_id: str) -> Reply:
        with self.lock:
            task = self.tasks.get(task_id)
        req_task = task  # the fault hooks may need to know whether the task exists
        if not self.authorized_task(req, req_task):
            return error(401, "authentication_error", "invalid or missing API key")
        if task is None:
            return error(404, "not_found", f"task {task_id} not found")
        with self.lock:
            task.polls += 1
            n = task.polls
        view = self.task_view(task, n)
        if self.fault and self.fault.poll:
            view = self.fault.poll(view, n, task)
        if view is None:
            return error(404, "not_found", f"task {task_id} not found")
        return Reply(200, view)

    def authorized_task(self, req: Request, task: Task | None) -> bool:
        if self.fault and self.fault.task_auth:
            return self.fault.task_auth(req, self.authorized(req), task is not None)
        return self.authorized(req)

    def task_view(self, task: Task, n: int) -> dict[str, JSON]:
        done = n >= POLLS_TO_COMPLETE
        progress = 100 if done else min(95, 35 * n)
        view: dict[str, JSON] = {
            "id": task.id,
            "object": "video.generation.task",
            "type": "video",
            "model": task.model,
            "status": "completed" if done else "processing",
            "progress": progress,
            "created": task.created,
            "results": None,
            "error": None,
            "usage": {"credits_reserved": 5, "user_group": "default"},
        }
        if done and mode_of(task.body) is EXTENDING:
            url = f"https://storage.docsfake.invalid/videos/{task.id}.mp4"
            view["results"] = [{"url": url}]
        elif done:
            res = effective(task.body, "resolution")
            w, h = SIZES.get(res, SIZES["1080p"])
            if effective(task.body, "aspect_ratio") == "9:16":
                w, h = h, w
            url = f"https://storage.docsfake.invalid/videos/{task.id}.mp4"
            view["results"] = [{"url": url, "width": w, "height": h}]
        return view


def _no_constant(name: str) -> JSON:
    raise ValueError(f"{name} is not JSON")


def _image_url_ok(value: JSON) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


# --- HTTP plumbing ---------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: DocsFake, max_requests: int, log: Path | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.max_requests = max_requests
        self.requests = 0
        self.log = log
        self.slots = threading.BoundedSemaphore(16)
        self.counter = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        srv = self.server
        with srv.counter:
            srv.requests += 1
            over = srv.requests > srv.max_requests
        length = int(self.headers.get("Content-Length") or 0)
        if over:
            reply = error(503, "service_unavailable_error", "request cap of this fake reached")
        elif length > MAX_BODY:
            reply = error(413, "invalid_request_error", "request body too large")
            self.close_connection = True
        else:
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            req = Request(self.command, self.path, headers, raw)
            with srv.slots:
                try:
                    reply = srv.fake.handle(req)
                except Exception as exc:  # a bug in a fault: answer, do not hang
                    reply = error(500, "server_error", f"docs fake: {type(exc).__name__}")
        data = reply.encode()
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            if v:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if srv.log is not None:
            line = {"method": self.command, "path": self.path, "status": reply.status}
            with srv.counter, srv.log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(line) + "\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


@dataclass
class Running:
    fake: DocsFake
    server: _Server
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    key: str,
    fault: str | None = None,
    *,
    max_requests: int = 20000,
    log: Path | None = None,
) -> Running:
    """Start the docs fake on 127.0.0.1 (a free port) in a background thread."""
    chosen = None
    if fault:
        by_name = {f.name: f for f in FAULTS}
        if fault not in by_name:
            raise SystemExit(f"unknown fault {fault!r}; --list shows them")
        chosen = by_name[fault]
    server = _Server(DocsFake(key, chosen), max_requests, log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    return Running(server.fake, server, thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", default="sk-docsfake-local-key", help="the one accepted key")
    parser.add_argument("--fault", default=None, help="inject this fault (see --list)")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--stances", action="store_true", help="list the stances and exit")
    parser.add_argument("--log", type=Path, default=None, help="append one JSON line a request")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args(argv)
    if args.list:
        for f in FAULTS:
            print(f"{f.category:13} {f.name:34} {f.doc}")
        return 0
    if args.stances:
        print("\n".join(STANCES))
        return 0
    running = serve(args.key, args.fault, max_requests=args.max_requests, log=args.log)
    print(f"docs fake listening on {running.base_url}", flush=True)
    deadline = time.monotonic() + args.max_seconds
    try:
        while time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
