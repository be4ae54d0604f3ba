"""The exported request schema and the oracle give every body the same verdict.

``jsonschema`` (Draft 2020-12) and ``jsonschema_rs`` (whose regexes read as ECMA-262)
run on the request schema of the OpenAPI export; the oracle runs on the contract. Their
verdicts (valid or not) must agree on every body: the labelled cases of
``foxcontract.strategies`` (tests/test_export_strategies.py), and here bodies of JSON values
near the contract's own values, on the shipped contract and on variants that use every kind
of condition with both ``null_means_absent`` settings.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers.agreement import assert_agree, validator_for
from hypothesis import HealthCheck, given, settings
from near_values import bodies

from foxcontract.contract import (
    Contract,
    Rule,
    default_contract,
    load_contract,
    shipped_contracts_dir,
)
from foxcontract.export import exact
from foxcontract.oracle import check

SHIPPED = shipped_contracts_dir()

# Extra rules using every condition form: not_in, present, a value equal to a default,
# null as a condition value, a `then` its default satisfies, and a rule with no `when`.
# x-not-in reads generate_audio's default, which is true for extend and false elsewhere.
EXTRA_RULES = """\
  - id: x-not-in
    when: {aspect_ratio: {not_in: ["9:16"]}, seed: present}
    then: {generate_audio: {not_in: [true]}}
  - id: x-present
    when: {seed: present}
    then: {negative_prompt: present}
  - id: x-default-eq
    when: {resolution: 1080p, duration: 8}
    then: {auto_fix: {not_in: [false]}}
  - id: x-default-then
    when: {model: veo-3.1-fast-image-to-video}
    then: {aspect_ratio: {in: ["16:9"]}}
  - id: x-null-value
    when: {person_generation: {in: [null, allow_adult]}}
    then: {seed: absent}
  - id: x-no-when
    then: {safety_tolerance: {not_in: [3]}}
"""


def variant(folder: Path, *, null_means_absent: bool, extra_rules: bool) -> Contract:
    """The shipped contract, with ``null_means_absent`` set and, if asked, the extra rules."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "errors.yaml").write_text((SHIPPED / "errors.yaml").read_text())
    text = (SHIPPED / "videos-generations.yaml").read_text()
    text = text.replace(
        "null_means_absent: true", f"null_means_absent: {null_means_absent}".lower()
    )
    if extra_rules:
        text = text.replace("\nresponses:\n", f"{EXTRA_RULES}\nresponses:\n", 1)
    path = folder / "videos-generations.yaml"
    path.write_text(text)
    return load_contract(path)


def agreement_run(contract: Contract, examples: int, rule: Rule | None = None) -> Counter[Any]:
    """Run ``examples`` bodies through both judges; the count of each verdict (``True``,
    ``False``), and of each cross rule broken by a body whose fields are all valid."""
    validator = validator_for(contract)
    seen: Counter[Any] = Counter()
    cross = {r.id for r in contract.cross_rules}

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(bodies(contract, rule))
    def judge(body: Any) -> None:
        seen[assert_agree(validator, contract, body)] += 1
        broken = {v.rule for v in check(body, contract)}
        if broken and broken <= cross:  # every field valid: the cross rules decide
            seen.update(broken)

    judge()
    return seen


@pytest.mark.slow
def test_the_judges_agree_on_bodies_near_the_shipped_contract() -> None:
    # about 60 bodies per cross rule (each mode's own rules included)
    examples = 60 * len(default_contract().cross_rules)
    seen = agreement_run(default_contract(), examples)
    assert sum(seen.values()) >= examples
    assert seen[True] >= 150, seen
    assert seen[False] >= 150, seen
    assert all(seen[r.id] >= 3 for r in default_contract().cross_rules), seen


@pytest.mark.slow
@pytest.mark.parametrize("null_means_absent", [True, False], ids=["null-absent", "null-a-value"])
def test_the_judges_agree_on_every_kind_of_condition(
    tmp_path: Path, null_means_absent: bool
) -> None:
    contract = variant(tmp_path, null_means_absent=null_means_absent, extra_rules=True)
    assert exact(contract)
    seen = agreement_run(contract, 1000)
    assert seen[True] >= 50, seen
    assert seen[False] >= 50, seen


@pytest.mark.slow
@pytest.mark.parametrize("null_means_absent", [True, False], ids=["null-absent", "null-a-value"])
def test_the_judges_agree_around_each_rule(tmp_path: Path, null_means_absent: bool) -> None:
    contract = variant(tmp_path, null_means_absent=null_means_absent, extra_rules=True)
    for rule in contract.cross_rules:
        seen = agreement_run(contract, 100, rule)
        if seen[rule.id] < 5:  # a rule few bodies break (x-not-in): more bodies, same floor
            seen += agreement_run(contract, 400, rule)
        assert seen[rule.id] >= 5, (rule.id, seen)
        assert seen[True] >= 5, (rule.id, seen)


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        # the default resolution is 1080p: Lite with a 4 s duration must say 720p
        ({"model": "veo-3.1-lite-image-to-video", "duration": 4}, False),
        ({"model": "veo-3.1-lite-image-to-video", "duration": 4, "resolution": "720p"}, True),
        # null means absent: allowed on Lite, where the field itself is not applicable
        ({"model": "veo-3.1-lite-image-to-video", "enhance_prompt": None}, True),
        ({"model": "veo-3.1-lite-image-to-video", "enhance_prompt": False}, False),
        # a rule is only judged on valid fields; an invalid field is invalid anyway
        ({"model": "veo-3.1-lite-image-to-video", "resolution": None, "duration": 4}, False),
        ({"model": "veo-3.1-lite-image-to-video", "resolution": "4K"}, False),
        ({"model": "veo-3.1-fast-image-to-video", "resolution": "4k", "safety_tolerance": 6}, True),
        ({"model": "veo-3.1-image-to-video", "duration": 8.0}, True),
    ],
)
def test_the_judges_agree_on_the_cases_that_matter(body: dict[str, Any], valid: bool) -> None:
    body = {"prompt": "a fox", "image_url": "https://example.com/fox.jpg", **body}
    validator = validator_for(default_contract())
    assert assert_agree(validator, default_contract(), body) is valid


def test_a_disagreement_is_reported_with_both_verdicts() -> None:
    loose = validator_for(default_contract())
    loose.python = jsonschema.Draft202012Validator({"type": "object"})
    with pytest.raises(
        AssertionError, match=r"^verdicts differ on \{\}: oracle \['\[model.required\]"
    ):
        assert_agree(loose, default_contract(), {})


def test_integral_floats_reject_is_flagged_inexact(tmp_path: Path) -> None:
    (tmp_path / "errors.yaml").write_text((SHIPPED / "errors.yaml").read_text())
    text = (SHIPPED / "videos-generations.yaml").read_text()
    path = tmp_path / "videos-generations.yaml"
    path.write_text(text.replace("integral_floats: ambiguous", "integral_floats: reject"))
    contract = load_contract(path)
    assert not exact(contract)
    body = {
        "model": "veo-3.1-image-to-video",
        "prompt": "a",
        "image_url": "https://a.b",
        "duration": 8.0,
    }
    assert check(body, contract) != []
    assert validator_for(contract).is_valid(body)
