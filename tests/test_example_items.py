"""A documented example is judged by the verdict, the judge of a recorded answer: its
``example[...]`` item and the replay of the same example as a cassette find the same
problems."""

from __future__ import annotations

import shutil

import pytest

from foxcontract.cassette import from_examples, write_cassette
from foxcontract.contract import load_contract, shipped_contracts_dir

pytest_plugins = ["pytester"]

CONTRACTS = shipped_contracts_dir()


def _tasks_get(pytester: pytest.Pytester, old: str, new: str) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", pytester.path)
    text = (CONTRACTS / "tasks-get.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    pytester.path.joinpath("tasks-get.yaml").write_text(text.replace(old, new), encoding="utf-8")


def test_an_example_and_its_cassette_are_judged_alike(pytester: pytest.Pytester) -> None:
    _tasks_get(pytester, "        progress: 100\n", "        progress: done\n")
    contract = load_contract(pytester.path / "tasks-get.yaml")
    folder = pytester.path / "cassettes"
    folder.mkdir()
    write_cassette(from_examples(contract, folder / "tasks-get.yaml"), merge=False)
    result = pytester.runpytest(
        "-rN", "-k", "documented-completed-task"
    )  # no summary: CI prints it whole
    result.assert_outcomes(failed=2)
    lines = result.stdout.lines
    example = [line[len("problem:   ") :] for line in lines if line.startswith("problem:   ")]
    replayed = [
        line[len("problem:  ") :]
        for line in lines
        if line.startswith("problem:  ") and not line.startswith("problem:   ")
    ]
    assert (
        example
        == replayed
        == [
            "schema: progress: 'done' is not of type 'integer' (against responses.200.schema)",
            "schema: progress: 100 was expected (against responses.200.schema)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "example documented-completed-task (tasks-get.yaml:*)",
            "body sent: null",
            'recorded:  200 {"id": "task-unified-1757165031-uyujaw3d", *"progress": "done", *}',
            "expected:  any answer the contract lists (no body to judge)",
            "problem:   schema: progress: 'done' is not of type 'integer' (against "
            "responses.200.schema)",
            "problem:   schema: progress: 100 was expected (against responses.200.schema)",
        ]
    )


def test_an_example_parameter_that_breaks_its_schema(pytester: pytest.Pytester) -> None:
    _tasks_get(
        pytester,
        "      params: {task_id: task-unified-1757165031-uyujaw3d}\n",
        '      params: {task_id: ""}\n',
    )
    result = pytester.runpytest("-rN", "-k", "example and documented-completed-task")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["problem:   parameter: task_id='' breaks its schema"])
