"""Invalid values of one body field, near misses first (DESIGN.md "Negative values that
find real bugs"): the values the contract names as valid elsewhere in the API family (its
``family_values``: other modes' models, older versions of the docs), then wrong case, values
of other fields, plausible neighbours, lenient-parser traps, empty and blank strings, null
where null is not allowed. Then random values."""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Any

from hypothesis import strategies as st

from foxcontract.contract.model import MISSING, Contract, Field
from foxcontract.strategies._values import (
    _bounds,
    _unique,
    field_check,
    field_values,
    item_values,
    sample_value,
)

__all__ = ["near_miss_values", "random_invalid_values", "renamed_misses"]


def _string_misses(v: str) -> list[Any]:
    out: list[Any] = [v.upper(), v.lower(), v.swapcase(), v.title(), " " + v, v + " "]
    out += [v[1:], v[:-1], v + v[-1:], v.replace("-", "_"), v.replace(":", "/")]
    out += [v.replace(".", ""), v.replace("://", ":/"), v.replace("https", "ftp")]
    digits = re.sub(r"\D", "", v)
    if digits and len(digits) < 12:
        out += [int(digits), digits]
    return out


def _int_misses(v: int, integral_floats: str) -> list[Any]:
    out: list[Any] = [v - 1, v + 1, str(v), -v, v + 0.5, v * 1000]
    if integral_floats == "reject":
        out.append(float(v))
    return out


def _bool_misses(v: bool) -> list[Any]:
    return [str(v).lower(), int(v), str(int(v)), str(v), "yes" if v else "no"]


def _neighbours(ints: list[int]) -> list[Any]:
    """Integers between and around the allowed ones: 5 between 4 and 6, 3 and 9 around."""
    ints = sorted(set(ints))
    out: list[Any] = []
    for a, b in itertools.pairwise(ints):
        out += list(range(a + 1, b))[:2]
    if ints:
        out += [ints[0] - 1, ints[-1] + 1, 0, -1]
    return out


@cache
def near_miss_values(contract: Contract, name: str) -> tuple[Any, ...]:
    """Candidate invalid values for field ``name``, the likeliest bugs first. Some may be
    valid: callers keep those the oracle rejects (and label them with its verdict)."""
    f = contract.field(name)
    integral = contract.settings.integral_floats
    valid = [v for v in field_values(contract, name) if v is not None] or [
        sample_value(contract, name)
    ]
    out: list[Any] = [v.value for v in f.family_values]  # valid elsewhere: the likeliest
    ints = [v for v in valid if isinstance(v, int) and not isinstance(v, bool)]
    low, high = _bounds(f)
    if low is not None:
        out += [low - 1, low - 10]
    if high is not None:
        out += [high + 1, high + 10]
    if f.enum is not None:
        out += _neighbours(ints)
    if "array" in f.types:
        out += _array_misses(f, list(item_values(contract, name)))
    for v in valid:
        if isinstance(v, bool):
            out += _bool_misses(v)
        elif isinstance(v, int):
            out += _int_misses(v, integral)
        elif isinstance(v, str):
            out += _string_misses(v)
    out += ["", " ", "\t", "null"]
    if not f.nullable:
        out.append(None)
    for other in contract.fields:  # values valid for another field
        if other.name != name:
            out += [v for v in field_values(contract, other.name) if v is not None]
    out += [[], {}, [valid[0]], 2**31, 2**63, -(2**31) - 1]
    return tuple(v for v in _unique(out) if not _integral_float(v, integral))


def renamed_misses(contract: Contract, name: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    """``body`` with field ``name`` sent under another name it goes by in the API family,
    and not under its own, as ``(the name used, body)``: first the field's
    ``family_names`` (an older page's ``image_urls``), then, when the body's mode requires
    the field, what the other modes require in its place (a first-last-frame body with
    ``image_url`` for ``first_image_url``). A provider that takes such a body reads a field
    the page does not give this mode, and goes without the one it requires."""
    if name not in body:
        return []
    rest = {k: v for k, v in body.items() if k != name}
    out: list[tuple[str, Any]] = []
    for alias in contract.field(name).family_names:
        out.append(
            (
                alias.name,
                {**rest, alias.name: body[name] if alias.value is MISSING else alias.value},
            )
        )
    mine = contract.variant_of(body)
    if mine is not None and name in mine.required:
        for other in (n for v in contract.variants for n in v.required):
            if other not in mine.fields and other not in rest:
                out.append((other, {**rest, other: sample_value(contract, other)}))
    return list({n: (n, b) for n, b in reversed(out)}.values())[::-1]


def _array_misses(f: Field, items: list[Any]) -> list[Any]:
    """An array of too few or too many items, an item that is not valid (one the field
    would take on its own, a near miss of a valid item, null), the item not in an array."""
    out: list[Any] = []
    if not items:
        return out
    low, high = f.schema.get("minItems"), f.schema.get("maxItems")
    if isinstance(low, int) and low > 0:
        out.append(items[: low - 1])
    if isinstance(high, int):
        out.append([items[i % len(items)] for i in range(high + 1)])
    out += [items[0], [None], [[items[0]]]]
    for item in items[:1]:
        if isinstance(item, str):
            out += [[m] for m in _string_misses(item)]
        elif isinstance(item, int) and not isinstance(item, bool):
            out += [[item - 1], [item + 1], [str(item)]]
    return out


def _integral_float(value: Any, integral_floats: str) -> bool:
    return isinstance(value, float) and value.is_integer() and integral_floats != "reject"


_SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**6), 10**6).map(lambda i: i + 0.5),  # never an integral float
    st.text(max_size=20),
)
_JSON: st.SearchStrategy[Any] = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=2),
    st.dictionaries(st.text(max_size=5), _SCALARS, max_size=2),
)


def _mutated(v: str) -> st.SearchStrategy[str]:
    """One random edit of a valid string: a character inserted, dropped, or re-cased."""

    def edit(data: tuple[int, str, int]) -> str:
        at, char, how = data
        at = at % (len(v) + 1)
        if how == 0:
            return v[:at] + char + v[at:]
        if how == 1:
            return v[:at] + v[at + 1 :]
        return v[:at] + v[at:].swapcase()

    return st.tuples(st.integers(0, 64), st.characters(), st.integers(0, 2)).map(edit)


def random_invalid_values(contract: Contract, f: Field, keyword: str) -> st.SearchStrategy[Any]:
    """Random values that break ``<field>.<keyword>`` first (the caller still checks the
    whole body with the oracle)."""
    check = field_check(contract, f.name)

    def breaks(value: Any) -> bool:
        found = check(value)
        return found is not None and found[0] == keyword

    aimed = _aimed(contract, f, keyword)
    fallback = [v for v in near_miss_values(contract, f.name) if breaks(v)]
    if not fallback:
        return aimed.filter(breaks)
    # a miss falls back on a near miss (chosen by the value) instead of being thrown
    # away: a filter on a one_of would throw away whole batches of cases
    return aimed.map(lambda v: v if breaks(v) else fallback[len(repr(v)) % len(fallback)])


def _aimed(contract: Contract, f: Field, keyword: str) -> st.SearchStrategy[Any]:
    low, high = _bounds(f)
    valid_strings = [v for v in field_values(contract, f.name) if isinstance(v, str)]
    if keyword == "minimum" and low is not None:
        return st.integers(max_value=low - 1)
    if keyword == "maximum" and high is not None:
        return st.integers(min_value=high + 1)
    if keyword == "minLength":
        return st.text(max_size=max(int(f.schema["minLength"]) - 1, 0))
    if keyword == "maxLength":
        return st.text(min_size=int(f.schema["maxLength"]) + 1)
    if keyword == "pattern":
        blank = st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u3000", min_size=1, max_size=5)
        mutated = st.sampled_from(valid_strings or [""]).flatmap(_mutated)
        return st.one_of(blank, mutated, blank, st.text(max_size=30))
    if keyword in ("enum", "const") and valid_strings:
        return st.one_of(st.sampled_from(valid_strings).flatmap(_mutated), st.text(max_size=30))
    if keyword in ("enum", "const") and "integer" in f.types:
        return st.integers(-1000, 1000)
    items = list(item_values(contract, f.name)) if "array" in f.types else []
    if keyword == "minItems" and items:
        return st.lists(st.sampled_from(items), max_size=max(int(f.schema["minItems"]) - 1, 0))
    if keyword == "maxItems" and items:
        high = int(f.schema["maxItems"])
        return st.lists(st.sampled_from(items), min_size=high + 1, max_size=high + 3)
    if keyword == "items" and items:
        # a valid array with one item replaced by a random JSON value
        good = st.lists(st.sampled_from(items), min_size=0, max_size=2)
        return st.builds(lambda a, x, b: [*a, x, *b], good, _JSON, good)
    return _JSON
