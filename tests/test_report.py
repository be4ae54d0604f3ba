"""The rule-coverage report: terminal lines, JSON, provider answers, xdist."""

from __future__ import annotations

import json

import pytest
from helpers.mini import lit, write_mini

from foxcontract.report import CoverageTally

pytest_plugins = ["pytester"]


def test_the_report_lists_every_rule_accepted_and_violated(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest()
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(
        [
            "*= foxcontract rule coverage =*",
            "mini: * requests checked",
            "  rule            accepted  violated  provider",
            "  body.type       *[1-9]*  *[1-9]*  -",
            "  model.required  *[1-9]*  *[1-9]*  -",
            "  model.type      *[1-9]*  *[1-9]*  -",
            "  model.enum      *[1-9]*  *[1-9]*  -",
            "  size.type       *[1-9]*  *[1-9]*  -",
            "  size.enum       *[1-9]*  *[1-9]*  -",
            "  note.type       *[1-9]*  *[1-9]*  -",
            "  small-size-1    *[1-9]*  *[1-9]*  422x1",
            "foxcontract: every rule was both accepted and violated",
        ]
    )


def test_a_rule_no_case_reached_is_reported_loudly(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest("-k", "model.required and violated")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  small-size-1           0         0  -",
            "foxcontract: RULE NOT REACHED: mini small-size-1 (mini.yaml:23)",
        ]
    )


def test_the_json_report(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.runpytest("--fox-report", "coverage.json").assert_outcomes(passed=20)
    data = json.loads(pytester.path.joinpath("coverage.json").read_text())
    rule = data["coverage"]["mini"]["rules"]["small-size-1"]
    assert rule["line"] == "mini.yaml:23"
    assert rule["accepted"] > 0
    assert rule["violated"] > 0
    assert rule["provider"] == {"422": 1}
    assert data["coverage"]["mini"]["requests"] >= 100


def test_provider_answers_recorded_by_other_modes(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.makeconftest(
        """
        from foxcontract.report import tally_of

        def pytest_sessionstart(session):
            tally = tally_of(session.config)
            tally.provider("small-size-1", 422, "mini")
            tally.provider("small-size-1", 500, "mini")
            tally.provider(None, 200, "mini")
        """
    )
    result = pytester.runpytest("-k", "small-size-1")
    result.stdout.fnmatch_lines(
        ["  small-size-1    *[1-9]*  *[1-9]*  422x1 500x1", "  (no rule broken)  *0  *0  200x1"]
    )


@pytest.mark.slow
def test_the_report_adds_up_xdist_workers(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest_subprocess("-n", "2", "--fox-report", "coverage.json")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(
        [
            "*= foxcontract rule coverage =*",
            "  small-size-1    *[1-9]*  *[1-9]*  422x1",
            "foxcontract: every rule was both accepted and violated",
        ]
    )
    data = json.loads(pytester.path.joinpath("coverage.json").read_text())
    assert data["coverage"]["mini"]["rules"]["small-size-1"]["provider"] == {"422": 1}


def test_a_failing_case_explains_itself(pytester: pytest.Pytester) -> None:
    """An oracle that stops enforcing a rule (the one the rule items ask): the item names
    the rule, the body sent, and expected against got."""
    write_mini(pytester)
    pytester.makeconftest(
        """
        import foxcontract.items as items
        real = items.check

        def lenient(body, contract=None):
            return [v for v in real(body, contract) if v.rule != "small-size-1"]

        def pytest_configure(config):
            items.check = lenient

        def pytest_unconfigure(config):
            items.check = real
        """
    )
    result = pytester.runpytest("-k", "small-size-1 and violated")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            lit("*_ mini::small-size-1[violated] _*"),
            "rule small-size-1 (mini.yaml:23): small supports size 1 only.",
            'body sent: {"model": "small", "size": 2}',
            "expected:  rejected for rule small-size-1 only (error kind validation)",
            "got:       accepted",
            "label:     small-size-1",
        ]
    )


def test_tally_merge_and_json_round_trip() -> None:
    a, b = CoverageTally(), CoverageTally()
    b.provider("r", 422, "c")
    b.requests["c"] += 3
    a.merge(b.to_json())
    a.merge(b.to_json())
    assert a.to_json() == {
        "c": {
            "requests": 6,
            "rules": {"r": {"line": "", "accepted": 0, "violated": 0, "provider": {"422": 2}}},
        }
    }


def test_the_tally_counts_what_it_is_told() -> None:
    """The tally judges nothing: it counts the rules the oracle judged, as it is told."""
    from foxcontract import check
    from foxcontract.contract import default_contract
    from foxcontract.strategies import rules_judged

    contract = default_contract()
    body = {
        "model": "veo-3.1-lite-image-to-video",
        "prompt": "a fox",
        "image_url": "https://example.com/fox.jpg",
        "resolution": "4k",
    }
    judged = rules_judged(contract, body, check(body, contract))
    assert judged["lite-no-4k"] is False
    assert judged["prompt.minLength"] is True
    assert judged["enhance-prompt-standard-only"] is True  # its condition holds: not sent
    assert "aspect_ratio.enum" not in judged  # aspect_ratio not sent
    assert "lite-1080p-8s-only" not in judged  # its condition (1080p) does not hold
    tally = CoverageTally()
    tally.count(contract, judged)
    tally.count(contract, {"lite-no-4k": True})
    row = tally.to_json()[contract.name]
    assert row["requests"] == 2
    assert row["rules"]["lite-no-4k"] == {
        "line": f"videos-generations.yaml:{contract.rule('lite-no-4k').line}",
        "accepted": 1,
        "violated": 1,
        "provider": {},
    }
    assert row["rules"]["prompt.minLength"]["accepted"] == 1
    untouched = [rid for rid, c in row["rules"].items() if not (c["accepted"] or c["violated"])]
    assert untouched == [r.id for r in contract.rules if r.id not in judged]
