"""The faults of the docs-only fake: one entry each, grouped by the kind of mistake real
providers make. A fault is a few small hooks the server calls at fixed points; the server
with no fault is faithful to the documentation.

The table is drawn from what providers get wrong (values of a sibling mode or an older page,
text encodings, content types, defaults, the task lifecycle, auth, limits kept for one value
but not another, combinations of three fields, status codes, money), not from what any test
suite checks. Every fault breaks something the documentation says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from docsfake.docs import (
    EXTENDING,
    FAST,
    FIRST_LAST,
    FL_FAST,
    FL_LITE,
    LITE,
    REF_FAST,
    REFERENCE,
    STANDARD,
    Mode,
    effective,
    mode_of,
)

if TYPE_CHECKING:  # the server imports this module; the types only are needed here
    from docsfake.server import DocsFake, Problem, Reply, Request, Task

__all__ = ["CATEGORIES", "FAULTS", "Fault"]

JSON = Any
Body = dict[str, JSON]
Check = Callable[[Body, "list[Problem]", "Request"], "list[Problem]"]
Poll = Callable[[dict[str, JSON], int, "Task"], "dict[str, JSON] | None"]
Respond = Callable[["Request", "Reply"], "Reply"]

CATEGORIES = {
    "family": "values valid elsewhere in the API family (other modes, older pages)",
    "encodings": "text encodings: non-ASCII prompts, escapes, URLs with %-escapes or a query",
    "content-types": "wrong Content-Type on answers, non-JSON errors, request media types",
    "defaults": "a documented default not applied, or another one used",
    "lifecycle": "the task's status, progress and results over the polls",
    "auth": "a wrong or missing key accepted somewhere",
    "limits": "a per-model limit broken for one value but kept for another",
    "three-way": "a valid combination of model x resolution x aspect_ratio/duration refused",
    "status-codes": "the right decision with the wrong status",
    "money": "a request that must be refused is accepted (and paid for)",
}


@dataclass(frozen=True)
class Fault:
    name: str
    category: str
    doc: str
    extra: dict[str, tuple[JSON, ...]] = field(default_factory=dict)
    """More values accepted per field (``reference_count``: more numbers of reference images)."""
    substitutes: tuple[str, ...] = ()
    """Fields of other modes accepted in place of ``image_url``."""
    check: Check | None = None
    """Rewrites the list of problems found in a body (drop some, add some)."""
    auth: Callable[[Request, bool, DocsFake], bool] | None = None
    auth_after_validation: bool = False
    task_auth: Callable[[Request, bool, bool], bool] | None = None
    """``(request, key_ok, task_exists) -> allowed`` on the task endpoint."""
    content_type: Callable[[str, bool], bool] | None = None
    create_status: int = 200
    poll: Poll | None = None
    """Rewrites the task as answered at poll ``n`` (``None``: answer 404)."""
    respond: Respond | None = None
    """Rewrites every answer."""


# --- hook builders ---------------------------------------------------------------------------
def _problem(check: str, message: str, status: int = 422, type_: str = "invalid_request_error",
             code: str | None = None) -> Problem:  # fmt: skip
    from docsfake.server import Problem

    return Problem(check, message, status, type_, code)


def waive(check_id: str, when: Callable[[Body], bool] = lambda b: True) -> Check:
    """Forget the documented check ``check_id`` for bodies where ``when`` holds."""

    def hook(body: Body, problems: list[Problem], req: Request) -> list[Problem]:
        return [p for p in problems if not (p.check == check_id and when(body))]

    return hook


def refuse(when: Callable[[Body], bool], message: str, status: int = 422,
           type_: str = "invalid_request_error") -> Check:  # fmt: skip
    """Refuse a valid body where ``when`` holds."""

    def hook(body: Body, problems: list[Problem], req: Request) -> list[Problem]:
        if problems or not when(body):
            return problems
        return [_problem("fault", message, status, type_)]

    return hook


def restatus(status: int, checks: Callable[[str], bool] = lambda c: True,
             type_: str | None = None) -> Check:  # fmt: skip
    def hook(body: Body, problems: list[Problem], req: Request) -> list[Problem]:
        return [
            replace(p, status=status, type=type_ or p.type) if checks(p.check) else p
            for p in problems
        ]

    return hook


def accept_then_fail(checks: Callable[[str], bool], code: str) -> tuple[Check, Poll]:
    """Accept a body whose only problems pass ``checks``; its task fails at poll 1."""

    def check(body: Body, problems: list[Problem], req: Request) -> list[Problem]:
        if problems and all(checks(p.check) for p in problems):
            body["\x00late"] = problems[0].message
            return []
        return problems

    def poll(view: dict[str, JSON], n: int, task: Task) -> dict[str, JSON] | None:
        late = task.body.get("\x00late")
        if late is None:
            return view
        err = {"code": code, "message": late, "type": "task_error"}
        return {**view, "status": "failed", "progress": 100, "results": None, "error": err}

    return check, poll


def _swap(mode: Mode, field: str, replaces: str | None) -> Check:
    """In ``mode``, accept the unknown ``field`` (and let it stand for the required
    ``replaces``, when given)."""

    def hook(body: Body, problems: list[Problem], req: Request) -> list[Problem]:
        if mode_of(body) is not mode or body.get(field) is None:
            return problems
        return [p for p in problems if p.field not in (field, replaces)]

    return hook


def _text(body: Body) -> str:
    return "".join(str(body.get(k) or "") for k in ("prompt", "negative_prompt"))


def _prompt(body: Body) -> str:
    p = body.get("prompt")
    return p if isinstance(p, str) else ""


def _eff(name: str) -> Callable[[Body], JSON]:
    return lambda b: effective(b, name)


def _is(**values: JSON) -> Callable[[Body], bool]:
    """The body's effective values are these."""
    return lambda b: all(effective(b, k) == v for k, v in values.items())


def _at(polls: int, change: Callable[[dict[str, JSON]], dict[str, JSON] | None]) -> Poll:
    """Apply ``change`` to the task from poll ``polls`` on."""
    return lambda view, n, task: change(view) if n >= polls else view


def _plain_errors(req: Request, reply: Reply) -> Reply:
    if reply.status < 400:
        return reply
    err = (reply.payload or {}).get("error", {})
    text = f"{reply.status} {err.get('message', 'error')}\n".encode()
    return replace(reply, raw=text, headers={**reply.headers, "Content-Type": "text/plain"})


def _header(content_type: str | None, when: Callable[[Request, Reply], bool]) -> Respond:
    def hook(req: Request, reply: Reply) -> Reply:
        if not when(req, reply):
            return reply
        return replace(reply, headers={**reply.headers, "Content-Type": content_type or ""})

    return hook


def _is_create(req: Request) -> bool:
    return req.method == "POST"


_ASYNC_CHECK, _ASYNC_POLL = accept_then_fail(
    lambda c: c.endswith("-value") or c in ("safety-range",), "invalid_parameter"
)


def _fail(view: dict[str, JSON]) -> dict[str, JSON]:
    err = {"code": "generation_failed", "message": "upstream error", "type": "task_error"}
    return {**view, "status": "failed", "progress": 100, "results": None, "error": err}


def _completed(view: dict[str, JSON], **changes: JSON) -> dict[str, JSON]:
    return {**view, **changes} if view["status"] == "completed" else view


FAULTS: tuple[Fault, ...] = (
    # --- family: values and fields valid elsewhere in the same API ---------------------------
    Fault("family-fl-image-url", "family",
          "a first-last-frame body may carry image_url in place of first_image_url",
          check=_swap(FIRST_LAST, "image_url", "first_image_url")),
    Fault("family-fl-last-optional", "family",
          "a first-last-frame body without last_image_url is accepted (charged)",
          check=waive("last_image_url-required")),
    Fault("family-fl-lite-4k", "family",
          f"{FL_LITE} accepts 4k (the image-to-video Lite still refuses it)",
          check=waive("lite-no-4k", _is(model=FL_LITE))),
    Fault("family-fl-fast-enhance", "family",
          f"{FL_FAST} accepts enhance_prompt (Standard only)",
          check=waive("enhance_prompt-models", _is(model=FL_FAST))),
    Fault("family-reference-4-images", "family",
          "reference_image_urls accepts 4 images (5 still refused)",
          extra={"reference_count": (4,)}),
    Fault("family-reference-duration", "family",
          "a reference body accepts duration 4 and 6 (the page fixes it at 8)",
          check=waive("duration-value", lambda b: mode_of(b) is REFERENCE
                      and b.get("duration") in (4, 6))),
    Fault("family-reference-fast-type", "family",
          f"{REF_FAST} accepts reference_type (Standard only)",
          check=waive("reference_type-models", _is(model=REF_FAST))),
    Fault("family-reference-image-url", "family",
          "a reference body may carry image_url in place of reference_image_urls",
          check=_swap(REFERENCE, "image_url", "reference_image_urls")),
    Fault("family-extend-duration", "family",
          "an extend body accepts duration (the continuation is always 7 s)",
          check=_swap(EXTENDING, "duration", None)),
    Fault("family-extend-resolution", "family",
          "an extend body accepts resolution (not a field of the mode)",
          check=_swap(EXTENDING, "resolution", None)),
    Fault("family-extend-video", "family",
          "an extend body may name its input video (the older page) in place of video_url",
          check=_swap(EXTENDING, "video", "video_url")),
    Fault("family-model-unified", "family",
          "accepts the older unified entry's models veo-3.1 and veo-3.1-fast",
          extra={"model": ("veo-3.1", "veo-3.1-fast")}),
    Fault("family-model-legacy", "family", "accepts the legacy models veo3.1-fast, veo3.1-pro",
          extra={"model": ("veo3.1-fast", "veo3.1-pro")}),
    Fault("family-resolution-2160p", "family",
          "accepts resolution 2160p (the unified entry's name for 4k)",
          extra={"resolution": ("2160p",)}),
    Fault("family-duration-5", "family", "accepts duration 5 (the legacy entries' example)",
          extra={"duration": (5,)}),
    Fault("family-duration-7", "family", "accepts duration 7 (the extend mode's length)",
          extra={"duration": (7,)}),
    Fault("family-size-ratios", "family",
          "accepts the legacy size list as aspect_ratio (1:1, 4:3, 3:4, 21:9, ...)",
          extra={"aspect_ratio": ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "21:9",
                                  "auto")}),
    Fault("family-image-urls", "family",
          "accepts image_urls (the unified entry's array) in place of image_url",
          substitutes=("image_urls",)),
    Fault("family-first-image-url", "family",
          "accepts first_image_url (first/last-frame mode) in place of image_url",
          substitutes=("first_image_url", "last_image_url")),
    Fault("family-reference-urls", "family",
          "accepts reference_image_urls (reference mode) in place of image_url",
          substitutes=("reference_image_urls", "reference_type")),
    Fault("family-output-shape", "family",
          "a completed task answers the older page's output {url, urls} instead of results",
          poll=lambda v, n, t: _completed(
              {k: x for k, x in v.items() if k != "results"},
              output={"url": (v["results"] or [{}])[0].get("url"),
                      "urls": [r["url"] for r in v["results"] or []]})
          if v["status"] == "completed" else v),
    Fault("family-cancelled-status", "family",
          "tasks report the older page's status cancelled at poll 1",
          poll=lambda v, n, t: {**v, "status": "cancelled"} if n == 1 else v),
    # --- encodings ---------------------------------------------------------------------------
    Fault("enc-cjk-prompt-refused", "encodings",
          "a prompt with non-ASCII text is refused 422 (the page says Chinese is supported)",
          check=refuse(lambda b: not _prompt(b).isascii(), "prompt must be ASCII")),
    Fault("enc-cjk-prompt-500", "encodings",
          "a prompt with CJK characters fails with 500 (stored in a latin-1 column)",
          check=refuse(lambda b: any("\u3000" <= ch <= "\u9fff" for ch in _prompt(b)),
                       "internal error", 500, "server_error")),
    Fault("enc-emoji-500", "encodings",
          "text outside the Basic Multilingual Plane (emoji) fails with 500 (utf8mb3)",
          check=refuse(lambda b: any(ord(ch) > 0xFFFF for ch in _text(b)),
                       "internal error", 500, "server_error")),
    Fault("enc-percent-url-refused", "encodings",
          "an image_url with %-escapes is refused (decoded twice, then not a URL)",
          check=refuse(lambda b: "%" in str(b.get("image_url")), "image_url is not a URL")),
    Fault("enc-query-url-refused", "encodings",
          "an image_url with a query string is refused",
          check=refuse(lambda b: "?" in str(b.get("image_url")), "image_url must be a file")),
    Fault("enc-unicode-escapes-500", "encodings",
          "a body with JSON \\u escapes fails with 500 (a hand-rolled parser)",
          check=lambda b, p, r: p if p or b"\\u" not in r.raw
          else [_problem("fault", "internal error", 500, "server_error")]),
    Fault("enc-negative-prompt-non-ascii", "encodings",
          "a negative_prompt with non-ASCII text is refused",
          check=refuse(lambda b: not str(b.get("negative_prompt") or "").isascii(),
                       "negative_prompt must be ASCII")),
    Fault("enc-long-prompt-refused", "encodings",
          "a prompt longer than 1000 characters is refused (no limit is documented)",
          check=refuse(lambda b: len(_prompt(b)) > 1000, "prompt too long")),
    Fault("enc-quote-prompt-500", "encodings",
          "a prompt with a double quote or a backslash fails with 500 (unescaped template)",
          check=refuse(lambda b: '"' in _prompt(b) or "\\" in _prompt(b),
                       "internal error", 500, "server_error")),
    Fault("enc-newline-prompt-refused", "encodings", "a prompt with a line break is refused",
          check=refuse(lambda b: "\n" in _prompt(b), "prompt must be one line")),
    # --- content types -----------------------------------------------------------------------
    Fault("ct-create-text-html", "content-types", "the task created is answered as text/html",
          respond=_header("text/html; charset=utf-8",
                          lambda q, r: _is_create(q) and r.status < 300)),
    Fault("ct-task-no-content-type", "content-types",
          "a task answer carries no Content-Type header",
          respond=_header(None, lambda q, r: q.method == "GET")),
    Fault("ct-errors-text-plain", "content-types",
          "every error is a text/plain line, not the documented JSON error body",
          respond=_plain_errors),
    Fault("ct-401-html", "content-types",
          "a refused key gets an HTML page from a gateway (status 401 kept)",
          respond=lambda q, r: replace(
              r, raw=b"<html><body><h1>401 Authorization Required</h1></body></html>",
              headers={**r.headers, "Content-Type": "text/html"}) if r.status == 401 else r),
    Fault("ct-errors-mislabelled", "content-types",
          "error bodies are JSON but labelled text/html",
          respond=_header("text/html", lambda q, r: r.status >= 400)),
    Fault("ct-json-charset-refused", "content-types",
          "a request sent as 'application/json; charset=utf-8' is refused 400",
          content_type=lambda header, ok: ok and ";" not in header),
    Fault("ct-text-plain-accepted", "content-types",
          "a JSON body sent as text/plain is accepted (the error table says 400)",
          content_type=lambda header, ok: ok or header.startswith("text/plain")),
    Fault("ct-any-media-type-accepted", "content-types",
          "any request media type is accepted when the body parses as JSON",
          content_type=lambda header, ok: True),
    # --- defaults ----------------------------------------------------------------------------
    Fault("def-duration-4", "defaults",
          "an omitted duration is read as 4, not the documented 8",
          check=refuse(lambda b: b.get("duration") is None
                       and _is(model=LITE, resolution="1080p")(b),
                       f"{LITE} at 1080p supports only 8 seconds")),
    Fault("def-resolution-720p", "defaults",
          "an omitted resolution is read as 720p, not the documented 1080p",
          check=waive("lite-1080p-8s", lambda b: b.get("resolution") is None),
          poll=lambda v, n, t: _completed(v, results=[{**r, "width": 1280, "height": 720}
                                                      for r in v["results"] or []])
          if t.body.get("resolution") is None else v),
    Fault("def-resolution-4k", "defaults",
          "an omitted resolution is read as 4k (so Lite refuses it)",
          check=refuse(lambda b: b.get("resolution") is None and _is(model=LITE)(b),
                       f"{LITE} supports only 720p and 1080p")),
    Fault("def-generate-audio-required", "defaults",
          "generate_audio has no default: a body without it is refused",
          check=refuse(lambda b: "generate_audio" not in b, "generate_audio is required")),
    Fault("def-aspect-9-16", "defaults",
          "an omitted aspect_ratio gives a portrait (9:16) video",
          poll=lambda v, n, t: _completed(v, results=[{**r, "width": min(r["width"], r["height"]),
                                                       "height": max(r["width"], r["height"])}
                                                      for r in v["results"] or []])
          if t.body.get("aspect_ratio") is None else v),
    Fault("def-explicit-null-refused", "defaults",
          "an explicit null for a field typed 'or null' is refused",
          check=refuse(lambda b: any(b.get(k, 0) is None for k in (
              "auto_fix", "safety_tolerance", "enhance_prompt", "person_generation",
              "negative_prompt", "seed")), "null is not a valid value")),
    Fault("def-explicit-default-refused", "defaults",
          "an explicit generate_audio false is refused (only true may be sent)",
          check=refuse(lambda b: b.get("generate_audio") is False, "generate_audio must be true")),
    # --- lifecycle ---------------------------------------------------------------------------
    Fault("life-back-to-pending", "lifecycle", "a processing task is pending again at poll 2",
          poll=lambda v, n, t: {**v, "status": "pending", "progress": 0} if n == 2 else v),
    Fault("life-completed-then-processing", "lifecycle",
          "a completed task is processing again on the next poll",
          poll=lambda v, n, t: {**v, "status": "processing", "progress": 90, "results": None}
          if n == 4 else v),
    Fault("life-completed-then-failed", "lifecycle",
          "a completed task answers failed when polled again",
          poll=_at(4, _fail)),
    Fault("life-completed-no-url", "lifecycle", "a completed task has an empty results array",
          poll=lambda v, n, t: _completed(v, results=[])),
    Fault("life-completed-results-null", "lifecycle", "a completed task has results null",
          poll=lambda v, n, t: _completed(v, results=None)),
    Fault("life-completed-progress-90", "lifecycle", "a completed task reports progress 90",
          poll=lambda v, n, t: _completed(v, progress=90)),
    Fault("life-progress-falls", "lifecycle", "progress falls from 35 to 10 at poll 2",
          poll=lambda v, n, t: {**v, "progress": 10} if n == 2 else v),
    Fault("life-progress-over-100", "lifecycle", "progress is 140 at poll 2",
          poll=lambda v, n, t: {**v, "progress": 140} if n == 2 else v),
    Fault("life-fails-after-2-polls", "lifecycle",
          "every task of a valid body fails at poll 2 with a generic error",
          poll=_at(2, _fail)),
    Fault("life-failed-without-error", "lifecycle", "tasks fail at poll 2 with error null",
          poll=_at(2, lambda v: {**_fail(v), "error": None})),
    Fault("life-succeeded-status", "lifecycle",
          "a finished task reports status succeeded (not in the documented list)",
          poll=lambda v, n, t: _completed(v, status="succeeded")),
    Fault("life-first-poll-404", "lifecycle",
          "a task just created is unknown (404) on its first poll",
          poll=lambda v, n, t: None if n == 1 else v),
    Fault("life-wrong-id", "lifecycle", "the task answered carries another task's id",
          poll=lambda v, n, t: {**v, "id": v["id"][:-8] + "zzzzzzzz"}),
    # --- auth --------------------------------------------------------------------------------
    Fault("auth-wrong-key-create", "auth", "any Bearer key is accepted on create",
          auth=lambda q, ok, f: ok or (q.method == "POST" and bool(q.header("authorization")))),
    Fault("auth-no-key-task", "auth", "the task endpoint answers without a key",
          task_auth=lambda q, ok, exists: ok or not q.header("authorization")),
    Fault("auth-no-key-existing-task", "auth",
          "an existing task is answered without a key (an unknown id still gets 401)",
          task_auth=lambda q, ok, exists: ok or (exists and not q.header("authorization"))),
    Fault("auth-wrong-key-task", "auth", "the task endpoint accepts any Bearer key",
          task_auth=lambda q, ok, exists: ok or bool(q.header("authorization"))),
    Fault("auth-403", "auth", "a wrong key gets 403 permission_error, not 401",
          respond=lambda q, r: replace(r, payload={"error": {"message": "forbidden",
                                                   "type": "permission_error"}}, status=403)
          if r.status == 401 and q.header("authorization") else r),
    Fault("auth-after-validation", "auth",
          "the body is validated before the key: a bad body without a key gets 422",
          auth_after_validation=True),
    # --- limits broken for one value, kept for another --------------------------------------
    Fault("lim-lite-4k-with-9-16", "limits", "Lite accepts 4k when aspect_ratio is 9:16",
          check=waive("lite-no-4k", _is(aspect_ratio="9:16"))),
    Fault("lim-lite-4k-with-4s", "limits", "Lite accepts 4k when duration is 4",
          check=waive("lite-no-4k", _is(duration=4))),
    Fault("lim-lite-1080p-6s", "limits", "Lite at 1080p accepts 6 s (4 s still refused)",
          check=waive("lite-1080p-8s", _is(duration=6))),
    Fault("lim-lite-1080p-9-16", "limits",
          "Lite at 1080p accepts 4 and 6 s in portrait (9:16)",
          check=waive("lite-1080p-8s", _is(aspect_ratio="9:16"))),
    Fault("lim-lite-safety-6", "limits", "Lite accepts safety_tolerance 6 (1 to 5 refused)",
          check=waive("safety_tolerance-models", lambda b: b.get("safety_tolerance") == 6)),
    Fault("lim-fast-enhance-false", "limits",
          "Fast accepts enhance_prompt false (true refused)",
          check=waive("enhance_prompt-models",
                      lambda b: b.get("enhance_prompt") is False and _is(model=FAST)(b))),
    Fault("lim-fast-person-dont-allow", "limits",
          "Fast accepts person_generation dont_allow (allow_adult refused)",
          check=waive("person_generation-models",
                      lambda b: b.get("person_generation") == "dont_allow" and _is(model=FAST)(b))),
    Fault("lim-lite-person-allow-adult", "limits", "Lite accepts person_generation allow_adult",
          check=waive("person_generation-models",
                      lambda b: b.get("person_generation") == "allow_adult"
                      and _is(model=LITE)(b))),
    Fault("lim-safety-7", "limits", "safety_tolerance 7 is accepted (0 still refused)",
          extra={"safety_tolerance": (7,)}),
    Fault("lim-safety-0", "limits", "safety_tolerance 0 is accepted (7 still refused)",
          extra={"safety_tolerance": (0,)}),
    # --- three-way combinations --------------------------------------------------------------
    Fault("tri-standard-4k-9-16", "three-way", "Standard at 4k in portrait (9:16) is refused",
          check=refuse(_is(model=STANDARD, resolution="4k", aspect_ratio="9:16"),
                       "4k portrait is not available")),
    Fault("tri-fast-720p-9-16", "three-way", "Fast at 720p in portrait (9:16) is refused",
          check=refuse(_is(model=FAST, resolution="720p", aspect_ratio="9:16"),
                       "no channel for this request")),
    Fault("tri-lite-1080p-9-16", "three-way", "Lite at 1080p in portrait (9:16) is refused",
          check=refuse(_is(model=LITE, resolution="1080p", aspect_ratio="9:16"),
                       "no channel for this request")),
    Fault("tri-fast-4k-4s", "three-way", "Fast at 4k for 4 seconds is refused",
          check=refuse(_is(model=FAST, resolution="4k", duration=4), "4k needs 6 s or more")),
    Fault("tri-lite-720p-6s", "three-way", "Lite at 720p for 6 seconds is refused",
          check=refuse(_is(model=LITE, resolution="720p", duration=6),
                       "no channel for this request")),
    # --- status codes ------------------------------------------------------------------------
    Fault("st-create-201", "status-codes", "a task created is answered 201, not 200",
          create_status=201),
    Fault("st-create-202", "status-codes", "a task created is answered 202, not 200",
          create_status=202),
    Fault("st-validation-400", "status-codes", "validation failures are 400, not 422",
          check=restatus(400)),
    Fault("st-malformed-422", "status-codes", "malformed JSON is 422, not 400",
          respond=lambda q, r: replace(r, status=422) if r.status == 400 else r),
    Fault("st-unknown-model-404", "status-codes",
          "an unknown model is 404 model_not_found, not 422",
          check=restatus(404, lambda c: c == "model-value", "model_not_found")),
    Fault("st-unsupported-400", "status-codes",
          "unsupported_advanced_options is 400, not 422",
          check=restatus(400, lambda c: c.endswith("-models"))),
    Fault("st-unknown-task-400", "status-codes", "an unknown task id is 400, not 404",
          respond=lambda q, r: replace(r, status=400) if r.status == 404 else r),
    Fault("st-error-as-200", "status-codes",
          "a validation failure is answered 200 with the error body",
          respond=lambda q, r: replace(r, status=200) if r.status == 422 else r),
    # --- money: refusals accepted ------------------------------------------------------------
    Fault("money-lite-4k-accepted", "money",
          "Lite 4k is accepted (and charged); the task completes at 1080p",
          check=waive("lite-no-4k")),
    Fault("money-async-validation", "money",
          "a bad enum value or range is accepted (charged); the task fails at poll 1",
          check=_ASYNC_CHECK, poll=_ASYNC_POLL),
    Fault("money-advanced-accepted", "money",
          "advanced options a model does not take are accepted (charged), then ignored",
          check=lambda b, p, r: [x for x in p if not x.check.endswith("-models")]),
    Fault("money-no-image-accepted", "money",
          "a body without image_url is accepted (charged) as text-to-video",
          check=waive("image_url-required")),
    Fault("money-wrong-type-accepted", "money",
          "'8' for duration and 'true' for booleans are coerced and accepted (charged)",
          check=lambda b, p, r: [x for x in p if not (x.check.endswith("-type")
                                 and _coercible(b))]),
)  # fmt: skip


def _coercible(body: Body) -> bool:
    return any(
        isinstance(v, str) and (v.isdigit() or v in ("true", "false")) for v in body.values()
    )


def by_category() -> dict[str, list[Fault]]:
    out: dict[str, list[Fault]] = {c: [] for c in CATEGORIES}
    for f in FAULTS:
        out[f.category].append(f)
    return out


assert len({f.name for f in FAULTS}) == len(FAULTS), "fault names must be unique"
assert all(f.category in CATEGORIES for f in FAULTS)
