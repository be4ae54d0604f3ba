"""Table-driven tests of ``foxcontract.check`` against the shipped contract.

Expected verdicts come from the test side only: :func:`reference` (API.md in plain Python)
for the sweeps, and rule ids written out by hand for the single-field perturbations. Each
test loops over its table and reports every mismatch in one assertion message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from helpers.oracle_family import family_reference, family_sweep
from helpers.oracle_reference import (
    ADVANCED,
    DIMENSIONS,
    FIELD_CASES,
    FOREIGN_CASES,
    LITE,
    MODELS,
    NON_OBJECTS,
    OMIT,
    PERTURBATIONS,
    VALID,
    perturbed,
    reference,
    sweep,
)

from foxcontract import check, default_contract


def mismatches(cases: Iterable[tuple[Any, list[str]]]) -> list[str]:
    """``body: expected [...], check() said [...]`` for every case the oracle gets wrong."""
    out = []
    for body, expected in cases:
        actual = [v.rule for v in check(body)]
        if actual != expected:
            out.append(f"{body!r}: expected {expected}, check() said {actual}")
    return out


def report(wrong: list[str], total: int) -> str:
    shown = "\n".join(wrong[:40])
    more = f"\n... and {len(wrong) - 40} more" if len(wrong) > 40 else ""
    return f"{len(wrong)} of {total} bodies judged wrongly:\n{shown}{more}"


@pytest.mark.parametrize("model", DIMENSIONS["model"], ids=repr)
def test_every_combination_of_the_main_dimensions(model: Any) -> None:
    rest = {k: v for k, v in DIMENSIONS.items() if k != "model"}
    cases = [(b, reference(b)) for b in sweep(rest, model=model)]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    assert len(cases) == 6 * 6 * 5 * 5


@pytest.mark.parametrize("model", [*MODELS, OMIT], ids=("standard", "fast", "lite", "omitted"))
def test_every_combination_of_the_advanced_options(model: Any) -> None:
    cases = [(b, reference(b)) for b in sweep(ADVANCED, model=model)]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))


def test_the_sweeps_reach_every_rule() -> None:
    """The sweeps are only worth something if they break every rule of the contract."""
    bodies = [*sweep(DIMENSIONS), *NON_OBJECTS, *(b for b, _ in PERTURBATIONS)]
    for model in (*MODELS, OMIT):
        bodies.extend(sweep(ADVANCED, model=model))
    bodies.extend(family_sweep())
    seen = {rule for body in bodies for rule in family_reference(body)}
    assert seen == set(default_contract().rule_ids)


def test_the_perturbation_table_covers_every_field() -> None:
    assert set(FIELD_CASES) == {f.name for f in default_contract().fields}


@pytest.mark.parametrize("field", list(FIELD_CASES))
def test_single_field_perturbations(field: str) -> None:
    cases = [(perturbed(field, value), expected) for value, expected in FIELD_CASES[field]]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    # the hand-written table and the reference agree, so the sweeps are judged by the same rules
    disagreements = [(b, e, family_reference(b)) for b, e in cases if family_reference(b) != e]
    assert not disagreements


def test_fields_of_another_mode() -> None:
    wrong = mismatches(FOREIGN_CASES)
    assert not wrong, report(wrong, len(FOREIGN_CASES))
    assert [(b, e) for b, e in FOREIGN_CASES if family_reference(b) != e] == []


def test_non_object_bodies_are_one_body_type_violation() -> None:
    cases = [(body, ["body.type"]) for body in NON_OBJECTS]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    assert [str(v) for v in check([])] == ["[body.type] body: expected a JSON object, got array []"]


def test_unknown_extra_fields_are_accepted() -> None:
    extras: dict[str, Any] = {
        "Model": "x",
        "resolution ": "4K",
        "": None,
        "callback_url": "not a url",
        "nested": {"deep": [1, {"x": None}]},
    }
    assert check({**VALID, **extras}) == []
    assert [v.rule for v in check({**VALID, **extras, "model": LITE, "resolution": "4k"})] == [
        "lite-no-4k"
    ]
