"""Checks of a contract's meaning that its JSON Schema cannot express: names that must
refer to something, values that must be allowed, ids that must be unique."""

from __future__ import annotations

import math
import re
from typing import Any

import jsonschema

from foxcontract.contract.errors import Problem, did_you_mean
from foxcontract.contract.model import json_key
from foxcontract.contract.schemas import regex_repeats, validator_of
from foxcontract.contract.source import Source

__all__ = ["VARIANT_FACTS", "meaning_problems", "no_field_rule", "variant_fields"]


def _type_ok(value: Any, types: list[str]) -> bool:
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER
    return not types or any(checker.is_type(value, t) for t in types)


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type", [])
    return [t] if isinstance(t, str) else list(t)


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_SIZES = (("minLength", "maxLength"), ("minItems", "maxItems"))
# the longest string or list foxcontract makes for a field (Hypothesis draws at most 8 KB)
MAX_GENERATED = 1_000
# the types of field whose values foxcontract generates (others need an enum or a const),
# besides arrays (of items it generates)
_GENERATED = ("string", "integer", "number", "boolean")


def _finite(value: float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _range_problem(schema: dict[str, Any], types: list[str]) -> str | None:
    """Why no number could satisfy the field's bounds (``None`` when one can)."""
    lows = [(schema[k], k != "minimum") for k in ("minimum", "exclusiveMinimum") if k in schema]
    highs = [(schema[k], k != "maximum") for k in ("maximum", "exclusiveMaximum") if k in schema]
    low, high = max(lows, default=None), min(highs, default=None)
    if low is None or high is None:
        return None
    (lo, lo_open), (hi, hi_open) = low, high
    if types and "number" not in types and "integer" in types:
        first = math.floor(lo) + 1 if lo_open else math.ceil(lo)
        last = math.ceil(hi) - 1 if hi_open else math.floor(hi)
        return None if first <= last else f"no integer lies between {lo} and {hi}"
    if lo < hi or (lo == hi and not lo_open and not hi_open):
        return None
    return f"no number lies between {lo} and {hi}"


def _feasibility(
    src: Source, at: list[str | int], name: str, schema: dict[str, Any]
) -> list[Problem]:
    """A field whose schema no value satisfies, or that foxcontract cannot make values for."""
    out: list[Problem] = []
    types = _types(schema)
    for key in _BOUNDS:
        value = schema.get(key)
        if isinstance(value, int | float) and not _finite(value):
            shown = value if isinstance(value, float) else f"an integer of {len(str(value))} digits"
            message = f"{key} of {name!r} must be a finite number up to 1e308, not {shown}"
            out.append(Problem(src.path, src.line([*at, key]), message))
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(v is None for v in enum):
        message = f"foxcontract cannot make values for {name!r}: its enum holds only null"
        out.append(Problem(src.path, src.line([*at, "enum"]), message))
    if out:
        return out
    why = _range_problem(schema, types)
    for low, high in _SIZES:
        if low in schema and high in schema and schema[low] > schema[high]:
            why = f"{low} {schema[low]} is above {high} {schema[high]}"
    if why is not None:
        message = f"no value of {name!r} can be valid: {why}"
        return [Problem(src.path, src.line(at), message)]
    if "enum" not in schema and "const" not in schema:
        out += _size_problems(src, at, name, schema)
    if out:
        return out
    rest = {k: v for k, v in schema.items() if k not in ("enum", "const", "default")}
    check = validator_of(rest, formats=True)
    values: list[tuple[str, int | None, Any]]
    values = [("enum", i, v) for i, v in enumerate(schema.get("enum") or [])]
    values += [(k, None, schema[k]) for k in ("const", "default") if k in schema]
    for key, i, value in values:
        # a value of the wrong type is reported on its own (below)
        errors = [e for e in check.iter_errors(value) if key == "const" or e.validator != "type"]
        if errors:
            place = [*at, key] if i is None else [*at, key, i]
            message = f"{key} value {value!r} of {name!r} breaks the field's own schema: "
            out.append(Problem(src.path, src.line(place), message + errors[0].message))
    made = any(t in (*_GENERATED, "array") for t in types)
    if "enum" not in schema and "const" not in schema and types and not made:
        message = (
            f"foxcontract cannot make values for {name!r} of type {' or '.join(types)}: "
            f"give it an enum or a const (values are made for {', '.join(_GENERATED)}, "
            "and arrays of them)"
        )
        out.append(Problem(src.path, src.line([*at, "type"]), message))
    return out


def _size_problems(
    src: Source, at: list[str | int], name: str, schema: dict[str, Any]
) -> list[Problem]:
    """Sizes past what foxcontract can make values of (it makes every field's values)."""
    out = []
    for key in ("minLength", "minItems"):
        value = schema.get(key)
        if isinstance(value, int) and value > MAX_GENERATED:
            message = (
                f"{key} {value:,} of {name!r} is more than foxcontract can make values of "
                f"(at most {MAX_GENERATED:,}); give the field an enum, or a smaller {key}"
            )
            out.append(Problem(src.path, src.line([*at, key]), message))
    pattern = schema.get("pattern")
    most = regex_repeats(pattern)[0] if isinstance(pattern, str) else 0
    if most > MAX_GENERATED:
        message = (
            f"pattern of {name!r} repeats {most:,} times, more than foxcontract can make "
            f"strings of (at most {MAX_GENERATED:,})"
        )
        out.append(Problem(src.path, src.line([*at, "pattern"]), message))
    return out


def _field_problems(src: Source, props: dict[str, Any], required: list[str]) -> list[Problem]:
    out: list[Problem] = []
    where = ["request", "body", "properties"]
    for name, schema in props.items():
        out += _feasibility(src, [*where, name], name, schema)
        types, enum = _types(schema), schema.get("enum")
        for i, value in enumerate(enum or []):
            if not _type_ok(value, types):
                line = src.line([*where, name, "enum", i])
                out.append(
                    Problem(
                        src.path, line, f"enum value {value!r} of {name!r} is not of type {types}"
                    )
                )
        if "default" in schema:
            line = src.line([*where, name, "default"])
            value = schema["default"]
            if enum is not None and json_key(value) not in {json_key(v) for v in enum}:
                hint = did_you_mean(str(value), [str(v) for v in enum])
                out.append(
                    Problem(
                        src.path,
                        line,
                        f"default {value!r} of {name!r} is not in its enum {enum!r}{hint}",
                    )
                )
            elif not _type_ok(value, types):
                out.append(
                    Problem(src.path, line, f"default {value!r} of {name!r} is not of type {types}")
                )
        if "pattern" in schema:
            try:
                re.compile(schema["pattern"])
            except re.error as exc:
                line = src.line([*where, name, "pattern"])
                out.append(
                    Problem(
                        src.path,
                        line,
                        f"pattern of {name!r} is not a valid regular expression: {exc}",
                    )
                )
    for i, name in enumerate(required):
        if name not in props:
            line = src.line(["request", "body", "required", i])
            out.append(
                Problem(
                    src.path,
                    line,
                    f"required field {name!r} is not a property{did_you_mean(name, props)}",
                )
            )
    return out


def _condition_problems(
    src: Source, at: list[str | int], field: str, spec: Any, props: dict[str, Any]
) -> list[Problem]:
    line = src.line(at)
    if field not in props:
        hint = did_you_mean(field, props)
        return [
            Problem(
                src.path,
                line,
                f"rule names unknown field {field!r}{hint}; fields: {', '.join(props)}",
            )
        ]
    if spec in ("absent", "present"):
        return []
    values = next(iter(spec.values())) if isinstance(spec, dict) else [spec]
    schema = props[field]
    enum = schema.get("enum")
    out = []
    for value in values:
        if enum is not None and json_key(value) not in {json_key(v) for v in enum}:
            hint = did_you_mean(str(value), [str(v) for v in enum])
            out.append(
                Problem(
                    src.path,
                    line,
                    f"rule value {value!r} is not an allowed {field!r}{hint}; allowed: {enum!r}",
                )
            )
        elif not _type_ok(value, _types(schema)):
            out.append(
                Problem(
                    src.path,
                    line,
                    f"rule value {value!r} is not of the type of {field!r} ({_types(schema)})",
                )
            )
    return out


VARIANT_FACTS = ("values", "fields", "required", "defaults")
"""The facts of a variant a ``provenance:`` entry can vouch for (``fields.<name>``,
``required.<name>`` and ``defaults.<name>`` for one field)."""


def variant_fields(body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The fields of one variant of ``body``, in body order: the discriminator, the body's
    required fields, and the variant's ``fields`` and ``required``."""
    named = {body.get("discriminator"), *body.get("required", [])}
    named |= {*spec.get("fields", []), *spec.get("required", [])}
    return [n for n in body["properties"] if n in named]


def no_field_rule(variant: str, field: str) -> str:
    """The id of the rule that a body of ``variant`` does not send ``field``."""
    return f"{variant}.no-{field}"


def _variant_problems(src: Source, body: dict[str, Any], kinds: dict[str, Any]) -> list[Problem]:
    at: list[str | int] = ["request", "body"]
    variants = body.get("variants")
    name = body.get("discriminator")
    props: dict[str, Any] = body["properties"]
    if variants is None and name is None:
        return []

    def problem(where: list[str | int], message: str) -> Problem:
        return Problem(src.path, src.line([*at, *where]), message)

    if variants is None:
        return [
            problem(
                ["discriminator"],
                "a discriminator needs variants: the request shapes it chooses between "
                "(variants: [{name, values, fields}])",
            )
        ]
    if name is None:
        return [
            problem(
                ["variants"],
                "variants need a discriminator: the field whose value chooses the variant "
                "(discriminator: model)",
            )
        ]
    if name not in props:
        hint = did_you_mean(str(name), props)
        return [problem(["discriminator"], f"discriminator {name!r} is not a property{hint}")]
    enum = props[name].get("enum")
    if enum is None:
        return [
            problem(
                ["discriminator"],
                f"discriminator {name!r} needs an enum: the values that choose a variant",
            )
        ]
    out: list[Problem] = []
    owner: dict[tuple[str, Any], tuple[str, int]] = {}
    names: dict[str, int] = {}
    allowed = {json_key(v) for v in enum}
    required = set(body.get("required", []))
    for i, spec in enumerate(variants):
        vat: list[str | int] = ["variants", i]
        line = src.line([*at, *vat, "name"])
        if spec["name"] in names:
            out.append(
                problem(
                    [*vat, "name"],
                    f"duplicate variant name {spec['name']!r} (first defined at line "
                    f"{names[spec['name']]})",
                )
            )
        names.setdefault(spec["name"], line)
        for j, value in enumerate(spec["values"]):
            key = json_key(value)
            if key not in allowed:
                hint = did_you_mean(str(value), [str(v) for v in enum])
                out.append(
                    problem(
                        [*vat, "values", j],
                        f"variant {spec['name']!r}: {value!r} is not an allowed {name!r}{hint}; "
                        f"allowed: {enum!r}",
                    )
                )
            elif key in owner:
                first, first_line = owner[key]
                out.append(
                    problem(
                        [*vat, "values", j],
                        f"variant {spec['name']!r}: {value!r} already chooses variant {first!r} "
                        f"(line {first_line}); a value chooses one variant",
                    )
                )
            else:
                owner[key] = (spec["name"], src.line([*at, *vat, "values", j]))
        for part in ("fields", "required"):
            for j, field in enumerate(spec.get(part, [])):
                if field not in props:
                    hint = did_you_mean(field, props)
                    out.append(
                        problem(
                            [*vat, part, j],
                            f"variant {spec['name']!r}: {part} names unknown field {field!r}{hint}",
                        )
                    )
        if "expect" in spec:
            out += _error_ref(src, [*at, *vat, "expect"], spec["expect"], kinds)
        own = set(variant_fields(body, spec))
        for field, value in (spec.get("defaults") or {}).items():
            where = [*vat, "defaults", field]
            if field not in own:
                hint = did_you_mean(field, own)
                out.append(
                    problem(
                        where,
                        f"variant {spec['name']!r}: default for {field!r}, which is not one of "
                        f"its fields{hint}",
                    )
                )
                continue
            if field in required or field in spec.get("required", []) or field == name:
                out.append(
                    problem(
                        where,
                        f"variant {spec['name']!r}: {field!r} is required, so it has no default",
                    )
                )
                continue
            schema = {
                k: v
                for k, v in props[field].items()
                if k not in ("default", "provenance", "family_values", "family_names")
            }
            errors = list(validator_of(schema, formats=True).iter_errors(value))
            if errors:
                out.append(
                    problem(
                        where,
                        f"variant {spec['name']!r}: default {value!r} of {field!r} breaks the "
                        f"field's own schema: {errors[0].message}",
                    )
                )
    for j, value in enumerate(enum):
        if value is not None and json_key(value) not in owner:
            shown = ", ".join(str(v["name"]) for v in variants)
            out.append(
                Problem(
                    src.path,
                    src.line(["request", "body", "properties", name, "enum", j]),
                    f"{name} value {value!r} chooses no variant; add it to the values of one of: "
                    f"{shown}",
                )
            )
    taken = set().union(*(variant_fields(body, v) for v in variants))
    for field in props:
        if field not in taken:
            out.append(
                Problem(
                    src.path,
                    src.line(["request", "body", "properties", field]),
                    f"field {field!r} is a field of no variant, so no body may send it; add it to "
                    "the fields of the variants that take it",
                )
            )
    return out


def _error_ref(src: Source, at: list[str | int], name: Any, kinds: dict[str, Any]) -> list[Problem]:
    if name in kinds:
        return []
    hint = did_you_mean(str(name), kinds)
    return [
        Problem(
            src.path,
            src.line(at),
            f"unknown error kind {name!r}{hint}; the errors file defines: {', '.join(kinds)}",
        )
    ]


def meaning_problems(src: Source, errors: dict[str, Any]) -> list[Problem]:
    """Problems of meaning in an endpoint contract whose errors file holds ``errors``."""
    d = src.data
    kinds = errors["errors"]
    body = d["request"].get("body") or {"properties": {}, "required": []}
    props: dict[str, Any] = body["properties"]
    out = _field_problems(src, props, body.get("required", []))
    out += _variant_problems(src, body, kinds)
    for key in ("field_violation", "malformed_request"):
        if key in d.get("settings", {}):
            out += _error_ref(src, ["settings", key], d["settings"][key], kinds)
    for i, name in enumerate(d["responses"].get("errors", [])):
        out += _error_ref(src, ["responses", "errors", i], name, kinds)
    seen: dict[str, int] = {}
    derived = {f"{f}.{k}" for f, s in props.items() for k in s} | {f"{f}.required" for f in props}
    derived |= {no_field_rule(str(v["name"]), f) for v in body.get("variants") or [] for f in props}
    for i, rule in enumerate(d.get("rules", [])):
        rid, line = rule["id"], src.line(["rules", i, "id"])
        if rid in seen:
            out.append(
                Problem(
                    src.path, line, f"duplicate rule id {rid!r} (first defined at line {seen[rid]})"
                )
            )
        elif rid in derived or rid.startswith("body."):
            out.append(
                Problem(
                    src.path, line, f"rule id {rid!r} is taken by a field rule; choose another id"
                )
            )
        seen.setdefault(rid, line)
        for part in ("when", "then"):
            for field, spec in rule.get(part, {}).items():
                out += _condition_problems(src, ["rules", i, part, field], field, spec, props)
        if "expect" in rule:
            out += _error_ref(src, ["rules", i, "expect"], rule["expect"], kinds)
    names: dict[str, int] = {}
    for i, ex in enumerate(d.get("examples", [])):
        line = src.line(["examples", i, "name"])
        if ex["name"] in names:
            out.append(
                Problem(
                    src.path,
                    line,
                    f"duplicate example name {ex['name']!r} (first at line {names[ex['name']]})",
                )
            )
        names.setdefault(ex["name"], line)
    lc = d.get("lifecycle")
    if lc is not None:
        states = set(lc["transitions"])
        places: list[tuple[list[str | int], str]] = [
            (["lifecycle", key, i], s)
            for key in ("initial", "terminal")
            for i, s in enumerate(lc[key])
        ]
        places += [
            (["lifecycle", "transitions", state, i], s)
            for state, targets in lc["transitions"].items()
            for i, s in enumerate(targets)
        ]
        for at, s in places:
            if s not in states:
                hint = did_you_mean(s, states)
                message = f"lifecycle state {s!r} has no transitions entry{hint}"
                out.append(Problem(src.path, src.line(at), message))
    return out
