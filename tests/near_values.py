"""Hypothesis bodies of JSON values near a contract's own values: its enums, defaults,
bounds, rule values and examples, their near misses (wrong case, neighbours, lenient-parser
traps, the characters Python and ECMA-262 regexes disagree on), and any JSON at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
from hypothesis import strategies as st

from foxcontract.contract import Contract, Rule
from foxcontract.contract.model import Variant

__all__ = ["bodies"]


TYPICAL: dict[str, list[Any]] = {
    "boolean": [True, False],
    "integer": [0, 1, 4, 6, 8],
    "number": [0.5, 2],
    "string": ["a", "a, b", "\x85", "\ufeff", "\x1c", "\u3000"],
}


def _near(value: Any) -> Iterator[Any]:
    """Values a lenient or sloppy server might confuse with ``value``."""
    yield value
    if isinstance(value, str):
        yield from (value.upper(), value.title(), f" {value}", value[:-1], value + "x")
        # characters Python's and ECMA-262's \s and $ disagree on
        yield from (f"{value}\n", f"{value}\x85", f"\ufeff{value}", f"{value}/\x1c")
    elif isinstance(value, bool):
        yield from (int(value), str(value).lower(), not value)
    elif isinstance(value, int | float):
        yield from (value - 1, value + 1, float(value), str(value), value + 0.5, -value)


def _field_values(contract: Contract, name: str) -> list[Any]:
    """The values the contract itself names for field ``name``, and their near misses."""
    schema = contract.field(name).schema
    named: list[Any] = [*schema.get("enum", ()), None, "", " "]
    for key in ("default", "const", "minimum", "maximum"):
        if key in schema:
            named.append(schema[key])
    for rule in contract.cross_rules:
        conditions = [*rule.when.items(), (rule.field, rule.then)]
        named += [v for field, cond in conditions if field == name and cond for v in cond.values]
    for example in contract.examples:
        if isinstance(example.body, dict) and name in example.body:
            named.append(example.body[name])
    for kind in contract.field(name).types:
        named += TYPICAL.get(kind, [])
    near = [v for value in named for v in _near(value) if v is not None or value is None]
    return list({(type(v), repr(v)): v for v in near}.values())


def _scalar() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=4),
    )


def _allowed(contract: Contract, name: str, values: list[Any]) -> list[Any]:
    field = jsonschema.Draft202012Validator(dict(contract.field(name).schema))
    return [v for v in values if field.is_valid(v)]


def bodies(contract: Contract, rule: Rule | None = None) -> st.SearchStrategy[Any]:
    """Bodies whose fields take values near the ones the contract names: from clean ones
    (every field allowed on its own, so only the cross rules decide) to anything at all;
    with ``rule``, only clean bodies around that rule."""
    near = {f.name: _field_values(contract, f.name) for f in contract.fields}
    everywhere = list({repr(v): v for vs in near.values() for v in vs}.values())
    allowed = {name: _allowed(contract, name, vs) for name, vs in near.items()}

    def noisy(name: str) -> st.SearchStrategy[Any]:
        options = [st.sampled_from(near[name]), st.sampled_from(everywhere), _scalar()]
        pattern = contract.field(name).schema.get("pattern")
        if pattern is not None:
            options.append(st.from_regex(pattern))
        options.append(st.lists(_scalar(), max_size=2))
        options.append(st.dictionaries(st.text(max_size=2), _scalar(), max_size=2))
        return st.one_of(*options)

    def clean(name: str) -> st.SearchStrategy[Any]:
        return st.sampled_from(allowed[name]) if allowed[name] else noisy(name)

    def objects(
        value: Any,
        only: frozenset[str] | None = None,
        drop: bool = False,
        chosen: dict[Any, list[Any]] | None = None,
    ) -> st.SearchStrategy[Any]:
        """Bodies of one variant each (its fields, its required ones sent), and bodies of
        any field at all; ``chosen``: only those variants, with those discriminator values."""
        if not contract.variants:
            return shaped(value, None, only, drop, [])
        picked = chosen or {v.name: list(v.values) for v in contract.variants}
        shapes = [shaped(value, contract.variant(n), only, drop, vs) for n, vs in picked.items()]
        return st.one_of(*shapes, *([] if chosen else [shaped(value, None, only, drop, [])]))

    def shaped(
        value: Any,
        variant: Variant | None,
        only: frozenset[str] | None,
        drop: bool,
        values: list[Any],
    ) -> st.SearchStrategy[Any]:
        def pick(name: str) -> st.SearchStrategy[Any]:
            if variant is not None and name == contract.discriminator:
                ours = st.sampled_from(values)
                return st.one_of(ours, ours, ours, value(name))
            return value(name)  # type: ignore[no-any-return]

        # a variant's own fields, and those the rule at hand reads (a field of another mode)
        taken = [
            f
            for f in contract.fields
            if variant is None or f.name in variant.fields or f.name in (only or ())
        ]
        # a variant's required field the rule at hand reads is sometimes left out
        own = set(variant.required) - set(only or ()) if variant is not None else set()
        needed = {f.name for f in taken if f.required or f.name in own}
        required = {n: pick(n) for n in sorted(needed)}  # one draw order, any hash seed
        optional = {
            f.name: pick(f.name)
            for f in taken
            if f.name not in needed and (only is None or f.name in only)
        }
        keys = st.sampled_from(["extra", "Model", "x"])
        return st.builds(
            lambda drop, r, o, e: {**e, **{k: v for k, v in r.items() if k != drop}, **o},
            st.none() | st.sampled_from(sorted(required)) if drop and required else st.none(),
            st.fixed_dictionaries(required),
            st.fixed_dictionaries({}, optional=optional),
            st.dictionaries(keys, _scalar(), max_size=1),
        )

    def focused(rule: Rule) -> st.SearchStrategy[Any]:
        """Clean bodies sending, at most, the fields one rule reads, often with the values
        its ``when`` names and values its ``then`` forbids."""
        assert rule.then is not None
        then = rule.then
        breaking = [v for v in allowed[rule.field] if v is not None and not then.holds(True, v)]
        named = {name: list(cond.values) for name, cond in rule.when.items()}
        named[rule.field] = breaking

        def value(name: str) -> st.SearchStrategy[Any]:
            values = named.get(name)
            return st.sampled_from(values) | clean(name) if values else clean(name)

        chosen = None
        condition = rule.when.get(contract.discriminator or "")
        if condition is not None:  # the variants whose values the rule is about
            chosen = {
                v.name: [x for x in v.values if condition.holds(True, x)] for v in contract.variants
            }
            chosen = {n: vs for n, vs in chosen.items() if vs} or None
        return objects(value, frozenset(rule.fields), chosen=chosen)

    def mixed(name: str) -> st.SearchStrategy[Any]:
        return st.one_of(clean(name), clean(name), clean(name), noisy(name))

    if rule is not None:
        return focused(rule)
    rules = st.sampled_from(contract.cross_rules).flatmap(focused)
    return st.one_of(
        rules,
        rules,
        rules,
        objects(clean),
        objects(clean),
        objects(mixed, drop=True),
        objects(noisy, drop=True),
        _scalar(),
        st.lists(_scalar(), max_size=2),
    )
