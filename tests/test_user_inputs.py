"""Inputs a user gets wrong by mistake: each is a one-line usage error naming the option or
argument, what is wrong and how to fix it, and never repeats a value that may be the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from foxcontract import cli
from foxcontract._settings import check_base_url

KEY = "sk-user-mistake-4c1d9e7a2b"

MINI_TEST = "def test_nothing():\n    pass\n"


@pytest.mark.parametrize(
    ("given", "base_url"),
    [
        ("https://api.foxapi.cc", "https://api.foxapi.cc"),
        ("https://api.foxapi.cc/", "https://api.foxapi.cc"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        (" https://gateway.example/foxapi/ ", "https://gateway.example/foxapi"),
    ],
)
def test_a_base_url_is_kept_without_its_trailing_slash(given: str, base_url: str) -> None:
    assert check_base_url(given) == base_url


FORM = "give a scheme, a host and an optional path prefix, such as https://api.foxapi.cc"
IN_THE_ENV = "the key goes only in the environment variable FOXAPI_API_KEY, never in the URL"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (KEY, f"it holds the API key or a key-like value (sk-...): {IN_THE_ENV}"),
        (f"http://127.0.0.1:8080/{KEY}", f"it holds the API key or a key-like value (sk-...): "
                                          f"{IN_THE_ENV}"),
        ("http://user:secret@127.0.0.1:8080", f"it holds a user name or password (...@host): "
                                               f"{IN_THE_ENV}"),
        ("api.foxapi.cc", f"not an http:// or https:// URL; {FORM}"),
        ("ftp://api.foxapi.cc", f"not an http:// or https:// URL; {FORM}"),
        ("https://", f"it has no host; {FORM}"),
        ("http://127.0.0.1:99999", f"its port is not a number of 0..65535; {FORM}"),
        ("https://api.foxapi.cc/?key=abc", f"it holds a query (?...) or a fragment (#...); {FORM}"),
        ("https://api.foxapi.cc#v1", f"it holds a query (?...) or a fragment (#...); {FORM}"),
    ],
)  # fmt: skip
def test_a_bad_base_url_says_what_is_wrong(given: str, problem: str) -> None:
    with pytest.raises(ValueError, match=r"^(it|its|not) ") as excinfo:
        check_base_url(given)
    assert str(excinfo.value) == problem


def test_the_key_given_as_the_base_url_is_a_usage_error_that_does_not_show_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    monkeypatch.setenv("FOXAPI_BASE_URL", f"https://api.foxapi.cc/?key={KEY}")
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest("--fox-mode", "live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        f"ERROR: FOXAPI_BASE_URL: invalid value: it holds the API key or a key-like value "
        f"(sk-...): {IN_THE_ENV}"
    )
    assert KEY not in result.stdout.str() + result.stderr.str()


def test_a_base_url_that_is_not_http_is_refused_before_anything_is_sent(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    monkeypatch.setenv("FOXAPI_BASE_URL", "ftp://api.foxapi.cc")
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest("--fox-mode", "live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        f"ERROR: FOXAPI_BASE_URL: invalid value: not an http:// or https:// URL; {FORM}"
    )


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--fox-budget", "ten", "expected a whole number, such as 5"),
        ("--fox-max-free-probes", "1.5", "expected a whole number, such as 5"),
        ("--fox-max-answer-bytes", "1MB", "expected a whole number, such as 5"),
        ("--fox-wait", "5m", "expected a number of seconds, such as 300 or 2.5"),
        ("--fox-wait", "inf", "must be a finite number of 0 or more, got inf"),
        ("--fox-wait", "nan", "must be a finite number of 0 or more, got nan"),
    ],
)
def test_a_number_option_that_is_not_a_number_says_what_it_expects(
    pytester: pytest.Pytester, option: str, value: str, problem: str
) -> None:
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest(option, value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == f"ERROR: {option}: invalid value {value!r}: {problem}"


def test_plan_refuses_the_key_as_its_base_url_without_showing_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["plan", "--base-url", KEY])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "foxcontract plan: error: --base-url: invalid value: it holds the API key or a "
        f"key-like value (sk-...): {IN_THE_ENV}\n"
    )


def test_plan_names_the_environment_variable_a_bad_base_url_came_from(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_BASE_URL", "api.foxapi.cc")
    code = cli.main(["plan"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (
        "foxcontract plan: error: FOXAPI_BASE_URL: invalid value: not an http:// or https:// "
        f"URL; {FORM}\n"
    )


def test_a_typo_in_the_projects_contract_fails_a_fox_api_test_once_at_its_line(
    pytester: pytest.Pytester,
) -> None:
    from foxcontract.contract import shipped_contracts_dir

    folder = pytester.mkdir("contracts")
    for name in ("videos-generations.yaml", "tasks-get.yaml", "errors.yaml"):
        text = (shipped_contracts_dir() / name).read_text(encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8")
    create = folder / "videos-generations.yaml"
    lines = create.read_text(encoding="utf-8").splitlines(keepends=True)
    typo = next(i for i, line in enumerate(lines) if line == "    expect: validation\n")
    lines[typo] = "    expect: validaton\n"
    create.write_text("".join(lines), encoding="utf-8")
    pytester.makeini("[pytest]\nfox_contracts = contracts\n")
    pytester.makepyfile(test_app="def test_app(fox_api):\n    pass\n")
    # -rN: no short summary, which repeats the message in full when CI is set
    result = pytester.runpytest("-rN", "-p", "no:cacheprovider", "test_app.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"the project's contracts ({folder}):",
            f"{create}:{typo + 1}: unknown error kind 'validaton' (did you mean 'validation'?);*",
        ]
    )
    result.stdout.no_fnmatch_line("*During handling of the above exception*")
    assert result.stdout.str().count("unknown error kind 'validaton'") == 1


@pytest.mark.parametrize(
    ("conftest", "message"),
    [
        (
            "from foxcontract.live import RetryPolicy\n\n"
            "def pytest_foxcontract_retry_policy(config):\n"
            "    return RetryPolicy(attemps=3)\n",
            "ERROR: pytest_foxcontract_retry_policy raised TypeError: RetryPolicy.__init__() got "
            "an unexpected keyword argument 'attemps' ({conftest}:4); nothing was sent",
        ),
        (
            "def pytest_foxcontract_poll_schedule(config):\n"
            "    raise RuntimeError('no schedule today')\n",
            "ERROR: pytest_foxcontract_poll_schedule raised RuntimeError: no schedule today "
            "({conftest}:2); nothing was sent",
        ),
        (
            "def pytest_foxcontract_poll_schedule(config):\n    return 5\n",
            "ERROR: pytest_foxcontract_poll_schedule returned int, not a PollSchedule (from "
            "foxcontract.live import PollSchedule) or None",
        ),
        (
            "from foxcontract.live import RetryPolicy\n\n"
            "def pytest_foxcontract_retry_policy(config):\n"
            "    return RetryPolicy(attempts=0, timeout=float('inf'))\n",
            "ERROR: pytest_foxcontract_retry_policy raised ValueError: RetryPolicy: attempts "
            "must be a whole number at least 1, not 0; timeout must be a number of seconds "
            "more than 0, not inf ({conftest}:4); nothing was sent",
        ),
        (
            "from foxcontract.live import PollSchedule\n\n"
            "def pytest_foxcontract_poll_schedule(config):\n"
            "    return PollSchedule(base=2.0, cap=1.0)\n",
            "ERROR: pytest_foxcontract_poll_schedule raised ValueError: PollSchedule: cap (1.0) "
            "must be at least base (2.0) ({conftest}:4); nothing was sent",
        ),
    ],
    ids=["misspelt-argument", "raises", "wrong-type", "zero-attempts", "cap-below-base"],
)
def test_a_broken_hook_is_a_usage_error_at_its_line_and_leaves_no_run_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, conftest: str, message: str
) -> None:
    import tempfile

    temp = pytester.mkdir("temp")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    path = pytester.makeconftest(conftest)
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest("--fox-mode", "live", "--fox-base-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == message.format(conftest=path)
    result.stderr.no_fnmatch_line("*INTERNALERROR*")
    assert list(temp.iterdir()) == []


def test_a_bad_baseline_leaves_no_run_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    temp = pytester.mkdir("temp")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest(
        "--fox-mode", "live", "--fox-base-url", "http://127.0.0.1:9", "--fox-baseline", "no.yml"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0].startswith("ERROR: --fox-baseline: ")
    assert list(temp.iterdir()) == []


def test_a_violation_over_http_fails_the_fox_server_test_with_its_message_not_pytest_frames(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_app="""
        import httpx

        def test_app(fox_server):
            body = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox",
                    "image_url": "https://example.com/f.jpg", "resolution": "4k"}
            auth = {"Authorization": "Bearer " + fox_server.key}
            httpx.post(fox_server.base_url + "/v1/videos/generations", json=body, headers=auth)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_app*",
            "E   foxcontract.fixtures.ContractViolationError: FoxAPI request breaks rule "
            "lite-no-4k (field resolution)",
            "*To test how your code handles this answer on purpose*",
            "All traceback entries are hidden.*",
        ]
    )
    result.stdout.no_fnmatch_line("*_pytest*runner.py*")
    result.stdout.no_fnmatch_line("*pluggy/_*.py*")


def test_validate_checks_a_cassette_it_is_given_as_a_cassette(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from foxcontract.contract import shipped_contracts_dir

    shipped = shipped_contracts_dir() / "cassettes" / "tasks-get.yaml"
    assert cli.main(["validate", str(shipped)]) == 0
    out, _ = capsys.readouterr()
    summary = "cassette for tasks-get 2026-11-24, 2 interactions, replayed by pytest"
    assert out == f"{shipped}: ok ({summary})\n"
    broken = tmp_path / "tasks-get.yaml"
    text = shipped.read_text(encoding="utf-8")
    broken.write_text(text.replace("      status: 404", "      stauts: 404"), encoding="utf-8")
    line = text.splitlines().index("      status: 404") + 1
    assert cli.main(["validate", str(broken)]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{broken}:{line - 1}: the response: missing field 'status'",
        f"{broken}:{line}: unknown field 'stauts' in the response (did you mean 'status'?)",
    ]


@pytest.mark.parametrize("value", ["-1", "0", "abc", "inf", "nan"])
def test_serve_refuses_a_max_seconds_that_would_stop_it_at_once_or_never(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "0", "--max-seconds", value])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "foxcontract serve: error: argument --max-seconds: must be a finite number of seconds "
        f"above 0, got {value!r}"
    )


KEY_ARGUMENT = (
    "ERROR: {where} on the command line holds an API key; foxcontract reads the key only "
    "from the environment variable FOXAPI_API_KEY: remove it from the command line (and from "
    "your shell history), set FOXAPI_API_KEY instead"
)


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["--fox-key", KEY], "the argument after --fox-key"),
        ([f"--fox-api-key={KEY}"], "the value of --fox-api-key"),
        (["-q", "the-env-key"], "the argument after -q"),
        (["--basetemp=x", "the-env-key"], "an argument"),
    ],
    ids=["a-flag-and-a-key-like-value", "flag=key", "the-value-of-FOXAPI_API_KEY", "alone"],
)
def test_the_key_on_the_command_line_is_a_usage_error_that_does_not_repeat_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: list[str], where: str
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", "the-env-key")
    pytester.makepyfile(MINI_TEST)
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == KEY_ARGUMENT.format(where=where)
    output = result.stdout.str() + result.stderr.str()
    assert KEY not in output
    assert "the-env-key" not in output


def test_an_argument_that_only_contains_sk_is_not_taken_for_a_key(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        "import pytest\n\n"
        "@pytest.mark.parametrize('name', ['sk-abcdef123'])\n"
        "def test_task(name):\n    pass\n"
    )
    result = pytester.runpytest(
        "test_an_argument_that_only_contains_sk_is_not_taken_for_a_key.py::test_task[sk-abcdef123]",
        "-k",
        "task-unified or task",
    )
    result.assert_outcomes(passed=1)
