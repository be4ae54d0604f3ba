"""Reading the provenance of a contract's facts: ``sources:``, every ``provenance:`` entry,
and the ``family_values:`` of each field.

An entry is ``{documented: <source id>, quote: <the page's words>}`` or ``{assumed: <why>}``,
either with an optional ``expect:`` entry for the answer to a body that breaks the fact. A
``provenance:`` mapping names its sibling keys (a field's keywords and ``required``, the
body's ``type``, each setting, a response's ``schema``/``content_type``/``headers``); a rule,
an error kind and a family value carry one entry. A fact without an entry is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from foxcontract.contract.errors import Problem, did_you_mean
from foxcontract.contract.meaning import VARIANT_FACTS, variant_fields
from foxcontract.contract.model import (
    MISSING,
    DocSource,
    FamilyName,
    FamilyValue,
    Provenance,
    Settings,
    json_key,
)
from foxcontract.contract.source import Source

__all__ = [
    "NEEDS",
    "SETTING_NAMES",
    "Provenances",
    "answer_of",
    "lacks_provenance",
    "read_provenances",
    "schema_fact",
]

JSONPath = list[str | int]
SETTING_NAMES = ("null_means_absent", "integral_floats", "field_violation", "malformed_request")
RESPONSE_KEYS = ("schema", "content_type", "headers")
ERRORS_FILE_KEYS = ("schema", "content_type")


@dataclass
class Provenances:
    """Every provenance of one endpoint contract and its errors file, by place."""

    sources: dict[str, DocSource] = field(default_factory=dict)
    fields: dict[str, dict[str, Provenance]] = field(default_factory=dict)
    family: dict[str, tuple[FamilyValue, ...]] = field(default_factory=dict)
    names: dict[str, tuple[FamilyName, ...]] = field(default_factory=dict)
    body: dict[str, Provenance] = field(default_factory=dict)
    rules: dict[int, Provenance] = field(default_factory=dict)
    settings: dict[str, Provenance] = field(default_factory=dict)
    responses: dict[str, dict[str, Provenance]] = field(default_factory=dict)
    kinds: dict[str, Provenance] = field(default_factory=dict)
    errors_file: dict[str, Provenance] = field(default_factory=dict)
    variants: dict[int, dict[str, Provenance]] = field(default_factory=dict)


class _Reader:
    """Reads the entries of one contract file ``src``; each problem found goes to
    ``problems`` at the ``file:line`` of its place (:meth:`problem`)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.problems: list[Problem] = []
        self.sources = self._sources()

    def _sources(self) -> dict[str, DocSource]:
        out: dict[str, DocSource] = {}
        for sid, spec in (self.src.data.get("sources") or {}).items():
            out[sid] = DocSource(sid, spec["title"], spec.get("url", ""), spec.get("copy", ""))
        return out

    def problem(self, at: JSONPath, message: str) -> None:
        self.problems.append(Problem(self.src.path, self.src.line(at), message))

    def entry(self, data: Mapping[str, Any], at: JSONPath) -> Provenance:
        answer = self.entry(data["expect"], [*at, "expect"]) if "expect" in data else None
        line = self.src.line(at)
        if "assumed" in data:
            return Provenance(False, str(data["assumed"]), line=line, answer=answer)
        sid = str(data["documented"])
        source = self.sources.get(sid)
        if source is None:
            known = ", ".join(self.sources) or "none"
            self.problem(
                [*at, "documented"],
                f"unknown source {sid!r}{did_you_mean(sid, self.sources)}; this file's "
                f"sources: {known} (add it under sources:)",
            )
        return Provenance(True, source=source, quote=str(data["quote"]), line=line, answer=answer)

    def mapping(
        self,
        data: Mapping[str, Any] | None,
        at: JSONPath,
        present: Iterable[str],
        what: str,
        possible: Iterable[str] = (),
    ) -> dict[str, Provenance]:
        """The entries of a ``provenance:`` mapping. A key naming no fact ``what`` has is an
        error, unless it is one of the ``possible`` facts (a keyword since deleted: its
        entry is ignored, so deleting a line of the contract is a one-line change)."""
        present = list(present)
        possible = set(possible)
        out: dict[str, Provenance] = {}
        for key, value in (data or {}).items():
            if key in present:
                out[key] = self.entry(value, [*at, key])
            elif key not in possible:
                shown = ", ".join(present) or "none"
                self.problem(
                    [*at, key],
                    f"provenance for {key!r}, which {what} does not have"
                    f"{did_you_mean(key, [*present, *possible])}; it can vouch for: {shown}",
                )
        return out


def _in_schema(schema: Any, key: str) -> bool:
    """Whether ``key`` (``schema.properties.results``) names a part of ``schema``."""
    if not key.startswith("schema."):
        return False
    node = schema
    for step in key.split(".")[1:]:
        if isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return False
    return True


def schema_fact(provenance: Mapping[str, Provenance], schema_path: Iterable[Any]) -> str:
    """The key of ``provenance`` that vouches for the part of a response schema at
    ``schema_path`` (a validation error's ``absolute_schema_path``): the longest one."""
    key, best = "schema", "schema"
    for step in schema_path:
        key = f"{key}.{step}"
        if key in provenance:
            best = key
    return best


NEEDS = (
    "needs its provenance: documented: <source id> with quote: <the page's words>, or "
    "assumed: <why>"
)
"""What a fact given inline (a family value or name, a lifecycle stance) lacks without one."""


def lacks_provenance(item: Mapping[str, Any]) -> bool:
    """Whether an inline fact lacks its provenance: ``documented`` with a ``quote``, or
    ``assumed``, exactly one of the two."""
    documented, assumed = "documented" in item, "assumed" in item
    return documented == assumed or (documented and "quote" not in item)


def _field_facts(schema: Mapping[str, Any], required: bool, keywords: Iterable[str]) -> list[str]:
    facts = [k for k in keywords if k in schema]
    if "default" in schema:
        facts.append("default")
    if required:
        facts.append("required")
    return facts


def _family(
    reader: _Reader, name: str, schema: Mapping[str, Any], at: JSONPath
) -> tuple[FamilyValue, ...]:
    out: list[FamilyValue] = []
    enum = schema.get("enum")
    allowed = {json_key(v) for v in enum} if enum is not None else set()
    for i, item in enumerate(schema.get("family_values") or []):
        where = [*at, "family_values", i]
        if lacks_provenance(item):
            reader.problem(where, f"family value {item.get('value')!r} of {name!r} {NEEDS}")
            continue
        if json_key(item["value"]) in allowed:
            reader.problem(
                where,
                f"family value {item['value']!r} of {name!r} is allowed by its enum; a family "
                "value is one this field must refuse",
            )
            continue
        spec = {k: v for k, v in item.items() if k != "value"}
        out.append(FamilyValue(item["value"], reader.entry(spec, where)))
    return tuple(out)


def _family_names(
    reader: _Reader, name: str, schema: Mapping[str, Any], at: JSONPath
) -> tuple[FamilyName, ...]:
    out: list[FamilyName] = []
    for i, item in enumerate(schema.get("family_names") or []):
        where = [*at, "family_names", i]
        other = item.get("name")
        if lacks_provenance(item):
            reader.problem(where, f"family name {other!r} of {name!r} {NEEDS}")
            continue
        if other == name:
            reader.problem(
                where,
                f"family name {other!r} of {name!r} is the field's own name; a family name is "
                "what the field is called elsewhere in the API family",
            )
            continue
        spec = {k: v for k, v in item.items() if k not in ("name", "value")}
        out.append(FamilyName(other, item.get("value", MISSING), reader.entry(spec, where)))
    return tuple(out)


def _variant_facts(body: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    """The facts of one variant: its values, each field it does not take (``fields`` for
    them all, ``fields.<name>`` for one), each field it requires, each default it sets."""
    own = set(variant_fields(dict(body), dict(spec)))
    foreign = [n for n in body["properties"] if n not in own]
    facts = ["values", *(["fields"] if foreign else []), *(f"fields.{n}" for n in foreign)]
    facts += [f"required.{n}" for n in spec.get("required", [])]
    facts += [f"defaults.{n}" for n in spec.get("defaults") or {}]
    return facts


def read_provenances(
    src: Source, errors: Source, keywords: Iterable[str]
) -> tuple[Provenances, list[Problem]]:
    """The provenances of ``src`` (an endpoint contract) and ``errors`` (its errors file),
    and every problem with them (unknown sources, entries for facts that do not exist)."""
    keywords = tuple(keywords)
    reader, ereader = _Reader(src), _Reader(errors)
    out = Provenances(sources=reader.sources)
    d = src.data
    body = d["request"].get("body")
    if body is not None:
        at: JSONPath = ["request", "body"]
        body_facts = ["type"] + (["additionalProperties"] if "additionalProperties" in body else [])
        out.body = reader.mapping(
            body.get("provenance"),
            [*at, "provenance"],
            body_facts,
            "body",
            ["additionalProperties"],
        )
        required = set(body.get("required", []))
        for name, schema in body["properties"].items():
            fat: JSONPath = [*at, "properties", name]
            facts = _field_facts(schema, name in required, keywords)
            out.fields[name] = reader.mapping(
                schema.get("provenance"),
                [*fat, "provenance"],
                facts,
                f"field {name!r}",
                (*keywords, "default", "required"),
            )
            out.family[name] = _family(reader, name, schema, fat)
            out.names[name] = _family_names(reader, name, schema, fat)
        for i, spec in enumerate(body.get("variants") or []):
            vat: JSONPath = [*at, "variants", i, "provenance"]
            out.variants[i] = reader.mapping(
                spec.get("provenance"),
                vat,
                _variant_facts(body, spec),
                f"variant {spec['name']!r}",
                # a fact since deleted (a field now taken, or no longer required): ignored
                [*VARIANT_FACTS, *(f"{k}.{n}" for k in VARIANT_FACTS for n in body["properties"])],
            )
    settings = d.get("settings") or {}
    out.settings = reader.mapping(
        settings.get("provenance"),
        ["settings", "provenance"],
        (*SETTING_NAMES, "answers"),
        "settings",
    )
    for i, rule in enumerate(d.get("rules") or []):
        if "provenance" in rule:
            out.rules[i] = reader.entry(rule["provenance"], ["rules", i, "provenance"])
    for status, spec in d["responses"].items():
        if status != "errors":
            rat: JSONPath = ["responses", status, "provenance"]
            facts = [k for k in RESPONSE_KEYS if k in spec]
            facts += [k for k in spec.get("provenance") or {} if _in_schema(spec["schema"], k)]
            out.responses[status] = reader.mapping(
                spec.get("provenance"), rat, facts, f"response {status}", RESPONSE_KEYS
            )
    for name, kind in errors.data["errors"].items():
        if "provenance" in kind:
            out.kinds[name] = ereader.entry(kind["provenance"], ["errors", name, "provenance"])
    efacts = [k for k in ERRORS_FILE_KEYS if k in errors.data]
    out.errors_file = ereader.mapping(
        errors.data.get("provenance"), ["provenance"], efacts, "the errors file", ERRORS_FILE_KEYS
    )
    return out, reader.problems + ereader.problems


def answer_of(entry: Provenance, kind: str, settings: Settings) -> Provenance:
    """The provenance of the answer to a body breaking a fact vouched for by ``entry``: its
    own ``expect:``; else, for a documented fact answered with the ``field_violation`` kind,
    that setting's; else the entry itself (an assumed fact makes an assumed answer, and a
    rule naming its own ``expect`` is vouched for as a whole)."""
    if entry.answer is not None:
        return entry.answer
    if entry.documented and kind == settings.field_violation:
        return settings.provenance_of("field_violation")
    return entry
