"""The shipped contract with a fourth model added by a YAML edit only."""

from __future__ import annotations

import shutil
from pathlib import Path

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
PRO = "veo-3.1-pro-image-to-video"

MODEL_ENUM = (
    "enum: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video]"
)
PRO_RULE = f"""rules:
  - id: pro-no-720p
    doc: Pro renders at 1080p or 4k only.
    when: {{model: {PRO}}}
    then: {{resolution: {{in: [1080p, 4k]}}}}
    expect: validation
"""


def with_a_fourth_model(folder: Path) -> Path:
    """The shipped contracts in ``folder``, with :data:`PRO` in the model enum and its rule."""
    text = (CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8")
    assert text.count(MODEL_ENUM) == 1
    assert text.count("\nrules:\n") == 1
    text = text.replace(MODEL_ENUM, MODEL_ENUM[:-1] + f", {PRO}]")
    text = text.replace("\nrules:\n", "\n" + PRO_RULE)
    path = folder / "videos-generations.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copy(CONTRACTS / "errors.yaml", folder / "errors.yaml")
    return path
