"""The ``response[...]`` items judge the fake's actual answers against the contract: an
answer the fake breaks (or a contract the fake does not honour) fails the item, with the
request sent, the answer got, and each problem the verdict found."""

from __future__ import annotations

import shutil

import pytest

from foxcontract.contract import shipped_contracts_dir

pytest_plugins = ["pytester"]

CONTRACTS = shipped_contracts_dir()

BROKEN_FAKE = """
import foxcontract.items as items
from foxcontract.fake import FakeConfig, Mutations

real = items.answering_fake


def broken(contract, config=None):
    return real(contract, FakeConfig(mutations=Mutations({mutations})))


def pytest_configure(config):
    items.answering_fake = broken


def pytest_unconfigure(config):
    items.answering_fake = real
"""


def _project(pytester: pytest.Pytester, mutations: str | None = None) -> None:
    for name in ("errors.yaml", "videos-generations.yaml", "tasks-get.yaml"):
        shutil.copy(CONTRACTS / name, pytester.path)
    if mutations is not None:
        pytester.makeconftest(BROKEN_FAKE.replace("{mutations}", mutations))


def _line(pytester: pytest.Pytester, file: str, text: str) -> int:
    lines = pytester.path.joinpath(file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))


def test_the_fakes_answers_satisfy_the_shipped_contracts(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest("-k", "response", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "tasks-get.yaml::response[[]200] PASSED*",
            "tasks-get.yaml::response[[]errors] PASSED*",
            "videos-generations.yaml::response[[]200] PASSED*",
            "videos-generations.yaml::response[[]errors] PASSED*",
        ]
    )


def test_a_broken_create_answer_fails_its_response_item(pytester: pytest.Pytester) -> None:
    _project(pytester, 'patch_task={"progress": "half"}')
    result = pytester.runpytest("videos-generations.yaml", "-k", "response")
    result.assert_outcomes(passed=1, failed=1)
    line = _line(pytester, "videos-generations.yaml", '  "200":')
    result.stdout.fnmatch_lines(
        [
            "*_ videos-generations::response[[]200] _*",
            f"response[[]200] (videos-generations.yaml:{line}): the fake's answer breaks the "
            "contract",
            'request: POST /v1/videos/generations {"prompt": *, "model": *}',
            'answer:  200 {"created": *, "progress": "half", "status": "pending", *}',
            "problem: schema: progress: 'half' is not of type 'integer' (against "
            "responses.200.schema)",
        ]
    )


def test_a_broken_poll_answer_fails_its_response_item(pytester: pytest.Pytester) -> None:
    _project(pytester, 'patch_task={"results": "none"}')
    result = pytester.runpytest("tasks-get.yaml", "-k", "response")
    result.assert_outcomes(passed=1, failed=1)
    line = _line(pytester, "tasks-get.yaml", '  "200":')
    result.stdout.fnmatch_lines(
        [
            f"response[[]200] (tasks-get.yaml:{line}): the fake's answer breaks the contract",
            "request: GET /v1/tasks/task-unified-*",
            'answer:  200 {"id": "task-unified-*", *"results": "none", *}',
            "problem: schema: results: 'none' is not of type 'array', 'null' (against "
            "responses.200.schema)",
        ]
    )


def test_a_refusal_with_the_wrong_error_fails_the_errors_item(
    pytester: pytest.Pytester,
) -> None:
    _project(pytester, 'answer_rules={"lite-no-4k": "authentication"}')
    result = pytester.runpytest("videos-generations.yaml", "-k", "response")
    result.assert_outcomes(passed=1, failed=1)
    line = _line(pytester, "videos-generations.yaml", "responses:")
    result.stdout.fnmatch_lines(
        [
            f"response[[]errors] (videos-generations.yaml:{line}): the fake's answer breaks the "
            "contract",
            'request: POST /v1/videos/generations {"model": "veo-3.1-lite-image-to-video", *'
            '"resolution": "4k"}',
            'answer:  401 {"error": {"message": *, "type": "authentication_error"}}',
            "problem: status: expected 422 validation type invalid_request_error for rule "
            "lite-no-4k (resolution), got an answer that does not judge the body (401 "
            "authentication: the provider answered without judging the body)",
        ]
    )


def test_a_contract_the_fake_does_not_honour_fails(pytester: pytest.Pytester) -> None:
    """The contract asks more than the fake answers: the item says so (generated bodies
    would have carried the field, so the old check passed)."""
    _project(pytester)
    path = pytester.path / "tasks-get.yaml"
    text = path.read_text(encoding="utf-8")
    old = "required: [id, object, type, model, status, progress, created]\n      properties:\n"
    assert old in text
    new = old.replace("created]", "created, receipt]") + "        receipt: {type: string}\n"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = pytester.runpytest("tasks-get.yaml::response[200]")
    result.assert_outcomes(failed=1)
    line = _line(pytester, "tasks-get.yaml", '  "200":')
    result.stdout.fnmatch_lines(
        [
            f"response[[]200] (tasks-get.yaml:{line}): the fake's answer breaks the contract",
            "problem: schema: (the body): 'receipt' is a required property (against "
            "responses.200.schema)",
        ]
    )
