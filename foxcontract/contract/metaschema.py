"""Validating a contract file against the shipped JSON Schema, in plain words."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from foxcontract.contract.errors import Problem, did_you_mean
from foxcontract.contract.schemas import validator_of
from foxcontract.contract.source import Source

__all__ = ["SCHEMA_RESOURCE", "metaschema", "schema_problems"]

SCHEMA_RESOURCE = "contract.schema.json"


@cache
def metaschema() -> dict[str, Any]:
    """The JSON Schema every contract file must satisfy (shipped in the package)."""
    text = resources.files("foxcontract.contract").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return validator_of(metaschema(), formats=True)


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The most specific errors: descend into ``oneOf``/``allOf`` branches."""
    if not error.context:
        return [error]
    # for oneOf/anyOf keep the branch that got furthest; errors of all branches otherwise
    deepest = max(len(e.absolute_path) for e in error.context)
    best = [e for e in error.context if len(e.absolute_path) == deepest]
    if error.validator in ("oneOf", "anyOf") and deepest == len(error.absolute_path):
        return [error]
    out: list[ValidationError] = []
    for e in best:
        out.extend(_leaves(e))
    return out


def _describe_choice(source: Source, error: ValidationError, where: str) -> list[Problem] | None:
    """A ``oneOf``/``anyOf`` that no branch got further into, in plain words: the unknown
    keys of an object, the description of what is expected, or the closest enum value."""
    context = error.context or []
    if isinstance(error.instance, dict):
        problems = [
            p
            for e in context
            if e.validator == "additionalProperties"
            for p in _describe(source, e)
        ]
        if problems:
            return problems
    described = error.schema.get("description") if isinstance(error.schema, dict) else None
    if described:
        message = f"{where}: {error.instance!r} is not valid here; expected {described}"
        return [Problem(source.path, source.line(list(error.absolute_path)), message)]
    enums = [e for e in context if e.validator == "enum"]
    return _describe(source, enums[0]) if enums else None


def _describe(source: Source, error: ValidationError) -> list[Problem]:
    path = list(error.absolute_path)
    where = ".".join(str(p) for p in path) or "the top level"
    if error.validator in ("oneOf", "anyOf"):
        choice = _describe_choice(source, error, where)
        if choice is not None:
            return choice
    if error.validator == "format" and error.validator_value == "regex":
        try:
            re.compile(str(error.instance))
        except re.error as exc:
            message = f"{where}: {error.instance!r} is not a valid regular expression: {exc}"
            return [Problem(source.path, source.line(path), message)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        problems = []
        for key in error.instance:
            if key in known:
                continue
            pattern_ok = isinstance(error.schema, dict) and error.schema.get("patternProperties")
            if pattern_ok and any(re.search(p, key) for p in pattern_ok):
                continue
            hint = did_you_mean(key, known)
            allowed = ", ".join(sorted(known))
            problems.append(
                Problem(
                    source.path,
                    source.line([*path, key]),
                    f"unknown key {key!r} in {where}{hint}; allowed keys: {allowed}",
                )
            )
        return problems
    if error.validator == "required" and isinstance(error.instance, dict):
        required: Any = error.validator_value
        missing = [k for k in required if k not in error.instance]
        return [
            Problem(source.path, source.line(path), f"{where}: missing required key {key!r}")
            for key in missing
        ]
    if error.validator in ("enum", "const"):
        value: Any = error.validator_value
        options = list(value) if error.validator == "enum" else [value]
        hint = did_you_mean(str(error.instance), [str(o) for o in options])
        return [
            Problem(
                source.path,
                source.line(path),
                f"{where}: {error.instance!r} is not one of {options!r}{hint}",
            )
        ]
    return [Problem(source.path, source.line(path), f"{where}: {error.message}")]


def schema_problems(source: Source) -> list[Problem]:
    """Every way ``source`` breaks the contract-file JSON Schema (empty when it is valid)."""
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for error in _validator().iter_errors(source.data):
        for leaf in _leaves(error):
            for problem in _describe(source, leaf):
                key = (problem.line, problem.message)
                if key not in seen:
                    seen.add(key)
                    problems.append(problem)
    return problems
