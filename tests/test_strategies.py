"""The strategies: labels agree with FAMILY.md and API.md, near misses come first, nothing
is hard-coded (a contract edit changes what is generated).

The strategies label their cases with the oracle (they keep a body only if ``check`` judges
it as the label says), so a label is judged here by the independent reference of the whole
family (``helpers.oracle_family``: the bodies are of every mode), not by ``check``, and
generated responses by ``jsonschema_rs``, not by the validator that filtered them."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
import pytest
from helpers.oracle_family import MODELS, family_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foxcontract import default_contract, load_contract
from foxcontract.strategies import (
    Case,
    UnknownRuleError,
    coverage_cases,
    error_responses,
    from_schema,
    invalid_requests,
    near_misses,
    responses,
    valid_cases,
    valid_requests,
)

FAST = settings(max_examples=60, database=None, suppress_health_check=[HealthCheck.too_slow])
C = default_contract()


# API.md: the per-model advanced options answer 422 unsupported_advanced_options, in every
# mode that limits them by model (FAMILY.md: first-last-frame as image-to-video; reference:
# enhance_prompt, person_generation and reference_type standard only); every other rule,
# reference-duration-8-only and a field of another mode included, is a 422 validation error.
ADVANCED_OPTION_RULES = (
    "safety-tolerance-standard-fast-only",
    "enhance-prompt-standard-only",
    "person-generation-standard-only",
    "flf-safety-tolerance-standard-fast-only",
    "flf-enhance-prompt-standard-only",
    "flf-person-generation-standard-only",
    "reference-enhance-prompt-standard-only",
    "reference-person-generation-standard-only",
    "reference-type-standard-only",
)


def _expected_kind(rule_id: str) -> str:
    return "unsupported_advanced_options" if rule_id in ADVANCED_OPTION_RULES else "validation"


@FAST
@given(valid_requests(C))
def test_valid_requests_are_accepted(case: Case) -> None:
    assert family_reference(case.body) == []
    assert case.rule_id is None
    assert case.expect is None


@FAST
@given(invalid_requests(C))
def test_invalid_requests_break_exactly_their_label(case: Case) -> None:
    assert family_reference(case.body) == [case.rule_id]
    assert case.expect == _expected_kind(str(case.rule_id))


@pytest.mark.parametrize("rule_id", ["lite-1080p-8s-only", "prompt.pattern", "duration.enum"])
def test_invalid_requests_for_one_rule(rule_id: str) -> None:
    @FAST
    @given(invalid_requests(C, rule_id))
    def run(case: Case) -> None:
        assert family_reference(case.body) == [rule_id]
        assert case.rule_id == rule_id

    run()


def test_valid_requests_for_a_rule_exercise_it() -> None:
    @FAST
    @given(valid_requests(C, "lite-no-4k"))
    def run(case: Case) -> None:
        assert case.body["model"] == "veo-3.1-lite-image-to-video"
        assert family_reference(case.body) == []

    run()


def test_unknown_rule_names_it_with_did_you_mean() -> None:
    with pytest.raises(
        UnknownRuleError, match=r"no rule 'lite-no-4K' \(did you mean 'lite-no-4k'\?\)"
    ):
        invalid_requests(C, "lite-no-4K")
    with pytest.raises(UnknownRuleError, match="no rule 'nope'"):
        valid_requests(C, "nope")


def test_near_misses_come_first() -> None:
    # values valid elsewhere in the API family (the contract's family_values) lead
    resolutions = [c.body["resolution"] for c in near_misses(C, "resolution.enum")]
    assert resolutions[:2] == ["2160p", "1080P"]
    models = [c.body["model"] for c in near_misses(C, "model.enum")]
    # the older and legacy entries (the family's modes are valid models now)
    assert models[:4] == ["veo-3.1", "veo-3.1-fast", "veo3.1-fast", "veo3.1-pro"]
    urls = [c.body["reference_image_urls"] for c in near_misses(C, "reference_image_urls.type")]
    assert urls[0] == "https://example.com/ref1.jpg"  # one URL, not an array of one
    assert near_misses(C, "reference_image_urls.minItems")[0].body["reference_image_urls"] == []
    too_many = near_misses(C, "reference_image_urls.maxItems")[0].body["reference_image_urls"]
    assert len(too_many) == 4
    bad_item = near_misses(C, "reference_image_urls.items")[0].body
    assert bad_item["model"] == "veo-3.1-reference-to-video"  # on a body of its own mode
    assert bad_item["reference_image_urls"] == [None]
    extend = near_misses(C, "extend.no-duration")[0].body
    assert extend["model"] == "veo-3.1-extend"
    assert extend["duration"] == 8
    assert "video_url" in extend
    ratios = [c.body["aspect_ratio"] for c in near_misses(C, "aspect_ratio.enum")]
    assert ratios[:9] == ["auto", "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "21:9"]
    assert near_misses(C, "duration.type")[0].body["duration"] == "8"
    assert near_misses(C, "generate_audio.type")[0].body["generate_audio"] == "true"
    durations = [c.body["duration"] for c in near_misses(C, "duration.enum")]
    assert durations[:2] == [5, 7]
    below = [c.body["safety_tolerance"] for c in near_misses(C, "safety_tolerance.minimum")]
    assert below == [0, -9, -1, -6, -3, -(2**31) - 1]
    above = [c.body["safety_tolerance"] for c in near_misses(C, "safety_tolerance.maximum")]
    assert above == [7, 16, 1000, 6000, 3000, 8, 2**31, 2**63]
    assert [c.body["prompt"] for c in near_misses(C, "prompt.minLength")] == [""]
    # 31 (the digits of the model), null, then values valid for other fields in body order:
    # reference_image_urls' array of one comes before duration's 8
    model_types = [c.body["model"] for c in near_misses(C, "model.type")]
    assert model_types[:3] == [31, None, ["https://example.com/ref1.jpg"]]
    assert 8 in model_types
    assert next(c.body for c in near_misses(C, "prompt.required")).get("prompt") is None


def test_the_exact_forbidden_combination_including_defaults() -> None:
    bodies = [c.body for c in near_misses(C, "lite-1080p-8s-only")]
    lite = "veo-3.1-lite-image-to-video"
    # 1080p by default first, then sent explicitly, for each duration the rule forbids
    assert [{k: b[k] for k in ("model", "duration", "resolution") if k in b} for b in bodies] == [
        {"model": lite, "duration": 4},
        {"model": lite, "duration": 4, "resolution": "1080p"},
        {"model": lite, "duration": 6},
        {"model": lite, "duration": 6, "resolution": "1080p"},
    ]


def test_never_an_integral_float() -> None:
    for case in coverage_cases(C):
        if isinstance(case.body, dict):
            for value in case.body.values():
                assert not (isinstance(value, float) and value.is_integer()), case


def test_coverage_phase_covers_every_value_and_rule() -> None:
    bodies = [c.body for c in valid_cases(C)]
    combos = {(b["model"], b.get("resolution", "1080p"), b.get("duration", 8)) for b in bodies}
    assert ("veo-3.1-lite-image-to-video", "720p", 4) in combos
    assert ("veo-3.1-lite-image-to-video", "4k", 8) not in combos
    assert {m for m, _, _ in combos} == set(C.field("model").enum or ())
    # each mode's limits: the reference models only at 8 s, extend with neither field
    assert ("veo-3.1-fast-reference-to-video", "4k", 8) in combos
    assert not {c for c in combos if "reference" in c[0] and c[2] != 8}
    extend = [b for b in bodies if b["model"] == "veo-3.1-extend-fast"]
    assert extend
    assert all("duration" not in b and "resolution" not in b for b in extend)
    assert all("video_url" in b for b in extend)
    sizes = {len(b["reference_image_urls"]) for b in bodies if "reference_image_urls" in b}
    assert sizes == {1, 3}
    assert {1, 6} <= {b.get("safety_tolerance") for b in bodies}
    violated = {c.rule_id for c in coverage_cases(C)}
    assert violated - {None} == set(C.rule_ids)


def test_a_new_model_is_a_yaml_edit(tmp_path: Path) -> None:
    # the enum, and the values of the mode it belongs to
    text = C.path.read_text().replace(
        "veo-3.1-extend, veo-3.1-extend-fast]\n        default",
        "veo-3.1-extend, veo-3.1-extend-fast, veo-4-image-to-video]\n        default",
    )
    text = text.replace(
        "veo-3.1-lite-image-to-video]\n        required",
        "veo-3.1-lite-image-to-video, veo-4-image-to-video]\n        required",
    )
    assert text.count("veo-4-image-to-video") == 2
    (tmp_path / "v.yaml").write_text(text)
    (tmp_path / "errors.yaml").write_text((C.path.parent / "errors.yaml").read_text())
    new = load_contract(tmp_path / "v.yaml")
    models = {c.body.get("model") for c in valid_cases(new)}
    assert models == {*MODELS, "veo-4-image-to-video"}


TASKS = load_contract(C.path.parent / "tasks-get.yaml")


@FAST
@given(responses(C))
def test_responses_satisfy_the_schema(body: dict[str, object]) -> None:
    assert jsonschema_rs.Draft202012Validator(C.responses["200"].schema).is_valid(body)
    assert body["object"] == "video.generation.task"


def test_task_responses_follow_if_then() -> None:
    judge = jsonschema_rs.Draft202012Validator(TASKS.responses["200"].schema)
    statuses: set[object] = set()

    # more examples, derandomized: 60 random draws now and then miss a status altogether
    @settings(FAST, max_examples=200, derandomize=True)
    @given(responses(TASKS))
    def run(body: dict[str, object]) -> None:
        assert judge.is_valid(body)
        statuses.add(body["status"])
        if body["status"] == "completed":
            assert body["progress"] == 100
            assert body["results"]

    run()
    # every status is drawn, so the if/then branch is reached, not only allowed
    assert statuses == {"pending", "processing", "completed", "failed"}


@FAST
@given(error_responses(C, "unsupported_advanced_options"))
def test_error_responses_carry_the_kind(pair: tuple[object, dict[str, dict[str, str]]]) -> None:
    assert pair[1]["error"]["code"] == "unsupported_advanced_options"


def test_from_schema_and_unknown_status() -> None:
    @FAST
    @given(from_schema({"type": "integer", "minimum": 3, "maximum": 4}))
    def run(value: int) -> None:
        assert value in (3, 4)

    run()
    with pytest.raises(LookupError, match="no response schema for status '201'"):
        responses(C, "201")


@FAST
@given(st.data())
def test_a_rule_strategy_draws_its_forbidden_combination(data: st.DataObject) -> None:
    case = data.draw(invalid_requests(C, "lite-no-4k"))
    assert case.body["resolution"] == "4k"
    assert case.body["model"].endswith("lite-image-to-video")


def _floats(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


@FAST
@given(st.one_of(valid_requests(C), invalid_requests(C)))
def test_no_generated_body_holds_an_integral_float(case: Case) -> None:
    assert [f for f in _floats(case.body) if f.is_integer()] == []
