"""The live plan: a covering set of valid bodies derived from the contract, free probes for
every rule, cut to the budget by priority, and printed before anything is sent."""

from __future__ import annotations

import fnmatch
from functools import cache
from pathlib import Path

import pytest

from foxcontract import check
from foxcontract.contract import Contract, load_contract, load_contracts, shipped_contracts_dir
from foxcontract.live import build_plan, format_plan

LITE = "veo-3.1-lite-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
STANDARD = "veo-3.1-image-to-video"


@cache
def _shipped() -> tuple[Contract, ...]:
    return tuple(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))


def shipped() -> list[Contract]:
    return list(_shipped())


def creates_contract() -> Contract:
    return next(c for c in shipped() if c.paid)


def test_every_planned_body_is_allowed() -> None:
    plan = build_plan(shipped(), budget=100)
    c = creates_contract()
    assert plan.paid
    assert not plan.dropped
    for create in plan.paid:
        assert check(create.body, c) == [], create.name


# API.md section 1, written out independently of the contract file
ALLOWED = {
    "model": [STANDARD, FAST, LITE],
    "aspect_ratio": ["16:9", "9:16"],
    "duration": [4, 6, 8],
    "resolution": ["720p", "1080p", "4k"],
    "generate_audio": [True, False],
    "auto_fix": [True, False, None],
    "safety_tolerance": [1, 2, 3, 4, 5, 6, None],
    "enhance_prompt": [True, False, None],
    "person_generation": ["dont_allow", "allow_adult", None],
}


@pytest.mark.parametrize("field", sorted(ALLOWED))
def test_every_allowed_value_is_sent_within_a_budget_of_12(field: str) -> None:
    plan = build_plan(shipped(), budget=12)
    sent = [p.body[field] for p in plan.paid if field in p.body]
    for value in ALLOWED[field]:
        assert any(type(s) is type(value) and s == value for s in sent), (field, value)


def test_every_sendable_model_dependent_pair_is_sent_with_enough_budget() -> None:
    plan = build_plan(shipped(), budget=100)
    bodies = [p.body for p in plan.paid]
    for model in ALLOWED["model"]:
        resolutions = ["720p", "1080p"] if model == LITE else ALLOWED["resolution"]
        for resolution in resolutions:
            assert any(b["model"] == model and b.get("resolution") == resolution for b in bodies)
        tolerances = [None] if model == LITE else ALLOWED["safety_tolerance"]
        for tolerance in tolerances:
            assert any(
                b["model"] == model and b.get("safety_tolerance", "-") == tolerance for b in bodies
            ), (model, tolerance)
    lite_durations = {b.get("duration") for b in bodies if b["model"] == LITE}
    assert {4, 6, 8} <= lite_durations


def test_the_pairs_the_rules_forbid_are_not_sendable() -> None:
    plan = build_plan(shipped(), budget=100)
    assert sorted(t.describe() for t in plan.infeasible) == sorted(
        [f"model={LITE} x resolution=4k"]
        + [f"model={LITE} x safety_tolerance={n}" for n in range(1, 7)]
        + [f"model={m} x enhance_prompt={v}" for m in (FAST, LITE) for v in ("true", "false")]
        + [
            f"model={m} x person_generation={v}"
            for m in (FAST, LITE)
            for v in ("dont_allow", "allow_adult")
        ]
    )


def test_the_budget_cuts_the_least_important_creates() -> None:
    full = build_plan(shipped(), budget=100)
    cut = build_plan(shipped(), budget=5)
    assert [p.body for p in cut.paid] == [p.body for p in full.paid[:5]]
    assert [p.name for p in cut.dropped] == [p.name for p in full.paid[5:]]
    kept = {t for p in cut.paid for t in p.covers}
    assert cut.uncovered
    assert not kept & set(cut.uncovered)
    assert {t for p in full.paid for t in p.covers} == kept | set(cut.uncovered)


def test_no_budget_plans_only_free_probes() -> None:
    plan = build_plan(shipped(), budget=0)
    assert plan.paid == ()
    assert len(plan.dropped) == len(build_plan(shipped(), 100).paid)
    assert len(plan.free) > 60


def test_the_plan_is_the_same_in_every_process() -> None:
    assert build_plan(shipped(), 12) == build_plan(shipped(), 12)


def test_every_rule_has_a_free_probe_breaking_only_it() -> None:
    plan = build_plan(shipped(), budget=0)
    c = creates_contract()
    probed = {p.rule for p in plan.free if p.rule}
    assert probed == set(c.rule_ids)
    for probe in plan.free:
        if probe.rule is not None:
            assert [v.rule for v in check(probe.body, c)] == [probe.rule], probe.name
            assert probe.expect == c.error_for(probe.rule)


def test_advanced_fields_are_probed_on_every_model_they_do_not_apply_to() -> None:
    names = {p.name for p in build_plan(shipped(), budget=0).free}
    for rule in ("enhance-prompt-standard-only", "person-generation-standard-only"):
        assert f"rule-{rule}[{FAST}]" in names
        assert f"rule-{rule}[{LITE}]" in names


def test_auth_and_malformed_probes() -> None:
    plan = build_plan(shipped(), budget=0)
    by = {(p.contract, p.name): p for p in plan.free}
    for contract in ("videos-generations", "tasks-get"):
        assert by[(contract, "auth-missing-key")].auth == "none"
        assert by[(contract, "auth-wrong-key")].auth == "wrong"
        assert by[(contract, "auth-wrong-key")].expect.status == 401
    assert by[("videos-generations", "malformed-json")].expect.status == 400
    assert by[("videos-generations", "malformed-content-type")].content_type == "text/plain"
    assert by[("tasks-get", "example-unknown-task")].expect.status == 404


def test_a_new_model_is_planned_from_a_yaml_edit(tmp_path: Path) -> None:
    for path in shipped_contracts_dir().glob("*.yaml"):
        text = path.read_text()
        if path.name == "videos-generations.yaml":
            text = text.replace(
                "enum: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, "
                "veo-3.1-lite-image-to-video]",
                "enum: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, "
                "veo-3.1-lite-image-to-video, veo-4-mini]",
            )
            text = text.replace(
                "rules:\n",
                "rules:\n  - id: mini-720p-only\n    when: {model: veo-4-mini}\n"
                "    then: {resolution: {in: [720p]}}\n    expect: validation\n",
                1,
            )
        (tmp_path / path.name).write_text(text)
    contracts = list(load_contracts(sorted(tmp_path.glob("*.yaml"))))
    plan = build_plan(contracts, budget=100)
    minis = [p.body for p in plan.paid if p.body["model"] == "veo-4-mini"]
    assert minis
    assert all(b["resolution"] == "720p" for b in minis)
    assert "rule-mini-720p-only[1]" in {p.name for p in plan.free}
    assert load_contract(tmp_path / "videos-generations.yaml").rule("mini-720p-only")


def test_the_printed_plan() -> None:
    lines = format_plan(build_plan(shipped(), budget=12), "http://127.0.0.1:9")
    expected = [
        "foxcontract live plan against http://127.0.0.1:9: budget 12 paid create(s)",
        "  free probes: * (* tasks-get, * videos-generations); refused requests cost nothing",
        "  paid creates: 12 of * planned, each then polled on tasks-get (free)",
        f"    paid-01 videos-generations: model={STANDARD} *",
        "  covered: 35 field values, * model-dependent pairs",
        "  dropped by the budget: * paid create(s) (paid-13, *), leaving * value(s)/pair(s) "
        "unsent:",
        "  not sendable (the rules forbid them; probed as free refusals): 15 pair(s)",
    ]
    for pattern in expected:
        assert any(fnmatch.fnmatch(line, pattern) for line in lines), pattern
