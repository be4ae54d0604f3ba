"""The JSON Schemas inside contract files: their ``$ref`` resolved within the contract set,
their validity as Draft 2020-12 schemas, and the one way to build a validator for them.

A contract promises that no run reads the network or a file outside the contract set because
of what a contract says. So every ``$ref`` is resolved when the contract is loaded, and the
typed model holds no ``$ref`` at all:

- ``#`` or ``#/a/b`` (a JSON pointer) names a part of the schema it is written in (the
  standard meaning: each schema block of a contract is a schema document of its own);
- ``file.yaml``, ``schemas/task.json#/properties/task``: a YAML or JSON file under the
  folder of the contract, read with the same limits as a contract file, and within it
  ``#/...`` names a part of that file.

Anything else (a URL, an absolute path, a path leaving the contract's folder, an anchor such
as ``#task``, ``$dynamicRef``, a ``$ref`` that leads back to itself) is a contract error at
its line. Validators are built by :func:`validator_of`, whose registry refuses to retrieve
any schema it was not given, so even a ``$ref`` that slipped through could not fetch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import referencing
import referencing.exceptions

from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.source import Source, parse_source, read_text

__all__ = [
    "MAX_REF_NODES",
    "embedded_problems",
    "outside_reason",
    "regex_repeats",
    "resolve_refs",
    "validator_of",
]

# what resolving every $ref may add to a contract, in schema values (a bound on "ref bombs"),
# and how many $ref may lead one to the next
MAX_REF_NODES = 10_000
MAX_REF_CHAIN = 32

JSONPath = list[str | int]

_SCHEMA = (
    *("additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"),
    *("unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema"),
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_REFUSED = ("$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _refuse(uri: str) -> referencing.Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


_NO_FETCH: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]


def validator_of(
    schema: Mapping[str, Any] | bool, formats: bool = False
) -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator for ``schema`` that never reads the network or a file: a
    ``$ref`` to anything outside ``schema`` is an error, not a download. With ``formats``,
    ``format`` is asserted (as it is for request fields)."""
    cls = jsonschema.Draft202012Validator
    checker = cls.FORMAT_CHECKER if formats else None
    root = dict(schema) if isinstance(schema, Mapping) else schema
    return cls(root, registry=_NO_FETCH, format_checker=checker)


def schema_blocks(data: Mapping[str, Any]) -> Iterator[JSONPath]:
    """Where a contract or errors file holds JSON Schemas (each a document of its own)."""
    if data.get("kind") == "errors":
        if "schema" in data:
            yield ["schema"]
        return
    request = data.get("request")
    if isinstance(request, Mapping):
        for name in request.get("params") or {}:
            yield ["request", "params", name]
        body = request.get("body")
        if isinstance(body, Mapping):
            yield ["request", "body"]
    responses = data.get("responses")
    if isinstance(responses, Mapping):
        for status, spec in responses.items():
            if status != "errors" and isinstance(spec, Mapping) and "schema" in spec:
                yield ["responses", status, "schema"]


def _get(data: Any, where: JSONPath) -> Any:
    for step in where:
        data = data[step]
    return data


def _set(data: Any, where: JSONPath, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``where`` (the containers on the way copied)."""
    if not where:
        return value
    head, rest = where[0], where[1:]
    if isinstance(data, list):
        out_list = list(data)
        out_list[int(head)] = _set(data[int(head)], rest, value)
        return out_list
    out = dict(data)
    out[str(head)] = _set(data[head], rest, value)
    return out


@dataclass(frozen=True)
class _Doc:
    """A schema document: its root, the file it is in, and where the root sits in that file."""

    source: Source
    root: Any
    at: JSONPath


class _Resolver:
    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.files: dict[Path, Source] = {}
        self.added = 0
        self.problems: list[Problem] = []

    def fail(self, doc: _Doc, where: JSONPath, message: str) -> bool:
        """Record a problem; the schema in its place (``true``) lets the others be checked."""
        line = doc.source.line([*doc.at, *where])
        self.problems.append(Problem(doc.source.path, line, message))
        return True

    def schema(self, doc: _Doc, node: Any, where: JSONPath, chain: tuple[str, ...]) -> Any:
        if not isinstance(node, dict):
            return node
        for key in _REFUSED:
            if key in node:
                self.fail(
                    doc,
                    [*where, key],
                    f"{key} is not supported in a contract; use $ref with a JSON pointer "
                    "(#/...) or a file under the contract's folder",
                )
        out: dict[str, Any] = {}
        for key, value in node.items():
            at = [*where, key]
            if key == "$ref":
                continue
            if key in _SCHEMA or key == "items":
                if isinstance(value, list):
                    out[key] = [self.schema(doc, v, [*at, i], chain) for i, v in enumerate(value)]
                else:
                    out[key] = self.schema(doc, value, at, chain)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(doc, v, [*at, i], chain) for i, v in enumerate(value)]
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.schema(doc, v, [*at, k], chain) for k, v in value.items()}
            else:
                out[key] = value
        if "$ref" not in node:
            return out
        target = self.ref(doc, node["$ref"], [*where, "$ref"], chain)
        if not out:
            return target
        # a $ref beside other keywords means both (as in Draft 2020-12)
        out["allOf"] = [target, *out.get("allOf", [])]
        return out

    def ref(self, doc: _Doc, ref: Any, at: JSONPath, chain: tuple[str, ...]) -> Any:
        if self.added > MAX_REF_NODES:
            return True  # reported once, where the bound was passed
        if not isinstance(ref, str):
            return self.fail(doc, at, f"$ref must be a string, not {ref!r}")
        file_part, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            return self.fail(
                doc,
                at,
                f"$ref {ref!r}: only JSON pointers (#/...) are supported after '#', not anchors",
            )
        target_doc = self.file_doc(doc, ref, file_part, at) if file_part else doc
        if not isinstance(target_doc, _Doc):
            return target_doc
        key = f"{target_doc.source.path.resolve()}#{'/'.join(map(str, target_doc.at))}#{fragment}"
        if key in chain:
            return self.fail(
                doc,
                at,
                f"$ref {ref!r} leads back to itself (a recursive schema); foxcontract "
                "needs schemas of bounded depth: write the recursion out to the depth needed",
            )
        if len(chain) >= MAX_REF_CHAIN:
            return self.fail(
                doc, at, f"$ref {ref!r}: more than {MAX_REF_CHAIN} $ref lead one to the next"
            )
        pointer = [unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")]
        node, where = target_doc.root, list[str | int]()
        for step in pointer[1:]:
            if isinstance(node, dict) and step in node:
                node, where = node[step], [*where, step]
            elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node, where = node[int(step)], [*where, int(step)]
            else:
                hint = did_you_mean(step, node) if isinstance(node, dict) else ""
                return self.fail(
                    doc, at, f"$ref {ref!r} points at nothing: no {step!r} there{hint}"
                )
        self.added += _count(node)
        if self.added > MAX_REF_NODES:
            return self.fail(
                doc,
                at,
                f"$ref values expand to more than {MAX_REF_NODES:,} schema values; "
                "a contract may not repeat that much through $ref",
            )
        return self.schema(target_doc, node, where, (*chain, key))

    def file_doc(self, doc: _Doc, ref: str, file_part: str, at: JSONPath) -> _Doc | bool:
        name = unquote(file_part)
        refused = outside_reason(doc.source.path.parent, name, self.folder)
        if refused is not None:
            return self.fail(doc, at, f"$ref {ref!r} is not allowed: {refused}")
        target = (doc.source.path.parent / name).resolve()
        if not target.is_file():
            return self.fail(doc, at, f"$ref {ref!r}: no such file {target}")
        source = self.files.get(target)
        if source is None:
            try:
                source = self.files[target] = parse_source(target, read_text(target))
            except ContractError as exc:
                self.problems += exc.problems
                return True
        return _Doc(source, source.data, [])


def outside_reason(base: Path, name: str, folder: Path) -> str | None:
    """Why a contract may not read the file ``name`` (relative to the folder ``base``), or
    ``None`` when it may: a contract reads only files under ``folder``, never a URL or an
    absolute path."""
    if _SCHEME.match(name) or name.startswith(("/", "\\")):
        return (
            "a contract may refer only to its own parts (#/...) or to files under its "
            "folder, never to a URL or an absolute path"
        )
    if not (base / name).resolve().is_relative_to(folder.resolve()):
        return f"it leaves the contract's folder ({folder.resolve()})"
    return None


def _count(node: Any) -> int:
    seen, stack = 0, [node]
    while stack:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return seen


def resolve_refs(source: Source) -> Source:
    """``source`` with every ``$ref`` of its schemas replaced by what it names; raises
    :class:`ContractError` at the line of a ``$ref`` that is not allowed or cannot be found."""
    resolver = _Resolver(source.path.parent)
    data = source.data
    for where in list(schema_blocks(source.data)):
        doc = _Doc(source, _get(source.data, where), where)
        data = _set(data, where, resolver.schema(doc, doc.root, [], ()))
    if resolver.problems:
        raise ContractError(resolver.problems)
    return replace(source, data=data)


def _meta() -> jsonschema.Draft202012Validator:
    return validator_of(jsonschema.Draft202012Validator.META_SCHEMA, formats=True)


def regex_repeats(pattern: str) -> tuple[int, bool]:
    """The largest minimum count of a repetition in ``pattern`` (``a{500}``: 500), and
    whether an unbounded repetition repeats nothing but a repetition of several lengths
    (``(a+)+``, ``(?:\\d*)*``), which can take exponential time to match. ``(0, False)`` for
    a pattern that does not compile (reported on its own)."""
    parser: Any = getattr(re, "_parser", None)
    constants: Any = getattr(re, "_constants", None)
    try:
        parsed = parser.parse(pattern)
        repeat_ops = (constants.MAX_REPEAT, constants.MIN_REPEAT)
    except Exception:  # an invalid pattern, or another Python's private parser
        return 0, False
    most, nested, stack = 0, False, [parsed]
    while stack:
        for op, av in stack.pop():
            if op in repeat_ops:
                most = max(most, av[0])
                inner = av[2]
                while len(inner) == 1 and inner[0][0] == constants.SUBPATTERN:
                    inner = inner[0][1][3]
                if av[1] == constants.MAXREPEAT and len(inner) == 1 and inner[0][0] in repeat_ops:
                    low, high = inner[0][1][0], inner[0][1][1]
                    nested = nested or low != high  # (a{2})+ is one way to match, (a+)+ many
            for part in av if isinstance(av, tuple | list) else ():
                if isinstance(part, parser.SubPattern):
                    stack.append(part)
                elif isinstance(part, list):
                    stack.extend(p for p in part if isinstance(p, parser.SubPattern))
    return int(most), nested


def _subschemas(root: Any, where: JSONPath) -> Iterator[tuple[JSONPath, dict[str, Any]]]:
    """Every schema (a mapping) in ``root``, with its path: the keywords that hold schemas are
    followed, data (``enum``, ``const``, ``default``, ``examples``) is not."""
    stack: list[tuple[Any, JSONPath]] = [(root, where)]
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
        yield at, node
        for key, value in node.items():
            if (key in _SCHEMA or key == "items" or key in _SCHEMA_LISTS) and isinstance(
                value, list
            ):
                stack.extend((v, [*at, key, i]) for i, v in enumerate(value))
            elif key in _SCHEMA or key == "items":
                stack.append((value, [*at, key]))
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                stack.extend((v, [*at, key, k]) for k, v in value.items())


_EXPONENTIAL = (
    "repeats a repetition (as in (a+)+), which can take exponential time to match; repeat once (a+)"
)


def embedded_problems(source: Source) -> list[Problem]:
    """Each way a schema block of ``source`` (refs resolved) is not a valid Draft 2020-12
    schema: a misspelt type, a pattern that does not compile, a range that is not a number."""
    meta = _meta()
    line = source.line
    out: list[Problem] = []
    for where in schema_blocks(source.data):
        for error in meta.iter_errors(_get(source.data, where)):
            path = [*where, *error.absolute_path]
            shown = ".".join(str(p) for p in path)
            message = error.message
            if error.validator == "format" and error.validator_value == "regex":
                try:
                    re.compile(str(error.instance))
                except re.error as exc:
                    message = f"{error.instance!r} is not a valid regular expression: {exc}"
            out.append(Problem(source.path, line(path), f"{shown}: {message}"))
        for at, schema in _subschemas(_get(source.data, where), list(where)):
            patterns = [([*at, "pattern"], schema.get("pattern"))]
            props = schema.get("patternProperties")
            patterns += [([*at, "patternProperties", k], k) for k in props or ()]
            for path, pattern in patterns:
                if isinstance(pattern, str) and regex_repeats(pattern)[1]:
                    shown = ".".join(str(p) for p in path)
                    message = f"{shown}: {pattern!r} {_EXPONENTIAL}"
                    out.append(Problem(source.path, line(path), message))
    return out
