"""Values of one body field, derived from its JSON Schema: samples, representatives, and
a Hypothesis strategy of valid values."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import strategies as st

from foxcontract.contract.model import MISSING, Contract, Field, json_key
from foxcontract.fieldcheck import compile_field

__all__ = [
    "field_check",
    "field_values",
    "item_field",
    "item_values",
    "representatives",
    "sample_value",
    "valid_values",
]

_GUESSES: tuple[Any, ...] = (
    "The flowers sway gently in the wind",
    "https://example.com/photo.jpg",
    "x",
    0,
    1,
    True,
    False,
    0.5,
)
_INT_SPAN = 2**31


@cache
def field_check(contract: Contract, name: str) -> Callable[[Any], tuple[str, str] | None]:
    """The oracle's own check of one field (``None`` when the value is valid)."""
    f = contract.field(name)
    return compile_field(f.name, f.schema, contract.settings.integral_floats)


def _ok(contract: Contract, name: str, value: Any) -> bool:
    return field_check(contract, name)(value) is None


def _unique(values: list[Any]) -> list[Any]:
    seen: set[tuple[str, Any]] = set()
    out = []
    for v in values:
        key = json_key(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


@cache
def _example_values(contract: Contract, name: str) -> tuple[Any, ...]:
    found = [
        e.body[name]
        for e in contract.examples
        if isinstance(e.body, dict) and name in e.body and e.body[name] is not None
    ]
    return tuple(v for v in _unique(found) if _ok(contract, name, v))


@cache
def sample_value(contract: Contract, name: str) -> Any:
    """One plausible valid non-null value of a field: from the contract's examples, its
    default, its enum, its bounds, or else the first Hypothesis finds."""
    for v in field_values(contract, name):
        if v is not None:
            return v
    from hypothesis import find, settings

    strategy = _non_null_values(contract, contract.field(name))
    return find(strategy, lambda _: True, settings=settings(database=None, max_examples=200))


@cache
def field_values(contract: Contract, name: str) -> tuple[Any, ...]:
    """Every value of a field worth sending once in a coverage phase: each enum value,
    the bounds of a range, both booleans, null if allowed, samples from the examples."""
    f = contract.field(name)
    values: list[Any] = list(_example_values(contract, name))
    if f.enum is not None:
        values += list(f.enum)
    if f.default is not MISSING:
        values.append(f.default)
    if "const" in f.schema:
        values.append(f.schema["const"])
    low, high = _bounds(f)
    if "integer" in f.types:
        values += [v for v in (low, high) if v is not None] or [0]
        if low is not None and high is not None:
            values.append((low + high) // 2)
    if "boolean" in f.types:
        values += [True, False]
    if f.nullable:
        values.append(None)
    if "array" in f.types:
        values += _lists(f, item_values(contract, name))
    values += list(_GUESSES)
    return tuple(v for v in _unique(values) if _ok(contract, name, v))


def item_field(f: Field) -> Field:
    """The items of an array field, as a field of their own (for their values)."""
    items = f.schema.get("items")
    return Field(f"{f.name}[]", items if isinstance(items, dict) else {}, True, f.line)


@cache
def item_values(contract: Contract, name: str) -> tuple[Any, ...]:
    """Valid items of an array field: those of the contract's examples, then guesses."""
    f = contract.field(name)
    check = compile_field(f.name, item_field(f).schema, contract.settings.integral_floats)
    found = [item for v in _example_values(contract, name) if isinstance(v, list) for item in v]
    found += list(_GUESSES)
    return tuple(v for v in _unique(found) if check(v) is None)


def _lists(f: Field, items: tuple[Any, ...]) -> list[Any]:
    """Arrays of the fewest and of the most items allowed, from the valid items."""
    if not items:
        return []
    low = int(f.schema.get("minItems", 0))
    high = int(f.schema.get("maxItems", max(low, 1) + 2))
    sizes = _unique([max(low, 1), high] if high >= max(low, 1) else [low])
    return [[items[i % len(items)] for i in range(n)] for n in sizes]


def representatives(contract: Contract, name: str) -> tuple[Any, ...]:
    """The values a combination search tries for a field: :data:`MISSING` when optional,
    then :func:`field_values` (without the guesses when the field has an enum)."""
    f = contract.field(name)
    values = list(field_values(contract, name)) or [sample_value(contract, name)]
    return ((MISSING,) if not f.required else ()) + tuple(values)


def _bounds(f: Field) -> tuple[int | None, int | None]:
    low, high = f.schema.get("minimum"), f.schema.get("maximum")
    if "exclusiveMinimum" in f.schema:
        low = int(f.schema["exclusiveMinimum"]) + 1
    if "exclusiveMaximum" in f.schema:
        high = int(f.schema["exclusiveMaximum"]) - 1
    return (
        int(low) if isinstance(low, int | float) else None,
        int(high) if isinstance(high, int | float) else None,
    )


def _non_null_values(contract: Contract, f: Field) -> st.SearchStrategy[Any]:
    if f.enum is not None:
        return st.sampled_from([v for v in f.enum if v is not None])
    if "const" in f.schema:
        return st.just(f.schema["const"])
    options: list[st.SearchStrategy[Any]] = []
    for t in f.types or ("string",):
        if t == "integer":
            low, high = _bounds(f)
            # a span around 0, or beside the one bound given (a minimum above 2**31, say)
            if low is None:
                low = min(-_INT_SPAN, (0 if high is None else high) - _INT_SPAN)
            if high is None:
                high = max(_INT_SPAN, low + _INT_SPAN)
            options.append(st.integers(low, high))
        elif t == "number":
            low, high = f.schema.get("minimum"), f.schema.get("maximum")
            options.append(
                st.floats(low, high, allow_nan=False, allow_infinity=False).filter(
                    lambda x: not x.is_integer()
                )
            )
        elif t == "boolean":
            options.append(st.booleans())
        elif t == "string":
            options.append(_strings(f))
        elif t == "array":
            options.append(_arrays(contract, f))
    return st.one_of(options) if options else st.nothing()


def _arrays(contract: Contract, f: Field) -> st.SearchStrategy[list[Any]]:
    item = item_field(f)
    known = item_values(contract, f.name)
    generated = _non_null_values(contract, item)
    items = st.one_of(st.sampled_from(known), generated) if known else generated
    low = int(f.schema.get("minItems", 0))
    high = f.schema.get("maxItems")
    return st.lists(items, min_size=low, max_size=None if high is None else int(high))


def _strings(f: Field) -> st.SearchStrategy[str]:
    low = int(f.schema.get("minLength", 0))
    high = f.schema.get("maxLength")
    if "pattern" in f.schema:
        base: st.SearchStrategy[str] = st.from_regex(str(f.schema["pattern"]))
    else:
        base = st.text(min_size=low, max_size=None if high is None else int(high))
    return base


@cache
def valid_values(contract: Contract, name: str, null: bool = True) -> st.SearchStrategy[Any]:
    """Valid values of one field (``null=False``: never null): the coverage values first
    (so shrinking lands on a plausible one), then anything its schema allows. Never an
    integral float."""
    f = contract.field(name)
    check = field_check(contract, name)
    known = [v for v in field_values(contract, name) if null or v is not None]
    generated = _non_null_values(contract, f)
    if f.nullable and null:
        generated = st.one_of(generated, st.none())
    out = generated.filter(lambda v: check(v) is None)
    if not known:
        return out
    pool = st.sampled_from(known)
    # the pool three times in four: generating from a pattern costs ten times more
    return st.one_of(pool, pool, pool, out)
