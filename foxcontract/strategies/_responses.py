"""Response bodies valid under a contract's response schemas, built with Hypothesis directly
from the JSON Schema keywords contracts use (type, enum, const, ranges, lengths, pattern,
properties, required, items, oneOf/anyOf, allOf with if/then). Every body drawn is checked
with ``jsonschema``, so a keyword this builder does not know can only cost speed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from foxcontract.contract.model import Contract, ErrorKind
from foxcontract.contract.schemas import validator_of

__all__ = ["error_responses", "from_schema", "responses"]

Schema = Mapping[str, Any]
_ALL = ("null", "boolean", "integer", "number", "string", "array", "object")


def _types(schema: Schema) -> set[str] | None:
    t = schema.get("type")
    if t is None:
        return None
    found = {t} if isinstance(t, str) else set(t)
    return found | {"integer"} if "number" in found else found


def merge(a: Schema, b: Schema) -> dict[str, Any] | None:
    """A schema that means both ``a`` and ``b`` (``None`` when their types cannot meet)."""
    out = {**a, **b}
    ta, tb = _types(a), _types(b)
    if ta is not None and tb is not None:
        both = ta & tb
        if not both:
            return None
        out["type"] = sorted(both)
    if "properties" in a and "properties" in b:
        props = dict(a["properties"])
        for k, v in b["properties"].items():
            m = merge(props[k], v) if k in props else v
            if m is None:
                return None
            props[k] = m
        out["properties"] = props
    if "required" in a or "required" in b:
        out["required"] = sorted({*a.get("required", ()), *b.get("required", ())})
    return out


def _scalar(t: str, schema: Schema) -> st.SearchStrategy[Any]:
    if t == "null":
        return st.none()
    if t == "boolean":
        return st.booleans()
    if t == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if t == "number":
        return st.floats(
            schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
        )
    if "pattern" in schema:
        return st.from_regex(schema["pattern"])
    return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength"))


def _object(schema: Schema) -> st.SearchStrategy[Any]:
    props = schema.get("properties", {})
    required = set(schema.get("required", ()))
    body = st.fixed_dictionaries(
        {k: _build(v) for k, v in props.items() if k in required},
        optional={k: _build(v) for k, v in props.items() if k not in required},
    )
    branches = [s for s in schema.get("allOf", ()) if "if" in s]
    if not branches:
        return body

    def then(value: dict[str, Any]) -> st.SearchStrategy[Any]:
        narrowed: dict[str, Any] | None = {k: v for k, v in schema.items() if k != "allOf"}
        for branch in branches:
            if narrowed is not None and validator_of(branch["if"]).is_valid(value):
                narrowed = merge(narrowed, branch.get("then", {}))
        if narrowed is None:
            return st.nothing()
        return _object(narrowed).map(lambda fresh: {**fresh, **_pinned(value, branches)})

    return body.flatmap(then)


def _pinned(value: dict[str, Any], branches: list[Any]) -> dict[str, Any]:
    """The fields the ``if`` conditions read, kept as first drawn."""
    read = {k for b in branches for k in b["if"].get("properties", {})}
    return {k: value[k] for k in read if k in value}


def _build(schema: Schema | bool) -> st.SearchStrategy[Any]:
    if schema is False:  # the boolean schemas: false allows nothing, true anything
        return st.nothing()
    if schema is True:
        schema = {}
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            rest = {k: v for k, v in schema.items() if k != key}
            merged = [m for b in schema[key] if (m := merge(rest, b)) is not None]
            return st.one_of([_build(m) for m in merged])
    types = _types(schema)
    options = []
    for t in sorted(types if types is not None else _ALL):
        if t == "object":
            options.append(_object(schema))
        elif t == "array":
            items = _build(schema.get("items", {"type": "string"}))
            options.append(
                st.lists(
                    items, min_size=schema.get("minItems", 0), max_size=schema.get("maxItems", 3)
                )
            )
        else:
            options.append(_scalar(t, schema))
    return st.one_of(options)


@cache
def _checked(text: str) -> st.SearchStrategy[Any]:
    schema = json.loads(text)
    return _build(schema).filter(validator_of(schema).is_valid)


def from_schema(schema: Schema) -> st.SearchStrategy[Any]:
    """Instances of a JSON Schema (the subset contracts use), each valid under it."""
    return _checked(json.dumps(schema, sort_keys=True))


def responses(contract: Contract, status: str = "200") -> st.SearchStrategy[Any]:
    """Bodies valid under the contract's response schema for ``status``."""
    if status not in contract.responses:
        raise LookupError(
            f"contract {contract.name!r} has no response schema for status {status!r}; "
            f"it has: {', '.join(contract.responses)}"
        )
    return from_schema(contract.responses[status].schema)


def error_responses(contract: Contract, kind: str | None = None) -> st.SearchStrategy[Any]:
    """``(ErrorKind, body)`` pairs: error bodies valid under the errors file's schema,
    carrying the kind's ``type`` and ``code``; ``kind`` narrows to one error kind."""
    names = [kind] if kind is not None else list(contract.errors)
    for name in names:
        if name not in contract.error_kinds:
            raise LookupError(f"contract {contract.name!r} has no error kind {name!r}")
    base = from_schema(contract.error_schema)

    def stamp(pair: tuple[ErrorKind, Any]) -> tuple[ErrorKind, Any]:
        ek, body = pair
        return ek, contract.provider.error.stamp(body, ek.type, ek.code)

    kinds = st.sampled_from([contract.error_kinds[n] for n in names])
    return st.tuples(kinds, base).map(stamp)
