"""The live plan: a covering set of valid bodies derived from the contract, free probes for
every rule, cut to the budget by priority, and printed before anything is sent."""

from __future__ import annotations

import fnmatch
from functools import cache
from pathlib import Path

import pytest
from helpers.veo import DEFAULTS, effective, sendable

from foxcontract import check
from foxcontract.contract import Contract, load_contract, load_contracts, shipped_contracts_dir
from foxcontract.live import Plan, Target, build_plan, format_plan
from foxcontract.live.targets import ABSENT, SENT, targets

LITE = "veo-3.1-lite-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
STANDARD = "veo-3.1-image-to-video"
FLF_FAST = "veo-3.1-fast-first-last-frame-to-video"
FLF_LITE = "veo-3.1-lite-first-last-frame-to-video"
REF = "veo-3.1-reference-to-video"
REF_FAST = "veo-3.1-fast-reference-to-video"


@cache
def _shipped() -> tuple[Contract, ...]:
    return tuple(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))


def shipped() -> list[Contract]:
    return list(_shipped())


@cache
def planned(budget: int) -> Plan:
    """The plan of the shipped contracts (made once per budget: the planner is pure)."""
    return build_plan(shipped(), budget)


def creates_contract() -> Contract:
    return next(c for c in shipped() if c.paid)


def test_every_planned_body_is_allowed() -> None:
    plan = planned(100)
    c = creates_contract()
    assert plan.paid
    assert not plan.dropped
    for create in plan.paid:
        assert check(create.body, c) == [], create.name


# Fields a mode's page does not list (API.md, FAMILY.md), written out by hand: a paid body of
# that mode sends none of them, not even as null (a null is "absent" to the contract, but a
# provider that refuses the field refuses it whatever its value).
NOT_LISTED = {
    "image-to-video": {"first_image_url", "last_image_url", "reference_image_urls",
                       "reference_type", "video_url"},
    "first-last-frame": {"image_url", "reference_image_urls", "reference_type", "video_url"},
    "reference-to-video": {"image_url", "first_image_url", "last_image_url", "video_url",
                           "negative_prompt", "seed"},
    "extend": {"image_url", "first_image_url", "last_image_url", "reference_image_urls",
               "reference_type", "duration", "resolution"},
}  # fmt: skip


def test_no_planned_body_carries_a_field_its_mode_does_not_list() -> None:
    c = creates_contract()
    for create in planned(100).paid:
        mode = c.variant_of(create.body)
        assert mode is not None, create.name
        assert not NOT_LISTED[mode.name] & set(create.body), (create.name, create.body)


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
    plan = planned(12)
    sent = [p.body[field] for p in plan.paid if field in p.body]
    for value in ALLOWED[field]:
        assert any(type(s) is type(value) and s == value for s in sent), (field, value)


def test_every_sendable_model_dependent_pair_is_sent_with_enough_budget() -> None:
    plan = planned(100)
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
    lite_durations = {b.get("duration", 8) for b in bodies if b["model"] == LITE}  # default 8
    assert {4, 6, 8} <= lite_durations


def test_the_pairs_and_triples_the_rules_forbid_are_notsendable() -> None:
    """Exactly each mode's documented limits (and stances): combinations are planned
    within a mode, so nothing of one mode is tried on another's models."""
    plan = planned(100)
    lite: list[str] = []
    for model, fast in ((LITE, FAST), (FLF_LITE, FLF_FAST)):
        lite += [f"model={model} x resolution=4k"]
        lite += [f"model={model} x resolution=1080p x duration={d}" for d in (4, 6)]
        # a field a rule forbids to send at all is shown once, not value by value
        lite += [f"model={model} x safety_tolerance=(sent)"]
        lite += [f"model={m} x enhance_prompt=(sent)" for m in (fast, model)]
        lite += [f"model={m} x person_generation=(sent)" for m in (fast, model)]
    reference = [f"model={m} x duration={d}" for m in (REF, REF_FAST) for d in (4, 6)]
    reference += [f"model={REF_FAST} x enhance_prompt=(sent)"]
    reference += [f"model={REF_FAST} x person_generation=(sent)"]
    reference += [f"model={REF_FAST} x reference_type=(sent)"]
    assert sorted(t.describe() for t in plan.infeasible) == sorted(lite + reference)


def test_every_mode_is_planned_first_and_shown() -> None:
    """The first five creates send a body of each mode (the values of each field weigh most,
    the models included); the plan counts what each mode gets."""
    plan = planned(5)
    c = creates_contract()
    modes = [c.variant_of(p.body) for p in plan.paid]
    assert {m.name for m in modes if m is not None} == {v.name for v in c.variants}
    lines = format_plan(planned(12))
    start = lines.index("  coverage by mode (videos-generations):")
    shown = [ln.split(":")[0].strip() for ln in lines[start + 1 : start + 5]]
    assert shown == ["image-to-video", "first-last-frame", "reference-to-video", "extend"]
    assert (
        lines[start + 4] == "    extend: 2 of 2 create(s), 2 of 2 model(s), 0 pair(s), 0 triple(s)"
    )
    for mode in planned(12).modes:
        assert mode.models == mode.of_models, mode  # every model within 12 creates


def test_arrays_are_sent_with_the_fewest_and_the_most_items() -> None:
    sizes = {
        len(p.body["reference_image_urls"])
        for p in planned(100).paid
        if "reference_image_urls" in p.body
    }
    assert sizes == {1, 3}


def test_the_budget_cuts_the_least_important_creates() -> None:
    full = planned(100)
    cut = planned(5)
    assert [p.body for p in cut.paid] == [p.body for p in full.paid[:5]]
    assert [p.name for p in cut.dropped] == [p.name for p in full.paid[5:]]
    kept = {t for p in cut.paid for t in p.covers}
    assert cut.uncovered
    assert not kept & set(cut.uncovered)
    assert {t for p in full.paid for t in p.covers} == kept | set(cut.uncovered)


def test_no_budget_plans_only_free_probes() -> None:
    plan = planned(0)
    assert plan.paid == ()
    assert len(plan.dropped) == len(planned(100).paid)
    assert len(plan.free) > 60


def test_the_plan_is_the_same_in_every_process() -> None:
    assert build_plan(shipped(), 12) == build_plan(shipped(), 12)


def test_every_rule_has_a_free_probe_breaking_only_it() -> None:
    plan = planned(0)
    c = creates_contract()
    probed = {p.rule for p in plan.free if p.rule}
    assert probed == set(c.rule_ids)
    for probe in plan.free:
        if probe.rule is None:
            continue
        assert probe.expect == c.error_for(probe.rule)
        found = [v.rule for v in check(probe.body, c)]
        if "[as-" not in probe.name:
            assert found == [probe.rule], probe.name
            continue
        # a required field sent under another name: it breaks the rule, and at most the
        # assumed stance that this mode does not take the other name, which also refuses
        alias = probe.name.split("[as-")[1].rstrip("]")
        assert found[0] == probe.rule, probe.name
        assert alias in probe.body, probe.name
        for other in map(c.rule, found[1:]):
            assert (other.field, other.provenance.documented) == (alias, False), probe.name


def test_advanced_fields_are_probed_on_every_model_they_do_not_apply_to() -> None:
    names = {p.name for p in planned(0).free}
    for rule in ("enhance-prompt-standard-only", "person-generation-standard-only"):
        assert f"rule-{rule}[{FAST}]" in names
        assert f"rule-{rule}[{LITE}]" in names
        # under the cap of 400 the rule keeps 5 probes, taken by turns: both models twice
        # (two answers settle a per-model assumption), before either a third time
        kept = [p.name for p in planned(0).free if p.rule == rule]
        assert kept == [
            f"rule-{rule}[{FAST}]", f"rule-{rule}[{LITE}]", f"rule-{rule}[{FAST}-2]",
            f"rule-{rule}[{LITE}-2]", f"rule-{rule}[{FAST}-3]",
        ]  # fmt: skip


def test_auth_and_malformed_probes() -> None:
    plan = planned(0)
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
            # the model enum, and the values of the mode the new model belongs to
            text = text.replace(
                "veo-3.1-extend, veo-3.1-extend-fast]\n        default",
                "veo-3.1-extend, veo-3.1-extend-fast, veo-4-mini]\n        default",
            )
            text = text.replace(
                "veo-3.1-lite-image-to-video]\n        required",
                "veo-3.1-lite-image-to-video, veo-4-mini]\n        required",
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
    lines = format_plan(planned(12), "http://127.0.0.1:9")
    expected = [
        "foxcontract live plan against http://127.0.0.1:9: budget 12 paid create(s)",
        "  free probes: * (* tasks-get, * videos-generations); refused requests cost nothing",
        "  paid creates: 12 of 61 planned, each then polled on tasks-get (free)",
        "    paid-01 videos-generations: model=veo-3.1-first-last-frame-to-video prompt=<plain> "
        "first_image_url=<plain> last_image_url=<plain> *",
        "        new: * values, * pairs, * triples",
        "    paid-02 videos-generations: * prompt=<cjk> *",
        "  covered: 50 field values, 68 model-dependent pairs, 36 three-way combinations",
        "  coverage by mode (videos-generations):",
        "    image-to-video: 4 of 26 create(s), 3 of 3 model(s), 28 pair(s), 16 triple(s)",
        "  value classes carried (create numbers):",
        "    prompt: plain (01), cjk (02 *), emoji (03 *), punctuation (04 *), long (05 *)",
        "  dropped by the budget: 49 paid create(s) (paid-13, *), leaving 184 "
        "value(s)/pair(s)/triple(s) unsent:",
        "  not sendable (the rules forbid them; probed as free refusals): 19 pair(s), 4 triple(s)",
    ]
    for pattern in expected:
        assert any(fnmatch.fnmatch(line, pattern) for line in lines), pattern


# --- budget use: pairs, then three-way combinations --------------------------------------
def _counts(budget: int) -> tuple[int, int, int, int]:
    plan = planned(budget)
    kinds = [sum(1 for p in plan.paid for t in p.covers if t.priority == k) for k in (0, 1, 2)]
    return (len(plan.paid), *kinds)


def test_budget_12_covers_every_value_and_most_pairs() -> None:
    assert _counts(12) == (12, 50, 68, 36)
    assert _counts(12)[1] == _counts(100)[1]  # every value of every mode


def test_budget_24_covers_more_pairs_and_triples() -> None:
    assert _counts(24) == (24, 50, 118, 71)
    assert not [t for t in planned(24).uncovered if t.priority == 0]


def test_the_full_plan_covers_every_sendable_triple() -> None:
    assert _counts(100) == (61, 50, 146, 142)
    assert planned(100).uncovered == ()


def _within(smaller: Target, target: Target) -> bool:
    """Each value of ``smaller`` is one of ``target``'s (``(sent)``: any value but null)."""
    given = dict(target.assignments)
    return all(
        n in given and (given[n] is not None if v is SENT else given[n] == v)
        for n, v in smaller.assignments
    )


def test_every_target_is_sent_or_forbidden_by_the_rules() -> None:
    """Every value, pair and triple the contract asks for is met by a planned body, or
    holds a combination the rules forbid (listed as not sendable): none is lost."""
    plan = planned(100)
    bodies = [p.body for p in plan.paid]
    lost = [
        t.describe()
        for t in targets(creates_contract())
        if not any(t.met_by(b) for b in bodies) and not any(_within(i, t) for i in plan.infeasible)
    ]
    assert lost == []


def test_a_field_some_models_may_not_send_is_sent_and_left_out_on_each_that_may() -> None:
    """A rule about presence ties the model to whether the field is sent, not to its
    values: at budget 24 each model that may send such a field sends it and leaves it out
    (the values one by one come later, with the triples)."""
    bodies = [p.body for p in planned(24).paid]
    allowed = {
        STANDARD: ("safety_tolerance", "enhance_prompt", "person_generation"),
        FAST: ("safety_tolerance",),
        REF: ("enhance_prompt", "person_generation", "reference_type"),
    }
    for model, fields in allowed.items():
        mine = [b for b in bodies if b["model"] == model]
        for name in fields:
            assert any(b.get(name) is not None for b in mine), (model, name)
            assert any(name not in b for b in mine), (model, name)


def test_a_default_a_rule_depends_on_is_left_out_where_the_rule_applies() -> None:
    """Lite at 1080p supports only 8 s, the default: within budget 12 a Lite body of each
    mode leaves duration out at 1080p, and one leaves resolution out (1080p, not 4k), so a
    provider that reads an omitted value otherwise refuses a paid create."""
    bodies = [p.body for p in planned(12).paid]
    for lite in (LITE, FLF_LITE):
        mine = [b for b in bodies if b["model"] == lite]
        assert any(effective(b, "resolution") == "1080p" and "duration" not in b for b in mine)
        assert any("resolution" not in b for b in mine), lite


def test_combinations_of_values_sent_on_purpose_go_before_those_of_defaults() -> None:
    """A left-out aspect ratio is landscape (16:9), so most bodies send landscape anyway:
    the triples of portrait (9:16) weigh more, and the bodies the pairs need choose it."""
    bodies = [p.body for p in planned(24).paid if p.body["model"] in (STANDARD, FAST, LITE)]
    portrait = {
        (b["model"], effective(b, "resolution"))
        for b in bodies
        if effective(b, "aspect_ratio") == "9:16"
    }
    assert len(portrait) >= 5, portrait


def _triples(bodies: list[dict[str, object]], a: str, b: str, c: str) -> set[tuple[object, ...]]:
    return {tuple(effective(x, f) for f in (a, b, c)) for x in bodies}


@pytest.mark.parametrize("third", ["aspect_ratio", "duration"])
def test_the_full_plan_sends_every_model_resolution_triple(third: str) -> None:
    bodies = [p.body for p in planned(100).paid]
    sent = _triples(bodies, "model", "resolution", third)
    for model in ALLOWED["model"]:
        for resolution in ALLOWED["resolution"]:
            for value in ALLOWED[third]:
                duration = value if third == "duration" else 8
                if sendable(model, resolution, duration):
                    assert (model, resolution, value) in sent, (model, resolution, value)


def test_a_triple_counts_a_default_left_out_as_sent() -> None:
    plan = planned(100)
    for create in plan.paid:
        for target in create.covers:
            if target.priority == 2:
                for name, value in target.assignments:
                    if value is ABSENT:  # a default a rule depends on, left out on purpose
                        assert name not in create.body, (create.name, target)
                    else:
                        assert effective(create.body, name) == value, (create.name, target)


def test_the_verbose_plan_lists_what_each_create_covers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from foxcontract.cli import main

    assert main(["plan", str(shipped_contracts_dir()), "--budget", "24", "--verbose"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index(next(ln for ln in out if ln.startswith("    paid-24 ")))
    assert out[start + 1] == "        new: 1 pair, 2 triples"
    listed = out[start + 2 : start + 5]
    assert all(ln.startswith("          model=") for ln in listed), listed
    assert "  covered: 50 field values, 118 model-dependent pairs, 71 three-way combinations" in out
    news = [ln for ln in out if ln.startswith("        new: ")]
    assert len(news) == 24
    assert news[0] == "        new: 14 values, 9 pairs, 4 triples"


# --- equivalence classes carried by the paid creates --------------------------------------
def _kept_bodies() -> list[dict[str, object]]:
    return [p.body for p in planned(12).paid]


def _texts(field: str) -> list[str]:
    return [b[field] for b in _kept_bodies() if isinstance(b.get(field), str)]  # type: ignore[misc]


@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_budget_12_carries_every_class_of_text(field: str) -> None:
    texts = _texts(field)
    assert any(t.isascii() and len(t) < 100 for t in texts), "plain"
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), "Chinese"
    assert any(any(ord(ch) > 0xFFFF for ch in t) for t in texts), "emoji"
    assert any('"' in t and "\\" in t and "\n" in t for t in texts), "punctuation"
    assert any(len(t) == 2000 and t == t.strip() for t in texts), "long"


def test_budget_12_carries_every_class_of_image_url() -> None:
    urls = _texts("image_url")
    assert "https://example.com/photo.jpg" in urls
    assert any("?" in u and "&" in u for u in urls), "query string"
    assert any("%20" in u and "?" not in u for u in urls), "percent-encoded"


def test_budget_12_carries_the_seed_at_its_bounds() -> None:
    seeds = [b["seed"] for b in _kept_bodies() if "seed" in b]
    for bound in (0, 2**31 - 1, 2**32 - 1, None):
        assert bound in seeds, bound


@pytest.mark.parametrize("field", [*sorted(DEFAULTS), "generate_audio"])
def test_budget_12_leaves_out_and_sends_each_default(field: str) -> None:
    default = {**DEFAULTS, "generate_audio": False}[field]
    bodies = _kept_bodies()
    assert any(field not in b for b in bodies), "left out"
    assert any(field in b and b[field] == default for b in bodies), "sent at its default"


def test_every_create_with_its_classes_is_still_allowed() -> None:
    c = creates_contract()
    for create in planned(100).paid:
        assert check(create.body, c) == [], create.name


def test_the_plan_names_the_class_each_create_carries() -> None:
    plan = planned(12)
    carried = {(p.name, f): cls for p in plan.paid for f, cls in p.carries}
    for create in plan.paid:
        prompt = create.body["prompt"]
        assert isinstance(prompt, str)
        want = (
            "long" if len(prompt) == 2000 else "punctuation" if '"' in prompt
            else "emoji" if any(ord(ch) > 0xFFFF for ch in prompt)
            else "cjk" if not prompt.isascii() else "plain"
        )  # fmt: skip
        assert carried[(create.name, "prompt")] == want, create.name
        line = next(ln for ln in format_plan(plan) if ln.startswith(f"    {create.name} "))
        assert f" prompt=<{want}> " in line
        for field in DEFAULTS:
            if field not in create.body:
                assert carried[(create.name, field)] == "default left out"


def test_a_forbidden_range_is_probed_at_both_ends_within_the_cap() -> None:
    # API.md: safety_tolerance is 1..6 and not applicable for Lite; a provider that keeps the
    # limit at 1 and breaks it at 6 shows within the rule's first probes
    kept = [
        p.body["safety_tolerance"]
        for p in planned(12).free
        if p.rule == "safety-tolerance-standard-fast-only"
    ]
    assert kept[:2] == [1, 6]
    assert len(kept) == 5  # the cap of 400 leaves this rule 5
