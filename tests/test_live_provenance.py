"""Live mode tells a documented fact broken (drift: fails) from an assumption disproved
(reported with the YAML change that adopts it; fails only under ``--fox-strict``), and keeps
a baseline of accepted drift: known disagreements pass, new ones fail, fixed ones are stale.

Runs ``pytest contracts --fox-mode live`` against the fake served on loopback, whose
mutations make it disagree with the contract."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from served_fake import live, live_project_fixture, served, served_fake_fixture

from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig, Mutations
from foxcontract.fake.wire import FakeRequest, FakeResponse

# live runs against the served fake
pytestmark = pytest.mark.slow

KEY = "sk-live-provenance-key-77"
BODY_TYPE_AS_400 = Mutations(answer_rules={"body.type": "malformed_request"})


provider = served_fake_fixture(KEY)
"""The fake, served on loopback; each test's mutations make it disagree."""
users = live_project_fixture(KEY)
"""A project with a copy of the shipped contracts, as a user runs live mode."""


def _line(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def _contract(users: pytest.Pytester) -> Path:
    return users.path / "contracts" / "videos-generations.yaml"


def test_a_disproved_assumption_is_reported_and_passes(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    provider.configure(mutations=BODY_TYPE_AS_400)
    result = live(users, provider, "-k", "body.type and rule")
    result.assert_outcomes(passed=6)
    path = _contract(users)
    settings, expect = _line(path, "settings:"), _line(path, 'expect: {assumed: "stance 6')
    result.stdout.fnmatch_lines(
        [
            "*= foxcontract live: drift report =*",
            "6 probe(s) sent, 0 disagree with the contract; 1 rule(s) probed, 0 with drift",
            "assumptions disproved: 6 probe(s) (not failing; --fox-strict fails them); "
            "known drift (baseline): 0 probe(s)",
            "  videos-generations rule body.type * 422 validation type invalid_request_error "
            "* 400x6 DISPROVED",
            "ASSUMPTION DISPROVED videos-generations::rule-body.type[[]1]",
            "    contract: 422 validation type invalid_request_error",
            "    provider: 400 (type 'invalid_request_error')",
            "    - status: expected 422 validation type invalid_request_error, got 400 type "
            "invalid_request_error code None",
            "      assumed: stance 6: 400 is for malformed JSON, 422 for a bad value; a JSON "
            f"value that is not an object could be either: the contract expects 422 "
            f"(videos-generations.yaml:{expect})",
            f"      adopt: videos-generations.yaml:{settings}: under settings:, add answers: "
            '{"body.type": "malformed_request"}',
        ]
    )


@pytest.mark.parametrize("how", ["option", "ini"])
def test_a_disproved_assumption_fails_under_strict(
    users: pytest.Pytester, provider: FakeAPI, how: str
) -> None:
    provider.configure(mutations=BODY_TYPE_AS_400)
    if how == "ini":
        users.makeini("[pytest]\nfox_strict = true\n")
        result = live(users, provider, "-k", "body.type and rule")
    else:
        result = live(users, provider, "-k", "body.type and rule", "--fox-strict")
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines(
        [
            "videos-generations::rule-body.type[[]1]: the provider disagrees with the contract",
            "  rule body.type (videos-generations.yaml:*): the body must be a JSON object",
            "  sent:     POST /v1/videos/generations []",
            "  expected: 422 validation type invalid_request_error",
            "  got:      400 (type 'invalid_request_error')",
            "  assumption disproved (failing under --fox-strict):",
            "    - status: expected 422 validation type invalid_request_error, got 400 *",
            "      assumed: stance 6: *",
            "      adopt: videos-generations.yaml:*: under settings:, add answers: "
            '{"body.type": "malformed_request"}',
            "*= foxcontract live: drift report =*",
            "6 probe(s) sent, 6 disagree with the contract; 1 rule(s) probed, 1 with drift "
            "(videos-generations:body.type)",
            "assumptions disproved: 6 probe(s) (failing under --fox-strict); *",
            "  videos-generations rule body.type * 400x6 DRIFT",
        ]
    )


def test_documented_drift_fails_and_names_its_source(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    rules = frozenset({"lite-no-4k", "prompt.pattern"})  # documented, assumed
    provider.configure(mutations=Mutations(accept_rules=rules))
    result = live(
        users, provider, "--fox-budget", "12", "-k", "rule-lite-no-4k or rule-prompt.pattern"
    )
    # lite-no-4k keeps 5 probes under the cap of 400 (81 rules); one accept settles a stance
    result.assert_outcomes(failed=5, passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "videos-generations::rule-lite-no-4k[[]1]: the provider disagrees with the contract",
            "  status: a body breaking rule lite-no-4k was accepted with 200",
            '    documented: Veo 3.1 image-to-video: "veo-3.1-lite-image-to-video only '
            'supports 720p / 1080p"',
            "*= foxcontract live: drift report =*",
            "* 1 with drift (videos-generations:lite-no-4k)",
            "assumptions disproved: 1 probe(s) (not failing; --fox-strict fails them); *",
            "  videos-generations rule lite-no-4k * 200x5 DRIFT",
            "  videos-generations rule prompt.pattern * 200x1 DISPROVED",
            "DRIFT videos-generations::rule-lite-no-4k[[]1]",
            "    - status: a body breaking rule lite-no-4k was accepted with 200",
            '      documented: Veo 3.1 image-to-video: "veo-3.1-lite-image-to-video only '
            'supports 720p / 1080p"',
            "ASSUMPTION DISPROVED videos-generations::rule-prompt.pattern[[]1]",
            "    - status: a body breaking rule prompt.pattern was accepted with 200",
            f"      adopt: videos-generations.yaml:{_line(_contract(users), 'pattern: ')}: "
            "delete pattern: '\\S' (the provider accepted prompt \" \"), or widen it to take "
            "that value",
        ]
    )


def test_the_adopting_change_is_one_line_and_makes_the_run_agree(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    provider.configure(
        mutations=Mutations(answer_rules={"enhance-prompt-standard-only": "validation"})
    )
    result = live(users, provider, "-k", "rule-enhance-prompt-standard-only")
    result.assert_outcomes(passed=5)  # the rule's 5 probes under the cap of 400
    adopt = re.findall(r"adopt: (videos-generations\.yaml):(\d+): (expect: validation)$",
                       result.stdout.str(), flags=re.M)  # fmt: skip
    assert len(adopt) == 5
    assert len(set(adopt)) == 1
    _, line, change = adopt[0]
    path = _contract(users)
    lines = path.read_text().splitlines(keepends=True)
    assert lines[int(line) - 1] == "    expect: unsupported_advanced_options\n"
    lines[int(line) - 1] = f"    {change}\n"
    path.write_text("".join(lines))
    again = live(users, provider, "-k", "rule-enhance-prompt-standard-only")
    again.assert_outcomes(passed=5)
    again.stdout.fnmatch_lines(["5 probe(s) sent, 0 disagree with the contract; *"])
    assert "ASSUMPTION DISPROVED" not in again.stdout.str()


BASELINE = """\
foxcontract-baseline: 1
accepted:
  - rule: lite-no-4k
    contract: videos-generations
    reason: the provider takes 4k on Lite since 2026-11; ticket FOX-7
    date: 2026-11-30
  - rule: duration.enum
    reason: the provider took duration 5 for a while
    date: 2026-11-01
  - probe: auth-wrong-key
    contract: tasks-get
    reason: never probed in these runs
    date: 2026-11-02
"""


def test_the_baseline_keeps_known_drift_fails_new_and_reports_stale(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    users.path.joinpath("baseline.yaml").write_text(BASELINE)
    provider.configure(mutations=Mutations(accept_rules=frozenset({"lite-no-4k", "model.enum"})))
    result = live(
        users, provider, "--fox-budget", "200", "--fox-baseline", "baseline.yaml",
        "-k", "videos and (rule-lite-no-4k or duration.enum or model.enum)",
    )  # fmt: skip
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 1  # model.enum: new drift
    assert "rule-lite-no-4k" not in "".join(result.stdout.str().split("short test summary")[1:])
    result.stdout.fnmatch_lines(
        [
            "*= foxcontract live: drift report =*",
            "* 3 rule(s) probed, 1 with drift (videos-generations:model.enum)",
            "assumptions disproved: 0 probe(s) (not failing; --fox-strict fails them); "
            "known drift (baseline): 5 probe(s)",
            "  videos-generations rule duration.enum * ok",
            "  videos-generations rule lite-no-4k * 200x5 KNOWN",
            "  videos-generations rule model.enum * DRIFT",
            "DRIFT videos-generations::rule-model.enum[[]1]",
            "KNOWN videos-generations::rule-lite-no-4k[[]1] (baseline baseline.yaml:3: the "
            "provider takes 4k on Lite since 2026-11; ticket FOX-7 (2026-11-30))",
            "    - status: a body breaking rule lite-no-4k was accepted with 200",
            "STALE baseline.yaml:7: rule duration.enum agrees with the contract now (accepted "
            "2026-11-01: the provider took duration 5 for a while); remove the entry",
            "not probed in this run: baseline.yaml:10: tasks-get probe auth-wrong-key",
        ]
    )


def test_a_bad_baseline_is_a_usage_error_at_its_line(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    path = users.path / "baseline.yaml"
    path.write_text(BASELINE.replace("    date: 2026-11-01\n", ""))
    result = live(users, provider, "--fox-baseline", "baseline.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: --fox-baseline: {path}:7: date: when it was accepted, as YYYY-MM-DD (got None)"]
    )
    assert provider.calls == []


class _PlainTextErrors(FakeAPI):
    """A fake whose error answers say ``Content-Type: text/plain`` (the body is still JSON)."""

    def handle(self, request: FakeRequest) -> FakeResponse:
        response = super().handle(request)
        if response.status >= 400:
            response = replace(response, headers={**response.headers, "content-type": "text/plain"})
        return response


@pytest.fixture
def plain_text_errors() -> Iterator[FakeAPI]:
    with served(_PlainTextErrors(FakeConfig(key=KEY))) as api:
        yield api


def test_a_wrong_content_type_is_drift_naming_the_header(
    users: pytest.Pytester, plain_text_errors: FakeAPI
) -> None:
    result = live(users, plain_text_errors, "-k", "tasks-get")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "tasks-get::auth-missing-key: the provider disagrees with the contract",
            "  expected: 401 authentication type authentication_error",
            "  got:      401 (type 'authentication_error')",
            "  header: Content-Type: expected application/json (the errors file's content_type), "
            "got 'text/plain'",
            '    documented: FoxAPI documentation summary (API.md): "Bodies are JSON '
            '(`Content-Type: application/json`)"',
            "*= foxcontract live: drift report =*",
            "  tasks-get auth-missing-key * 401x1 DRIFT",
        ]
    )


def test_free_probes_send_family_values_first_within_the_cap(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    provider.configure(mutations=Mutations(accept_rules=frozenset({"model.enum"})))
    result = live(users, provider, "--fox-max-free-probes", "60", "--fox-budget", "60",
                  "-k", "rule-model.enum", "-x")  # fmt: skip
    result.stdout.fnmatch_lines(
        [
            "foxcontract live plan against *: budget 60 paid create(s)",
            "  free probes: 60 (3 tasks-get, 57 videos-generations); refused requests cost nothing",
            "  free probe cap: 60 a run (--fox-max-free-probes); 2787 left out",
            "videos-generations::rule-model.enum[[]1]: the provider disagrees with the contract",
            '  sent:     POST /v1/videos/generations {"model": "veo-3.1", *',
            "  status: a body breaking rule model.enum was accepted with 200",
        ]
    )


def test_the_cap_gives_every_rule_its_first_probes() -> None:
    from foxcontract.contract import load_contracts
    from foxcontract.live import build_plan

    contracts = list(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))
    full = build_plan(contracts, 0, max_free=10_000)
    assert full.free_left_out == 0
    groups = {(p.contract, p.rule or p.name) for p in full.free}
    tight = build_plan(contracts, 0, max_free=len(groups))
    assert {(p.contract, p.rule or p.name) for p in tight.free} == groups
    assert tight.free_left_out == len(full.free) - len(groups)
    default = build_plan(contracts, 0)
    assert len(default.free) == 400
    by_rule = {p.rule for p in full.free if p.rule}
    for rule in by_rule:  # a rule with few near misses keeps them all
        every = [p.name for p in full.free if p.rule == rule]
        kept = [p.name for p in default.free if p.rule == rule]
        assert [n for n in every if n in kept] == kept  # in the same order
        documented = [p.name for p in full.free if p.rule == rule and p.group == 0]
        kept_documented = [n for n in kept if n in documented]
        assert kept_documented == documented[: len(kept_documented)]
        assert len(kept) == len(every) or len(kept) >= 5  # 400 over ~80 groups


def test_a_provider_differing_only_on_assumptions_passes_a_default_run(
    users: pytest.Pytester, provider: FakeAPI
) -> None:
    stance1 = ("safety-tolerance-standard-fast-only", "enhance-prompt-standard-only",
               "person-generation-standard-only")  # fmt: skip
    answers = {"body.type": "malformed_request", **dict.fromkeys(stance1, "validation")}
    provider.configure(mutations=Mutations(answer_rules=answers))
    result = live(users, provider, "-rs")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("skipped", 0) == 44  # the stances on fields: budget 0 has no room
    # 400 - 44 sent; 72 of the 81 rules (the other 9 are probed by stances only); disproved:
    # body.type 6 and the three standard-only rules at 5 probes each under the cap
    result.stdout.fnmatch_lines(
        [
            "356 probe(s) sent, 0 disagree with the contract; 72 rule(s) probed, 0 with drift",
            "assumptions disproved: 21 probe(s) (not failing; --fox-strict fails them); "
            "known drift (baseline): 0 probe(s)",
            "  videos-generations rule body.type * 400x6 DISPROVED",
            "  videos-generations rule duration.enum * 422x* ok",
            "  videos-generations rule enhance-prompt-standard-only * 422x5 DISPROVED",
            "SKIPPED [[]2[]] *: not sent: it tests the contract's stance (rule model.required), "
            "which a provider may answer by accepting the body, and budget exhausted: 0 of 0 "
            "paid creates spent; stances are probed only with budget left after the paid creates",
        ]
    )
