"""``compile_field`` agrees with ``jsonschema`` on every JSON value, for every field schema of
the contract and a few more (including schemas that take the ``jsonschema`` fallback path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foxcontract import default_contract
from foxcontract.contract.model import FIELD_KEYWORDS
from foxcontract.fieldcheck import compile_field, describe_value, got

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
NEAR_MISSES: list[Any] = [
    0, 1, 6, 7, 8, 8.0, -0.0, 8.5, 1e300, 2**70, True, False, None, "", " ", "8", "true",
    "4k", "4K", "1080P", "16:9", "https://example.com/x.jpg", "ftp://example.com/x.jpg",
    [], [1], [1.0], [True], {}, {"a": 1}, {"b": 2, "a": 1.0},
]  # fmt: skip

EXTRA_SCHEMAS: dict[str, dict[str, Any]] = {
    "number-range": {"type": "number", "minimum": 0, "exclusiveMaximum": 10},
    "exclusive-int": {"type": ["integer", "null"], "exclusiveMinimum": 0, "maximum": 8.5},
    "short-string": {"type": ["string", "null"], "minLength": 1, "maxLength": 3},
    "untyped-range": {"minimum": 1, "maxLength": 2},
    "mixed-enum": {"enum": [1, "1", True, None, [1], {"a": 1, "b": 2}]},
    "const-object": {"const": {"a": [1, None]}},
    "const-eight": {"const": 8, "description": "an annotation only"},
    "pattern-only": {"pattern": "^[a-z]+$"},
    # keywords compile_field does not compile: judged by jsonschema itself
    "fallback-array": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
    "fallback-anyof": {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 2}]},
}


def field_schemas() -> dict[str, Mapping[str, Any]]:
    contract = {f.name: f.schema for f in default_contract().fields}
    return {**contract, **EXTRA_SCHEMAS}


def values_for(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    own = [*schema.get("enum", []), *([schema["const"]] if "const" in schema else [])]
    return st.sampled_from([*NEAR_MISSES, *own]) | JSON


@pytest.mark.parametrize("mode", ["ambiguous", "accept"])
@pytest.mark.parametrize(("name", "schema"), list(field_schemas().items()))
def test_compile_field_agrees_with_jsonschema(
    name: str, schema: Mapping[str, Any], mode: Any
) -> None:
    field_check = compile_field(name, schema, mode)
    validator = jsonschema.Draft202012Validator(schema)

    @settings(max_examples=100, deadline=None)
    @given(values_for(schema))
    def agrees(value: Any) -> None:
        problem = field_check(value)
        assert (problem is None) == validator.is_valid(value), (value, problem)
        if problem is not None and not name.startswith("fallback"):
            assert problem[0] in schema
            assert problem[0] in FIELD_KEYWORDS
            assert problem[1].startswith(f"{name}: ")

    agrees()


@settings(max_examples=300, deadline=None)
@given(values_for({"enum": [4, 6, 8]}))
def test_reject_differs_from_jsonschema_only_on_integral_floats(value: Any) -> None:
    schema = {"type": "integer", "enum": [4, 6, 8]}
    field_check = compile_field("duration", schema, "reject")
    valid = jsonschema.Draft202012Validator(schema).is_valid(value)
    integral_float = isinstance(value, float) and value.is_integer()
    assert (field_check(value) is None) == (valid and not integral_float)


def test_integral_floats_settings_on_eight_point_zero() -> None:
    schema = {"type": "integer", "enum": [4, 6, 8]}
    assert compile_field("duration", schema, "ambiguous")(8.0) is None
    assert compile_field("duration", schema, "accept")(8.0) is None
    assert compile_field("duration", schema, "reject")(8.0) == (
        "type",
        "duration: expected integer, got number 8.0",
    )
    assert jsonschema.Draft202012Validator(schema).is_valid(8.0)


def test_the_first_broken_keyword_is_reported() -> None:
    check = compile_field("prompt", {"type": "string", "minLength": 1, "pattern": r"\S"})
    assert check("") == ("minLength", 'prompt: "" is shorter than 1 character(s)')
    assert check(" ") == ("pattern", 'prompt: " " does not match \\S')
    assert check(None) == ("type", "prompt: expected string, got null")
    check = compile_field("safety_tolerance", {"type": ["integer", "null"], "maximum": 6})
    assert check(7) == ("maximum", "safety_tolerance: 7 is more than the maximum 6")
    assert check("7") == ("type", 'safety_tolerance: expected integer or null, got string "7"')


def test_the_fallback_reports_the_first_keyword_in_order() -> None:
    check = compile_field("sizes", EXTRA_SCHEMAS["fallback-array"])
    assert check([]) == ("minItems", "sizes: [] should be non-empty")
    assert check(["x"]) == ("items", "sizes: 'x' is not of type 'integer'")
    assert check("x") == ("type", "sizes: 'x' is not of type 'array'")
    assert check([3]) is None


def test_values_are_shown_readably() -> None:
    assert describe_value("x" * 100) == '"' + "x" * 56 + "..."
    assert [got(v) for v in (None, True, 8, 8.5, "8", [], {})] == [
        "null",
        "boolean true",
        "integer 8",
        "number 8.5",
        'string "8"',
        "array []",
        "object {}",
    ]
