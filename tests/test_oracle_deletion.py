"""Every rule of API.md and FAMILY.md has an id in the contract, and deleting it from the
YAML is caught.

For each rule id, a copy of ``contracts/videos-generations.yaml`` is written with just that
rule removed (a cross rule, one keyword of a field's schema, one ``required`` entry of the
body or of a variant, or a field of another mode added to a variant's ``fields``); the
oracle on that copy must then disagree with the independent reference on some body.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers.oracle_family import FIELD_ORDER, MODES, family_reference, family_sweep
from helpers.oracle_reference import (
    ADVANCED,
    DIMENSIONS,
    MODELS,
    NON_OBJECTS,
    OMIT,
    PERTURBATIONS,
    sweep,
)
from ruamel.yaml import YAML

from foxcontract import check, default_contract, load_contract

# each deletion sweeps the reference's bodies against an edited contract
pytestmark = pytest.mark.slow

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"

# API.md section 1 and FAMILY.md, one id per rule: field rules `<field>.<keyword>`, then
# each mode's required fields and the fields of other modes, then the cross rules.
FIELD_RULES = (
    "model.required",
    "model.type",
    "model.enum",
    "prompt.required",
    "prompt.type",
    "prompt.minLength",
    "prompt.pattern",
    "image_url.type",
    "image_url.pattern",
    "first_image_url.type",
    "first_image_url.pattern",
    "last_image_url.type",
    "last_image_url.pattern",
    "reference_image_urls.type",
    "reference_image_urls.items",
    "reference_image_urls.minItems",
    "reference_image_urls.maxItems",
    "video_url.type",
    "video_url.pattern",
    "aspect_ratio.type",
    "aspect_ratio.enum",
    "duration.type",
    "duration.enum",
    "resolution.type",
    "resolution.enum",
    "generate_audio.type",
    "auto_fix.type",
    "safety_tolerance.type",
    "safety_tolerance.minimum",
    "safety_tolerance.maximum",
    "enhance_prompt.type",
    "person_generation.type",
    "person_generation.enum",
    "reference_type.type",
    "reference_type.enum",
    "negative_prompt.type",
    "seed.type",
)
MODE_REQUIRED = (
    "image_url.required",
    "first_image_url.required",
    "last_image_url.required",
    "reference_image_urls.required",
    "video_url.required",
)
OTHER_MODES_FIELDS = tuple(
    f"{mode}.no-{name}"
    for mode, (_, _, fields) in MODES.items()
    for name in FIELD_ORDER
    if name not in ("model", "prompt", *fields)
)
CROSS_RULES = (
    "lite-no-4k",
    "lite-1080p-8s-only",
    "safety-tolerance-standard-fast-only",
    "enhance-prompt-standard-only",
    "person-generation-standard-only",
    "flf-lite-no-4k",
    "flf-lite-1080p-8s-only",
    "flf-safety-tolerance-standard-fast-only",
    "flf-enhance-prompt-standard-only",
    "flf-person-generation-standard-only",
    "reference-duration-8-only",
    "reference-enhance-prompt-standard-only",
    "reference-person-generation-standard-only",
    "reference-type-standard-only",
)
ALL_RULES = (*FIELD_RULES, *MODE_REQUIRED, *OTHER_MODES_FIELDS, *CROSS_RULES)


def test_every_rule_of_the_api_has_an_id_in_the_contract() -> None:
    assert default_contract().rule_ids == ("body.type", *ALL_RULES)


@cache
def corpus() -> tuple[tuple[Any, tuple[str, ...]], ...]:
    """Every body the oracle tests use, with the reference's verdict."""
    # every mode first: most deletions are caught there
    bodies: list[Any] = [*family_sweep(), *NON_OBJECTS, *(b for b, _ in PERTURBATIONS)]
    bodies.extend(sweep(DIMENSIONS))
    for model in (*MODELS, OMIT):
        bodies.extend(sweep(ADVANCED, model=model))
    return tuple((b, tuple(family_reference(b))) for b in bodies)


def without_rule(rule_id: str, folder: Path) -> Path:
    """A copy of the shipped contract (and its errors file) in ``folder``, minus one rule."""
    yaml = YAML(typ="rt")
    data = yaml.load((CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8"))
    body = data["request"]["body"]
    variants = {v["name"]: v for v in body["variants"]}
    if rule_id in CROSS_RULES:
        (index,) = [i for i, r in enumerate(data["rules"]) if r["id"] == rule_id]
        del data["rules"][index]
    elif rule_id in MODE_REQUIRED:
        field = rule_id.split(".")[0]
        for variant in variants.values():
            if field in variant["required"]:
                variant["required"].remove(field)
                variant["fields"].append(field)
    elif rule_id in OTHER_MODES_FIELDS:
        mode, _, field = rule_id.partition(".no-")
        variants[mode]["fields"].append(field)
    else:
        field, keyword = rule_id.split(".")
        if keyword == "required":
            body["required"].remove(field)
            for variant in variants.values():  # no longer required, still a field of each
                variant["fields"].append(field)
        else:
            del body["properties"][field][keyword]
    target = folder / "videos-generations.yaml"
    with target.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    shutil.copy(CONTRACTS / "errors.yaml", folder / "errors.yaml")
    return target


# model.enum is not deleted: the discriminator needs its enum (a contract error)
@pytest.mark.parametrize("rule_id", [r for r in ALL_RULES if r != "model.enum"])
def test_deleting_the_rule_from_the_yaml_is_caught(rule_id: str, tmp_path: Path) -> None:
    mutated = load_contract(without_rule(rule_id, tmp_path))
    assert rule_id not in mutated.rule_ids
    assert len(mutated.rule_ids) == len(default_contract().rule_ids) - 1
    caught = next(
        (
            (body, expected, found)
            for body, expected in corpus()
            if (found := tuple(v.rule for v in check(body, mutated))) != expected
        ),
        None,
    )
    assert caught is not None, f"deleting {rule_id} changed no verdict"
    body, expected, found = caught
    assert rule_id in expected, (body, expected, found)
    assert rule_id not in found, (body, expected, found)


def test_the_unmutated_copy_agrees_with_the_reference(tmp_path: Path) -> None:
    """The control: a copy written the same way, with nothing removed, is not caught."""
    yaml = YAML(typ="rt")
    data = yaml.load((CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8"))
    with (tmp_path / "videos-generations.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path / "errors.yaml")
    copy = load_contract(tmp_path / "videos-generations.yaml")
    wrong = [(b, e) for b, e in corpus() if tuple(v.rule for v in check(b, copy)) != e]
    assert not wrong
