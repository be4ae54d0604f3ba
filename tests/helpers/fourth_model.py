"""The shipped contract with a fourth model added by a YAML edit only."""

from __future__ import annotations

import shutil
from pathlib import Path

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
PRO = "veo-3.1-pro-image-to-video"

MODEL_ENUM = (
    "enum: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video,"
)
# the image-to-video variant: the models that choose it
MODE_VALUES = (
    "values: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video]"
)
PRO_RULE = f"""rules:
  - id: pro-no-720p
    doc: Pro renders at 1080p or 4k only.
    when: {{model: {PRO}}}
    then: {{resolution: {{in: [1080p, 4k]}}}}
    expect: validation
"""


def add_model(text: str, model: str = PRO) -> str:
    """The contract's text with ``model`` added to the enum and to the image-to-video mode."""
    assert text.count(MODEL_ENUM) == 1, "the model enum of the shipped contract moved"
    assert text.count(MODE_VALUES) == 1, "the image-to-video values of the contract moved"
    text = text.replace(MODEL_ENUM, MODEL_ENUM + f" {model},")
    return text.replace(MODE_VALUES, MODE_VALUES[:-1] + f", {model}]")


def with_a_fourth_model(folder: Path) -> Path:
    """The shipped contracts in ``folder``, with :data:`PRO` added by :func:`add_model`
    and its rule."""
    text = (CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8")
    assert text.count("\nrules:\n") == 1
    text = add_model(text)
    text = text.replace("\nrules:\n", "\n" + PRO_RULE)
    path = folder / "videos-generations.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copy(CONTRACTS / "errors.yaml", folder / "errors.yaml")
    return path
