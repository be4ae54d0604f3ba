"""The request body of a contract as one JSON Schema (Draft 2020-12), cross rules included.

The schema gives the same verdict, valid or invalid, as the oracle on every JSON value:

- field rules are the contract's own property schemas, ``required`` and
  ``additionalProperties``, copied as written;
- each cross rule becomes ``{"if": <every when condition>, "then": <the then condition>}``
  in an ``allOf``. A condition reads the body as the oracle does: a field that is not sent
  (or, with ``settings.null_means_absent``, sent as ``null``) has its default, if it has one;
  ``absent`` means not sent (or ``null``).
- each variant of the body (a mode, chosen by the discriminator's value) becomes an
  ``if``/``then`` too: the fields it requires, no field of another mode, and its own
  defaults as annotations; and a condition on a field left out reads the default of the
  body's variant (``generate_audio`` is true for extend, false elsewhere);
- the oracle judges a cross rule only when every field it names is valid on its own; a body
  with an invalid field is invalid whatever its rules say, so as a verdict this is the same
  as judging every rule on every body, which is what ``allOf`` does.

Patterns are rewritten so ECMA-262 (the dialect of OpenAPI tools) reads them as Python's
``re`` (the oracle's) does: see :mod:`foxcontract.export.regex`.

One stance cannot be written in JSON Schema: ``integral_floats: reject`` (``8.0`` is not an
integer). JSON Schema sees ``8.0`` and ``8`` as the same number, so under that setting the
schema accepts an integral float where the oracle does not; :func:`exact` says so.
"""

from __future__ import annotations

from typing import Any

from foxcontract.contract.model import MISSING, Condition, Contract, Rule, Variant, json_key
from foxcontract.export.regex import portable_schema

__all__ = [
    "JSONSchema",
    "condition_schema",
    "exact",
    "request_schema",
    "rule_schema",
    "variant_schema",
]

JSONSchema = dict[str, Any] | bool


def exact(contract: Contract) -> bool:
    """Whether :func:`request_schema` judges every body exactly as the oracle does."""
    return contract.settings.integral_floats != "reject"


def _absent(contract: Contract, name: str) -> dict[str, Any]:
    """The body does not send ``name`` (or sends it as ``null``, when that means absent)."""
    if contract.settings.null_means_absent:
        # vacuously true when the field is not sent, and true when it is null
        return {"properties": {name: {"type": "null"}}}
    return {"not": {"required": [name]}}


def _sent_in(contract: Contract, name: str, values: tuple[Any, ...]) -> JSONSchema:
    """The body sends ``name`` (not as an absent ``null``) with a value among ``values``."""
    if contract.settings.null_means_absent:
        values = tuple(v for v in values if v is not None)
    if not values:
        return False
    return {"required": [name], "properties": {name: {"enum": list(values)}}}


def _default(contract: Contract, name: str) -> Any:
    field = contract.field(name)
    return MISSING if field.required else field.default


def _chosen_by(contract: Contract, values: list[Any]) -> JSONSchema:
    """The body's variant is one of those ``values`` of the discriminator choose (a body
    not sending an optional discriminator has the variant of its default)."""
    name = contract.discriminator
    assert name is not None
    sent: JSONSchema = {"required": [name], "properties": {name: {"enum": values}}}
    chooser = contract.field(name)
    keys = {json_key(v) for v in values}
    if (
        not chooser.required
        and chooser.default is not MISSING
        and json_key(chooser.default) in keys
    ):
        return {"anyOf": [sent, _absent(contract, name)]}
    return sent


def _defaulted(contract: Contract, name: str, keys: frozenset[Any]) -> JSONSchema:
    """The body does not send ``name``, and the default it then has is among ``keys``: the
    field's own default, or, with variants, that of the body's variant."""
    absent = _absent(contract, name)
    if not contract.variants:
        default = _default(contract, name)
        return absent if default is not MISSING and json_key(default) in keys else False
    chooser = contract.field(contract.discriminator or "")
    everyone = [v for v in chooser.enum or () if v is not None]
    meeting = [
        v
        for v in everyone
        if (d := contract.default_of(name, {contract.discriminator: v})) is not MISSING
        and json_key(d) in keys
    ]
    if not meeting:
        return False
    # a body whose discriminator chooses no variant breaks its enum: invalid either way
    if len(meeting) == len(everyone):
        return absent
    return {"allOf": [absent, _chosen_by(contract, meeting)]}


def condition_schema(contract: Contract, name: str, condition: Condition) -> JSONSchema:
    """The body's field ``name`` satisfies ``condition``, read as the oracle reads it."""
    absent = _absent(contract, name)
    if condition.op == "absent":
        return absent
    if condition.op == "present":
        return {"not": absent}
    sent = _sent_in(contract, name, condition.values)
    defaulted = _defaulted(contract, name, condition.keys)
    member: JSONSchema = sent if defaulted is False else {"anyOf": [sent, defaulted]}
    if condition.op == "not_in":
        return {"not": member} if member is not False else True
    return member


def variant_schema(contract: Contract, variant: Variant) -> dict[str, Any]:
    """One variant as an ``if``/``then``: the fields it requires, its own defaults (an
    annotation) and no field of another mode. The same rules are in the schema as cross
    rules; this block is for readers and code generators."""
    then: dict[str, Any] = {}
    if variant.required:
        then["required"] = list(variant.required)
    foreign: JSONSchema = {"type": "null"} if contract.settings.null_means_absent else False
    props: dict[str, Any] = {
        n: foreign for n in (f.name for f in contract.fields) if n not in variant.fields
    }
    props.update({n: {"default": d} for n, d in variant.defaults.items()})
    if props:
        then["properties"] = props
    doc = f": {variant.doc}" if variant.doc else ""
    return {
        "$comment": f"variant {variant.name}{doc}",
        "if": _chosen_by(contract, list(variant.values)),
        "then": then,
    }


def rule_schema(contract: Contract, rule: Rule) -> dict[str, Any]:
    """``if`` every ``when`` condition holds, ``then`` the ``then`` condition must."""
    assert rule.then is not None, f"{rule.id} is a field rule, not a cross rule"
    then = condition_schema(contract, rule.field, rule.then)
    when = [condition_schema(contract, n, c) for n, c in rule.when.items()]
    described = {"$comment": f"rule {rule.id}" + (f": {rule.doc}" if rule.doc else "")}
    if not when:
        return {**described, "allOf": [then]}
    condition: JSONSchema = when[0] if len(when) == 1 else {"allOf": when}
    return {**described, "if": condition, "then": then}


def request_schema(contract: Contract) -> dict[str, Any]:
    """The JSON Schema of the request body of ``contract`` (which must have one)."""
    if contract.body_schema is None:
        raise ValueError(f"contract {contract.name!r} has no request body")
    body = portable_schema(dict(contract.body_schema), ["request", "body"])
    schema: dict[str, Any] = {"type": "object", **body}
    rules = [variant_schema(contract, v) for v in contract.variants]
    rules += [rule_schema(contract, r) for r in contract.cross_rules]
    if rules:
        schema["allOf"] = rules
    return schema
