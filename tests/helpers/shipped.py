"""Edited copies of the shipped contract, and the ``file:line: message`` a bad one raises."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foxcontract import Contract, ContractError, load_contract

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
SHIPPED = (CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8")


def write(folder: Path, text: str, *, errors_file: bool = True) -> Path:
    """``text`` as ``folder/videos-generations.yaml``, with a copy of the errors file."""
    path = folder / "videos-generations.yaml"
    path.write_text(text, encoding="utf-8")
    if errors_file:
        shutil.copy(CONTRACTS / "errors.yaml", folder / "errors.yaml")
    return path


def edited(old: str, new: str, text: str = SHIPPED) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} is not once in the contract"
    return text.replace(old, new)


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The line number of the ``occurrence``-th line of ``path`` holding ``needle``."""
    lines = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def error_of(path: Path) -> str:
    """The message of the ``ContractError`` loading ``path`` raises."""
    with pytest.raises(ContractError) as info:
        load_contract(path)
    return str(info.value)


def contract_with(tmp_path: Path, *edits: tuple[str, str]) -> Contract:
    """The shipped endpoint contract with each ``(old, new)`` text edit made once, loaded from
    ``tmp_path`` (beside a copy of the errors file)."""
    text = (CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "videos-generations.yaml").write_text(text, encoding="utf-8")
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path / "errors.yaml")
    return load_contract(tmp_path / "videos-generations.yaml")
