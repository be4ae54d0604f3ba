"""Contract patterns rewritten to read the same in ECMA-262 as in Python's ``re``."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema_rs
import pytest

from foxcontract import cli
from foxcontract.contract import shipped_contracts_dir
from foxcontract.export.regex import PatternError, portable, portable_schema, python_spaces

SHIPPED = shipped_contracts_dir()
IMAGE_URL = r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$"
# every character either dialect counts as a space, and some that neither does
TRICKY = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\ufeff", "\x18", "a", "/"]
SAMPLES = [
    *TRICKY,
    *(f"https://a.b{c}" for c in TRICKY),
    *(f"https://a.b/x{c}y" for c in TRICKY),
    *(f"{c}x" for c in TRICKY),
    "https://a.b\n",
    "https://a.b\n\n",
    "https://a.b\r",
    "a\u2028",
    "",
]


def ecma(pattern: str, text: str) -> bool:
    return bool(jsonschema_rs.is_valid({"pattern": pattern}, text))


def test_python_spaces_are_the_characters_python_calls_spaces() -> None:
    assert python_spaces() == (
        "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
        "\\u2028-\\u2029\\u202f\\u205f\\u3000"
    )
    cls = re.compile(f"[{python_spaces()}]")
    assert all(bool(cls.match(chr(c))) == chr(c).isspace() for c in range(0x10000))


@pytest.mark.parametrize("pattern", [IMAGE_URL, r"\S", r"^a.b$", r"[\s,]+", r"^x\.y$"])
def test_the_rewrite_means_in_both_dialects_what_python_means(pattern: str) -> None:
    rewritten = portable(pattern)
    for text in SAMPLES:
        python = re.search(pattern, text) is not None
        assert (re.search(rewritten, text) is not None) == python, (pattern, text)
        assert ecma(rewritten, text) == python, (pattern, text)


def test_the_dialects_do_disagree_on_the_shipped_patterns_as_written() -> None:
    """What the rewrite is for: unrewritten, an ECMA-262 reader judges otherwise."""
    assert re.search(IMAGE_URL, "https://a.b\n")
    assert not ecma(IMAGE_URL, "https://a.b\n")
    assert not re.search(IMAGE_URL, "https://a.b\x85")
    assert ecma(IMAGE_URL, "https://a.b\x85")
    assert re.search(r"\S", "\ufeff")
    assert not ecma(r"\S", "\ufeff")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            r"^\d+$",
            "\\d means different things in Python and ECMA-262; "
            "write the characters it should match as a class, e.g. [0-9]",
        ),
        (
            r"\w",
            "\\w means different things in Python and ECMA-262; "
            "write the characters it should match as a class, e.g. [0-9]",
        ),
        (r"[^\S]", "\\S inside a character class has no portable rewrite"),
        (r"[]a]", "a class starting with ']' is read differently by ECMA-262"),
        (
            r"(?i)abc",
            "the group (?i... is Python-only syntax (named groups, inline flags, "
            "comments, atomic or conditional groups)",
        ),
        (
            r"(?P<x>a)",
            "the group (?P... is Python-only syntax (named groups, inline flags, "
            "comments, atomic or conditional groups)",
        ),
        (
            r"a(?#note)",
            "the group (?#... is Python-only syntax (named groups, inline flags, "
            "comments, atomic or conditional groups)",
        ),
        (
            r"(?>a)",
            "the group (?>... is Python-only syntax (named groups, inline flags, "
            "comments, atomic or conditional groups)",
        ),
    ],
)
def test_constructs_without_a_rewrite_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(PatternError) as info:
        portable(pattern)
    assert str(info.value) == message


def test_escapes_and_groups_both_dialects_share_pass_through() -> None:
    shared = r"^(?:a|b)\.\/(?=c)(?!d)(?<=e)(?<!f)[a-z\-]{2,3}"
    assert portable(shared) == shared


def test_patterns_deep_in_a_schema_and_not_data_named_pattern() -> None:
    schema = {
        "properties": {"pattern": {"type": "string", "pattern": "a$"}},
        "items": [{"pattern": "."}],
        "enum": [{"pattern": "$"}],
    }
    assert portable_schema(schema) == {
        "properties": {"pattern": {"type": "string", "pattern": "a(?=\\n?(?![\\s\\S]))"}},
        "items": [{"pattern": "[^\\n]"}],
        "enum": [{"pattern": "$"}],
    }
    with pytest.raises(PatternError) as info:
        portable_schema({"properties": {"x": {"pattern": r"\d"}}}, ["request", "body"])
    assert info.value.where == ["request", "body", "properties", "x", "pattern"]


def test_export_refuses_a_contract_pattern_it_cannot_rewrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "errors.yaml").write_text((SHIPPED / "errors.yaml").read_text())
    text = (SHIPPED / "videos-generations.yaml").read_text()
    path = tmp_path / "videos-generations.yaml"
    path.write_text(text.replace("pattern: '\\S'", "pattern: '\\w'"))
    line = text.splitlines().index("        pattern: '\\S'") + 1
    assert cli.main(["export", "openapi", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{path}:{line}: cannot export this pattern: \\w means different things in Python "
        "and ECMA-262; write the characters it should match as a class, e.g. [0-9]\n"
    )
