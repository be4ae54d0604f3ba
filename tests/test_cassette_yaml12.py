"""Cassettes read back exactly what was written: the fast libyaml path reads YAML 1.2, as the
ruamel writer writes it, and agrees with the line-numbered parse."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from foxcontract.cassette import dump_cassette, load_cassette
from foxcontract.cassette.yaml12 import load_yaml12

SHIPPED = Path(__file__).parents[1] / "contracts" / "cassettes"

# plain scalars that YAML 1.1 (PyYAML's own resolvers) reads differently from YAML 1.2
TRAPS = [
    "16:9",
    "9:16",
    "1:1",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "010",
    "0b11",
    "1_000",
    "2026-11-24",
    "2026-11-24T00:00:00Z",
    "1e3",
    "0x1F",
    ".inf",
    "null",
    "~",
    "=",
    "<<",
]


@pytest.mark.parametrize("text", TRAPS)
def test_a_string_that_yaml_1_1_would_misread_round_trips(tmp_path: Path, text: str) -> None:
    cassette = load_cassette(SHIPPED / "videos-generations.yaml")
    first = cassette.interactions[0]
    body = {**first.request_body, "aspect_ratio": text, "negative_prompt": [text]}
    changed = replace(
        cassette, path=tmp_path / "c.yaml", interactions=(replace(first, request_body=body),)
    )
    (tmp_path / "c.yaml").write_text(dump_cassette(changed))
    loaded = load_cassette(tmp_path / "c.yaml")
    assert loaded.interactions[0].request_body["aspect_ratio"] == text
    assert loaded.interactions[0].request_body["negative_prompt"] == [text]


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("16:9", "16:9"),
        ("010", 10),
        ("0o17", 15),
        ("0x1F", 31),
        ("-3", -3),
        ("1e3", 1000.0),
        ("yes", "yes"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("2026-11-24", "2026-11-24"),
        ("1_000", "1_000"),
    ],
)
def test_plain_scalars_resolve_as_yaml_1_2(plain: str, value: object) -> None:
    loaded = load_yaml12(f"v: {plain}\n")["v"]
    assert loaded == value
    assert type(loaded) is type(value)


def test_infinities_and_nan() -> None:
    loaded = load_yaml12("a: .inf\nb: -.Inf\nc: .NaN\n")
    assert loaded["a"] == math.inf
    assert loaded["b"] == -math.inf
    assert math.isnan(loaded["c"])


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.name)
def test_the_fast_parse_agrees_with_ruamel_on_every_shipped_cassette(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml12(text) == YAML(typ="safe", pure=True).load(text)
