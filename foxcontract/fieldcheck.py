"""Fast checks of one body field against its JSON Schema.

The oracle must judge tens of thousands of bodies a second, faster than a general JSON
Schema validator can. The keywords contract fields use (type, enum, const, ranges, lengths,
pattern) are compiled here into small closures; a field using any other keyword is judged by
``jsonschema`` itself. ``tests/test_fieldcheck.py`` proves both agree with ``jsonschema``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import jsonschema

from foxcontract.contract.model import FIELD_KEYWORDS, json_key
from foxcontract.contract.schemas import validator_of

__all__ = ["FieldCheck", "compile_field", "describe_value", "got", "json_type"]

FieldCheck = Callable[[Any], tuple[str, str] | None]
"""``check(value)`` is ``None`` when valid, else ``(keyword, message)`` for the first broken
keyword, in the order of :data:`FIELD_KEYWORDS`."""

# every field keyword but those judged by jsonschema itself (arrays, formats)
_COMPILED = frozenset(FIELD_KEYWORDS) - {"format", "items", "minItems", "maxItems"}
_ANNOTATIONS = {"default", "description", "examples", "title"}


def describe_value(value: Any) -> str:
    """A JSON-ish rendering of a value for messages, cut to a readable length."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def json_type(value: Any) -> str:
    """The JSON Schema type name of a decoded value (``integer`` for a whole number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return (
        "array"
        if isinstance(value, list)
        else "object"
        if isinstance(value, dict)
        else type(value).__name__
    )


def got(value: Any) -> str:
    """``string "8"``, ``null``: the JSON type of a value, and the value when it says more."""
    kind = json_type(value)
    return kind if value is None else f"{kind} {describe_value(value)}"


def _type_test(types: tuple[str, ...], integral_floats: str) -> Callable[[Any], bool]:
    accept_float_ints = integral_floats != "reject"

    def test(value: Any) -> bool:
        kind = json_type(value)
        if kind in types:
            return True
        if kind == "integer" and "number" in types:
            return True
        return (
            kind == "number"
            and "integer" in types
            and accept_float_ints
            and value == value
            and abs(value) != float("inf")
            and float(value).is_integer()
        )

    return test


def compile_field(
    name: str,
    schema: Mapping[str, Any],
    integral_floats: Literal["accept", "reject", "ambiguous"] = "ambiguous",
) -> FieldCheck:
    """Compile the check of field ``name`` whose JSON Schema is ``schema``."""
    if not set(schema) <= _COMPILED | _ANNOTATIONS:
        return _fallback(name, schema)
    steps: list[tuple[str, Callable[[Any], bool], Callable[[Any], str]]] = []
    if "type" in schema:
        raw = schema["type"]
        types = (raw,) if isinstance(raw, str) else tuple(raw)
        shown = " or ".join(types)
        steps.append(
            (
                "type",
                _type_test(types, integral_floats),
                lambda v: f"{name}: expected {shown}, got {got(v)}",
            )
        )
    if "enum" in schema:
        allowed = frozenset(json_key(v) for v in schema["enum"])
        listed = ", ".join(describe_value(v) for v in schema["enum"])
        steps.append(
            (
                "enum",
                lambda v: json_key(v) in allowed,
                lambda v: f"{name}: {describe_value(v)} is not one of {listed}",
            )
        )
    if "const" in schema:
        const = json_key(schema["const"])
        steps.append(
            (
                "const",
                lambda v: json_key(v) == const,
                lambda v: f"{name}: {describe_value(v)} is not {describe_value(schema['const'])}",
            )
        )
    numeric = [
        ("minimum", lambda v, b: v >= b, "less than the minimum"),
        ("maximum", lambda v, b: v <= b, "more than the maximum"),
        ("exclusiveMinimum", lambda v, b: v > b, "not more than the exclusive minimum"),
        ("exclusiveMaximum", lambda v, b: v < b, "not less than the exclusive maximum"),
    ]
    for kw, ok, says in numeric:
        if kw in schema:
            steps.append((kw, _numeric(ok, schema[kw]), _says(name, says, schema[kw])))
    if "minLength" in schema:
        low = schema["minLength"]
        steps.append(
            (
                "minLength",
                lambda v: not isinstance(v, str) or len(v) >= low,
                lambda v: f"{name}: {describe_value(v)} is shorter than {low} character(s)",
            )
        )
    if "maxLength" in schema:
        high = schema["maxLength"]
        steps.append(
            (
                "maxLength",
                lambda v: not isinstance(v, str) or len(v) <= high,
                lambda v: f"{name}: {describe_value(v)} is longer than {high} character(s)",
            )
        )
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        steps.append(
            (
                "pattern",
                lambda v: not isinstance(v, str) or search(v) is not None,
                lambda v: f"{name}: {describe_value(v)} does not match {schema['pattern']}",
            )
        )

    def check(value: Any) -> tuple[str, str] | None:
        for keyword, ok, message in steps:
            if not ok(value):
                return keyword, message(value)
        return None

    return check


def _numeric(ok: Callable[[Any, Any], bool], bound: Any) -> Callable[[Any], bool]:
    def test(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        return ok(value, bound)

    return test


def _says(name: str, says: str, bound: Any) -> Callable[[Any], str]:
    return lambda v: f"{name}: {describe_value(v)} is {says} {bound}"


def _fallback(name: str, schema: Mapping[str, Any]) -> FieldCheck:
    validator = validator_of(schema, formats=True)
    rank = {kw: i for i, kw in enumerate(FIELD_KEYWORDS)}

    def check(value: Any) -> tuple[str, str] | None:
        errors = list(validator.iter_errors(value))
        if not errors:
            return None

        # the keyword of the field's own schema each error comes from (``items``, not the
        # ``type`` inside it that an item broke)
        def top(error: jsonschema.ValidationError) -> str:
            path = error.relative_schema_path
            return str(path[0]) if path else str(error.validator)

        first = min(errors, key=lambda e: rank.get(top(e), len(rank)))
        keyword = top(first) if top(first) in rank else "type"
        return keyword, f"{name}: {first.message}"

    return check
