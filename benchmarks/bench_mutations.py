"""Mutation benchmark of live mode: inject one fault at a time into the loopback fake and
check that ``pytest contracts --fox-mode live --fox-budget 12`` fails, naming the rule or
check, while the faithful fake (and the faithful fake with transport faults) passes.

    python benchmarks/bench_mutations.py [--only NAME ...] [--json FILE] [--list]

Reports, per run, killed or not, the failing probes, the paid creates used and the time,
then the kill rate, the most paid creates of any run and the time per run. Exit status 0
only when every fault is detected, the faithful runs pass and every run stays in budget and
under 20 s. The fake runs in this process (a thread on 127.0.0.1); pytest in a subprocess,
exactly as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig, FakeServer, Fault, Mutations, TaskScript
from foxcontract.fake.wire import FakeRequest, FakeResponse

KEY = "sk-bench-mutations-key-0001"
BUDGET = 12
WAIT = "0.3"
TIME_LIMIT = 20.0
# Plugins installed in this environment that live mode does not use: their import time
# (several seconds on a busy machine) is not live mode's.
UNUSED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:anyio", "-p", "no:randomly")
LITE, FAST = "veo-3.1-lite-image-to-video", "veo-3.1-fast-image-to-video"
VALIDATION = {"message": "rejected", "type": "invalid_request_error"}

RequestRewrite = Callable[[FakeRequest], FakeRequest]
ResponseRewrite = Callable[[FakeRequest, FakeResponse], FakeResponse]


class MutantAPI(FakeAPI):
    """The fake, with a request rewrite before it and a response rewrite after it."""

    def __init__(
        self,
        config: FakeConfig,
        before: RequestRewrite | None = None,
        after: ResponseRewrite | None = None,
    ) -> None:
        super().__init__(config)
        self.before, self.after = before, after

    def handle(self, request: FakeRequest) -> FakeResponse:
        if self.before is not None:
            request = self.before(request)
        response = super().handle(request)
        return self.after(request, response) if self.after is not None else response


@dataclass(frozen=True)
class Mutant:
    name: str
    category: str
    doc: str
    mutations: Mutations = field(default_factory=Mutations)
    task: TaskScript | None = None
    faults: tuple[Fault, ...] = ()
    before: RequestRewrite | None = None
    after: ResponseRewrite | None = None
    faithful: bool = False

    def api(self) -> MutantAPI:
        config = FakeConfig(key=KEY, mutations=self.mutations, faults=self.faults)
        if self.task is not None:
            config = replace(config, task=self.task)
        return MutantAPI(config, self.before, self.after)


# --- fault helpers ---------------------------------------------------------------------------
def _body(request: FakeRequest) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


def reject_valid(test: Callable[[dict[str, Any]], bool]) -> ResponseRewrite:
    """Refuse (422) accepted creates whose body passes ``test``: a false rejection."""

    def after(request: FakeRequest, response: FakeResponse) -> FakeResponse:
        body = _body(request)
        accepted = response.status == 200 and request.method == "POST"
        if accepted and isinstance(body, dict) and test(body):
            return FakeResponse(422, {"error": VALIDATION}, response.headers)
        return response

    return after


def on_status(status: int, change: Callable[[FakeResponse], FakeResponse]) -> ResponseRewrite:
    def after(_request: FakeRequest, response: FakeResponse) -> FakeResponse:
        return change(response) if response.status == status else response

    return after


def error_without_type(response: FakeResponse) -> FakeResponse:
    error = {k: v for k, v in response.body["error"].items() if k != "type"}
    return FakeResponse(response.status, {"error": error}, response.headers)


def any_key(missing_too: bool) -> RequestRewrite:
    """Authenticate every request as if it carried the right key."""

    def before(request: FakeRequest) -> FakeRequest:
        auth = request.headers.get("authorization")
        if auth is None and not missing_too:
            return request
        headers = {**request.headers, "authorization": f"Bearer {KEY}"}
        return FakeRequest(request.method, request.path, headers, request.body)

    return before


def falling_progress() -> ResponseRewrite:
    seen: dict[str, int] = {}

    def after(request: FakeRequest, response: FakeResponse) -> FakeResponse:
        body = response.body
        if request.method == "GET" and response.status == 200 and body["status"] == "processing":
            seen[body["id"]] = n = seen.get(body["id"], 0) + 1
            body = {**body, "progress": 60 if n == 1 else 10}
            return FakeResponse(200, body, response.headers)
        return response

    return after


SLOW_FLAKY = (  # the first requests meet a burst of 429, two 503, slow answers and drops
    Fault(kind="rate_limit", times=3, retry_after=0.2),
    Fault(status=503, times=2, method="POST"),
    Fault(delay=0.3, times=3),
    Fault(drop=True, times=1, method="POST"),
    Fault(drop=True, times=1, path="/v1/tasks/*"),
)


def _accept(*rules: str) -> Mutations:
    return Mutations(accept_rules=frozenset(rules))


MUTANTS: tuple[Mutant, ...] = (
    Mutant("faithful", "baseline", "the contract-faithful fake", faithful=True),
    Mutant("faithful-flaky", "baseline", "faithful, with 429 bursts, 503, slow answers and "
           "dropped connections", faults=SLOW_FLAKY, faithful=True),
    # rule enforcement: a violation accepted
    Mutant("accept-lite-4k", "rule", "Lite at 4k accepted", _accept("lite-no-4k")),
    Mutant("accept-lite-1080p-4s", "rule", "Lite 1080p at 4 s accepted",
           _accept("lite-1080p-8s-only")),
    Mutant("accept-lite-safety", "rule", "safety_tolerance on Lite accepted",
           _accept("safety-tolerance-standard-fast-only")),
    Mutant("accept-fast-enhance", "rule", "enhance_prompt on Fast/Lite accepted",
           _accept("enhance-prompt-standard-only")),
    Mutant("accept-person-generation", "rule", "person_generation on Fast/Lite accepted",
           _accept("person-generation-standard-only")),
    Mutant("accept-unknown-model", "rule", "an unknown model accepted", _accept("model.enum")),
    Mutant("accept-string-duration", "rule", 'a lenient parser: duration "8" accepted',
           _accept("duration.type")),
    Mutant("accept-tolerance-7", "rule", "safety_tolerance above 6 accepted",
           _accept("safety_tolerance.maximum")),
    Mutant("accept-bad-image-url", "rule", "a non-http image_url accepted",
           _accept("image_url.pattern")),
    Mutant("accept-blank-prompt", "rule", "a blank prompt accepted", _accept("prompt.pattern")),
    Mutant("accept-missing-model", "rule", "a body without model accepted",
           _accept("model.required")),
    # false rejection of a valid request
    Mutant("reject-fast-4k", "false-rejection", "Fast at 4k refused",
           after=reject_valid(lambda b: b["model"] == FAST and b.get("resolution") == "4k")),
    Mutant("reject-null-enhance", "false-rejection", "an explicit null enhance_prompt refused",
           after=reject_valid(lambda b: "enhance_prompt" in b and b["enhance_prompt"] is None)),
    Mutant("reject-portrait", "false-rejection", "aspect_ratio 9:16 refused",
           after=reject_valid(lambda b: b.get("aspect_ratio") == "9:16")),
    Mutant("reject-tolerance-6", "false-rejection", "safety_tolerance 6 refused",
           after=reject_valid(lambda b: b.get("safety_tolerance") == 6)),
    Mutant("reject-lite-720p-4s", "false-rejection", "Lite 720p at 4 s refused",
           after=reject_valid(lambda b: b["model"] == LITE and b.get("duration") == 4)),
    # response schema
    Mutant("schema-object", "schema", "object is 'video.task'",
           Mutations(patch_task={"object": "video.task"})),
    Mutant("schema-progress-string", "schema", 'progress sent as "0"',
           Mutations(patch_task={"progress": "0"})),
    Mutant("schema-no-task-info", "schema", "the create answer lacks task_info",
           Mutations(patch_task={"task_info": None})),
    Mutant("schema-created-iso", "schema", "created as an ISO date string",
           Mutations(patch_task={"created": "2026-11-24T05:00:00Z"})),
    Mutant("schema-status-queued", "schema", "an undocumented status 'queued'",
           Mutations(patch_task={"status": "queued"})),
    # error format
    Mutant("error-wrong-code", "error-format", "enhance_prompt on Fast answered without the "
           "unsupported_advanced_options code",
           Mutations(answer_rules={"enhance-prompt-standard-only": "validation"})),
    Mutant("error-no-type", "error-format", "422 errors without a type",
           after=on_status(422, error_without_type)),
    Mutant("error-400-for-422", "error-format", "validation failures answered 400",
           after=on_status(422, lambda r: FakeResponse(400, r.body, r.headers))),
    Mutant("error-malformed-422", "error-format", "malformed JSON answered 422",
           after=on_status(400, lambda r: FakeResponse(422, r.body, r.headers))),
    # authentication
    Mutant("auth-wrong-key-accepted", "auth", "any key accepted", before=any_key(False)),
    Mutant("auth-no-key-accepted", "auth", "no key needed", before=any_key(True)),
    Mutant("auth-401-no-body", "auth", "401 without the error body",
           after=on_status(401, lambda r: FakeResponse(401, None, {}))),
    Mutant("auth-403", "auth", "403 instead of 401",
           after=on_status(401, lambda r: FakeResponse(403, r.body, r.headers))),
    # task lifecycle
    Mutant("lifecycle-goes-back", "lifecycle", "processing goes back to pending",
           Mutations(unchecked_lifecycle=True),
           task=TaskScript(statuses=("pending", "processing", "pending"))),
    Mutant("lifecycle-no-results", "lifecycle", "completed without results",
           Mutations(patch_task={"results": None})),
    Mutant("lifecycle-failed-no-error", "lifecycle", "failed without an error object",
           Mutations(patch_task={"error": None}), task=TaskScript.failing()),
    Mutant("lifecycle-progress-falls", "lifecycle", "progress falls between polls",
           task=TaskScript(statuses=("pending", "processing", "processing", "completed")),
           after=falling_progress()),
    Mutant("lifecycle-wrong-id", "lifecycle", "the task answers under another id",
           Mutations(patch_task={"id": "task-unified-0000000000-elsewhere"})),
    Mutant("lifecycle-unknown-task-type", "lifecycle", "an unknown task is 404 of another type",
           after=on_status(404, lambda r: FakeResponse(
               404, {"error": {"message": "nope", "type": "invalid_request_error"}}, r.headers))),
)  # fmt: skip


@dataclass
class Result:
    name: str
    category: str
    killed: bool
    passed: bool
    failures: list[str] = field(default_factory=list)
    detail: str = ""
    paid: int = 0
    seconds: float = 0.0
    exit_code: int = 0


def _failures(junit: Path) -> list[tuple[str, str]]:
    out = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            text = (failure.text or failure.get("message") or "").strip()
            out.append((case.get("name", "?"), text))
    return out


def run(mutant: Mutant, contracts: Path, workdir: Path) -> Result:
    api = mutant.api()
    junit = workdir / f"{mutant.name}.xml"
    env = {**os.environ, "FOXAPI_API_KEY": KEY}
    env.pop("FOXAPI_BASE_URL", None)
    with FakeServer(api) as server:
        args = [
            sys.executable, "-m", "pytest", str(contracts), "--fox-mode", "live",
            "--fox-base-url", server.base_url, "--fox-budget", str(BUDGET), "--fox-wait", WAIT,
            "-m", "fox_live", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS,
            f"--junitxml={junit}", "--rootdir", str(workdir),
        ]  # fmt: skip
        start = time.monotonic()
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - start
    failed = _failures(junit) if junit.exists() else []
    detail = ""
    if failed:  # the first check named after the "got:" line, else the first line
        lines = failed[0][1].splitlines()
        after = [ln.strip() for i, ln in enumerate(lines) if i and "got:" in lines[i - 1]]
        detail = (after or lines or [""])[0]
    killed = proc.returncode == 1 and bool(failed)
    return Result(
        mutant.name, mutant.category, killed, proc.returncode == 0,
        [name for name, _ in failed], detail[:140], api.paid, seconds, proc.returncode,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="run only these mutants")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:30} {m.category:16} {m.doc}")
        return 0
    chosen = [m for m in MUTANTS if args.only is None or m.name in args.only]
    contracts = shipped_contracts_dir()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="foxcontract-bench-") as tmp:
        for mutant in chosen:
            r = run(mutant, contracts, Path(tmp))
            results.append(r)
            verdict = (
                ("PASS" if r.passed else "FALSE FAILURE")
                if mutant.faithful
                else ("killed" if r.killed else "SURVIVED")
            )
            print(
                f"{r.name:30} {verdict:13} paid {r.paid:2}  {r.seconds:5.1f}s  "
                f"{len(r.failures):3} failing  {r.failures[:1]} {r.detail}",
                flush=True,
            )
    return report(results, chosen, args.json)


def report(results: list[Result], chosen: list[Mutant], json_path: str | None) -> int:
    faithful = {m.name for m in chosen if m.faithful}
    mutants = [r for r in results if r.name not in faithful]
    killed = sum(r.killed for r in mutants)
    times = [r.seconds for r in results]
    paid = [r.paid for r in results]
    print()
    if mutants:
        print(f"kill rate: {killed}/{len(mutants)} = {killed / len(mutants):.0%}")
    print(
        f"faithful runs passing: {sum(r.passed for r in results if r.name in faithful)}"
        f"/{len(faithful)}"
    )
    print(
        f"paid creates per run: max {max(paid)}, mean {sum(paid) / len(paid):.1f} (budget {BUDGET})"
    )
    print(
        f"time per run: mean {sum(times) / len(times):.1f}s, max {max(times):.1f}s "
        f"(limit {TIME_LIMIT:g}s)"
    )
    if json_path:
        Path(json_path).write_text(json.dumps([asdict(r) for r in results], indent=2))
    ok = (
        killed == len(mutants)
        and all(r.passed for r in results if r.name in faithful)
        and max(paid) <= BUDGET
        and max(times) < TIME_LIMIT
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
