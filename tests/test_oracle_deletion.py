"""Every rule of API.md has an id in the contract, and deleting it from the YAML is caught.

For each rule id, a copy of ``contracts/videos-generations.yaml`` is written with just that
rule removed (a cross rule, one keyword of a field's schema, or one ``required`` entry); the
oracle on that copy must then disagree with the independent reference on some body.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers.oracle_reference import (
    ADVANCED,
    DIMENSIONS,
    MODELS,
    NON_OBJECTS,
    OMIT,
    PERTURBATIONS,
    reference,
    sweep,
)
from ruamel.yaml import YAML

from foxcontract import check, default_contract, load_contract

# each deletion sweeps the reference's bodies against an edited contract
pytestmark = pytest.mark.slow

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"

# API.md section 1, one id per rule: field rules `<field>.<keyword>`, then the cross rules.
FIELD_RULES = (
    "model.required",
    "model.type",
    "model.enum",
    "prompt.required",
    "prompt.type",
    "prompt.minLength",
    "prompt.pattern",
    "image_url.required",
    "image_url.type",
    "image_url.pattern",
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
    "negative_prompt.type",
    "seed.type",
)
CROSS_RULES = (
    "lite-no-4k",
    "lite-1080p-8s-only",
    "safety-tolerance-standard-fast-only",
    "enhance-prompt-standard-only",
    "person-generation-standard-only",
)


def test_every_rule_of_the_api_has_an_id_in_the_contract() -> None:
    assert default_contract().rule_ids == ("body.type", *FIELD_RULES, *CROSS_RULES)


@cache
def corpus() -> tuple[tuple[Any, tuple[str, ...]], ...]:
    """Every body the oracle tests use, with the reference's verdict."""
    bodies: list[Any] = [*NON_OBJECTS, *(b for b, _ in PERTURBATIONS), *sweep(DIMENSIONS)]
    for model in (*MODELS, OMIT):
        bodies.extend(sweep(ADVANCED, model=model))
    return tuple((b, tuple(reference(b))) for b in bodies)


def without_rule(rule_id: str, folder: Path) -> Path:
    """A copy of the shipped contract (and its errors file) in ``folder``, minus one rule."""
    yaml = YAML(typ="rt")
    data = yaml.load((CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8"))
    body = data["request"]["body"]
    if rule_id in CROSS_RULES:
        (index,) = [i for i, r in enumerate(data["rules"]) if r["id"] == rule_id]
        del data["rules"][index]
    else:
        field, keyword = rule_id.split(".")
        if keyword == "required":
            body["required"].remove(field)
        else:
            del body["properties"][field][keyword]
    target = folder / "videos-generations.yaml"
    with target.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    shutil.copy(CONTRACTS / "errors.yaml", folder / "errors.yaml")
    return target


@pytest.mark.parametrize("rule_id", [*FIELD_RULES, *CROSS_RULES])
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
