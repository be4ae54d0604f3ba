"""The faults of the live-mode mutation benchmark (``bench_mutations.py``): each a copy of
the loopback fake with one deliberate break of the contract, and the two faithful baselines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from foxcontract.fake import FakeAPI, FakeConfig, Fault, Mutations, TaskScript
from foxcontract.fake.wire import FakeRequest, FakeResponse

KEY = "sk-bench-mutations-key-0001"
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
    Fault(kind="rate_limit", times=3, retry_after=0),
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
