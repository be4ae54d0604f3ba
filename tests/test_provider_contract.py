"""The provider facts as contract data: the shipped FoxAPI values, a provider that is not
FoxAPI, and a clear ``file:line`` error for each bad value."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from acme_provider import write_acme

from foxcontract import ContractError, load_contract
from foxcontract.contract.provider import DEFAULT_PROVIDER, ErrorShape

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def error_of(path: Path) -> str:
    with pytest.raises(ContractError) as info:
        load_contract(path)
    return str(info.value)


def test_the_shipped_contracts_say_what_foxapi_is() -> None:
    create = load_contract(CONTRACTS / "videos-generations.yaml")
    poll = load_contract(CONTRACTS / "tasks-get.yaml")
    p = create.provider
    assert (p.name, p.base_url, p.base_url_env) == (
        "FoxAPI",
        "https://api.foxapi.cc",
        "FOXAPI_BASE_URL",
    )
    assert (p.auth.scheme, p.auth.header, p.auth.key_env) == (
        "bearer",
        "Authorization",
        "FOXAPI_API_KEY",
    )
    assert re.search(p.auth.key_pattern, "key sk-abc123def456 here")
    assert not re.search(p.auth.key_pattern, "task-unified-1757165031-uyujaw3d")
    assert dict(p.roles) == {
        "authentication": "authentication",
        "not_found": "not_found",
        "quota": "insufficient_quota",
        "malformed_request": "malformed_request",
        "rate_limit": "rate_limit",
        "server": "server",
    }
    # the written data is the default: an older copy without the sections behaves the same
    assert p == DEFAULT_PROVIDER
    assert p.provenance_of("base_url").documented
    assert not p.provenance_of("base_url_env").documented
    assert create.task is not None
    assert (create.task.role, create.task.id) == ("create", "id")
    assert poll.task is not None
    assert (poll.task.role, poll.task.param) == ("poll", "task_id")
    lc = poll.lifecycle
    assert lc is not None
    assert (lc.success, lc.failure) == ("completed", "failed")


def test_an_older_copy_without_provider_sections_gets_foxapi(tmp_path: Path) -> None:
    for name in ("videos-generations.yaml", "tasks-get.yaml", "errors.yaml"):
        text = (CONTRACTS / name).read_text(encoding="utf-8")
        text = re.sub(r"\nprovider:\n(  .*\n|\s*#.*\n)+", "\n", text)
        text = re.sub(r"\ntask:\n(  .*\n)+", "\n", text)
        text = re.sub(r"  outcomes:\n(    .*\n)+", "", text)
        assert "provider:" not in text
        assert "\ntask:" not in text
        assert "outcomes" not in text
        (tmp_path / name).write_text(text, encoding="utf-8")
    create = load_contract(tmp_path / "videos-generations.yaml")
    poll = load_contract(tmp_path / "tasks-get.yaml")
    assert create.provider == DEFAULT_PROVIDER
    assert create.task == load_contract(CONTRACTS / "videos-generations.yaml").task
    assert poll.task is not None
    assert poll.task.param == "task_id"
    assert poll.lifecycle is not None
    assert poll.lifecycle.success == "completed"


def test_another_provider_is_read_from_its_files(tmp_path: Path) -> None:
    folder = write_acme(tmp_path)
    create = load_contract(folder / "jobs-create.yaml")
    poll = load_contract(folder / "jobs-get.yaml")
    auth = create.provider.auth
    assert (auth.scheme, auth.header, auth.key_env) == ("header", "X-Acme-Key", "ACME_TOKEN")
    assert auth.value("k") == "k"
    assert auth.describe() == "X-Acme-Key: <key>"
    assert auth.key_in({"x-acme-key": " k "}) == "k"
    assert auth.key_in({"authorization": "Bearer k"}) is None
    assert create.error_kind("authentication") == create.error_kinds["denied"]
    assert create.task is not None
    assert create.task.id == "job_id"
    assert poll.task is not None
    assert poll.task.poll_path("/api/jobs/{job_id}", "j1") == ("/api/jobs/j1")
    lc = poll.lifecycle
    assert lc is not None
    assert (lc.success, lc.failure) == ("succeeded", "errored")
    done = lc.outcome("succeeded")
    assert done is not None
    assert done.problems({"output": {"files": [{"href": "h"}]}}, "poll 2") == []
    assert done.problems({"output": {"files": []}}, "poll 2") == [
        "poll 2: a succeeded task has no output.files"
    ]
    assert done.problems({"output": {"files": [{"href": ""}]}}, "poll 2") == [
        "poll 2: succeeded task output.files [0] carry no URL (href)"
    ]
    failed = lc.outcome("errored")
    assert failed is not None
    assert failed.problems({"failure": None}, "poll 3") == [
        "poll 3: an errored task carries no failure object"
    ]


def test_an_error_shape_reads_and_builds_its_parts() -> None:
    flat = ErrorShape(type="kind", code=None, message="detail")
    assert flat.build("denied", "c", "no") == {"detail": "no", "kind": "denied"}
    parts = flat.parts({"kind": "denied", "detail": "no"})
    assert parts is not None
    assert (parts.type, parts.code, parts.message) == ("denied", None, "no")
    nested = ErrorShape()
    assert nested.build("t", "c", "m") == {"error": {"message": "m", "type": "t", "code": "c"}}
    assert nested.parts({"detail": "x"}) is None
    assert nested.parts("not an object") is None


BAD_PROVIDER = [
    (
        ("    header: X-Acme-Key\n", "    header: 'X Acme'\n"),
        "    header: 'X Acme'",
        "auth header 'X Acme' is not an HTTP header name",
    ),
    (
        ("    key_env: ACME_TOKEN\n", "    key_env: ACME-TOKEN\n"),
        "key_env: ACME-TOKEN",
        "auth key_env 'ACME-TOKEN' is not an environment variable name",
    ),
    (
        ("    key_pattern: '(?<![A-Za-z0-9])acme_[a-z0-9]{12,}'\n", "    key_pattern: 'acme_(['\n"),
        "key_pattern: 'acme_(['",
        "auth key_pattern is not a regular expression: unterminated character set at position 6",
    ),
    (
        ("    key_pattern: '(?<![A-Za-z0-9])acme_[a-z0-9]{12,}'\n", "    key_pattern: 'x*'\n"),
        "key_pattern: 'x*'",
        "auth key_pattern matches the empty string: it would redact everything",
    ),
    (
        ("  base_url: https://jobs.acme.example\n", "  base_url: jobs.acme.example\n"),
        "base_url: jobs.acme.example",
        "base_url 'jobs.acme.example' is not an http(s) URL with a host",
    ),
    (
        ("    authentication: denied\n", "    authentication: denid\n"),
        "authentication: denid",
        "roles: authentication is played by unknown error kind 'denid' (did you mean 'denied'?);"
        " this file defines: unreadable, denied, out_of_credit, missing, invalid, slow_down,"
        " broken",
    ),
    (
        ("    scheme: header\n    header: X-Acme-Key\n", "    scheme: header\n"),
        "  auth:",
        "auth: scheme header needs the header that carries the key (header: X-Api-Key)",
    ),
    (
        (
            "    error: {assumed: ",
            "    errors: {assumed: ",
        ),
        "    errors: {assumed: ",
        "provenance for 'errors', which provider does not have (did you mean 'error'?); it can "
        "vouch for: name, base_url, base_url_env, auth, error, roles",
    ),
]


@pytest.mark.parametrize(("edit", "at", "message"), BAD_PROVIDER)
def test_a_bad_provider_value_names_its_line(
    tmp_path: Path, edit: tuple[str, str], at: str, message: str
) -> None:
    folder = write_acme(tmp_path, errors=edit)
    errors = folder / "errors.yaml"
    assert error_of(folder / "jobs-create.yaml") == f"{errors}:{line_of(errors, at)}: {message}"


def test_a_misspelt_provider_key_suggests_the_right_one(tmp_path: Path) -> None:
    folder = write_acme(tmp_path, errors=("    key_env: ACME_TOKEN\n", "    key_var: ACME_TOKEN\n"))
    errors = folder / "errors.yaml"
    assert error_of(folder / "jobs-create.yaml").startswith(
        f"{errors}:{line_of(errors, 'key_var')}: unknown key 'key_var' in provider.auth "
        "(did you mean 'key_env'?)"
    )


BAD_TASK = [
    (
        "jobs_get",
        ("  param: job_id\n", "  param: jobid\n"),
        "  param: jobid",
        "task param 'jobid' is not a parameter of the path /api/jobs/{job_id} (did you mean "
        "'job_id'?)",
    ),
    (
        "jobs_get",
        ("  role: poll\n  param: job_id\n", "  role: poll\n"),
        "  role: poll",
        "task: a poll endpoint needs param: the path parameter that takes the task id (the "
        "path's: job_id)",
    ),
    (
        "jobs_create",
        ('  id_format: "job_{random:10}"\n', '  id_format: "job_{rand:10}"\n'),
        "id_format:",
        "id_format: unknown placeholder {rand} (known: {unix}, {random:N})",
    ),
    (
        "jobs_get",
        ("    errored: {error: failure,", "    erored: {error: failure,"),
        "    erored:",
        "lifecycle outcome for 'erored', which is not a terminal state (did you mean "
        "'errored'?) (terminal: succeeded, errored)",
    ),
    (
        "jobs_get",
        ("    succeeded: {results: output.files, url: href}", "    succeeded: {url: href}"),
        "    succeeded: {url: href}",
        "lifecycle outcome 'succeeded': give results: (a success with result URLs) or error: "
        "(a failure with an error object), one of the two",
    ),
    (
        "jobs_get",
        (
            "    errored: {error: failure, code: reason, message: explanation}\n",
            "    errored: {error: failure, code: reason, message: explanation}\n"
            '  accepted_ends: {state: succeded, assumed: "a job of a valid body succeeds"}\n',
        ),
        "  accepted_ends:",
        "lifecycle accepted_ends 'succeded' is not a terminal state (did you mean "
        "'succeeded'?) (terminal: succeeded, errored)",
    ),
    (
        "jobs_get",
        (
            "    errored: {error: failure, code: reason, message: explanation}\n",
            "    errored: {error: failure, code: reason, message: explanation}\n"
            "  accepted_ends: {state: succeeded}\n",
        ),
        "  accepted_ends:",
        "lifecycle accepted_ends needs its provenance: documented: <source id> with quote: "
        "<the page's words>, or assumed: <why>",
    ),
]


@pytest.mark.parametrize(("stem", "edit", "at", "message"), BAD_TASK)
def test_a_bad_task_value_names_its_line(
    tmp_path: Path, stem: str, edit: tuple[str, str], at: str, message: str
) -> None:
    folder = write_acme(tmp_path, **{stem: edit})
    path = folder / f"{stem.replace('_', '-')}.yaml"
    assert error_of(path) == f"{path}:{line_of(path, at)}: {message}"


def test_the_shipped_errors_file_alone_is_checked_too(tmp_path: Path) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path / "errors.yaml")
    path = tmp_path / "errors.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    quota: insufficient_quota\n", "    quota: quota\n"
    )
    path.write_text(text, encoding="utf-8")
    from foxcontract.contract.loader import check_errors_file
    from foxcontract.contract.source import read_source

    with pytest.raises(ContractError) as info:
        check_errors_file(read_source(path))
    assert str(info.value) == (
        f"{path}:{line_of(path, 'quota: quota')}: roles: quota is played by unknown error kind "
        "'quota'; this file defines: malformed_request, authentication, insufficient_quota, "
        "not_found, validation, unsupported_advanced_options, rate_limit, server, unavailable"
    )


def test_a_loaded_providers_key_is_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foxcontract.redact import find_secrets, redact_text

    load_contract(write_acme(tmp_path) / "jobs-create.yaml")
    monkeypatch.setenv("ACME_TOKEN", "my-own-token-value")
    text = "sent acme_0123456789abcdef and my-own-token-value"
    assert redact_text(text) == "sent <redacted> and <redacted>"
    assert find_secrets("x\nacme_0123456789abcdef") == [
        "line 2: a key-like value (a contract's key_pattern)"
    ]


def test_each_problem_of_the_task_and_lifecycle_sections_is_listed_once(tmp_path: Path) -> None:
    old = (
        "    errored: {error: failure, code: reason, message: explanation}\n"
        "task:\n  role: poll\n  param: job_id\n"
    )
    new = (
        "    erored: {error: failure, code: reason, message: explanation}\n"
        "  accepted_ends: {state: succeeded, documented: acme-jobs, quote: a job succeeds}\n"
        "task:\n  role: poll\n  param: job_id\n"
        "  provenance:\n    param: {documented: acme-api, quote: the job's id}\n"
    )
    path = write_acme(tmp_path, jobs_get=(old, new)) / "jobs-get.yaml"
    assert error_of(path).splitlines() == [
        f"{path}:{line_of(path, 'erored:')}: lifecycle outcome for 'erored', which is not a "
        "terminal state (did you mean 'errored'?) (terminal: succeeded, errored)",
        f"{path}:{line_of(path, 'accepted_ends:')}: unknown source 'acme-jobs'; this file's "
        "sources: none (add it under sources:)",
        f"{path}:{line_of(path, 'param: {documented')}: unknown source 'acme-api'; this "
        "file's sources: none (add it under sources:)",
    ]
