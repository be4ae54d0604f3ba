"""Contracts whose rules contradict each other are reported at the rule's file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.mini import MINI, lit, write_mini

from foxcontract import load_contract
from foxcontract.consistency import contradictions

pytest_plugins = ["pytester"]

CONTRADICTION = MINI.replace(
    "    expect: validation\nresponses:",
    """    expect: validation
  - id: small-size-2
    doc: small supports size 2 only.
    when: {model: small}
    then: {size: {in: [2]}}
    expect: validation
responses:""",
)


def test_a_contradictory_contract_fails_at_the_rule_line(pytester: pytest.Pytester) -> None:
    write_mini(pytester, CONTRADICTION)
    result = pytester.runpytest("-k", "consistency or small-size")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ mini::consistency _*",
            "the contract's rules contradict each other:",
            'mini.yaml:23: no valid body has model = "small": every combination breaks '
            "small-size-1, small-size-2 (rule small-size-1 forbids it for every choice of the "
            "other fields)",
            "mini.yaml:23: rule small-size-1 can never be satisfied: no valid body meets its "
            "condition (model is small)",
            "mini.yaml:28: rule small-size-2 can never be satisfied: no valid body meets its "
            "condition (model is small)",
            lit("*_ mini::small-size-1[accepted] _*"),
            "rule small-size-1 (mini.yaml:23): no body satisfies it; see this file's "
            "consistency item",
            lit("FAILED mini.yaml::consistency - the contract's rules contradict each other:"),
        ]
    )


def _contract(tmp_path: Path, text: str) -> Path:
    from foxcontract.contract import shipped_contracts_dir

    errors = (shipped_contracts_dir() / "errors.yaml").read_text(encoding="utf-8")
    (tmp_path / "errors.yaml").write_text(errors, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "c.yaml"


def test_a_rule_that_can_never_be_broken(tmp_path: Path) -> None:
    redundant = MINI.replace("then: {size: {in: [1]}}", "then: {size: {in: [1, 2]}}")
    (problem,) = contradictions(load_contract(_contract(tmp_path, redundant)))
    assert problem.line == 23
    assert problem.message == (
        "rule small-size-1 can never be broken on its own: no body breaks it without breaking "
        "another rule (it is redundant or its condition never holds)"
    )


def test_a_rule_forbidding_every_resolution_for_a_model(tmp_path: Path) -> None:
    from foxcontract import default_contract

    text = default_contract().path.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: lite-1080p-8s-only\n",
        """  - id: lite-4k-only
    when: {model: veo-3.1-lite-image-to-video}
    then: {resolution: {in: [4k]}}
    expect: validation
  - id: lite-1080p-8s-only
""",
    )
    problems = contradictions(load_contract(_contract(tmp_path, text)))
    first = problems[0]
    assert first.message == (
        'no valid body has model = "veo-3.1-lite-image-to-video": every combination breaks '
        "lite-1080p-8s-only, lite-4k-only, lite-no-4k (rule lite-no-4k forbids it for every "
        "choice of the other fields)"
    )
    assert first.line == default_contract().rule("lite-no-4k").line
    never = "no valid body meets its condition (model is veo-3.1-lite-image-to-video"
    alone = (
        "can never be broken on its own: no body breaks it without breaking another rule (it "
        "is redundant or its condition never holds)"
    )
    assert [p.message for p in problems[1:]] == [
        f"rule lite-no-4k can never be satisfied: {never})",
        f"rule lite-4k-only can never be satisfied: {never})",
        f"rule lite-1080p-8s-only {alone}",
        f"rule lite-1080p-8s-only can never be satisfied: {never} and resolution is 1080p)",
        f"rule safety-tolerance-standard-fast-only {alone}",
        f"rule safety-tolerance-standard-fast-only can never be satisfied: {never})",
    ]


def test_the_shipped_contracts_are_consistent() -> None:
    from foxcontract import default_contract

    assert contradictions(default_contract()) == []


def test_an_example_that_disagrees_with_the_contract(pytester: pytest.Pytester) -> None:
    write_mini(
        pytester,
        MINI.replace("      status: 422\n", "      status: 200\n").replace(
            "body: {error: {message: size 2 is not supported, type: invalid_request_error}}",
            "body: {id: 7}",
        ),
    )
    result = pytester.runpytest("-k", "example")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "example small-size-2 (mini.yaml:37)",
            'body sent: {"model": "small", "size": 2}',
            'recorded:  200 {"id": 7}',
            "expected:  422 validation type invalid_request_error for rule small-size-1 (size)",
            "  - [[]small-size-1] size: 2 is not allowed (it must be 1) when model is small (rule "
            "small-size-1: small supports size 1 only.)",
            "problem:   status: a body breaking rule small-size-1 was accepted with 200",
            "problem:   schema: id: 7 is not of type 'string' (against responses.200.schema)",
        ]
    )


def test_an_error_example_must_match_the_error_table(pytester: pytest.Pytester) -> None:
    write_mini(pytester, MINI.replace("type: invalid_request_error}}", "type: not_found}}"))
    result = pytester.runpytest("-k", "example")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            'recorded:  422 {"error": {"message": "size 2 is not supported", "type": "not_found"}}',
            "expected:  422 validation type invalid_request_error for rule small-size-1 (size)",
            "  - [[]small-size-1] size: 2 is not allowed *",
            "problem:   error: expected 422 validation type invalid_request_error, got 422 type "
            "not_found code None",
            "problem:   error: error type 'not_found' for 422, expected 'invalid_request_error'",
        ]
    )
