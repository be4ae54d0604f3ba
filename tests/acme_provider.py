"""A synthetic provider that is not FoxAPI, as contract files only: other paths
(``POST /api/jobs``, ``GET /api/jobs/{job_id}``), the key in ``X-Acme-Key`` from
``ACME_TOKEN``, flat error bodies (``{kind, detail}``), other terminal states
(``succeeded``/``errored``). Written to a folder by :func:`write_acme`; kept here, not as
YAML files in ``tests/``, so the project's own run does not collect them."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ACME", "KEY", "KEY_ENV", "write_acme"]

KEY_ENV = "ACME_TOKEN"
KEY = "acme_0123456789abcdef"
"""A key of the shape the contract's key_pattern describes."""

ACME: dict[str, str] = {
    "errors.yaml": """\
# A provider that is not FoxAPI: the key in X-Acme-Key, flat error bodies, its own roles.
foxcontract: 1
kind: errors
name: acme-errors
version: "1"
sources:
  acme-docs:
    title: Acme Jobs API reference
    url: https://docs.acme.example/jobs
content_type: application/json
provider:
  name: Acme Jobs
  base_url: https://jobs.acme.example
  base_url_env: ACME_BASE_URL
  auth:
    scheme: header
    header: X-Acme-Key
    key_env: ACME_TOKEN
    key_pattern: '(?<![A-Za-z0-9])acme_[a-z0-9]{12,}'
  error: {type: kind, code: null, message: detail}
  roles:
    authentication: denied
    not_found: missing
    quota: out_of_credit
    malformed_request: unreadable
    rate_limit: slow_down
    server: broken
  provenance:
    auth: {documented: acme-docs, quote: "send your token in the X-Acme-Key header"}
    error: {assumed: "the reference shows one error body, {kind, detail}"}
schema:
  type: object
  required: [kind, detail]
  properties:
    kind: {type: string}
    detail: {type: string}
errors:
  unreadable: {status: 400, type: unreadable_body, cause: not JSON}
  denied: {status: 403, type: no_such_token, cause: token missing or wrong}
  out_of_credit: {status: 402, type: no_credit, cause: no credit left}
  missing: {status: 404, type: no_such_job, cause: unknown job}
  invalid: {status: 400, type: bad_job, cause: a bad job description}
  slow_down: {status: 429, type: slow_down, retryable: true, cause: too many requests}
  broken: {status: 500, type: internal, retryable: true, cause: retry later}
""",
    "jobs-create.yaml": """\
# POST /api/jobs: start a rendering job.
foxcontract: 1
kind: endpoint
name: jobs-create
version: "1"
errors: errors.yaml
request:
  method: POST
  path: /api/jobs
  auth: key
  content_type: application/json
  body:
    type: object
    required: [scene, frames]
    properties:
      scene: {type: string, minLength: 1}
      frames: {type: integer, minimum: 1, maximum: 240}
      quality: {type: string, enum: [draft, final], default: draft}
settings:
  field_violation: invalid
  malformed_request: unreadable
rules:
  - id: final-needs-short-scenes
    doc: final quality renders at most 120 frames
    when: {quality: final}
    then: {frames: {in: [24, 48, 96, 120]}}
    expect: invalid
responses:
  "201":
    schema:
      type: object
      required: [job_id, state, submitted_at]
      properties:
        job_id: {type: string, pattern: '^job_[a-z0-9]+$'}
        state: {enum: [queued, running, succeeded, errored]}
        submitted_at: {type: integer}
        scene: {type: string}
    volatile: [job_id, submitted_at]
  errors: [unreadable, denied, out_of_credit, invalid, slow_down, broken]
task:
  role: create
  id: job_id
  id_format: "job_{random:10}"
  clock: [submitted_at]
  echo: [scene]
cost:
  paid: ["201"]
examples:
  - name: a-job
    request:
      body: {scene: a red cube, frames: 48}
    response:
      status: 201
      body: {job_id: job_0123456789, state: queued, submitted_at: 1700000000, scene: a red cube}
""",
    "jobs-get.yaml": """\
# GET /api/jobs/{job_id}: how a job is doing.
foxcontract: 1
kind: endpoint
name: jobs-get
version: "1"
errors: errors.yaml
request:
  method: GET
  path: /api/jobs/{job_id}
  auth: key
  params:
    job_id: {type: string, minLength: 1}
responses:
  "200":
    schema:
      type: object
      required: [job_id, state]
      properties:
        job_id: {type: string}
        state: {enum: [queued, running, succeeded, errored]}
        submitted_at: {type: integer}
        scene: {type: string}
        output:
          type: [object, "null"]
          properties:
            files:
              type: array
              items: {type: object, required: [href], properties: {href: {type: string}}}
        failure:
          type: [object, "null"]
          required: [reason, explanation]
          properties:
            reason: {type: string}
            explanation: {type: string}
    volatile: [job_id, submitted_at, output.files.*.href]
  errors: [denied, missing, slow_down, broken]
lifecycle:
  field: state
  initial: [queued]
  transitions:
    queued: [queued, running, succeeded, errored]
    running: [running, succeeded, errored]
    succeeded: [succeeded]
    errored: [errored]
  terminal: [succeeded, errored]
  outcomes:
    succeeded: {results: output.files, url: href}
    errored: {error: failure, code: reason, message: explanation}
task:
  role: poll
  param: job_id
cost:
  paid: []
examples:
  - name: a-finished-job
    request:
      params: {job_id: job_0123456789}
    response:
      status: 200
      body:
        job_id: job_0123456789
        state: succeeded
        submitted_at: 1700000000
        scene: a red cube
        output: {files: [{href: "https://cdn.acme.example/job_0123456789.mp4"}]}
        failure: null
  - name: an-unknown-job
    request:
      params: {job_id: job_unknown}
    response:
      status: 404
      body: {kind: no_such_job, detail: no such job}
""",
}


def write_acme(folder: Path, **edits: tuple[str, str]) -> Path:
    """The Acme contracts in ``folder`` (made if needed); ``edits`` maps a file's stem
    (``jobs_get`` for jobs-get.yaml) to an (old, new) replacement made once in it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ACME.items():
        stem = name.removesuffix(".yaml").replace("-", "_")
        if stem in edits:
            old, new = edits[stem]
            assert text.count(old) == 1, f"{old!r} is not once in {name}"
            text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
