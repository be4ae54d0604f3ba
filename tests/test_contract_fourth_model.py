"""A new model is a YAML edit: an enum entry, its mode's values and, if it has limits, a
rule. No Python."""

from __future__ import annotations

from pathlib import Path

from helpers.fourth_model import PRO, with_a_fourth_model

from foxcontract import check, expected_error, load_contract

BASE = {"prompt": "a fox in the snow", "image_url": "https://example.com/fox.jpg"}


def rules(body: dict[str, object], contract_path: Path) -> list[str]:
    return [v.rule for v in check(body, load_contract(contract_path))]


def test_the_oracle_enforces_a_model_added_in_yaml(tmp_path: Path) -> None:
    path = with_a_fourth_model(tmp_path)
    contract = load_contract(path)
    assert contract.field("model").enum is not None
    assert PRO in contract.field("model").enum
    # the first rule of rules:, after the rules the variants make
    ids = [r.id for r in contract.cross_rules]
    assert ids[ids.index("pro-no-720p") - 1] == "extend.no-reference_type"
    assert contract.variant_of({"model": PRO}) is contract.variant("image-to-video")
    assert rules({**BASE, "model": PRO, "resolution": "720p"}, path) == ["pro-no-720p"]
    assert rules({**BASE, "model": PRO, "resolution": "4k", "duration": 4}, path) == []
    assert rules({**BASE, "model": PRO}, path) == []  # the default 1080p is allowed
    assert rules({**BASE, "model": PRO, "resolution": "720P"}, path) == ["resolution.enum"]
    # the existing per-model rules read the model list, so Pro gets Standard's options
    assert rules({**BASE, "model": PRO, "enhance_prompt": True, "safety_tolerance": 2}, path) == []
    assert rules({**BASE, "model": "veo-3.1-image-to-video", "resolution": "720p"}, path) == []
    assert rules({**BASE, "model": "veo-3.1-ultra-image-to-video"}, path) == ["model.enum"]
    violations = check({**BASE, "model": PRO, "resolution": "720p"}, contract)
    assert expected_error(violations, contract) == "validation"
    assert [str(v) for v in violations] == [
        '[pro-no-720p] resolution: "720p" is not allowed (it must be one of 1080p, 4k) when '
        "model is veo-3.1-pro-image-to-video (rule pro-no-720p: Pro renders at 1080p or 4k only.)"
    ]


def test_the_shipped_contract_rejects_the_fourth_model() -> None:
    assert [v.rule for v in check({**BASE, "model": PRO})] == ["model.enum"]


def test_a_rule_can_require_a_field_for_a_model(tmp_path: Path) -> None:
    path = with_a_fourth_model(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "    then: {resolution: {in: [1080p, 4k]}}\n",
        "    then: {resolution: {in: [1080p, 4k]}}\n"
        "  - id: pro-needs-seed\n"
        f"    when: {{model: {PRO}}}\n"
        "    then: {seed: present}\n",
    )
    path.write_text(text, encoding="utf-8")
    contract = load_contract(path)
    assert [str(v) for v in check({**BASE, "model": PRO, "seed": None}, contract)] == [
        f"[pro-needs-seed] seed: must be sent when model is {PRO} (rule pro-needs-seed)"
    ]
    assert check({**BASE, "model": PRO, "seed": 7}, contract) == []
    assert check({**BASE, "model": "veo-3.1-image-to-video"}, contract) == []
