"""The one-line YAML change that makes a contract say what the provider was seen to do.

``adoption(contract, fact, status, body, headers, sent)`` is ``"<file>:<line>: <change>"``:
the line of the fact in the contract (or errors) file, and its new value. Used for
assumptions a live run disproves, so adopting what was seen is one edit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from foxcontract.contract.model import MISSING, Contract, ErrorKind, Rule
from foxcontract.fieldcheck import json_type
from foxcontract.verdict import Fact, media_type

__all__ = ["adoption", "kind_of_answer"]

JSON = Any


def _show(value: JSON) -> str:
    """A value as YAML flow style (JSON is YAML; a string with a backslash is written
    single-quoted, as YAML reads it without escapes)."""
    if isinstance(value, str) and "\\" in value and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def _error(contract: Contract, body: JSON) -> Mapping[str, Any]:
    parts = contract.provider.error.parts(body)
    return {} if parts is None else {"type": parts.type, "code": parts.code}


def kind_of_answer(contract: Contract, status: int, body: JSON) -> ErrorKind | None:
    """The error kind of the errors file that an answer is: same status, and the same type
    and code where the kind names them (the most specific one first)."""
    parts = contract.provider.error.parts(body)
    found = [k for k in contract.error_kinds.values() if k.matches(status, parts)]
    found.sort(key=lambda k: (k.code is None, k.type is None))
    return found[0] if found else None


def _cross_index(contract: Contract, rule: Rule) -> int:
    """The index of a rule of the ``rules:`` section (the variants' own rules come first)."""
    return [r.id for r in contract.cross_rules if not r.shape].index(rule.id)


def _variant_of_rule(contract: Contract, rule: Rule) -> tuple[int, str]:
    """The variant that made a rule of the body's variants: its index and name."""
    chooser = contract.discriminator or ""
    values = rule.when[chooser].keys if chooser in rule.when else frozenset()
    for i, v in enumerate(contract.variants):
        if v.keys <= values:
            return i, v.name
    return 0, contract.variants[0].name if contract.variants else ""


def _shape_change(contract: Contract, rule: Rule, kind: str | None) -> str:
    """The change adopting what the provider did with a rule of the body's variants."""
    name = contract.path.name
    i, variant = _variant_of_rule(contract, rule)
    at = ["request", "body", "variants", i]
    if kind is not None:
        return f"{name}:{contract.line_of(at)}: in variant {variant}, expect: {kind}"
    if rule.then is not None and rule.then.op == "present":
        line = contract.line_of([*at, "required"])
        return f"{name}:{line}: in variant {variant}, move {rule.field} from required: to fields:"
    line = contract.line_of([*at, "fields"])
    return f"{name}:{line}: in variant {variant}, add {rule.field} to fields:"


def _answer_change(contract: Contract, rule: Rule, status: int, body: JSON) -> str:
    name = contract.path.name
    kind = kind_of_answer(contract, status, body)
    if kind is None:
        error = _error(contract, body)
        where = contract.errors_path.name if contract.errors_path else "the errors file"
        line = contract.errors_line_of(["errors"]) if contract.errors_line_of else 1
        seen = f"status: {status}, type: {_show(error.get('type'))}"
        if error.get("code") is not None:
            seen += f", code: {_show(error.get('code'))}"
        return (
            f"{where}:{line}: add an error kind {{{seen}}} (no kind answers {status} so), "
            f"then name it as the answer to {rule.id} in {name}"
        )
    if rule.shape:
        return _shape_change(contract, rule, kind.name)
    if rule.is_cross:
        i = _cross_index(contract, rule)
        return f"{name}:{contract.line_of(['rules', i, 'expect'])}: expect: {kind.name}"
    answers = contract.settings.answers
    if answers:
        line = contract.line_of(["settings", "answers"])
        return f"{name}:{line}: answers: {_show({**answers, rule.id: kind.name})}"
    line = contract.line_of(["settings"])
    return f"{name}:{line}: under settings:, add answers: {_show({rule.id: kind.name})}"


def _rule_change(contract: Contract, rule: Rule, sent: JSON) -> str:
    name = contract.path.name
    if rule.shape:
        return _shape_change(contract, rule, None)
    if rule.is_cross:
        i = _cross_index(contract, rule)
        return (
            f"{name}:{contract.line_of(['rules', i])}: delete the rule {rule.id} (the provider "
            "accepted a body it forbids), or narrow its when:"
        )
    line = rule.line
    if rule.field == "body" or not isinstance(sent, Mapping):
        return f"{name}:{line}: delete {rule.keyword}: (the provider accepted such a body)"
    f = contract.field(rule.field)
    value = sent.get(rule.field, MISSING)
    kw = rule.keyword or ""
    if kw == "required":
        kept = [x.name for x in contract.fields if x.required and x.name != f.name]
        line = contract.line_of(["request", "body", "required"])
        return f"{name}:{line}: required: {_show(kept)}"
    if value is MISSING:
        return f"{name}:{line}: delete {kw}: (the provider accepted the body without it)"
    if kw == "enum" and f.enum is not None:
        return f"{name}:{line}: enum: {_show([*f.enum, value])}"
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        new = {"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"}.get(kw, kw)
        return f"{name}:{line}: {new}: {_show(value)}"
    if kw in ("minLength", "maxLength") and isinstance(value, str):
        return f"{name}:{line}: {kw}: {len(value)}"
    if kw == "type":
        return f"{name}:{line}: type: {_show([*f.types, json_type(value)])}"
    return (
        f"{name}:{line}: delete {kw}: {_show(f.schema.get(kw))} (the provider accepted "
        f"{rule.field} {_show(value)}), or widen it to take that value"
    )


def adoption(
    contract: Contract,
    fact: Fact,
    status: int,
    body: JSON,
    headers: Mapping[str, str] | None,
    sent: JSON,
) -> str:
    """The change to the contract that adopts the provider's answer over ``fact``."""
    name = contract.path.name
    if fact.part == "answer" and fact.rule is not None:
        return _answer_change(contract, contract.rule(fact.rule), status, body)
    if fact.part == "rule" and fact.rule is not None:
        return _rule_change(contract, contract.rule(fact.rule), sent)
    if fact.part == "header" and fact.key == "content-type":
        value = (headers or {}).get("content-type")
        new = media_type(value) if value else None
        if fact.status in contract.responses:
            line = contract.line_of(["responses", fact.status, "content_type"])
            where = name
        else:
            line = contract.errors_line_of(["content_type"]) if contract.errors_line_of else 1
            where = contract.errors_path.name if contract.errors_path else "the errors file"
        if new is None:
            return f"{where}:{line}: delete content_type: (the provider sends none)"
        return f"{where}:{line}: content_type: {new}"
    if fact.part == "error":
        kind = contract.error_kinds[fact.key]
        seen: tuple[str, JSON] = ("type", _error(contract, body).get("type"))
        if status != kind.status:
            seen = ("status", status)
        where = contract.errors_path.name if contract.errors_path else "the errors file"
        at = ["errors", fact.key, seen[0]]
        line = contract.errors_line_of(at) if contract.errors_line_of else 1
        return f"{where}:{line}: {seen[0]}: {_show(seen[1])}"
    if fact.part == "response":
        steps = fact.key.split(".")[1:]
        line = contract.line_of(["responses", fact.status, "schema", *steps])
        return f"{name}:{line}: relax {fact.key} of responses.{fact.status} to take the answer"
    if fact.part == "setting":
        line = contract.line_of(["settings", fact.key])
        answering = kind_of_answer(contract, status, body)
        if answering is None:
            return f"{name}:{line}: {fact.key}: an error kind answering {status} (add it first)"
        return f"{name}:{line}: {fact.key}: {answering.name}"
    return f"{name}: no one-line change adopts this"
