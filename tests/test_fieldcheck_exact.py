"""``compile_field`` keyword by keyword: the exact answer on both sides of every bound, the
exact message, which keywords take the ``jsonschema`` path, and the order keywords are
checked in. Every expected value is written out by hand (or is ``jsonschema``'s own wording,
for the fields it judges)."""

from __future__ import annotations

from typing import Any

import pytest

from foxcontract.fieldcheck import compile_field, describe_value, got

Case = tuple[dict[str, Any], Any, "tuple[str, str] | None"]

CASES: list[Case] = [
    # type
    ({"type": "integer"}, 8, None),
    ({"type": "integer"}, -3, None),
    ({"type": "integer"}, True, ("type", "f: expected integer, got boolean true")),
    ({"type": "integer"}, 8.0, None),
    ({"type": "integer"}, 8.5, ("type", "f: expected integer, got number 8.5")),
    ({"type": "integer"}, float("nan"), ("type", "f: expected integer, got number nan")),
    ({"type": "integer"}, float("inf"), ("type", "f: expected integer, got number inf")),
    ({"type": "integer"}, None, ("type", "f: expected integer, got null")),
    ({"type": "integer"}, "8", ("type", 'f: expected integer, got string "8"')),
    ({"type": "integer"}, [8], ("type", "f: expected integer, got array [8]")),
    ({"type": "integer"}, {"a": 1}, ("type", "f: expected integer, got object {'a': 1}")),
    ({"type": "integer"}, (8,), ("type", "f: expected integer, got tuple (8,)")),
    ({"type": "number"}, 8, None),
    ({"type": "number"}, 8.5, None),
    ({"type": "number"}, False, ("type", "f: expected number, got boolean false")),
    ({"type": "string"}, 8, ("type", "f: expected string, got integer 8")),
    ({"type": "string"}, 8.0, ("type", "f: expected string, got number 8.0")),
    ({"type": "string"}, "", None),
    ({"type": "boolean"}, False, None),
    ({"type": "boolean"}, 0, ("type", "f: expected boolean, got integer 0")),
    ({"type": "null"}, None, None),
    ({"type": "null"}, "", ("type", 'f: expected null, got string ""')),
    ({"type": "array"}, [], None),
    ({"type": "array"}, {}, ("type", "f: expected array, got object {}")),
    ({"type": "object"}, {}, None),
    ({"type": "object"}, [], ("type", "f: expected object, got array []")),
    ({"type": ["string", "null"]}, None, None),
    ({"type": ["string", "null"]}, 3, ("type", "f: expected string or null, got integer 3")),
    # enum and const compare as JSON does: 1.0 is 1, true is not 1
    ({"enum": [1, "1", True, None]}, 1, None),
    ({"enum": [1, "1", True, None]}, 1.0, None),
    ({"enum": [1, "1", True, None]}, True, None),
    ({"enum": [1, "1", True, None]}, None, None),
    ({"enum": [1, "1", True, None]}, False, ("enum", 'f: false is not one of 1, "1", true, null')),
    ({"enum": [1, "1", True, None]}, "2", ("enum", 'f: "2" is not one of 1, "1", true, null')),
    ({"const": 8}, 8, None),
    ({"const": 8}, 9, ("const", "f: 9 is not 8")),
    ({"const": 8}, True, ("const", "f: true is not 8")),
    ({"const": "a"}, "b", ("const", 'f: "b" is not "a"')),
    # ranges: both sides of every bound; booleans and non-numbers are not ranged
    ({"minimum": 1}, 1, None),
    ({"minimum": 1}, 0, ("minimum", "f: 0 is less than the minimum 1")),
    ({"minimum": 1}, 0.5, ("minimum", "f: 0.5 is less than the minimum 1")),
    ({"minimum": 1}, False, None),
    ({"minimum": 1}, "0", None),
    ({"minimum": 1}, None, None),
    ({"maximum": 6}, 6, None),
    ({"maximum": 6}, 7, ("maximum", "f: 7 is more than the maximum 6")),
    ({"maximum": 6}, True, None),
    ({"exclusiveMinimum": 0}, 0.001, None),
    (
        {"exclusiveMinimum": 0},
        0,
        ("exclusiveMinimum", "f: 0 is not more than the exclusive minimum 0"),
    ),
    (
        {"exclusiveMinimum": 0},
        -1,
        ("exclusiveMinimum", "f: -1 is not more than the exclusive minimum 0"),
    ),
    ({"exclusiveMaximum": 10}, 9.5, None),
    (
        {"exclusiveMaximum": 10},
        10,
        ("exclusiveMaximum", "f: 10 is not less than the exclusive maximum 10"),
    ),
    (
        {"exclusiveMaximum": 10},
        11,
        ("exclusiveMaximum", "f: 11 is not less than the exclusive maximum 10"),
    ),
    # lengths and patterns apply to strings only
    ({"minLength": 2}, "ab", None),
    ({"minLength": 2}, "a", ("minLength", 'f: "a" is shorter than 2 character(s)')),
    ({"minLength": 2}, 5, None),
    ({"maxLength": 2}, "ab", None),
    ({"maxLength": 2}, "abc", ("maxLength", 'f: "abc" is longer than 2 character(s)')),
    ({"maxLength": 2}, 123, None),
    ({"pattern": "^a"}, "ab", None),
    ({"pattern": "^a"}, "ba", ("pattern", 'f: "ba" does not match ^a')),
    ({"pattern": "^a"}, 5, None),
    # the first broken keyword, in FIELD_KEYWORDS order
    ({"enum": [2, 4], "minimum": 3}, 1, ("enum", "f: 1 is not one of 2, 4")),
    ({"minimum": 5, "maximum": 1}, 3, ("minimum", "f: 3 is less than the minimum 5")),
    ({"maximum": 1, "exclusiveMinimum": 5}, 3, ("maximum", "f: 3 is more than the maximum 1")),
    (
        {"exclusiveMinimum": 5, "exclusiveMaximum": 1},
        3,
        ("exclusiveMinimum", "f: 3 is not more than the exclusive minimum 5"),
    ),
    (
        {"minLength": 3, "maxLength": 1},
        "ab",
        ("minLength", 'f: "ab" is shorter than 3 character(s)'),
    ),
    (
        {"maxLength": 1, "pattern": "^a"},
        "bb",
        ("maxLength", 'f: "bb" is longer than 1 character(s)'),
    ),
    # keywords judged by jsonschema itself, in its words
    ({"type": "string", "format": "ipv4"}, "1.2.3.4", None),
    (
        {"type": "string", "format": "ipv4"},
        "999.1.1.1",
        ("format", "f: '999.1.1.1' is not a 'ipv4'"),
    ),
    ({"items": {"type": "integer"}}, [1], None),
    ({"items": {"type": "integer"}}, ["x"], ("items", "f: 'x' is not of type 'integer'")),
    ({"minItems": 1}, [], ("minItems", "f: [] should be non-empty")),
    ({"maxItems": 1}, [1, 2], ("maxItems", "f: [1, 2] is too long")),
    (
        {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        3.5,
        ("type", "f: 3.5 is not valid under any of the given schemas"),
    ),
]


@pytest.mark.parametrize(("schema", "value", "expected"), CASES)
def test_compiled_answer(schema: dict[str, Any], value: Any, expected: Any) -> None:
    assert compile_field("f", schema)(value) == expected


# compiled, the type message reads "expected integer"; through jsonschema, "is not of type"
COMPILED = ("type", 'f: expected integer, got string "x"')
JUDGED_BY_JSONSCHEMA = ("type", "f: 'x' is not of type 'integer'")


@pytest.mark.parametrize("annotation", ["default", "description", "examples", "title"])
def test_annotations_do_not_send_a_field_to_jsonschema(annotation: str) -> None:
    schema = {"type": "integer", annotation: [3] if annotation == "examples" else "3"}
    assert compile_field("f", schema)("x") == COMPILED


def test_a_field_using_every_compiled_keyword_is_still_compiled() -> None:
    schema = {
        "type": "integer", "enum": [3], "const": 3, "minimum": 1, "maximum": 5,
        "exclusiveMinimum": 0, "exclusiveMaximum": 6, "minLength": 0, "maxLength": 9,
        "pattern": ".", "default": 3, "description": "d", "examples": [3], "title": "t",
    }  # fmt: skip
    check = compile_field("f", schema)
    assert check("x") == COMPILED
    assert check(3) is None


def test_an_unknown_keyword_sends_the_field_to_jsonschema() -> None:
    assert compile_field("f", {"type": "integer", "multipleOf": 2})("x") == JUDGED_BY_JSONSCHEMA


@pytest.mark.parametrize(
    ("mode", "answer"),
    [
        ("ambiguous", None),
        ("accept", None),
        ("reject", ("type", "f: expected integer, got number 8.0")),
    ],
)
def test_integral_floats_modes(mode: Any, answer: Any) -> None:
    assert compile_field("f", {"type": "integer"}, mode)(8.0) == answer
    assert compile_field("f", {"type": "integer"}, mode)(8) is None


def test_values_are_cut_at_sixty_characters() -> None:
    assert describe_value("x" * 58) == '"' + "x" * 58 + '"'  # 60 characters: shown whole
    assert describe_value("x" * 59) == '"' + "x" * 56 + "..."
    assert describe_value([1] * 30) == "[" + "1, " * 18 + "1,..."
    assert [describe_value(v) for v in (None, True, False, "", 8, 8.5)] == [
        "null", "true", "false", '""', "8", "8.5",
    ]  # fmt: skip
    assert got(None) == "null"
    assert got(False) == "boolean false"
